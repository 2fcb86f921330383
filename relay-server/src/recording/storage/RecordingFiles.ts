/**
 * Where finished recordings are kept: the relay's disk (the default) or an S3-compatible
 * bucket (S3RecordingFiles.ts). Everything that reads, serves or deletes a finished recording
 * goes through this interface, so playback, downloads (HTTP Range), voice extraction and
 * retention work the same on both.
 *
 * The chunk journal of a live session is always written to the relay's disk first (its
 * scratch folder); with a bucket it is also copied there as it grows (`journals`), so a relay
 * that dies loses only the last seconds and any relay can finalise what it left.
 */
import { createReadStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { FilePathSource, type Source } from 'mediabunny';
import type { ByteRange } from '../RangeFile.ts';
import type { JournalStore } from './JournalStore.ts';

export interface StoredFile {
  size: number;
  /** Changes whenever the content may have (cache keys). */
  version: string;
}

export interface RecordingFiles {
  readonly kind: 'disk' | 's3';
  /** Takes the finished local file `localPath` as `name`; the local file is gone afterwards. */
  put(name: string, localPath: string, contentType: string): Promise<void>;
  /** Size and version of `name`, or null if there is no such file. */
  stat(name: string): Promise<StoredFile | null>;
  /** Bytes `range.start` to `range.end` (inclusive) of `name`. */
  read(name: string, range: ByteRange): Promise<Readable>;
  /** A random-access source for the media library (voice tracks), of a file of `size` bytes. */
  source(name: string, size: number): Source;
  /** Idempotent. */
  remove(name: string): Promise<void>;
  /** Copies of live chunk journals off this machine (null: the disk is the only copy). */
  readonly journals: JournalStore | null;
  /** Releases connections (idempotent). */
  close(): void;
}

/** A name this store accepts: one plain file name, never a path. */
export function checkName(name: string): string {
  if (!/^[A-Za-z0-9_.-]{1,128}$/.test(name) || name.startsWith('.')) throw new Error(`not a recording file name: ${name}`);
  return name;
}

/** Recordings as files in one folder of the relay's disk. */
export class DiskRecordingFiles implements RecordingFiles {
  readonly kind = 'disk';
  readonly journals = null;

  constructor(readonly dir: string) {}

  pathOf(name: string): string {
    return path.join(this.dir, checkName(name));
  }

  async put(name: string, localPath: string): Promise<void> {
    await rename(localPath, this.pathOf(name));
  }

  async stat(name: string): Promise<StoredFile | null> {
    try {
      const s = await stat(this.pathOf(name));
      return { size: s.size, version: `${s.size}:${s.mtimeMs}` };
    } catch {
      return null;
    }
  }

  async read(name: string, range: ByteRange): Promise<Readable> {
    return createReadStream(this.pathOf(name), { start: range.start, end: range.end });
  }

  source(name: string): Source {
    return new FilePathSource(this.pathOf(name));
  }

  async remove(name: string): Promise<void> {
    await rm(this.pathOf(name), { force: true });
  }

  close(): void {}
}
