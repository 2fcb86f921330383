/** Percentile by nearest rank on a copy; NaN for no samples. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return percentileSorted(sorted, p);
}

/** Same as {@link percentile} on an already sorted array (no copy). */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Percentiles 0, 1, ... 100 (101 values), or none for no samples: enough to draw a distribution. */
export function quantiles(values: readonly number[]): number[] {
  if (!values.length) return [];
  const sorted = [...values].sort((a, b) => a - b);
  return Array.from({ length: 101 }, (_, p) => round1(percentileSorted(sorted, p)));
}

export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
}

/**
 * How old the picture on the viewer's screen is, averaged over time: each drawn frame shows
 * its glass-to-glass latency when drawn and ages until the next frame replaces it. Unlike the
 * per-frame percentiles it counts the wait between frames, so a viewer drawing twice as
 * often shows a younger picture. Intervals starting at a frame without a reading are left
 * out. NaN for fewer than two frames.
 */
export function shownAgeMs(frames: readonly { at: number; latency?: number | undefined }[]): number {
  let area = 0;
  let span = 0;
  for (let i = 0; i + 1 < frames.length; i++) {
    const a = frames[i]!;
    const dt = frames[i + 1]!.at - a.at;
    if (a.latency === undefined || !(dt >= 0)) continue;
    area += dt * (a.latency + dt / 2);
    span += dt;
  }
  return span > 0 ? area / span : Number.NaN;
}

/**
 * The longest time nothing was drawn: the biggest gap between consecutive draw times (epoch
 * ms, any order), counting the gap from the last draw to `end`. NaN when nothing was drawn.
 */
export function longestGapMs(drawnAt: readonly number[], end: number): number {
  if (!drawnAt.length) return Number.NaN;
  const sorted = [...drawnAt].sort((a, b) => a - b);
  let longest = Math.max(0, end - sorted[sorted.length - 1]!);
  for (let i = 1; i < sorted.length; i++) longest = Math.max(longest, sorted[i]! - sorted[i - 1]!);
  return longest;
}

export const round1 = (v: number): number => Math.round(v * 10) / 10;
export const round2 = (v: number): number => Math.round(v * 100) / 100;

/**
 * Counts of samples in fixed-width buckets, so load generators can report millions of
 * latencies as a few hundred numbers and the suite can merge them exactly per bucket.
 */
export class Histogram {
  readonly counts: number[];
  overflow = 0;
  total = 0;
  max = 0;

  constructor(
    readonly bucketMs: number,
    readonly buckets: number,
  ) {
    this.counts = new Array<number>(buckets).fill(0);
  }

  add(v: number): void {
    this.total++;
    if (v > this.max) this.max = v;
    const i = Math.floor(Math.max(0, v) / this.bucketMs);
    if (i >= this.buckets) this.overflow++;
    else this.counts[i]!++;
  }

  merge(counts: readonly number[], overflow: number, max: number): void {
    for (let i = 0; i < Math.min(counts.length, this.buckets); i++) this.counts[i]! += counts[i]!;
    this.overflow += overflow;
    this.total += counts.reduce((a, b) => a + b, 0) + overflow;
    if (max > this.max) this.max = max;
  }

  /** The upper edge of the bucket holding the p-th percentile (a bound, never an underestimate). */
  percentile(p: number): number {
    if (!this.total) return Number.NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < this.buckets; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return (i + 1) * this.bucketMs;
    }
    return this.max;
  }

  reset(): void {
    this.counts.fill(0);
    this.overflow = 0;
    this.total = 0;
    this.max = 0;
  }
}
