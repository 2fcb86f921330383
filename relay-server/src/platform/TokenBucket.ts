/**
 * A token bucket: up to `burst` units at once, refilled at `perSecond`. Callers take a cost
 * (1 per message, or bytes) before doing the work; an empty bucket says no. It keeps two
 * numbers and reads the clock only when asked, so one per party costs nothing while idle.
 */
import type { Clock } from './clock.ts';

export interface BucketSize {
  /** Units that may be spent at once after a quiet spell. */
  burst: number;
  /** Units added back per second, up to `burst`: the sustained rate. */
  perSecond: number;
}

export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    readonly size: BucketSize,
    private readonly now: Clock = Date.now,
  ) {
    this.tokens = size.burst;
    this.at = now();
  }

  /** Takes `cost` units if the bucket holds that many; false (and nothing taken) if not. */
  take(cost = 1): boolean {
    const t = this.now();
    this.tokens = Math.min(this.size.burst, this.tokens + (Math.max(0, t - this.at) * this.size.perSecond) / 1000);
    this.at = t;
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }
}
