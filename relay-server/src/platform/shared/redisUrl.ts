/**
 * BEACON_REDIS_URL: `redis://[user:password@]host:port[/db]`, `rediss://…` (TLS) or
 * `unix:///path/to/redis.sock`. One place turns it into an ioredis client.
 */
import { Redis } from 'ioredis';

export function isRedisUrl(url: string): boolean {
  return /^(rediss?:\/\/|unix:\/\/\/)/i.test(url);
}

/** `isLazy`: connects on `connect()`; `isProbe`: one try, no reconnecting (a readiness check). */
export function connectRedis(url: string, o: { isLazy?: boolean; isProbe?: boolean } = {}): Redis {
  if (!isRedisUrl(url)) throw new Error('BEACON_REDIS_URL must be a redis://, rediss:// or unix:/// URL');
  const common = { lazyConnect: o.isLazy ?? false, maxRetriesPerRequest: o.isProbe ? 0 : 3, enableReadyCheck: true, ...(o.isProbe ? { retryStrategy: () => null } : {}) };
  if (/^unix:\/\//i.test(url)) return new Redis({ ...common, path: decodeURIComponent(new URL(url).pathname) });
  return new Redis(url, common);
}
