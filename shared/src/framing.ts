/**
 * Binary media framing on the `media` data channel.
 *
 * Every message is one fragment of one encoded frame: a fixed 24-byte header, then up to
 * `MAX_FRAGMENT_BYTES - HEADER_BYTES` bytes of payload. Big-endian throughout.
 *
 *  offset size field
 *  0      1    magic        0xB7 (anything else is refused)
 *  1      1    flags        bit 0: keyframe; other bits 0
 *  2      2    fragIndex    0-based
 *  4      2    fragCount    >= 1
 *  6      2    reserved     0
 *  8      4    stream       relay-assigned stream ID of the session
 *  12     4    seq          frame sequence number, +1 per encoded frame, wraps at 2^32
 *  16     8    captureTs    capture time, epoch milliseconds (float64, sub-ms precision)
 *
 * Order: a sender sends each frame's fragments in index order, back to back, and the `media`
 * channel is reliable and ordered, so they arrive that way. The relay holds senders to it
 * (version 3 on): fragment 0 starts a frame (a frame left unfinished is abandoned); a fragment
 * that does not continue the frame in progress is dropped with the rest of its frame (a frame
 * whose fragment 0 was not seen is dropped), the sender gets a ctl `error`, and the stream
 * resumes at the next keyframe. A frame is complete when all of its fragments have arrived; a
 * frame that stops arriving (no fragment of it for a while, see {@link Reassembler}) is dropped.
 *
 * Fragments may be smaller than the maximum: on a slow link the sender cuts frames finer so a
 * ctl message (a pong, a consent answer) never waits behind a long media message on the same
 * SCTP association (one message is sent whole before another stream gets its turn).
 */
export const MAGIC = 0xb7;
export const HEADER_BYTES = 24;
export const MAX_FRAGMENT_BYTES = 16 * 1024;
export const MAX_PAYLOAD_BYTES = MAX_FRAGMENT_BYTES - HEADER_BYTES;
/** A frame split into more fragments than this (about 16 MB) is refused as hostile. */
export const MAX_FRAGMENTS = 1024;
/** The smallest payload a sender cuts to: about one SCTP packet's worth with the header. */
export const MIN_PAYLOAD_BYTES = 1000;

export interface FrameHeader {
  isKey: boolean;
  fragIndex: number;
  fragCount: number;
  stream: number;
  seq: number;
  captureTs: number;
}

export class FramingError extends Error {
  readonly code = 'bad-message' as const;
  constructor(message: string) {
    super(message);
    this.name = 'FramingError';
  }
}

export function writeHeader(target: Uint8Array, h: FrameHeader): void {
  const v = new DataView(target.buffer, target.byteOffset, HEADER_BYTES);
  v.setUint8(0, MAGIC);
  v.setUint8(1, h.isKey ? 1 : 0);
  v.setUint16(2, h.fragIndex);
  v.setUint16(4, h.fragCount);
  v.setUint16(6, 0);
  v.setUint32(8, h.stream >>> 0);
  v.setUint32(12, h.seq >>> 0);
  v.setFloat64(16, h.captureTs);
}

/** Parses and validates a fragment header. Throws {@link FramingError} on anything malformed. */
export function readHeader(msg: Uint8Array): FrameHeader {
  if (msg.byteLength < HEADER_BYTES) throw new FramingError(`fragment shorter than header (${msg.byteLength} bytes)`);
  if (msg.byteLength > MAX_FRAGMENT_BYTES) throw new FramingError(`fragment larger than ${MAX_FRAGMENT_BYTES} bytes`);
  const v = new DataView(msg.buffer, msg.byteOffset, HEADER_BYTES);
  if (v.getUint8(0) !== MAGIC) throw new FramingError('bad magic');
  const flags = v.getUint8(1);
  if (flags & ~1) throw new FramingError('unknown flags');
  const fragIndex = v.getUint16(2);
  const fragCount = v.getUint16(4);
  if (fragCount < 1 || fragCount > MAX_FRAGMENTS || fragIndex >= fragCount) {
    throw new FramingError(`bad fragment ${fragIndex}/${fragCount}`);
  }
  const captureTs = v.getFloat64(16);
  if (!Number.isFinite(captureTs)) throw new FramingError('bad timestamp');
  return { isKey: (flags & 1) === 1, fragIndex, fragCount, stream: v.getUint32(8), seq: v.getUint32(12), captureTs };
}

/**
 * Splits one encoded frame into framed fragments of at most `maxPayload` payload bytes
 * (clamped to {@link MIN_PAYLOAD_BYTES}..{@link MAX_PAYLOAD_BYTES}, and raised if the frame
 * would otherwise need more than {@link MAX_FRAGMENTS}).
 */
export function fragmentFrame(
  data: Uint8Array,
  meta: { isKey: boolean; stream: number; seq: number; captureTs: number },
  maxPayload: number = MAX_PAYLOAD_BYTES,
): Uint8Array[] {
  const wanted = Math.min(MAX_PAYLOAD_BYTES, Math.max(MIN_PAYLOAD_BYTES, Math.floor(maxPayload)));
  const payload = Math.min(MAX_PAYLOAD_BYTES, Math.max(wanted, Math.ceil(data.byteLength / MAX_FRAGMENTS)));
  const fragCount = Math.max(1, Math.ceil(data.byteLength / payload));
  if (fragCount > MAX_FRAGMENTS) throw new FramingError(`frame of ${data.byteLength} bytes is too large`);
  const out: Uint8Array[] = [];
  for (let i = 0; i < fragCount; i++) {
    const chunk = data.subarray(i * payload, Math.min(data.byteLength, (i + 1) * payload));
    const msg = new Uint8Array(HEADER_BYTES + chunk.byteLength);
    writeHeader(msg, { ...meta, fragIndex: i, fragCount });
    msg.set(chunk, HEADER_BYTES);
    out.push(msg);
  }
  return out;
}

export interface AssembledFrame {
  stream: number;
  seq: number;
  isKey: boolean;
  captureTs: number;
  data: Uint8Array;
}

interface Pending {
  header: FrameHeader;
  parts: (Uint8Array | undefined)[];
  received: number;
  bytes: number;
  /** When the frame's latest fragment arrived: a frame is dropped when it stops arriving, not when it is slow. */
  lastAt: number;
}

/** Link rate is measured over windows of about this long. */
const RATE_WINDOW_MS = 500;
/** A frame may go this many of its fragments' transfer times (at the measured rate) without a new fragment. */
const STALL_FRAGMENTS = 4;

export interface ReassemblerOptions {
  /**
   * An incomplete frame with no new fragment for this long is dropped; on a slow link the
   * allowance grows to a few fragments' transfer time at the measured rate.
   */
  timeoutMs?: number;
  /** At most this many frames are assembled at once per reassembler; the oldest is dropped. */
  maxPending?: number;
  now?: () => number;
}

/**
 * Rebuilds frames from fragments. The wire delivers them in order (see the file comment); this
 * receiver does not rely on it, so it also rebuilds a frame whose fragments came in another
 * order. Duplicate fragments are ignored, and a fragment whose header disagrees with its
 * frame's first fragment is refused.
 */
export class Reassembler {
  private readonly pending = new Map<string, Pending>();
  private readonly timeoutMs: number;
  private readonly maxPending: number;
  private readonly now: () => number;
  /** Frames dropped because they did not complete in time (or were pushed out). */
  droppedFrames = 0;
  /** The header of the latest fragment pushed (null before the first). */
  lastHeader: FrameHeader | null = null;
  /** Measured arrival rate, bytes per second (0: not measured yet). */
  private rateBytesPerSec = 0;
  private windowStart: number | null = null;
  private windowBytes = 0;
  private largestFragment = 0;

  constructor(opts: ReassemblerOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 1000;
    this.maxPending = opts.maxPending ?? 8;
    this.now = opts.now ?? (() => Date.now());
  }

  /** Adds one fragment; returns the frame it completes, if any. Throws {@link FramingError}. */
  push(msg: Uint8Array): AssembledFrame | null {
    const h = readHeader(msg);
    this.lastHeader = h;
    const now = this.now();
    this.measure(msg.byteLength, now);
    this.expire(now);
    const payload = msg.subarray(HEADER_BYTES);
    if (h.fragCount === 1) {
      return { stream: h.stream, seq: h.seq, isKey: h.isKey, captureTs: h.captureTs, data: payload.slice() };
    }
    const key = `${h.stream}:${h.seq}`;
    let p = this.pending.get(key);
    if (!p) {
      if (this.pending.size >= this.maxPending) this.dropOldest();
      p = { header: h, parts: new Array(h.fragCount), received: 0, bytes: 0, lastAt: now };
      this.pending.set(key, p);
    } else if (p.header.fragCount !== h.fragCount || p.header.isKey !== h.isKey || p.header.captureTs !== h.captureTs) {
      throw new FramingError(`fragment ${h.fragIndex} disagrees with frame ${key}`);
    }
    if (p.parts[h.fragIndex]) return null;
    p.lastAt = now;
    p.parts[h.fragIndex] = payload.slice();
    p.received++;
    p.bytes += payload.byteLength;
    if (p.received < h.fragCount) return null;
    this.pending.delete(key);
    const data = new Uint8Array(p.bytes);
    let off = 0;
    for (const part of p.parts) {
      data.set(part as Uint8Array, off);
      off += (part as Uint8Array).byteLength;
    }
    return { stream: h.stream, seq: h.seq, isKey: h.isKey, captureTs: h.captureTs, data };
  }

  /**
   * How long an incomplete frame may go without a new fragment: the configured timeout, or a
   * few fragments' transfer time at the measured rate if that is longer (a slow link).
   */
  get stallTimeoutMs(): number {
    if (this.rateBytesPerSec <= 0) return this.timeoutMs;
    return Math.max(this.timeoutMs, (STALL_FRAGMENTS * this.largestFragment * 1000) / this.rateBytesPerSec);
  }

  /** The measured arrival rate in bytes per second (0 until measured). */
  get rate(): number {
    return this.rateBytesPerSec;
  }

  /** Drops incomplete frames that stopped arriving. Called on every push; call it from a timer too. */
  expire(now = this.now()): void {
    const stallMs = this.stallTimeoutMs;
    for (const [key, p] of this.pending) {
      if (now - p.lastAt > stallMs) {
        this.pending.delete(key);
        this.droppedFrames++;
      }
    }
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  clear(): void {
    this.pending.clear();
  }

  /**
   * Arrival rate over windows of about RATE_WINDOW_MS. A window that saw a long silence
   * (an idle link, a still screen) says nothing about the link's rate and is not counted.
   */
  private measure(bytes: number, now: number): void {
    this.largestFragment = Math.max(this.largestFragment, bytes);
    if (this.windowStart === null || now - this.windowStart > 4 * RATE_WINDOW_MS) {
      this.windowStart = now;
      this.windowBytes = bytes;
      return;
    }
    this.windowBytes += bytes;
    const elapsed = now - this.windowStart;
    if (elapsed < RATE_WINDOW_MS) return;
    const sample = (this.windowBytes * 1000) / elapsed;
    this.rateBytesPerSec = this.rateBytesPerSec > 0 ? this.rateBytesPerSec * 0.5 + sample * 0.5 : sample;
    this.windowStart = now;
    this.windowBytes = 0;
  }

  private dropOldest(): void {
    const first = this.pending.keys().next();
    if (!first.done) {
      this.pending.delete(first.value);
      this.droppedFrames++;
    }
  }
}
