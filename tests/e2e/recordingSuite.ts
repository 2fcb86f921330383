/**
 * Session recording, end to end on a real X server: the customer's screen shows a time code
 * drawn in pixels while a real session runs; the relay's recording must last as long as the
 * session, decode with ffmpeg, and show, when the back-office player seeks to t, the pixels
 * drawn at t. Then: an agent without permission is refused, views and downloads are audited,
 * a relay killed with SIGKILL mid-session leaves a recording playable up to the kill, and
 * retention deletes an old recording and logs it.
 *
 * Run on both stores (recording.test.ts, recordingS3.test.ts). On `s3` the relay keeps
 * recordings in a bucket of a throwaway S3 server, and the relay started after the kill has
 * an empty scratch folder (another machine): the recording comes back from the journal's copy
 * in the bucket, up to its last copied chunk.
 */
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AuditList, RecordingInfo, RecordingTicket, SessionDetail, Seat } from '@beacon/shared/api';
import { parseJson } from '@beacon/shared/parse';
import { LoginResponse } from '@beacon/shared/protocol';
import type { z } from 'zod';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { startS3Server, type TestS3Server } from '../../relay-server/src/testing/S3Server.ts';
import { launchAgentBrowser, launchCustomerBrowser, launchScreenWindow, newPage } from '../harness/Browsers.ts';
import { InjectorProcess } from '../harness/InjectorProcess.ts';
import { execute } from '../harness/db.ts';
import { AGENT, relayDb, startRelay } from '../harness/Relay.ts';
import { startXvfb, type XDisplay } from '../harness/Xvfb.ts';
import { agentConnect, agentSignIn, openCustomer, readDeviceCredentials } from '../harness/flows.ts';

const run = promisify(execFile);
const SIG = { timeout: 240_000 };
const BLOCK = 24;
const BITS = 41;

/** Paints the epoch-ms time code (41 bits, black/white blocks, a complemented row below) on every frame. */
const TIME_CODE_HTML = `<!doctype html><html><body style="margin:0;background:#fff;overflow:hidden">
<canvas id="c" width="${BITS * BLOCK}" height="${2 * BLOCK}" style="position:fixed;left:0;top:0"></canvas>
<div style="position:fixed;left:100px;top:300px;width:500px;height:200px;background:#2060c0"></div>
<script>
const g = document.getElementById('c').getContext('2d');
function frame() {
  let v = Math.round(performance.timeOrigin + performance.now());
  for (let i = ${BITS} - 1; i >= 0; i--) {
    const bit = v % 2; v = Math.floor(v / 2);
    g.fillStyle = bit ? '#fff' : '#000'; g.fillRect(i * ${BLOCK}, 0, ${BLOCK}, ${BLOCK});
    g.fillStyle = bit ? '#000' : '#fff'; g.fillRect(i * ${BLOCK}, ${BLOCK}, ${BLOCK}, ${BLOCK});
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
</script></body></html>`;

interface Relay {
  url: string;
  proc: ChildProcess;
}

let store: 'disk' | 's3' = 'disk';
const dataDir = mkdtempSync(join(tmpdir(), 'beacon-rec-e2e-'));
let s3: TestS3Server | null = null;
const S3_PREFIX = 'e2e/';
/** The relay's recordings folder: on `s3` only scratch space, a fresh one for each relay (machine). */
let scratchDirs = 0;
let relay: Relay;
let x: XDisplay;
let injector: InjectorProcess;
let screen: { context: BrowserContext; page: Page };
let customerBrowser: Browser;
let agentBrowser: Browser;
let customer: Page;
let agent: Page;
let token = '';
let sessionId = '';

/** The real relay (`relay-server/src/main.ts`) on `dataDir`, so it can be killed and started again on the same data. */
async function startRelayOn(dir: string): Promise<Relay> {
  s3 ??= store === 's3' ? await startS3Server() : null;
  const bucket = s3?.settings(S3_PREFIX);
  const env: Record<string, string> = bucket?.credentials
    ? {
        BEACON_RECORDINGS_S3: `s3://${bucket.bucket}/${S3_PREFIX}`,
        BEACON_S3_ENDPOINT: bucket.endpoint ?? '',
        BEACON_S3_ACCESS_KEY_ID: bucket.credentials.accessKeyId,
        BEACON_S3_SECRET_ACCESS_KEY: bucket.credentials.secretAccessKey,
        BEACON_RECORDINGS_DIR: join(dir, `scratch-${++scratchDirs}`),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      }
    : {};
  return startRelay({ BEACON_AGENT_ROLE: 'owner', BEACON_RECORD_SESSIONS: '1', ...env }, dir);
}

/** Whether the finished file of `id` is kept (on disk, or in the bucket). */
async function isKept(id: string): Promise<boolean> {
  if (!s3) return existsSync(join(dataDir, 'recordings', `${id}.webm`));
  return s3
    .client()
    .send(new HeadObjectCommand({ Bucket: s3.settings().bucket, Key: `${S3_PREFIX}${id}.webm` }))
    .then(() => true, () => false);
}

async function stopRelay(r: Relay, signal: NodeJS.Signals): Promise<void> {
  if (r.proc.exitCode !== null || r.proc.signalCode !== null) return;
  const exited = new Promise((res) => r.proc.once('exit', res));
  r.proc.kill(signal);
  await exited;
}

async function api<S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown, as = token): Promise<z.infer<S>> {
  const res = await fetch(new URL(path, relay.url), {
    method,
    headers: { Authorization: `Bearer ${as}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
  const r = parseJson(schema, text, path);
  if (!r.ok) throw r.error;
  return r.value;
}

async function login(login: string, password: string): Promise<string> {
  const res = await fetch(new URL('/api/login', relay.url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login, password }) });
  const r = parseJson(LoginResponse, await res.text(), 'login');
  if (!r.ok) throw r.error;
  return r.value.token;
}

async function waitFor<T>(get: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get().catch(() => null);
    if (v !== null && ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Downloads the recording through a download ticket; returns the file's path. */
async function download(id: string): Promise<string> {
  const t = await api('POST', `/api/sessions/${id}/recording/ticket`, RecordingTicket, { purpose: 'download' });
  const res = await fetch(new URL(t.url, relay.url));
  assert.equal(res.status, 200);
  const file = join(dataDir, `downloaded-${id}.webm`);
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  return file;
}

async function ffprobeDurationS(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', file]);
  return Number(stdout.trim());
}

/** Decodes every frame; returns how many. Fails on any decoder error. */
async function ffmpegDecode(file: string): Promise<number> {
  const { stdout, stderr } = await run('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'default=nw=1:nk=1', file]);
  assert.equal(stderr.trim(), '', `ffprobe reported: ${stderr}`);
  // Frames keep the file's own (millisecond) times: re-timed to a guessed frame rate, two
  // frames 20 ms apart would collide in the null muxer, which warns (the decoder does not).
  const decoded = await run('ffmpeg', ['-v', 'error', '-xerror', '-i', file, '-fps_mode', 'passthrough', '-enc_time_base', '-1', '-f', 'null', '-']);
  assert.equal(decoded.stderr.trim(), '', `ffmpeg reported: ${decoded.stderr}`);
  return Number(stdout.trim());
}

/** Runs a session for `ms` while the agent clicks and types; returns its ID once the agent ended it (or not). */
async function runSession(ms: number, isEnded: boolean): Promise<string> {
  const { deviceId, code } = await readDeviceCredentials(customer);
  await agent.goto(`${relay.url}/#/`);
  await agent.getByTestId('device-id-input').waitFor({ timeout: 15_000 });
  if (await agent.getByTestId('new-session-button').isVisible().catch(() => false)) await agent.getByTestId('new-session-button').click();
  await agentConnect(agent, deviceId, code);
  await customer.getByTestId('consent-dialog').waitFor({ timeout: 10_000 });
  assert.equal(await customer.getByTestId('consent-recorded').count(), 1, 'the customer is told the session is recorded');
  await customer.getByTestId('consent-accept').click();
  const tab = agent.locator('[data-testid="session-tab"][data-state="active"]');
  await tab.waitFor({ timeout: 15_000 });
  const id = (await tab.getAttribute('data-session-id')) ?? '';
  await agent.waitForFunction(() => Number(document.querySelector<HTMLCanvasElement>('[data-testid="session-canvas"]')?.dataset.frames ?? 0) >= 5, null, { timeout: 20_000 });
  const started = Date.now();
  const canvas = agent.getByTestId('session-canvas');
  const box = await canvas.boundingBox();
  assert.ok(box);
  await new Promise((r) => setTimeout(r, ms / 2));
  await agent.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.8);
  await agent.keyboard.type('abc');
  await new Promise((r) => setTimeout(r, Math.max(0, ms - (Date.now() - started))));
  if (isEnded) {
    await agent.getByTestId('end-session').click();
    await agent.locator(`[data-testid="session-tab"][data-session-id="${id}"][data-state="ended"]`).waitFor({ timeout: 5000 });
  }
  return id;
}

/** Registers the suite, recordings on `kind`. */
export function recordingSuite(kind: 'disk' | 's3'): void {
  store = kind;
  describe('session recording, end to end', { concurrency: false }, suite);
}

function suite(): void {
  before(async () => {
    x = await startXvfb(1280, 720, 60);
    injector = await InjectorProcess.start(x.display);
    relay = await startRelayOn(dataDir);
    customerBrowser = await launchCustomerBrowser(x.display);
    screen = await launchScreenWindow(x.display);
    await screen.page.setContent(TIME_CODE_HTML);
    agentBrowser = await launchAgentBrowser();
    customer = await openCustomer(customerBrowser, relay.url, injector);
    agent = await newPage(agentBrowser);
    await agentSignIn(agent, relay.url);
    token = await login(AGENT.login, AGENT.password);
  }, SIG);

  after(async () => {
    await agentBrowser?.close();
    await customerBrowser?.close();
    await screen?.context.close();
    if (relay) await stopRelay(relay, 'SIGTERM');
    await injector?.close();
    await x?.close();
    await s3?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the recording lasts as long as the session, decodes, and shows at t what was on screen at t', SIG, async () => {
    sessionId = await runSession(6000, true);
    const info = await waitFor(() => api('GET', `/api/sessions/${sessionId}/recording`, RecordingInfo), (r) => r.status === 'ready' || r.status === 'failed', 'the recording is finalised');
    assert.equal(info.status, 'ready', JSON.stringify(info.failure));
    const { session } = await api('GET', `/api/sessions/${sessionId}`, SessionDetail);
    const sessionMs = (session.endedAt ?? 0) - (session.startedAt ?? 0);
    const file = await download(sessionId);
    const durationS = await ffprobeDurationS(file);
    assert.ok(Math.abs(durationS * 1000 - sessionMs) <= sessionMs * 0.1, `recording ${durationS} s, session ${sessionMs} ms`);
    const frames = await ffmpegDecode(file);
    assert.ok(frames >= 30, `${frames} frames decoded`);

    // The back-office player, seeking to t, shows the time code drawn at about startedAt + t.
    await agent.goto(`${relay.url}/#/admin/recordings/${sessionId}`);
    await agent.getByTestId('recording-status').and(agent.locator('[data-status="ready"]')).waitFor({ timeout: 15_000 });
    await agent.waitForFunction(() => (document.querySelector<HTMLVideoElement>('[data-testid="player-video"]')?.readyState ?? 0) >= 1, null, { timeout: 15_000 });
    const startedAt = info.startedAt ?? 0;
    for (const t of [1.5, 3.2, 5.0]) {
      const code = await agent.evaluate(
        async ([at, bits, block]) => {
          const v = document.querySelector<HTMLVideoElement>('[data-testid="player-video"]');
          if (!v) throw new Error('no player video');
          await new Promise<void>((resolve) => {
            v.addEventListener('seeked', () => resolve(), { once: true });
            v.currentTime = at;
          });
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          const c = document.createElement('canvas');
          c.width = v.videoWidth;
          c.height = v.videoHeight;
          const g = c.getContext('2d');
          if (!g) throw new Error('no 2d context');
          g.drawImage(v, 0, 0);
          // The stream may be at a reduced size at that moment (the customer adapts it to the link).
          const k = v.videoWidth / 1280;
          const top = g.getImageData(0, Math.floor((block / 2) * k), v.videoWidth, 1).data;
          const bottom = g.getImageData(0, Math.floor((block + block / 2) * k), v.videoWidth, 1).data;
          let value = 0;
          for (let i = 0; i < bits; i++) {
            const x = Math.floor((i * block + block / 2) * k);
            const a = top[x * 4 + 1] ?? 0;
            const b = bottom[x * 4 + 1] ?? 0;
            if (!((a > 160 && b < 96) || (a < 96 && b > 160))) return -1;
            value = value * 2 + (a > 160 ? 1 : 0);
          }
          return value;
        },
        [t, BITS, BLOCK] as const,
      );
      assert.ok(code > 0, `the time code at ${t} s reads cleanly`);
      const drift = code - (startedAt + t * 1000);
      // A frame shows what was captured up to one trip (capture, encode, relay) before its place.
      assert.ok(Math.abs(drift) < 400, `at ${t} s the video shows the screen of ${drift} ms away`);
    }

    // The timeline: the click is there with its place; a click on it jumps the video there.
    const click = agent.locator('[data-testid="timeline-event"][data-kind="click"]').first();
    const clickMs = Number(await click.getAttribute('data-media-ms'));
    assert.ok(clickMs > 1000 && clickMs < sessionMs, `click at ${clickMs} ms`);
    await click.locator('button').click();
    await agent.waitForFunction((ms) => Math.abs((document.querySelector<HTMLVideoElement>('[data-testid="player-video"]')?.currentTime ?? 0) * 1000 - ms) < 100, clickMs, { timeout: 5000 });
    assert.ok((await agent.locator('[data-testid="timeline-marker"][data-kind="click"]').count()) >= 1, 'the click is marked on the seek bar');
    assert.equal(await agent.locator('[data-testid="timeline-event"][data-kind="key"]').count(), 1, 'the typing is one masked burst');
    await agent.getByTestId('timeline-filter-click').uncheck();
    assert.equal(await agent.locator('[data-testid="timeline-event"][data-kind="click"]').count(), 0);
    await agent.getByTestId('player-speed-2').click();
    assert.equal(await agent.getByTestId('player-video').evaluate((v: HTMLVideoElement) => v.playbackRate), 2);
  });

  test('an agent without permission is refused, and the audit log shows the views and downloads', SIG, async () => {
    await api('POST', '/api/seats', Seat, { login: 'bob', displayName: 'Bob', password: 'bob passphrase', role: 'agent' });
    const bob = await login('bob', 'bob passphrase');
    for (const [method, path] of [['GET', 'recording'], ['GET', 'timeline'], ['POST', 'recording/ticket']] as const) {
      const res = await fetch(new URL(`/api/sessions/${sessionId}/${path}`, relay.url), { method, headers: { Authorization: `Bearer ${bob}`, 'Content-Type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
      assert.equal(res.status, 403, `${method} ${path}`);
    }
    const entries = (await api('GET', '/api/audit?limit=100', AuditList)).entries.filter((e) => e.target?.id === sessionId);
    const actions = entries.map((e) => `${e.action}:${e.actor?.login}`);
    assert.ok(actions.includes(`recording-viewed:${AGENT.login}`), actions.join(', '));
    assert.ok(actions.includes(`recording-downloaded:${AGENT.login}`), actions.join(', '));
  });

  test('a relay killed with SIGKILL mid-session leaves a recording playable up to the kill; retention deletes an old one', SIG, async () => {
    const id = await runSession(4000, false);
    const live = await api('GET', `/api/sessions/${id}/recording`, RecordingInfo);
    assert.equal(live.status, 'recording');
    assert.equal(live.isLive, true);
    const killedAt = Date.now();
    await stopRelay(relay, 'SIGKILL');
    // Meanwhile the first recording has grown old: the next start's retention deletes it.
    await execute(await relayDb(dataDir), 'UPDATE recordings SET started_at = started_at - ? WHERE session_id = ?', [400 * 24 * 3600_000, sessionId]);
    relay = await startRelayOn(dataDir);
    // From the bucket, a journal is taken over once its copy went 30 s without growing.
    const info = await waitFor(() => api('GET', `/api/sessions/${id}/recording`, RecordingInfo), (r) => r.status === 'ready' || r.status === 'failed', 'the cut-off recording is recovered', s3 ? 90_000 : 30_000);
    assert.equal(info.status, 'ready', JSON.stringify(info.failure));
    assert.equal(info.isRecovered, true);
    const startedToKill = killedAt - (info.startedAt ?? 0);
    // The copy in the bucket lags the journal by up to one 2 s interval (and its upload).
    const lossMs = s3 ? 4000 : 1500;
    assert.ok((info.durationMs ?? 0) > startedToKill - lossMs && (info.durationMs ?? 0) <= startedToKill + 200, `recovered ${info.durationMs} ms of ${startedToKill} ms`);
    if (s3) {
      const left = await s3.client().send(new ListObjectsV2Command({ Bucket: s3.settings().bucket, Prefix: `${S3_PREFIX}journals/${id}/` }));
      assert.equal(left.KeyCount ?? 0, 0, 'the journal copy is deleted once the file is in the bucket');
      assert.ok(await isKept(id), 'the recovered file is in the bucket');
    }
    const file = await download(id);
    assert.ok((await ffmpegDecode(file)) >= 30);

    const old = await waitFor(() => api('GET', `/api/sessions/${sessionId}/recording`, RecordingInfo), (r) => r.status === 'deleted', 'retention deletes the old recording');
    assert.equal(old.deletedReason, 'age');
    assert.equal(await isKept(sessionId), false);
    const deleted = (await api('GET', '/api/audit?limit=100', AuditList)).entries.find((e) => e.action === 'recording-deleted' && e.target?.id === sessionId);
    assert.ok(deleted, 'the deletion is in the audit log');
    assert.equal(deleted.actor, null);
  });
}
