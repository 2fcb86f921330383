/**
 * How fast one viewer's media channel drains, and so how much may wait in it before the
 * forwarder skips deltas (see MediaForwarder).
 *
 * A fixed high-water mark fits no link: 1 MB is 50 s of picture for a supervisor on a 20 kB/s
 * link, who would then watch the customer's screen of a minute ago. The mark follows the
 * viewer's measured rate instead: about {@link QUEUE_TARGET_MS} of it, plus room for the last
 * keyframe (the deltas right behind a keyframe must not be skipped while it drains, or the
 * viewer never gets past a keyframe bigger than its target).
 *
 * The rate is learnt only from intervals in which the channel stayed busy (bytes waiting at
 * both ends): a channel that empties is app-limited, and what it carried then says only that
 * the link can do at least that much (it may raise the rate, never lower it). Until a busy
 * interval is seen the mark is the forwarder's fixed one, so a fast viewer is never held
 * back by a guess.
 */
export const QUEUE_TARGET_MS = 1000;
/** The mark never goes below this: a few small frames, and a channel's normal jitter. */
export const MIN_HIGH_WATER_BYTES = 32 * 1024;
/** Bytes waiting that count as "busy" (below this the channel may have emptied in between). */
const BUSY_BYTES = 4 * 1024;
/** Samples are taken at most this often (a rate from a few ms is noise). */
const SAMPLE_INTERVAL_MS = 250;
/** Weight of a new busy sample. */
const ALPHA = 0.3;

export class ViewerDrain {
  /** Bytes per second, from busy intervals; null until one was seen. */
  private rate: number | null = null;
  private lastAt: number | null = null;
  private lastSent = 0;
  private lastBuffered = 0;
  private lastKeyBytes = 0;

  /** Called as a frame starts: `sent` is every byte handed to the channel so far. */
  sample(now: number, sent: number, buffered: number): void {
    if (this.lastAt === null) {
      this.mark(now, sent, buffered);
      return;
    }
    const ms = now - this.lastAt;
    if (ms < SAMPLE_INTERVAL_MS) return;
    const drained = sent - this.lastSent - (buffered - this.lastBuffered);
    const wasBusy = this.lastBuffered >= BUSY_BYTES && buffered >= BUSY_BYTES;
    this.mark(now, sent, buffered);
    if (drained < 0) return; // the buffer's level was not ours to explain (a channel replaced)
    const bps = (drained * 1000) / ms;
    if (wasBusy) this.rate = this.rate === null ? bps : this.rate + ALPHA * (bps - this.rate);
    else if (this.rate !== null && bps > this.rate) this.rate = bps;
  }

  /** A keyframe of `bytes` was forwarded: deltas may queue behind it while it drains. */
  onKey(bytes: number): void {
    this.lastKeyBytes = bytes;
  }

  /** The most that may wait in the channel before deltas are skipped. */
  highWater(fixed: number): number {
    if (this.rate === null) return fixed;
    const target = Math.max(MIN_HIGH_WATER_BYTES, (this.rate * QUEUE_TARGET_MS) / 1000);
    return Math.min(fixed, target + this.lastKeyBytes);
  }

  /** The measured rate in bytes per second (null: not measured busy yet). */
  get bytesPerSecond(): number | null {
    return this.rate;
  }

  private mark(now: number, sent: number, buffered: number): void {
    this.lastAt = now;
    this.lastSent = sent;
    this.lastBuffered = buffered;
  }
}
