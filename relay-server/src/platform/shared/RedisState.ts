/**
 * SharedState in Redis (BEACON_REDIS_URL): every relay of a cluster sees the same counters,
 * values and members. Each change is one atomic step: a Lua script (run whole, nothing of
 * another client in between) or a single command. Sliding windows are sorted sets scored by
 * the failure's time; every key expires once nothing in it can matter any more.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from '../clock.ts';
import type { RateLimit } from '../RateLimiter.ts';
import { connectRedis } from './redisUrl.ts';
import { Channels, retryAtOf, type MessageListener, type SharedLimiter, type SharedState } from './SharedState.ts';

/** KEYS[1] window; ARGV now, windowMs, member: drops what left the window, adds one, keeps the key for one window. */
const RECORD = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('ZCARD', KEYS[1])`;

/** KEYS[1] set; ARGV now, until, member, ttlMs: adds or refreshes a member, drops the expired ones. */
const JOIN = `
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return redis.call('ZCARD', KEYS[1])`;

/** KEYS[1]; ARGV value: deletes the key only while it holds that value. */
const DELETE_IF = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** KEYS[1]; ARGV value, ttlMs: sets the key unless another value holds it; returns the value holding it. */
const CLAIM = `
local held = redis.call('GET', KEYS[1])
if held and held ~= ARGV[1] then return held end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]`;

class RedisLimiter implements SharedLimiter {
  constructor(
    readonly limit: RateLimit,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly now: Clock,
  ) {}

  async count(key: string): Promise<number> {
    return this.redis.zcount(this.prefix + key, `(${Math.floor(this.now()) - this.limit.windowMs}`, '+inf');
  }

  async isLimited(key: string): Promise<boolean> {
    return (await this.count(key)) >= this.limit.max;
  }

  async record(key: string): Promise<number> {
    const member = `${Math.floor(this.now())}:${randomBytes(6).toString('hex')}`;
    return Number(await this.redis.eval(RECORD, 1, this.prefix + key, Math.floor(this.now()), this.limit.windowMs, member));
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async lastAt(key: string): Promise<number | null> {
    return (await this.times(key)).at(-1) ?? null;
  }

  async retryAt(key: string): Promise<number | null> {
    return retryAtOf(await this.times(key), this.limit);
  }

  /** The failure times inside the window, oldest first (members are `<ms>:<random>`). */
  private async times(key: string): Promise<number[]> {
    const members = await this.redis.zrangebyscore(this.prefix + key, `(${Math.floor(this.now()) - this.limit.windowMs}`, '+inf');
    return members.map((m) => Number(m.split(':')[0]));
  }
}

export interface RedisStateOptions {
  /** Put before every key and channel, so several Beacon clusters (or tests) can share one Redis. */
  prefix?: string;
  now?: Clock;
  onError?: (err: unknown) => void;
}

export class RedisState implements SharedState {
  readonly isShared = true;
  private readonly prefix: string;
  private readonly now: Clock;
  private readonly onError: (err: unknown) => void;
  private readonly channels = new Channels();
  private subscriber: Redis | null = null;

  private constructor(
    private readonly redis: Redis,
    o: RedisStateOptions,
  ) {
    this.prefix = o.prefix ?? 'beacon:';
    this.now = o.now ?? Date.now;
    this.onError = o.onError ?? (() => undefined);
    redis.on('error', (err: unknown) => this.onError(err));
  }

  /** Connects to `url` and checks the server answers. */
  static async open(url: string, o: RedisStateOptions = {}): Promise<RedisState> {
    const redis = connectRedis(url, { isLazy: true });
    const state = new RedisState(redis, o);
    await redis.connect();
    await redis.ping();
    return state;
  }

  limiter(name: string, limit: RateLimit): SharedLimiter {
    return new RedisLimiter(limit, this.redis, `${this.prefix}limit:${name}:`, this.now);
  }

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.prefix + key, value, 'PX', Math.max(1, Math.round(ttlMs)));
  }

  get(key: string): Promise<string | null> {
    return this.redis.get(this.prefix + key);
  }

  async claim(key: string, value: string, ttlMs: number): Promise<string> {
    return String(await this.redis.eval(CLAIM, 1, this.prefix + key, value, Math.max(1, Math.round(ttlMs))));
  }

  async delete(key: string, value?: string): Promise<void> {
    if (value === undefined) await this.redis.del(this.prefix + key);
    else await this.redis.eval(DELETE_IF, 1, this.prefix + key, value);
  }

  async join(key: string, member: string, ttlMs: number): Promise<number> {
    const t = Math.floor(this.now());
    return Number(await this.redis.eval(JOIN, 1, this.prefix + key, t, t + ttlMs, member, Math.round(ttlMs)));
  }

  async leave(key: string, member: string): Promise<number> {
    await this.redis.zrem(this.prefix + key, member);
    return this.members(key);
  }

  members(key: string): Promise<number> {
    return this.redis.zcount(this.prefix + key, `(${Math.floor(this.now())}`, '+inf');
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.redis.publish(this.prefix + channel, message);
  }

  async subscribe(channel: string, listener: MessageListener): Promise<() => void> {
    const sub = this.subscriberConnection();
    const { isFirst, remove } = this.channels.add(channel, listener);
    if (isFirst) await sub.subscribe(this.prefix + channel);
    return () => {
      if (remove()) sub.unsubscribe(this.prefix + channel).catch((err: unknown) => this.onError(err));
    };
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** A connection in subscriber mode can do nothing else, so messages come on a second one. */
  private subscriberConnection(): Redis {
    if (this.subscriber) return this.subscriber;
    const sub = this.redis.duplicate();
    sub.on('error', (err: unknown) => this.onError(err));
    sub.on('message', (full: string, message: string) => {
      if (full.startsWith(this.prefix)) this.channels.tell(full.slice(this.prefix.length), message, this.onError);
    });
    this.subscriber = sub;
    return sub;
  }
}
