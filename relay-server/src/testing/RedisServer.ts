/**
 * A throwaway Redis server for tests and benchmarks: `redis-server` from Debian's package,
 * listening only on a unix socket in a temporary folder, with persistence off (no RDB
 * snapshots, no append-only file). The server stops and its folder is deleted on `stop()` or
 * when this process exits. Its URL is the `unix://` form BEACON_REDIS_URL accepts.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectRedis } from '../platform/shared/redisUrl.ts';
import { pollUntilReady, runThrowaway } from './throwawayServer.ts';

const START_TIMEOUT_MS = 15_000;

export interface RedisServer {
  /** `unix:///…/redis.sock`. */
  readonly url: string;
  stop(): Promise<void>;
}

/** `redis-server` on the PATH (or BEACON_REDIS_SERVER), or null when Redis is not installed. */
export function redisServerBinary(): string | null {
  const given = process.env['BEACON_REDIS_SERVER'];
  if (given) return existsSync(given) ? given : null;
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    const p = path.join(dir, 'redis-server');
    if (dir && existsSync(p)) return p;
  }
  return null;
}

async function waitUntilReady(url: string, exited: () => string | null): Promise<void> {
  const ping = async () => {
    const client = connectRedis(url, { isLazy: true, isProbe: true });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
    } finally {
      client.disconnect();
    }
  };
  await pollUntilReady('redis-server', ping, exited, START_TIMEOUT_MS, 50);
}

/** `isDetached`: the server does not keep this process alive (it is still killed when the process exits). */
export async function startRedisServer(o: { isDetached?: boolean } = {}): Promise<RedisServer> {
  const bin = redisServerBinary();
  if (!bin) throw new Error('Redis is not installed (Debian: apt-get install redis-server), or set BEACON_REDIS_SERVER');
  const dir = mkdtempSync(path.join(tmpdir(), 'beacon-redis-'));
  const socket = path.join(dir, 'redis.sock');
  const args = ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  if (o.isDetached) {
    child.unref();
    for (const s of [child.stdout, child.stderr]) (s as { unref?: () => void } | null)?.unref?.();
  }
  const url = `unix://${socket}`;
  const stop = await runThrowaway(child, dir, () => waitUntilReady(url, () => (child.exitCode === null ? null : `${child.exitCode}: ${output}`)), 'SIGTERM');
  return { url, stop };
}
