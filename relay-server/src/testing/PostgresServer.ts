/**
 * A throwaway PostgreSQL server for tests and benchmarks: a fresh cluster (initdb) in a
 * temporary folder, listening only on a unix socket in that folder, with durability off. No
 * system service is used; the server stops and its folder is deleted on `stop()` or when
 * this process exits.
 *
 * The binaries come from Debian's `postgresql` package (the newest version under
 * /usr/lib/postgresql), or the folder in BEACON_PG_BIN. initdb refuses to run as root, so
 * under root the cluster belongs to the `postgres` user the package creates (the processes are
 * started with its uid directly, so a kill reaches the server itself, not a wrapper).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pollUntilReady, runThrowaway } from './throwawayServer.ts';

const DEBIAN_ROOT = '/usr/lib/postgresql';
const SUPERUSER = 'beacon';
const START_TIMEOUT_MS = 30_000;

/** The folder holding initdb and postgres, or null when PostgreSQL is not installed. */
export function postgresBinDir(): string | null {
  const given = process.env['BEACON_PG_BIN'];
  if (given) return existsSync(path.join(given, 'initdb')) ? given : null;
  if (!existsSync(DEBIAN_ROOT)) return null;
  const versions = readdirSync(DEBIAN_ROOT)
    .filter((v) => existsSync(path.join(DEBIAN_ROOT, v, 'bin', 'initdb')))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  return versions[0] ? path.join(DEBIAN_ROOT, versions[0], 'bin') : null;
}

/** Root runs the server as `postgres`; anyone else as themselves. */
function owner(): { uid: number; gid: number } | null {
  if (userInfo().uid !== 0) return null;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

export interface PostgresServer {
  /** A superuser URL for database `name` (default `postgres`). */
  url(name?: string): string;
  stop(): Promise<void>;
}

/** The URL of database `name` on the server whose admin URL is `adminUrl`. */
export function databaseUrl(adminUrl: string, name: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function waitUntilReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const connect = async () => {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    await client.connect();
    await client.end();
  };
  const exited = () => (child.exitCode === null ? null : `code ${child.exitCode}`);
  try {
    await pollUntilReady('postgres', connect, exited, START_TIMEOUT_MS, 100);
  } catch (err) {
    throw new Error(`${(err as Error).message}: ${log()}`);
  }
}

/** `isDetached`: the server does not keep this process alive (it is still killed when the process exits). */
export async function startPostgresServer(o: { isDetached?: boolean } = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed (Debian: apt-get install postgresql), or set BEACON_PG_BIN');
  const dir = mkdtempSync(path.join(tmpdir(), 'beacon-pg-'));
  const data = path.join(dir, 'data');
  const as = owner();
  if (as) {
    chmodSync(dir, 0o700);
    chownSync(dir, as.uid, as.gid);
  }
  const user = as ? { uid: as.uid, gid: as.gid, env: { ...process.env, HOME: dir } } : {};
  execFileSync(path.join(bin, 'initdb'), ['-D', data, '-U', SUPERUSER, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'], { stdio: 'pipe', cwd: dir, ...user });
  const settings = ['listen_addresses=', `unix_socket_directories=${dir}`, 'fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=200', 'shared_buffers=32MB'];
  const child = spawn(path.join(bin, 'postgres'), ['-D', data, '-p', '5432', ...settings.flatMap((s) => ['-c', s])], { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir, ...user });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  if (o.isDetached) {
    child.unref();
    (child.stderr as { unref?: () => void } | null)?.unref?.();
  }
  const url = (name = 'postgres') => `postgres://${SUPERUSER}@localhost/${name}?host=${encodeURIComponent(dir)}`;
  // SIGINT: PostgreSQL's fast shutdown.
  const stop = await runThrowaway(child, dir, () => waitUntilReady(url(), child, () => stderr), 'SIGINT');
  return { url, stop };
}
