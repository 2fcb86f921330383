/**
 * One voice of a recording as its own audio file, for the player.
 *
 * A recorded call is one Opus track per side inside the recording, but a browser's `<video>`
 * plays only the first audio track of a file. So the player plays the file (video + the
 * first voice) and, beside it, an `<audio>` per further voice, kept in step with the video.
 * This module makes that `<audio>`'s file: the one track copied without re-encoding into an
 * audio-only WebM on the recording's own clock. Silence is filled in from 0 and in every
 * pause, so the file's time is the recording's time in any browser (a track that starts at
 * 5 s or pauses while muted would otherwise be shifted or shortened by some demuxers).
 *
 * Extracting reads the whole recording, so results are kept in a small cache (by file,
 * size and modification time; near-live snapshots are new files) and concurrent requests
 * for the same voice share one extraction.
 */
import path from 'node:path';
import {
  ALL_FORMATS,
  BufferTarget,
  EncodedAudioPacketSource,
  EncodedPacket,
  EncodedPacketSink,
  FilePathSource,
  Input,
  type Source,
  Output,
  WebMOutputFormat,
} from 'mediabunny';
import { opusDurationUs } from './RtpDepacketizer.ts';
import { DiskRecordingFiles, type RecordingFiles } from './storage/RecordingFiles.ts';

/** A recording to read: a path on disk, or a file of a store (disk or bucket). */
export type VoiceInput = string | { files: RecordingFiles; name: string };

function sourceOf(file: string | Source): Source {
  return typeof file === 'string' ? new FilePathSource(file) : file;
}

/**
 * 120 ms of Opus silence: TOC config 31 (CELT fullband, 20 ms), mono, code 3 with six
 * constant-size frames, each the two-byte silent CELT frame.
 */
const SILENCE_120MS = Uint8Array.from([0xfb, 0x06, 0xff, 0xfe, 0xff, 0xfe, 0xff, 0xfe, 0xff, 0xfe, 0xff, 0xfe, 0xff, 0xfe]);
/** The same, 20 ms: for what is left of a gap after the 120 ms packets. */
const SILENCE_20MS = Uint8Array.from([0xf8, 0xff, 0xfe]);
const US_120MS = 120_000;
const US_20MS = 20_000;
/** A gap shorter than this is left alone (a lost packet; the decoder conceals it). */
const MIN_FILL_US = US_20MS;

export class NoSuchVoiceError extends Error {
  constructor(readonly index: number) {
    super(`this recording has no voice track ${index}`);
    this.name = 'NoSuchVoiceError';
  }
}

/** How many audio (voice) tracks `file` holds. */
export async function countVoiceTracks(file: string | Source): Promise<number> {
  const input = new Input({ source: sourceOf(file), formats: ALL_FORMATS });
  try {
    return (await input.getAudioTracks()).length;
  } finally {
    input.dispose();
  }
}

/** Silence packets covering [fromUs, toUs), whole 20 ms steps only. */
function silence(fromUs: number, toUs: number): EncodedPacket[] {
  const out: EncodedPacket[] = [];
  let t = fromUs;
  while (toUs - t >= US_120MS) {
    out.push(new EncodedPacket(SILENCE_120MS, 'key', t / 1e6, US_120MS / 1e6));
    t += US_120MS;
  }
  while (toUs - t >= US_20MS) {
    out.push(new EncodedPacket(SILENCE_20MS, 'key', t / 1e6, US_20MS / 1e6));
    t += US_20MS;
  }
  return out;
}

/**
 * Audio track `index` (0-based, in file order) of `file` as an audio-only WebM, its packets
 * at the same times as in `file` and silence everywhere else from 0.
 */
export async function extractVoiceTrack(file: string | Source, index: number): Promise<Uint8Array> {
  const input = new Input({ source: sourceOf(file), formats: ALL_FORMATS });
  try {
    const track = (await input.getAudioTracks())[index];
    if (!track) throw new NoSuchVoiceError(index);
    const config = await track.getDecoderConfig();
    if (!config || track.codec !== 'opus') throw new Error(`voice track ${index} is ${track.codec ?? 'of an unknown codec'}, not Opus`);
    const target = new BufferTarget();
    const output = new Output({ format: new WebMOutputFormat(), target });
    const source = new EncodedAudioPacketSource('opus');
    output.addAudioTrack(source);
    await output.start();
    let endUs = 0;
    let isFirst = true;
    const add = async (p: EncodedPacket) => {
      await source.add(p, isFirst ? { decoderConfig: config } : undefined);
      isFirst = false;
    };
    for await (const p of new EncodedPacketSink(track).packets()) {
      const startUs = Math.round(p.timestamp * 1e6);
      if (startUs - endUs >= MIN_FILL_US) for (const s of silence(endUs, startUs)) await add(s);
      await add(p);
      endUs = Math.max(endUs, startUs + (opusDurationUs(p.data) ?? Math.round(p.duration * 1e6)));
    }
    await output.finalize();
    if (!target.buffer) throw new Error('the voice file was not written');
    return new Uint8Array(target.buffer);
  } finally {
    input.dispose();
  }
}

export interface VoiceTrackCacheOptions {
  /** Total bytes of extracted voices kept; the least recently used go first. */
  maxBytes?: number;
}

/** Extracted voices by file version, with in-flight extractions shared. */
export class VoiceTrackCache {
  private readonly maxBytes: number;
  private readonly done = new Map<string, Uint8Array>();
  private readonly pending = new Map<string, Promise<Uint8Array>>();
  private readonly counts = new Map<string, number>();
  private bytes = 0;

  constructor(o: VoiceTrackCacheOptions = {}) {
    this.maxBytes = o.maxBytes ?? 64 * 1024 * 1024;
  }

  /** Voice tracks in `file` (cached by its version). */
  async count(file: VoiceInput): Promise<number> {
    const v = await versionOf(file);
    const known = this.counts.get(v.key);
    if (known !== undefined) return known;
    const n = await countVoiceTracks(v.source());
    const key = v.key;
    if (this.counts.size > 256) this.counts.clear();
    this.counts.set(key, n);
    return n;
  }

  /** Voice `index` of `file` as an audio WebM; throws {@link NoSuchVoiceError} for a track it lacks. */
  async voice(file: VoiceInput, index: number): Promise<Uint8Array> {
    const v = await versionOf(file);
    const key = `${v.key}#${index}`;
    const hit = this.done.get(key);
    if (hit) {
      this.done.delete(key);
      this.done.set(key, hit);
      return hit;
    }
    const running = this.pending.get(key);
    if (running) return running;
    const job = extractVoiceTrack(v.source(), index)
      .then((bytes) => {
        this.keep(key, bytes);
        return bytes;
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, job);
    return job;
  }

  private keep(key: string, bytes: Uint8Array): void {
    if (bytes.byteLength > this.maxBytes) return;
    this.done.set(key, bytes);
    this.bytes += bytes.byteLength;
    for (const [k, v] of this.done) {
      if (this.bytes <= this.maxBytes) break;
      this.done.delete(k);
      this.bytes -= v.byteLength;
    }
  }
}

/** A cache key that changes with the file's content, and how to read that file. */
async function versionOf(file: VoiceInput): Promise<{ key: string; source: () => Source }> {
  const f = typeof file === 'string' ? { files: new DiskRecordingFiles(path.dirname(file)), name: path.basename(file) } : file;
  const stored = await f.files.stat(f.name);
  if (!stored) throw new Error(`no recording file ${f.name}`);
  return { key: `${f.files.kind}:${f.name}:${stored.version}`, source: () => f.files.source(f.name, stored.size) };
}
