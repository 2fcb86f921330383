/**
 * The start-up probe: what the customer's link to the relay carries, learnt before the stream
 * has shown it (protocol: `link-probe`, capability `link-probe`).
 *
 * Why: the first frames are small, and a link's shaper lets a small burst through at once (a
 * token bucket), so their acknowledgements make a 20 kB/s link look fast; start-up then grew
 * the target to the top and the first full-size keyframe took seconds on that link. A still
 * screen, on the other hand, sends too little to prove a fast link at all.
 *
 * How: once the first frame is acknowledged, probes of padding go out one at a time, 4 kB and
 * doubling. The time from handing a probe to the channel to the relay's acknowledgement bounds
 * its transfer time from above, so what crossed the link meanwhile (the probe, and the frames
 * the agent acknowledged in that time: they shared the link) over that time is a lower bound
 * of the link's rate. The train ends with a verdict:
 *
 * - `fast`: a probe proved the stream's full rate: start-up grows as it always did;
 * - `measured`: a probe took long enough to be the link's doing (not the round trip or a busy
 *   machine) and went no faster than the one before, half its size: the link is full at that
 *   rate, and the stream starts from it;
 * - `lower-bound`: the train ran out of size or time first: start-up may go to twice it.
 *
 * While the train runs, start-up holds its target: a quick probe says nothing yet (a burst passes
 * at once), and on a LAN the first probe already proves the full rate, one round trip later.
 *
 * Pure: time is passed in.
 */

import { MAX_PROBE_PIECE_BYTES, MAX_PROBE_PIECES, type LinkProbeCtlToRelay } from '@beacon/shared/protocol';

export const FIRST_PROBE_BYTES = 4 * 1024;
export const MAX_PROBE_BYTES = 128 * 1024;
/** A probe that took at least this long measured the link (shorter is the round trip, a burst or the machine). */
export const LINK_LIMITED_MS = 250;
/** A probe twice the size of the one before that was not at least this much faster: the link is full. */
const GROWTH = 1.5;
/** A probe not acknowledged in this long ends the train (a stalled link, an old relay). */
export const PROBE_TIMEOUT_MS = 3000;
/** The whole train stops after this long. */
const TRAIN_MS = 2500;

export type ProbeVerdict = { kind: 'fast' } | { kind: 'measured'; bytesPerSec: number } | { kind: 'lower-bound'; bytesPerSec: number };

interface Pending {
  id: number;
  bytes: number;
  sentAt: number;
  /** The stream's acknowledged bytes when the probe went out. */
  ackedBefore: number;
}

export class LinkProbe {
  private pending: Pending | null = null;
  private lastRate: number | null = null;
  private nextBytes = FIRST_PROBE_BYTES;
  private nextId = 1;
  private trainStartedAt: number | null = null;
  private result: ProbeVerdict | null = null;
  private isOff = false;

  /** `maxBps`: the most the stream will ever want (a probe proving it ends the train). `isOn`: false for a stream that never probes. */
  constructor(
    private maxBps: number,
    isOn = true,
  ) {
    this.isOff = !isOn;
  }

  get verdict(): ProbeVerdict | null {
    return this.result;
  }

  /** Probing is over (a verdict, or it cannot be done). */
  get isDone(): boolean {
    return this.result !== null || this.isOff;
  }

  setMaxBps(maxBps: number): void {
    this.maxBps = maxBps;
  }

  /** The relay cannot answer probes (it does not speak `link-probe`): start-up goes on without. */
  turnOff(): void {
    this.isOff = true;
    this.pending = null;
  }

  /** Bytes of the probe to send now (0: none). `mayStart`: the stream's first frame was acknowledged. */
  due(now: number, mayStart: boolean): number {
    if (this.isDone) return 0;
    if (this.pending) {
      if (now - this.pending.sentAt >= PROBE_TIMEOUT_MS) this.finish(this.pending.bytes, now - this.pending.sentAt);
      return 0;
    }
    if (!mayStart && this.trainStartedAt === null) return 0;
    return this.nextBytes;
  }

  /**
   * The probe of `bytes` went to the channel; its ID, for the acknowledgement. `acked`: the
   * stream's frame bytes acknowledged so far (a running count), here and in {@link onAck}.
   */
  onSent(bytes: number, now: number, acked: number): number {
    const id = this.nextId++;
    this.pending = { id, bytes, sentAt: now, ackedBefore: acked };
    this.trainStartedAt ??= now;
    return id;
  }

  /** The relay acknowledged probe `id`. */
  onAck(id: number, now: number, acked: number): void {
    const p = this.pending;
    if (!p || p.id !== id || this.isDone) return;
    this.pending = null;
    const ms = Math.max(1, now - p.sentAt);
    const rate = ((p.bytes + Math.max(0, acked - p.ackedBefore)) * 1000) / ms;
    const before = this.lastRate;
    this.lastRate = rate;
    if (rate * 8 >= this.maxBps) {
      this.result = { kind: 'fast' };
      return;
    }
    if (ms >= LINK_LIMITED_MS && before !== null && rate < before * GROWTH) {
      this.result = { kind: 'measured', bytesPerSec: rate };
      return;
    }
    const isOutOfTime = this.trainStartedAt !== null && now - this.trainStartedAt >= TRAIN_MS;
    if (p.bytes * 2 > MAX_PROBE_BYTES || isOutOfTime) return this.finish(p.bytes, ms);
    this.nextBytes = p.bytes * 2;
  }

  /**
   * The most start-up may grow the target to (bits per second), or null for no limit: 0 (hold)
   * while the train runs, the measured rate, or twice a lower bound.
   */
  ceilingBps(): number | null {
    const r = this.result;
    if (this.isOff || r?.kind === 'fast') return null;
    if (!r) return 0;
    return r.bytesPerSec * 8 * (r.kind === 'measured' ? 1 : 2);
  }

  private finish(bytes: number, ms: number): void {
    this.pending = null;
    const rate = (bytes * 1000) / Math.max(1, ms);
    // A probe that took long was the link's doing; a quick one only shows the link carries at least that.
    this.result = ms >= LINK_LIMITED_MS ? { kind: 'measured', bytesPerSec: rate } : { kind: 'lower-bound', bytesPerSec: rate };
  }
}

/**
 * Probe `id` of `bytes` as ctl pieces of about `pieceBytes` of padding each (a media fragment's
 * size: the link's other channels get their turns between them), within the protocol's limits.
 */
export function probePieces(sessionId: string, id: number, bytes: number, pieceBytes: number): LinkProbeCtlToRelay[] {
  const size = Math.min(MAX_PROBE_PIECE_BYTES, Math.max(1, pieceBytes, Math.ceil(bytes / MAX_PROBE_PIECES)));
  const pieces = Math.ceil(bytes / size);
  return Array.from({ length: pieces }, (_, piece) => ({ type: 'link-probe' as const, sessionId, id, piece, pieces, pad: '.'.repeat(Math.min(size, bytes - piece * size)) }));
}
