import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.ts';

export interface RelayProcess {
  url: string;
  port: number;
  dataDir: string;
  dbPath: string;
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

/**
 * Runs the real relay (`relay-server/src/main.ts`) as a child process on a free port, on a
 * fresh data folder or on `dataDir` (a relay started again on what a killed one left). Like
 * a production relay, all its WebRTC connections share one UDP port (a free one here).
 */
export async function startRelay(env: Record<string, string> = {}, dataDir = mkdtempSync(join(tmpdir(), 'beacon-test-data-'))): Promise<RelayProcess> {
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
    dbPath: join(dataDir, 'beacon.sqlite'),
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
    },
  };
}
