/**
 * Sliding-window failure counter per key (a login, an address, a device ID). Only
 * failures are recorded; callers ask `isLimited` before doing the work, so the attempt
 * after the limit is refused whatever it carries.
 */
import type { Clock } from './clock.ts';

export interface RateLimit {
  /** How many failures the window may hold before the key is limited. */
  max: number;
  windowMs: number;
}

/** Forget idle keys once this many are tracked, so a spray of addresses cannot grow memory forever. */
const PRUNE_THRESHOLD = 10_000;

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    readonly limit: RateLimit,
    private readonly now: Clock = Date.now,
  ) {}

  /** Failures for `key` still inside the window. */
  count(key: string): number {
    return this.recent(key).length;
  }

  isLimited(key: string): boolean {
    return this.count(key) >= this.limit.max;
  }

  /** Records one failure; returns the count inside the window including this one. */
  record(key: string): number {
    const list = this.recent(key);
    list.push(this.now());
    this.hits.set(key, list);
    if (this.hits.size > PRUNE_THRESHOLD) this.prune();
    return list.length;
  }

  /** When the latest failure inside the window was recorded, or null if there is none. */
  lastAt(key: string): number | null {
    return this.recent(key).at(-1) ?? null;
  }

  /** When the oldest failure in the window leaves it (epoch ms), or null if not limited. */
  retryAt(key: string): number | null {
    const list = this.recent(key);
    if (list.length < this.limit.max) return null;
    const first = list[list.length - this.limit.max];
    return first === undefined ? null : first + this.limit.windowMs;
  }

  reset(key: string): void {
    this.hits.delete(key);
  }

  prune(): void {
    for (const key of [...this.hits.keys()]) {
      if (this.recent(key).length === 0) this.hits.delete(key);
    }
  }

  private recent(key: string): number[] {
    const list = this.hits.get(key);
    if (!list) return [];
    const cutoff = this.now() - this.limit.windowMs;
    let i = 0;
    while (i < list.length && (list[i] as number) <= cutoff) i++;
    if (i > 0) list.splice(0, i);
    if (list.length === 0) this.hits.delete(key);
    return list;
  }
}
