/**
 * The steps the stream moves along as the link's bitrate changes, without a reconnect:
 * bitrate first (every step), then frame rate, then the encoded size (1280x720 -> 960x540 ->
 * 640x360 of a 720p screen; the agent's input still maps to the whole screen).
 *
 * Per quality mode:
 * - speed first: the least delay and data; gives up size before frame rate. A `balanced`
 *   session on a link under about 1 Mbit/s runs this ladder too (the default users of this
 *   product class expect on slow links).
 * - balanced: 30 fps on a good link.
 * - quality first: keeps the full size (sharp text) longest and gives up frames first.
 *
 * Going down is immediate once the target is clearly under the step ({@link DOWN_MARGIN});
 * going up needs the target, averaged over a few seconds, clearly above the next step
 * ({@link UP_MARGIN}) and a while since the last change ({@link UP_HOLD_MS}), so the
 * picture never flips between sizes (each size change costs a keyframe).
 */
import type { QualityMode } from '@beacon/shared/protocol';

export interface Rung {
  /** The rung is used from this share of the mode's full bitrate for the screen (see bitrateFor) up. */
  minShare: number;
  fps: number;
  /** Encoded size relative to the captured one. */
  scale: number;
}

const LADDERS: Readonly<Record<QualityMode, readonly Rung[]>> = {
  speed: [
    { minShare: 0.75, fps: 60, scale: 1 },
    { minShare: 0.35, fps: 30, scale: 1 },
    { minShare: 0.175, fps: 20, scale: 0.75 },
    { minShare: 0, fps: 15, scale: 0.5 },
  ],
  balanced: [
    { minShare: 0.5, fps: 30, scale: 1 },
    { minShare: 0.25, fps: 20, scale: 1 },
    { minShare: 0.125, fps: 12, scale: 0.75 },
    { minShare: 0, fps: 10, scale: 0.5 },
  ],
  quality: [
    { minShare: 0.4, fps: 20, scale: 1 },
    { minShare: 0.133, fps: 10, scale: 1 },
    { minShare: 0.06, fps: 6, scale: 0.75 },
    { minShare: 0, fps: 5, scale: 0.5 },
  ],
};

/** Below this link rate, `balanced` behaves as speed first. */
export const SLOW_LINK_BPS = 1_000_000;
export const UP_MARGIN = 1.25;
export const UP_HOLD_MS = 5000;
/**
 * After the encoded size went down, it goes up again only this much later (the frame rate may
 * go up meanwhile): each size change costs a keyframe, and on a 1 Mbit/s link the size flipped
 * 720p -> 540p -> 720p within 13 s, the probing target crossing the step both ways.
 */
export const SIZE_HOLD_MS = 10_000;
/** Down only once the target is clearly under the rung (the rate controller's probing dips are not). */
export const DOWN_MARGIN = 0.85;
/** Going up follows the target averaged over about this long, not its peaks. */
const SMOOTHING_MS = 1500;

/**
 * The ladder a mode runs on a link of `linkBps` (see the file comment). `wasSlow`: the link
 * counted as slow until now; it must then reach {@link UP_MARGIN} times the limit to count as fast.
 */
export function effectiveMode(mode: QualityMode, linkBps: number, wasSlow = false): QualityMode {
  const limit = wasSlow ? SLOW_LINK_BPS * UP_MARGIN : SLOW_LINK_BPS;
  return mode === 'balanced' && linkBps < limit ? 'speed' : mode;
}

export function rungsOf(mode: QualityMode): readonly Rung[] {
  return LADDERS[mode];
}

/** An even encoded size for `scale` of the captured size (codecs want even dimensions). */
export function scaledSize(width: number, height: number, scale: number): { width: number; height: number } {
  const even = (n: number) => Math.max(16, 2 * Math.round((n * scale) / 2));
  return { width: even(width), height: even(height) };
}

export class Ladder {
  private index: number;
  private changedAt: number;
  private mode: QualityMode;
  private smoothed: number;
  private smoothedAt: number;
  private maxBps: number;
  /** When the encoded size last went down (see SIZE_HOLD_MS). */
  private shrankAt = Number.NEGATIVE_INFINITY;

  /** `maxBps`: the mode's full bitrate for this screen; the rungs are shares of it. */
  constructor(mode: QualityMode, targetBps: number, maxBps: number, now: number) {
    this.mode = mode;
    this.maxBps = maxBps;
    this.index = this.fitFor(targetBps);
    this.changedAt = now;
    this.smoothed = targetBps;
    this.smoothedAt = now;
  }

  get rung(): Rung {
    return rungsOf(this.mode)[this.index] as Rung;
  }

  /** Whether the stream runs below the mode's top rung (the agent is told: slow connection). */
  get isSteppedDown(): boolean {
    return this.index > 0;
  }

  get ladderMode(): QualityMode {
    return this.mode;
  }

  /** The target averaged over a few seconds. */
  get smoothedBps(): number {
    return this.smoothed;
  }

  /**
   * Moves to the rung for `targetBps` (down at once, up with margin and hold; `isFastUp`, while
   * the link is first being measured: up at once); returns it. `mayShrink` false: a step down
   * keeps the encoded size (only the frame rate goes down): nothing was held back for the link
   * lately, so a smaller picture would save nothing, and a new size costs a keyframe.
   */
  update(mode: QualityMode, targetBps: number, maxBps: number, now: number, isFastUp = false, mayShrink = true): Rung {
    this.maxBps = maxBps;
    const dt = Math.max(0, now - this.smoothedAt);
    this.smoothed += (targetBps - this.smoothed) * (1 - Math.exp(-dt / SMOOTHING_MS));
    this.smoothedAt = now;
    if (isFastUp) this.smoothed = targetBps;
    if (mode !== this.mode) {
      const scale = this.rung.scale;
      this.mode = mode;
      this.index = this.fitFor(Math.min(targetBps, this.smoothed));
      while (!mayShrink && this.index > 0 && (rungsOf(mode)[this.index] as Rung).scale < scale) this.index--;
      if (this.rung.scale < scale) this.shrankAt = now;
      this.changedAt = now;
      return this.rung;
    }
    const fit = this.fitFor(targetBps);
    if (fit > this.index) {
      if (targetBps >= this.minBpsOf(this.rung) * DOWN_MARGIN) return this.rung;
      const rungs = rungsOf(this.mode);
      let to = fit;
      while (!mayShrink && to > this.index && (rungs[to] as Rung).scale !== this.rung.scale) to--;
      if (to === this.index) return this.rung;
      if ((rungs[to] as Rung).scale < this.rung.scale) this.shrankAt = now;
      this.index = to;
      this.changedAt = now;
    } else if (fit < this.index && (isFastUp || now - this.changedAt >= UP_HOLD_MS)) {
      let up = isFastUp ? fit : Math.max(fit, this.fitFor(this.smoothed / UP_MARGIN));
      // A larger size within SIZE_HOLD_MS of giving one up: only the frame rate goes up.
      const rungs = rungsOf(this.mode);
      while (!isFastUp && up < this.index && now - this.shrankAt < SIZE_HOLD_MS && (rungs[up] as Rung).scale > this.rung.scale) up++;
      if (up < this.index) {
        this.index = up;
        this.changedAt = now;
      }
    }
    return this.rung;
  }

  private minBpsOf(r: Rung): number {
    return r.minShare * this.maxBps;
  }

  private fitFor(targetBps: number): number {
    const rungs = rungsOf(this.mode);
    // A hair of tolerance: a target clamped to the full bitrate counts as reaching the top rung.
    const i = rungs.findIndex((r) => targetBps >= this.minBpsOf(r) * 0.999);
    return i < 0 ? rungs.length - 1 : i;
  }
}
