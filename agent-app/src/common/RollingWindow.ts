/**
 * Sums of samples over the last `windowMs` (default one second): frames drawn per second,
 * media bytes per second. Samples must be added in time order; old ones are pruned lazily,
 * so the cost per sample stays constant whatever the frame rate.
 */
export const DEFAULT_WINDOW_MS = 1000;

export class RollingWindow {
  private readonly times: number[] = [];
  private readonly values: number[] = [];
  private head = 0;
  private total = 0;

  constructor(private readonly windowMs = DEFAULT_WINDOW_MS) {}

  add(value: number, now: number): void {
    this.prune(now);
    this.times.push(now);
    this.values.push(value);
    this.total += value;
  }

  /** Sum of the values added in the last window, ending at `now`. */
  sum(now: number): number {
    this.prune(now);
    return this.total;
  }

  /** Number of samples added in the last window, ending at `now`. */
  count(now: number): number {
    this.prune(now);
    return this.times.length - this.head;
  }

  clear(): void {
    this.times.length = 0;
    this.values.length = 0;
    this.head = 0;
    this.total = 0;
  }

  private prune(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.head < this.times.length && (this.times[this.head] as number) <= cutoff) {
      this.total -= this.values[this.head] as number;
      this.head++;
    }
    // Compact now and then instead of shifting on every sample.
    if (this.head > 256 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.values.splice(0, this.head);
      this.head = 0;
    }
    if (this.head === this.times.length) this.total = 0; // no float drift once empty
  }
}

/** Bytes received in a one-second window -> kilobits per second, rounded. */
export function kbpsFromBytesPerSecond(bytes: number, windowMs = DEFAULT_WINDOW_MS): number {
  return Math.round((bytes * 8) / windowMs);
}

/**
 * The median of the latest round-trip samples, so one slow ping does not make the status
 * line jump. Keeps at most `size` samples.
 */
export class LatencyTracker {
  private readonly samples: number[] = [];

  constructor(private readonly size = 5) {}

  add(rttMs: number): void {
    if (!Number.isFinite(rttMs) || rttMs < 0) return;
    this.samples.push(rttMs);
    if (this.samples.length > this.size) this.samples.shift();
  }

  /** Median round trip in ms, or null before the first sample. */
  get medianMs(): number | null {
    if (this.samples.length === 0) return null;
    const sorted = [...this.samples].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    const value = sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
    return value;
  }

  clear(): void {
    this.samples.length = 0;
  }
}
