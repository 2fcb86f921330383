/**
 * Recordings in an S3-compatible bucket, through the official AWS SDK: finished files go up as
 * multipart uploads and are served with ranged GETs (playback, downloads, voice tracks); live
 * chunk journals are copied as numbered chunk objects (JournalStore.ts).
 *
 * Keys, under the configured prefix: `<name>` for finished files (`<session>.webm|mp4`),
 * `journals/<session>/<seq, 8 digits>.bcl` for journal chunks and `journals/<session>/alive`
 * for a live journal's heartbeat.
 */
import { createReadStream } from 'node:fs';
import { appendFile, rm, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
  type _Object,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { CustomSource, type Source } from 'mediabunny';
import type { Logger } from '../../platform/logger.ts';
import type { ByteRange } from '../RangeFile.ts';
import { JournalShipper, type ContinuedCopy, type JournalFollower, type JournalStore } from './JournalStore.ts';
import { checkName, type RecordingFiles, type StoredFile } from './RecordingFiles.ts';
import type { S3Settings } from './s3Settings.ts';

export function s3Client(s: S3Settings): S3Client {
  return new S3Client({
    region: s.region,
    forcePathStyle: s.forcePathStyle,
    ...(s.endpoint ? { endpoint: s.endpoint } : {}),
    ...(s.credentials ? { credentials: s.credentials } : {}),
    // Checksums only where S3 requires them: many S3-compatible stores reject the SDK's newer
    // default (flexible checksums on every upload); objects are still MD5/ETag-checked.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  });
}

const PART_BYTES = 8 * 1024 * 1024;
const CHUNK_KEY = /\/(\d{8})\.bcl$/;

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

export class S3RecordingFiles implements RecordingFiles {
  readonly kind = 's3';
  readonly journals: JournalStore;

  private readonly client: S3Client;

  constructor(
    private readonly s: S3Settings,
    log: Logger,
  ) {
    this.client = s3Client(s);
    this.journals = new S3Journals(this, log);
  }

  close(): void {
    this.client.destroy();
  }

  key(name: string): string {
    return `${this.s.prefix}${name}`;
  }

  async put(name: string, localPath: string, contentType: string): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.s.bucket, Key: this.key(checkName(name)), Body: createReadStream(localPath), ContentType: contentType },
      partSize: PART_BYTES,
      queueSize: 2,
    });
    await upload.done();
    await rm(localPath, { force: true });
  }

  async stat(name: string): Promise<StoredFile | null> {
    try {
      const h = await this.client.send(new HeadObjectCommand({ Bucket: this.s.bucket, Key: this.key(checkName(name)) }));
      return { size: h.ContentLength ?? 0, version: `${h.ContentLength ?? 0}:${h.ETag ?? ''}` };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async read(name: string, range: ByteRange): Promise<Readable> {
    const body = await this.getBody(this.key(checkName(name)), range);
    return body instanceof Readable ? body : Readable.from(await body.transformToByteArray());
  }

  source(name: string, size: number): Source {
    const key = this.key(checkName(name));
    return new CustomSource({
      getSize: () => size,
      // mediabunny asks for [start, end), end exclusive.
      read: async (start, end) => (await this.getBody(key, { start, end: end - 1 })).transformToByteArray(),
      prefetchProfile: 'network',
    });
  }

  async remove(name: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.s.bucket, Key: this.key(checkName(name)) }));
  }

  /** Puts a small object in one request. */
  async putBytes(key: string, bytes: Uint8Array): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.s.bucket, Key: key, Body: bytes }));
  }

  async getBytes(key: string): Promise<Uint8Array> {
    return (await this.getBody(key, null)).transformToByteArray();
  }

  /** Every object under `prefix` (all pages). */
  async list(prefix: string): Promise<_Object[]> {
    const out: _Object[] = [];
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.s.bucket, Prefix: prefix })) out.push(...(page.Contents ?? []));
    return out;
  }

  async removeKeys(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000).map((Key) => ({ Key }));
      await this.client.send(new DeleteObjectsCommand({ Bucket: this.s.bucket, Delete: { Objects: batch, Quiet: true } }));
    }
  }

  private async getBody(key: string, range: ByteRange | null) {
    const r = await this.client.send(new GetObjectCommand({ Bucket: this.s.bucket, Key: key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }));
    if (!r.Body) throw new Error(`no body for ${key}`);
    return r.Body;
  }
}

/** Live chunk journals as numbered chunk objects (see JournalStore.ts). */
class S3Journals implements JournalStore {
  constructor(
    private readonly files: S3RecordingFiles,
    private readonly log: Logger,
  ) {}

  private dir(sessionId: string): string {
    return this.files.key(`journals/${checkName(sessionId)}/`);
  }

  follow(sessionId: string, localPath: string, writtenBytes: () => number, from?: ContinuedCopy): JournalFollower {
    const dir = this.dir(sessionId);
    return new JournalShipper({
      ...(from ? { from } : {}),
      localPath,
      writtenBytes,
      putChunk: (seq, bytes) => this.files.putBytes(`${dir}${String(seq).padStart(8, '0')}.bcl`, bytes),
      heartbeat: () => this.files.putBytes(`${dir}alive`, new Uint8Array(0)),
      onError: (err) => this.log.warn('recording journal not copied to the bucket (retrying)', { sessionId, err: err instanceof Error ? err.message : String(err) }),
    });
  }

  async lastShippedAt(sessionId: string): Promise<number | null> {
    const objects = await this.files.list(this.dir(sessionId));
    if (objects.length === 0) return null;
    return Math.max(...objects.map((o) => o.LastModified?.getTime() ?? 0));
  }

  async fetch(sessionId: string, localPath: string): Promise<number | null> {
    return (await this.fetchChunks(sessionId, localPath))?.bytes ?? null;
  }

  async fetchChunks(sessionId: string, localPath: string): Promise<ContinuedCopy | null> {
    const chunks = (await this.files.list(this.dir(sessionId)))
      .map((o) => ({ key: o.Key ?? '', seq: Number(CHUNK_KEY.exec(o.Key ?? '')?.[1] ?? -1) }))
      .filter((c) => c.seq >= 0)
      .sort((a, b) => a.seq - b.seq);
    if (chunks.length === 0) return null;
    await writeFile(localPath, new Uint8Array(0), { flag: 'wx' });
    let bytes = 0;
    let seq = 0;
    // Only the unbroken run from chunk 0: what follows a missing chunk cannot be placed.
    for (const [i, c] of chunks.entries()) {
      if (c.seq !== i) break;
      const data = await this.files.getBytes(c.key);
      await appendFile(localPath, data);
      bytes += data.byteLength;
      seq = i + 1;
    }
    return { seq, bytes };
  }

  async remove(sessionId: string): Promise<void> {
    const keys = (await this.files.list(this.dir(sessionId))).map((o) => o.Key).filter((k): k is string => !!k);
    await this.files.removeKeys(keys);
  }
}
