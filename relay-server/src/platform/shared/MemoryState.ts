/**
 * SharedState kept in this process: what one relay uses when no Redis is configured (today's
 * behaviour: nothing leaves the process).
 */
import type { Clock } from '../clock.ts';
import { RateLimiter, type RateLimit } from '../RateLimiter.ts';
import { Channels, type MessageListener, type SharedLimiter, type SharedState } from './SharedState.ts';

/** Expired entries are swept once this many are held, so idle keys cannot grow memory forever. */
const SWEEP_THRESHOLD = 10_000;

class MemoryLimiter implements SharedLimiter {
  private readonly inner: RateLimiter;

  constructor(
    readonly limit: RateLimit,
    now: Clock,
  ) {
    this.inner = new RateLimiter(limit, now);
  }

  count(key: string): Promise<number> {
    return Promise.resolve(this.inner.count(key));
  }

  isLimited(key: string): Promise<boolean> {
    return Promise.resolve(this.inner.isLimited(key));
  }

  record(key: string): Promise<number> {
    return Promise.resolve(this.inner.record(key));
  }

  reset(key: string): Promise<void> {
    this.inner.reset(key);
    return Promise.resolve();
  }

  lastAt(key: string): Promise<number | null> {
    return Promise.resolve(this.inner.lastAt(key));
  }

  retryAt(key: string): Promise<number | null> {
    return Promise.resolve(this.inner.retryAt(key));
  }
}

export class MemoryState implements SharedState {
  readonly isShared = false;
  private readonly values = new Map<string, { value: string; until: number }>();
  private readonly sets = new Map<string, Map<string, number>>();
  private readonly channels = new Channels();
  private readonly limiters = new Map<string, MemoryLimiter>();

  constructor(
    private readonly now: Clock = Date.now,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** One per name, as Redis keeps one set of keys per name. */
  limiter(name: string, limit: RateLimit): SharedLimiter {
    let l = this.limiters.get(name);
    if (!l) {
      l = new MemoryLimiter(limit, this.now);
      this.limiters.set(name, l);
    }
    return l;
  }

  put(key: string, value: string, ttlMs: number): Promise<void> {
    this.values.set(key, { value, until: this.now() + ttlMs });
    if (this.values.size > SWEEP_THRESHOLD) this.sweep();
    return Promise.resolve();
  }

  get(key: string): Promise<string | null> {
    return Promise.resolve(this.live(key));
  }

  claim(key: string, value: string, ttlMs: number): Promise<string> {
    const held = this.live(key);
    if (held !== null && held !== value) return Promise.resolve(held);
    return this.put(key, value, ttlMs).then(() => value);
  }

  delete(key: string, value?: string): Promise<void> {
    if (value === undefined || this.live(key) === value) this.values.delete(key);
    return Promise.resolve();
  }

  join(key: string, member: string, ttlMs: number): Promise<number> {
    const set = this.sets.get(key) ?? new Map<string, number>();
    set.set(member, this.now() + ttlMs);
    this.sets.set(key, set);
    return this.members(key);
  }

  leave(key: string, member: string): Promise<number> {
    this.sets.get(key)?.delete(member);
    return this.members(key);
  }

  members(key: string): Promise<number> {
    const set = this.sets.get(key);
    if (!set) return Promise.resolve(0);
    const t = this.now();
    for (const [m, until] of set) if (until <= t) set.delete(m);
    if (set.size === 0) this.sets.delete(key);
    return Promise.resolve(set.size);
  }

  publish(channel: string, message: string): Promise<void> {
    // Delivered on a later turn, as Redis would.
    queueMicrotask(() => this.channels.tell(channel, message, this.onError));
    return Promise.resolve();
  }

  subscribe(channel: string, listener: MessageListener): Promise<() => void> {
    const { remove } = this.channels.add(channel, listener);
    return Promise.resolve(() => void remove());
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private live(key: string): string | null {
    const e = this.values.get(key);
    if (!e) return null;
    if (e.until > this.now()) return e.value;
    this.values.delete(key);
    return null;
  }

  private sweep(): void {
    for (const key of [...this.values.keys()]) this.live(key);
  }
}
