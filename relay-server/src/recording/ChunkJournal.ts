/**
 * The crash-safe half of a recording: an append-only log of the encoded packets exactly as
 * they passed the relay, written while the session runs. A relay killed at any moment
 * leaves a log whose complete records are all usable; `RecordingMuxer` turns it into a
 * playable file at the end of the session, or at the next start after a crash.
 *
 * Layout (big-endian): the magic `BCL1`, then records of a 20-byte header and a payload:
 *
 *  offset size field
 *  0      1    type        1 meta (JSON), 2 track (JSON TrackSpec), 3 packet, 4 end, 5 clock (no payload),
 *                          6 audio (one Opus packet)
 *  1      1    track       track number (packets, audio and track records)
 *  2      1    flags       bit 0: keyframe
 *  3      1    reserved    0
 *  4      8    timeUs      µs (float64): packet capture time after the first packet; session end on
 *                          the media clock; clock: what to add to packet times to put them on it;
 *                          audio: its place on the media clock itself (clock records do not apply)
 *  12     4    length      payload bytes
 *  16     4    crc32       of the payload
 *
 * A track record is written before the track's first packet and again whenever its
 * parameters change. Clock records refine the customer-to-relay clock offset as better
 * samples arrive; the last one read applies to every packet. A record cut short by a crash,
 * or failing its CRC, ends the log there.
 *
 * Audio records (voice, issue 6) came later: the voice is timed on the relay's clock, not the
 * customer's capture clock, so it needs its own record type rather than a packet whose time
 * the video's clock offset would shift. Logs written before them hold types 1-5 only and
 * read exactly as before.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { z } from 'zod';
import { parseJson } from '@beacon/shared/parse';

export const CHUNK_LOG_MAGIC = Buffer.from('BCL1', 'latin1');
export const RECORD_HEADER_BYTES = 20;
/** Anything bigger is corruption, not a frame (the framing layer refuses frames over ~16 MB). */
export const MAX_RECORD_PAYLOAD = 32 * 1024 * 1024;
export const RECORD = { meta: 1, track: 2, packet: 3, end: 4, clock: 5, audio: 6 } as const;

/**
 * One track of a recording: the customer's screen (video), and each side of a voice call
 * (audio, Opus exactly as it passed the relay).
 */
export const TrackSpec = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('video'),
    /** WebCodecs codec string, as in `stream-config`. */
    codec: z.string().min(1).max(64),
    width: z.number().int().positive().max(16384),
    height: z.number().int().positive().max(16384),
  }),
  z.object({
    kind: z.literal('audio'),
    codec: z.literal('opus'),
    sampleRate: z.number().int().positive().max(192_000),
    channels: z.number().int().min(1).max(8),
  }),
]);
export type TrackSpec = z.infer<typeof TrackSpec>;

export const ChunkJournalMeta = z.object({ sessionId: z.string().min(1).max(64), startedAt: z.number().finite() });
export type ChunkJournalMeta = z.infer<typeof ChunkJournalMeta>;

export interface EncodedPacketRecord {
  track: number;
  isKey: boolean;
  timeUs: number;
  data: Uint8Array;
}

export type ChunkJournalRecord =
  | { type: 'meta'; meta: ChunkJournalMeta }
  | { type: 'track'; track: number; spec: TrackSpec }
  | ({ type: 'packet' } & EncodedPacketRecord)
  | { type: 'end'; timeUs: number }
  | { type: 'clock'; offsetUs: number }
  | ({ type: 'audio' } & AudioPacketRecord);

export interface AudioPacketRecord {
  track: number;
  /** On the media clock (µs after the session started), unlike video packet times. */
  timeUs: number;
  /** One Opus packet. */
  data: Uint8Array;
}

export function encodeRecord(type: number, track: number, isKey: boolean, timeUs: number, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.byteLength);
  out.writeUInt8(type, 0);
  out.writeUInt8(track, 1);
  out.writeUInt8(isKey ? 1 : 0, 2);
  out.writeUInt8(0, 3);
  out.writeDoubleBE(timeUs, 4);
  out.writeUInt32BE(payload.byteLength, 12);
  out.writeUInt32BE(crc32(payload), 16);
  out.set(payload, RECORD_HEADER_BYTES);
  return out;
}

const jsonBytes = (v: unknown): Buffer => Buffer.from(JSON.stringify(v), 'utf8');

export const FLUSH_INTERVAL_MS = 250;
/** Survives a power cut too, not only a killed process (which the OS page cache already covers). */
export const SYNC_INTERVAL_MS = 5000;
/** Above this much unwritten data the disk is not keeping up; recording stops, the session does not. */
export const MAX_PENDING_BYTES = 32 * 1024 * 1024;

export type ChunkJournalProblem = 'disk-error' | 'too-slow';

/**
 * Appends records in memory and writes them out in batches, so the live session never waits
 * on the disk. A write failure or a disk that falls too far behind is reported once through
 * `onProblem`; later appends are ignored.
 */
export class ChunkJournalWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private writing: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout;
  private lastSyncAt = 0;
  private isClosed = false;
  private hasFailed = false;
  private closing: Promise<void> | null = null;
  /** Bytes handed to the OS so far. */
  writtenBytes = 0;

  private constructor(
    private readonly fh: Promise<FileHandle | null>,
    private readonly onProblem: (problem: ChunkJournalProblem, detail: string) => void,
    private readonly now: () => number,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /**
   * Starts a new log (never overwriting a file) with the magic and the meta record. The file
   * opens in the background; records appended meanwhile wait in memory.
   */
  static create(path: string, meta: ChunkJournalMeta, onProblem: (problem: ChunkJournalProblem, detail: string) => void, now: () => number = Date.now): ChunkJournalWriter {
    let w: ChunkJournalWriter | null = null;
    const fh = open(path, 'wx').catch((err: unknown) => {
      w?.fail('disk-error', err instanceof Error ? err.message : String(err));
      return null;
    });
    w = new ChunkJournalWriter(fh, onProblem, now);
    w.push(Buffer.concat([CHUNK_LOG_MAGIC, encodeRecord(RECORD.meta, 0, false, 0, jsonBytes(meta))]));
    return w;
  }

  /**
   * Goes on with a journal another relay started (a session taken over, cluster/SessionFailover.ts):
   * its first `validBytes` (whole records, fetched from its copy) stay; records append after them.
   */
  static append(path: string, validBytes: number, onProblem: (problem: ChunkJournalProblem, detail: string) => void, now: () => number = Date.now): ChunkJournalWriter {
    let w: ChunkJournalWriter | null = null;
    const fh = open(path, 'a').catch((err: unknown) => {
      w?.fail('disk-error', err instanceof Error ? err.message : String(err));
      return null;
    });
    w = new ChunkJournalWriter(fh, onProblem, now);
    w.writtenBytes = validBytes;
    return w;
  }

  get failed(): boolean {
    return this.hasFailed;
  }

  track(track: number, spec: TrackSpec): void {
    this.push(encodeRecord(RECORD.track, track, false, 0, jsonBytes(spec)));
  }

  packet(p: EncodedPacketRecord): void {
    this.push(encodeRecord(RECORD.packet, p.track, p.isKey, p.timeUs, p.data));
  }

  end(timeUs: number): void {
    this.push(encodeRecord(RECORD.end, 0, false, timeUs, new Uint8Array(0)));
  }

  audio(p: AudioPacketRecord): void {
    this.push(encodeRecord(RECORD.audio, p.track, true, p.timeUs, p.data));
  }

  clock(offsetUs: number): void {
    this.push(encodeRecord(RECORD.clock, 0, false, offsetUs, new Uint8Array(0)));
  }

  /** Writes what is pending (one batch at a time). */
  flush(): Promise<void> {
    if (this.writing) return this.writing;
    if (this.pending.length === 0 || this.hasFailed) return Promise.resolve();
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.writing = (async () => {
      try {
        const fh = await this.fh;
        if (!fh) return;
        const { bytesWritten } = await fh.writev(batch);
        this.writtenBytes += bytesWritten;
        if (this.now() - this.lastSyncAt >= SYNC_INTERVAL_MS) {
          this.lastSyncAt = this.now();
          await fh.datasync();
        }
      } catch (err) {
        this.fail('disk-error', err instanceof Error ? err.message : String(err));
      } finally {
        this.writing = null;
      }
    })();
    return this.writing;
  }

  /** Idempotent: writes everything still pending, syncs and closes the file. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.isClosed = true;
      clearInterval(this.timer);
      while (this.writing || (this.pending.length > 0 && !this.hasFailed)) await this.flush();
      const fh = await this.fh;
      try {
        if (!this.hasFailed) await fh?.datasync();
      } catch (err) {
        this.fail('disk-error', err instanceof Error ? err.message : String(err));
      }
      await fh?.close().catch(() => undefined);
    })();
    return this.closing;
  }

  private push(buf: Buffer): void {
    if (this.isClosed || this.hasFailed) return;
    if (this.pendingBytes + buf.byteLength > MAX_PENDING_BYTES) {
      this.fail('too-slow', `more than ${MAX_PENDING_BYTES} bytes waiting for the disk`);
      return;
    }
    this.pending.push(buf);
    this.pendingBytes += buf.byteLength;
  }

  private fail(problem: ChunkJournalProblem, detail: string): void {
    if (this.hasFailed) return;
    this.hasFailed = true;
    this.pending = [];
    this.pendingBytes = 0;
    this.onProblem(problem, detail);
  }
}

const READ_BLOCK_BYTES = 1024 * 1024;

/**
 * Reads a chunk journal front to back without holding it in memory. After iterating,
 * `isTruncated` says whether it ended in a partial or corrupt record (a crash mid-write)
 * and `validBytes` how much of it was usable.
 */
export class ChunkJournalReader {
  isTruncated = false;
  problem: string | null = null;
  validBytes = 0;

  constructor(private readonly path: string) {}

  async *records(): AsyncGenerator<ChunkJournalRecord> {
    const fh = await open(this.path, 'r');
    try {
      let buf = Buffer.alloc(0);
      let pos = 0;
      let isEof = false;
      const fill = async (need: number): Promise<boolean> => {
        while (buf.byteLength < need && !isEof) {
          const block = Buffer.allocUnsafe(Math.max(READ_BLOCK_BYTES, need - buf.byteLength));
          const { bytesRead } = await fh.read(block, 0, block.byteLength, pos);
          if (bytesRead === 0) isEof = true;
          pos += bytesRead;
          buf = Buffer.concat([buf, block.subarray(0, bytesRead)]);
        }
        return buf.byteLength >= need;
      };
      if (!(await fill(CHUNK_LOG_MAGIC.byteLength)) || !buf.subarray(0, 4).equals(CHUNK_LOG_MAGIC)) {
        this.stop('not a chunk journal (bad magic)');
        return;
      }
      buf = buf.subarray(4);
      this.validBytes = 4;
      for (;;) {
        if (!(await fill(RECORD_HEADER_BYTES))) {
          if (buf.byteLength > 0) this.stop('cut short inside a record header');
          return;
        }
        const type = buf.readUInt8(0);
        const track = buf.readUInt8(1);
        const isKey = (buf.readUInt8(2) & 1) === 1;
        const timeUs = buf.readDoubleBE(4);
        const length = buf.readUInt32BE(12);
        const crc = buf.readUInt32BE(16);
        if (type < RECORD.meta || type > RECORD.audio || length > MAX_RECORD_PAYLOAD || !Number.isFinite(timeUs)) {
          this.stop(`corrupt record header at byte ${this.validBytes}`);
          return;
        }
        if (!(await fill(RECORD_HEADER_BYTES + length))) {
          this.stop('cut short inside a record');
          return;
        }
        const payload = buf.subarray(RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + length);
        if (crc32(payload) !== crc) {
          this.stop(`checksum mismatch at byte ${this.validBytes}`);
          return;
        }
        buf = buf.subarray(RECORD_HEADER_BYTES + length);
        const rec = this.decode(type, track, isKey, timeUs, payload);
        if (!rec) return;
        this.validBytes += RECORD_HEADER_BYTES + length;
        yield rec;
      }
    } finally {
      await fh.close();
    }
  }

  private decode(type: number, track: number, isKey: boolean, timeUs: number, payload: Buffer): ChunkJournalRecord | null {
    switch (type) {
      case RECORD.meta: {
        const r = parseJson(ChunkJournalMeta, payload.toString('utf8'), 'chunk journal meta');
        if (!r.ok) return this.stop(r.error.message);
        return { type: 'meta', meta: r.value };
      }
      case RECORD.track: {
        const r = parseJson(TrackSpec, payload.toString('utf8'), 'chunk journal track');
        if (!r.ok) return this.stop(r.error.message);
        return { type: 'track', track, spec: r.value };
      }
      case RECORD.packet:
        // A copy: the read buffer is reused for the next records.
        return { type: 'packet', track, isKey, timeUs, data: new Uint8Array(payload) };
      case RECORD.end:
        return { type: 'end', timeUs };
      case RECORD.audio:
        return { type: 'audio', track, timeUs, data: new Uint8Array(payload) };
      default:
        return { type: 'clock', offsetUs: timeUs };
    }
  }

  private stop(problem: string): null {
    this.isTruncated = true;
    this.problem = problem;
    return null;
  }
}
