/**
 * State several relays must share: failure counters behind rate limits and lockouts, short-lived
 * values (locks, which relay holds a device), counted members (agent presence) and messages
 * between relays. `MemoryState` keeps it in this process (one relay, the default);
 * `RedisState` keeps it in Redis (BEACON_REDIS_URL), where every operation is atomic.
 *
 * Keys are namespaced by the caller (`code:device:…`); times are the relay's clock, in epoch ms.
 */
import type { RateLimit } from '../RateLimiter.ts';

/** A sliding-window failure counter per key (RateLimiter's meaning), shared by every relay. */
export interface SharedLimiter {
  readonly limit: RateLimit;
  /** Failures for `key` still inside the window. */
  count(key: string): Promise<number>;
  isLimited(key: string): Promise<boolean>;
  /** Records one failure; returns the count inside the window including this one. */
  record(key: string): Promise<number>;
  reset(key: string): Promise<void>;
  /** When the latest failure inside the window was recorded, or null if there is none. */
  lastAt(key: string): Promise<number | null>;
  /** When the oldest failure that keeps the key limited leaves the window (epoch ms), or null if not limited. */
  retryAt(key: string): Promise<number | null>;
}

/** RateLimiter's `retryAt` from the failure times inside the window (oldest first). */
export function retryAtOf(times: readonly number[], limit: RateLimit): number | null {
  if (times.length < limit.max) return null;
  const first = times[times.length - limit.max];
  return first === undefined ? null : first + limit.windowMs;
}

export type MessageListener = (message: string) => void;

export interface SharedState {
  /** Whether relays share it (Redis) or it is this process's own (memory). */
  readonly isShared: boolean;
  /** A limiter named `name` (its keys live apart from every other limiter's). */
  limiter(name: string, limit: RateLimit): SharedLimiter;
  /** Sets `key` to `value` for `ttlMs`. */
  put(key: string, value: string, ttlMs: number): Promise<void>;
  get(key: string): Promise<string | null>;
  /** Sets `key` to `value` for `ttlMs` unless another value holds it (one atomic step); returns the value that holds it now. */
  claim(key: string, value: string, ttlMs: number): Promise<string>;
  /** Deletes `key`, only while it still holds `value` when given (so a newer owner's entry stays). */
  delete(key: string, value?: string): Promise<void>;
  /** Adds `member` to the set `key`, alive for `ttlMs` unless added again; returns the live members' count. */
  join(key: string, member: string, ttlMs: number): Promise<number>;
  /** Removes `member`; returns the live members' count. */
  leave(key: string, member: string): Promise<number>;
  members(key: string): Promise<number>;
  /** Tells every relay (this one too) subscribed to `channel`. */
  publish(channel: string, message: string): Promise<void>;
  /** Returns the unsubscribe. */
  subscribe(channel: string, listener: MessageListener): Promise<() => void>;
  close(): Promise<void>;
}

/** Listeners per channel, for both implementations. */
export class Channels {
  private readonly byChannel = new Map<string, Set<MessageListener>>();

  add(channel: string, listener: MessageListener): { isFirst: boolean; remove: () => boolean } {
    let set = this.byChannel.get(channel);
    const isFirst = !set;
    if (!set) {
      set = new Set();
      this.byChannel.set(channel, set);
    }
    set.add(listener);
    return {
      isFirst,
      remove: () => {
        set.delete(listener);
        if (set.size > 0) return false;
        this.byChannel.delete(channel);
        return true;
      },
    };
  }

  tell(channel: string, message: string, onError: (err: unknown) => void): void {
    for (const l of [...(this.byChannel.get(channel) ?? [])]) {
      try {
        l(message);
      } catch (err) {
        onError(err);
      }
    }
  }
}
