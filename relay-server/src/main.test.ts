/** The relay as a process: env config, the first-run setup link, the listening line, clean shutdown. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
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
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<number | null>;
}

const children = new Set<ReturnType<typeof spawn>>();
// A failed assertion must not leave a relay running (the test process would never exit).
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

async function startProcess(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, PORT: '0', BEACON_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const lines: string[] = [];
  const lineWaiters = new Set<() => void>();
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line; stderr: ${stderr}`)), 60_000); // bounds a failure: tsx compiles the relay at start, slow on a busy machine
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      for (const w of [...lineWaiters]) w();
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
    waitForLine: (pattern, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.find((l) => pattern.test(l));
          if (hit === undefined) return;
          lineWaiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
        };
        const timer = setTimeout(() => {
          lineWaiters.delete(check);
          reject(new Error(`no line matching ${pattern} in ${timeoutMs} ms; got:\n${lines.join('\n')}`));
        }, timeoutMs);
        lineWaiters.add(check);
        check();
      }),
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

test('first run prints a single-use setup link that creates the organisation and its owner; env accounts work; SIGTERM exits cleanly', async () => {
  const dataDir = path.join(dir, 'data');
  const first = await startProcess({ BEACON_DATA_DIR: dataDir, BEACON_AGENT_LOGIN: '' });
  assert.ok(existsSync(path.join(dataDir, 'beacon.sqlite')));
  const notice = await first.waitForLine(/^Beacon first-run setup: open /);
  const link = /^Beacon first-run setup: open (http:\/\/127\.0\.0\.1:\d+)\/#\/setup\?token=([\w-]+)$/.exec(notice);
  assert.ok(link?.[1] && link[2], `the setup link has the relay's address and a token: ${notice}`);
  assert.equal(link[1], first.url);
  const token = link[2];
  assert.ok(first.lines.some((l) => l.startsWith('{') && l.includes('first-run setup link issued')), 'the link is in the log too');
  assert.equal(first.lines.some((l) => /password "/.test(l)), false, 'no account with a printed password any more');

  const status = await fetch(new URL('/api/setup/status', first.url));
  assert.deepEqual(await status.json(), { isSetupNeeded: true });
  const setup = (t: string) =>
    fetch(new URL('/api/setup', first.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: t, organisationName: '声光科技', owner: { login: 'boss', displayName: '王老板', password: 'owner passphrase' } }),
    });
  assert.equal((await setup('not-the-token')).status, 403);
  const done = await setup(token);
  assert.equal(done.status, 201);
  assert.equal(((await done.json()) as { agent: { role: string } }).agent.role, 'owner');
  assert.equal((await setup(token)).status, 409, 'the token cannot be used again');
  assert.equal((await loginAgent(first.url, 'boss', 'owner passphrase')).agent.role, 'owner');
  for (const line of first.lines.filter((l) => l.startsWith('{'))) assert.doesNotThrow(() => JSON.parse(line));
  assert.equal(first.lines.filter((l) => l.startsWith('Beacon relay listening on')).length, 1);
  assert.equal(await first.stop(), 0);

  const second = await startProcess({
    BEACON_DATA_DIR: dataDir,
    BEACON_AGENT_LOGIN: 'li.wei',
    BEACON_AGENT_PASSWORD: 'a long enough password',
    BEACON_AGENT_NAME: '李伟',
  });
  const li = await loginAgent(second.url, 'li.wei', 'a long enough password');
  assert.equal(li.agent.displayName, '李伟');
  assert.equal(li.agent.role, 'agent');
  assert.equal((await fetch(new URL('/healthz', second.url))).status, 200);
  assert.equal(await second.stop(), 0);
  assert.equal(second.lines.filter((l) => l.includes('first-run setup')).length, 0, 'set up once, no link any more');
});

test('seeding an account from the environment creates the organisation, so no setup link is printed', async () => {
  const relay = await startProcess({
    BEACON_DATA_DIR: path.join(dir, 'seeded'),
    BEACON_AGENT_LOGIN: 'zhang',
    BEACON_AGENT_PASSWORD: 'zhang passphrase',
    BEACON_AGENT_ROLE: 'owner',
    BEACON_ORG_NAME: 'Seeded Org',
  });
  const me = await loginAgent(relay.url, 'zhang', 'zhang passphrase');
  assert.equal(me.agent.role, 'owner');
  const status = await fetch(new URL('/api/setup/status', relay.url));
  assert.deepEqual(await status.json(), { isSetupNeeded: false });
  assert.equal(await relay.stop(), 0);
  assert.equal(relay.lines.filter((l) => l.includes('first-run setup')).length, 0);
});

/** Runs the relay with `env` expecting it to refuse to start; returns its exit code and stderr. */
function refusedStart(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, PORT: '0', BEACON_HOST: '127.0.0.1', BEACON_DATA_DIR: path.join(dir, 'refused'), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.add(child);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

test('the shared WebRTC UDP port: taken or combined with a port range, the relay says so and does not start', async () => {
  const taken = createSocket('udp4');
  await new Promise<void>((r) => taken.bind(0, '127.0.0.1', () => r()));
  try {
    const inUse = await refusedStart({ BEACON_RTC_UDP_PORT: String(taken.address().port) });
    assert.equal(inUse.code, 2);
    assert.match(inUse.stderr, /UDP port \d+ \(WebRTC\) is in use.*BEACON_RTC_UDP_PORT/);
  } finally {
    await new Promise<void>((r) => taken.close(() => r()));
  }
  const both = await refusedStart({ BEACON_RTC_UDP_PORT: '40000', BEACON_RTC_PORT_MIN: '41000', BEACON_RTC_PORT_MAX: '41010' });
  assert.equal(both.code, 2);
  assert.match(both.stderr, /either BEACON_RTC_UDP_PORT or BEACON_RTC_PORT_MIN\/MAX/);
});
