/**
 * Both SharedState implementations for tests: in memory, and in Redis (one throwaway server per
 * test process, started on first use; each state gets a prefix of its own, so tests never see
 * each other's keys). BEACON_TEST_REDIS_URL names a running server instead.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../platform/clock.ts';
import { MemoryState } from '../platform/shared/MemoryState.ts';
import { RedisState } from '../platform/shared/RedisState.ts';
import type { SharedState } from '../platform/shared/SharedState.ts';
import { startRedisServer } from './RedisServer.ts';

let serverUrl: Promise<string> | null = null;

/** The URL of the test Redis (started once per process; it does not keep the process alive). */
export function testRedisUrl(): Promise<string> {
  serverUrl ??= (async () => process.env['BEACON_TEST_REDIS_URL'] ?? (await startRedisServer({ isDetached: true })).url)();
  return serverUrl;
}

export type SharedStateKind = 'memory' | 'redis';
export const SHARED_STATE_KINDS: readonly SharedStateKind[] = ['memory', 'redis'];

/** A fresh state of `kind`; `prefix` lets several states (relays) share one Redis namespace. */
export async function openTestSharedState(kind: SharedStateKind, o: { now?: Clock; prefix?: string } = {}): Promise<SharedState> {
  if (kind === 'memory') return new MemoryState(o.now);
  return RedisState.open(await testRedisUrl(), { now: o.now, prefix: o.prefix ?? `test:${randomBytes(6).toString('hex')}:` });
}
