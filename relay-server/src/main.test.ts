/** The relay as a process: env config, first-run account, the listening line, clean shutdown. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loginAgent } from './testing/NdcClient.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'beacon-main-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Started {
  url: string;
  lines: string[];
  stop(): Promise<number | null>;
}

async function startProcess(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, PORT: '0', BEACON_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line; stderr: ${stderr}`)), 20_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      const m = /^Beacon relay listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', () => reject(new Error(`exited early; stderr: ${stderr}`)));
  });
  return {
    url,
    lines,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

test('first run creates admin with a printed password; env accounts work; SIGTERM exits cleanly', async () => {
  const dataDir = path.join(dir, 'data');
  const first = await startProcess({ BEACON_DATA_DIR: dataDir });
  assert.ok(existsSync(path.join(dataDir, 'beacon.sqlite')));
  const notice = first.lines.find((l) => l.includes('first run'));
  const password = /password "([^"]+)"/.exec(notice ?? '')?.[1];
  assert.ok(password, 'the first-run notice shows the password');
  const session = await loginAgent(first.url, 'admin', password);
  assert.equal(session.agent.login, 'admin');
  for (const line of first.lines.filter((l) => l.startsWith('{'))) assert.doesNotThrow(() => JSON.parse(line));
  assert.equal(first.lines.filter((l) => l.startsWith('Beacon relay listening on')).length, 1);
  assert.equal(await first.stop(), 0);

  const second = await startProcess({
    BEACON_DATA_DIR: dataDir,
    BEACON_AGENT_LOGIN: 'li.wei',
    BEACON_AGENT_PASSWORD: 'a long enough password',
    BEACON_AGENT_NAME: '李伟',
  });
  assert.equal(second.lines.filter((l) => l.includes('first run')).length, 0, 'the password is shown only once');
  const li = await loginAgent(second.url, 'li.wei', 'a long enough password');
  assert.equal(li.agent.displayName, '李伟');
  assert.equal((await fetch(new URL('/healthz', second.url))).status, 200);
  assert.equal(await second.stop(), 0);
});
