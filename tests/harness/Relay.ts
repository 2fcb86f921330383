import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPostgresDatabase, isPostgresTest, type TestPostgresDatabase } from '../../relay-server/src/testing/testDatabase.ts';
import type { RelayDb } from './db.ts';
import { REPO_ROOT } from './paths.ts';

export interface RelayProcess {
  url: string;
  port: number;
  dataDir: string;
  dbPath: string;
  /** Its PostgreSQL database in the suite's PostgreSQL pass (BEACON_TEST_DATABASE=postgres). */
  databaseUrl?: string | undefined;
  proc: ChildProcess;
  /** Everything the relay printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export const AGENT = { login: 'alice', password: 'correct horse battery', name: 'Alice Chen' } as const;

/** A UDP port free right now on loopback (for the relay's shared WebRTC port). */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** The PostgreSQL database of each data folder, so a relay started again on a killed one's folder finds its data. */
const databases = new Map<string, Promise<TestPostgresDatabase>>();

/** The database a relay on `dataDir` uses: its SQLite file, or in the PostgreSQL pass a fresh database of its own. */
export async function relayDb(dataDir: string): Promise<RelayDb> {
  const dbPath = join(dataDir, 'beacon.sqlite');
  if (!isPostgresTest) return { dbPath };
  let db = databases.get(dataDir);
  if (!db) databases.set(dataDir, (db = createTestPostgresDatabase()));
  return { dbPath, databaseUrl: (await db).url };
}

/**
 * Runs the real relay (`relay-server/src/main.ts`) as a child process on a free port, on a
 * fresh data folder or on `dataDir` (a relay started again on what a killed one left). Like
 * a production relay, all its WebRTC connections share one UDP port (a free one here).
 */
export async function startRelay(env: Record<string, string> = {}, dataDir = mkdtempSync(join(tmpdir(), 'beacon-test-data-'))): Promise<RelayProcess> {
  // A cluster's relays share the database their test gives them.
  const db = env['BEACON_DATABASE_URL'] ? { dbPath: join(dataDir, 'beacon.sqlite'), databaseUrl: env['BEACON_DATABASE_URL'] } : await relayDb(dataDir);
  const proc = spawn(process.execPath, ['--import', 'tsx', 'relay-server/src/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: '0',
      BEACON_HOST: '127.0.0.1',
      BEACON_DATA_DIR: dataDir,
      BEACON_AGENT_LOGIN: AGENT.login,
      BEACON_AGENT_PASSWORD: AGENT.password,
      BEACON_AGENT_NAME: AGENT.name,
      BEACON_RTC_UDP_PORT: String(await freeUdpPort()),
      ...(db.databaseUrl ? { BEACON_DATABASE_URL: db.databaseUrl } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  // BEACON_TEST_RELAY_LOG=<file> keeps every test relay's log lines there, to debug a failure.
  const logFile = process.env.BEACON_TEST_RELAY_LOG;
  if (logFile) {
    const sink = createWriteStream(logFile, { flags: 'a' });
    proc.stdout?.pipe(sink);
    proc.stderr?.pipe(sink);
  }
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start:\n${out}`)), 30_000);
    const check = () => {
      const m = /Beacon relay listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.stdout?.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited with ${code}:\n${out}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    ...db,
    proc,
    output: () => out,
    stop: async () => {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
      const own = databases.get(dataDir);
      databases.delete(dataDir);
      await (await own)?.drop();
    },
  };
}
