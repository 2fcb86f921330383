/**
 * The customer page, built for production, in real headful Chromium on an X server: it
 * registers with a relay, asks for consent, captures the real X screen, encodes it with
 * WebCodecs and sends framed video over a real WebRTC data channel. The relay is a scripted
 * stand-in (test/FakeRelay.ts) so each test decides exactly what the relay says.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import type { AssembledFrame } from '@beacon/shared/framing';
import type { CtlToRelay, Permissions, RelayToClient } from '@beacon/shared/protocol';
import { FakeRelay, type CustomerLink } from './FakeRelay.ts';
import { HAS_XVFB, XServer } from './XServer.ts';

const CHROMIUM = process.env.BEACON_CHROMIUM ?? '/usr/bin/chromium';
const CONTROL: Permissions = { view: true, control: true };
const VIEW_ONLY: Permissions = { view: true, control: false };

interface BridgeCall {
  name: string;
  arg: unknown;
}

interface Opened {
  context: BrowserContext;
  page: Page;
  link: CustomerLink;
  bridgeCalls: BridgeCall[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('customer page in Chromium', { skip: HAS_XVFB && existsSync(CHROMIUM) ? false : 'needs Xvfb and Chromium' }, () => {
  let outDir: string;
  let x: XServer;
  let relay: FakeRelay;
  let browser: Browser;
  let sessionCounter = 0;

  before(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'beacon-customer-build-'));
    await build({
      configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
      build: { outDir, emptyOutDir: true },
      logLevel: 'warn',
    });
    x = await XServer.start({ preferred: 93 });
    relay = await FakeRelay.start(outDir);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: false,
      args: [
        '--no-sandbox',
        '--auto-select-desktop-capture-source=Entire',
        '--use-fake-ui-for-media-stream',
        '--disable-background-timer-throttling',
        '--disable-renderer-backgrounding',
        '--disable-backgrounding-occluded-windows',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
      env: { ...process.env, DISPLAY: x.display },
    });
  });

  after(async () => {
    await browser?.close();
    await relay?.close();
    await x?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  /** Opens the page (optionally with a recording Electron bridge) and waits until the relay has it. */
  async function open(opts: { locale?: string; hasBridge?: boolean } = {}): Promise<Opened> {
    const context = await browser.newContext({ viewport: null, locale: opts.locale ?? 'en-US' });
    // tsx compiles this file with esbuild's keepNames, so functions passed to page.evaluate
    // call its `__name` helper, which the page lacks.
    await context.addInitScript('globalThis.__name = (fn) => fn;');
    const page = await context.newPage();
    const bridgeCalls: BridgeCall[] = [];
    if (opts.hasBridge) {
      await page.exposeFunction('__bridgeCall', (name: string, arg: unknown) => void bridgeCalls.push({ name, arg }));
      await page.addInitScript(`
        window.beaconCustomer = {
          getConfig: async () => ({ relayUrl: ${JSON.stringify(relay.url)}, locales: [...navigator.languages] }),
          injectInput: async (req) => { await window.__bridgeCall('injectInput', req); },
          setSessionState: async (req) => { await window.__bridgeCall('setSessionState', req); },
          onStopHotkey: (handler) => { window.__pressStopHotkey = handler; return () => { window.__pressStopHotkey = null; }; },
        };
      `);
    }
    const before = relay.links.length;
    await page.goto(`${relay.url}/customer/`);
    const link = await relay.waitForCustomer(before);
    await page.getByTestId('device-id').filter({ hasText: /\d/ }).waitFor();
    return { context, page, link, bridgeCalls };
  }

  const state = (page: Page) => page.evaluate(() => document.body.dataset.state);
  const waitState = (page: Page, s: string) => page.waitForFunction((want) => document.body.dataset.state === want, s);

  function ask(link: CustomerLink, permissions = CONTROL, extra: Partial<Extract<RelayToClient, { type: 'consent-request' }>> = {}): string {
    const sessionId = `sess-${String(++sessionCounter).padStart(4, '0')}`;
    link.send({ type: 'consent-request', sessionId, agentName: 'Li Wei', permissions, ...extra });
    return sessionId;
  }

  /** Consent asked, accepted and confirmed by the relay: the session runs. */
  async function startSession(o: Opened, permissions = CONTROL): Promise<string> {
    const sessionId = ask(o.link, permissions);
    await o.page.getByTestId('consent-accept').click();
    const reply = await o.link.waitForSignal('consent-reply');
    assert.deepEqual(reply, { type: 'consent-reply', sessionId, granted: true });
    o.link.send({ type: 'session-started', sessionId, deviceId: o.link.deviceId, agentName: 'Li Wei', permissions, streamId: 5 });
    await o.page.getByTestId('session-bar').waitFor();
    return sessionId;
  }

  /** Frame count stops growing: nothing is captured or sent any more. */
  async function assertMediaStopped(link: CustomerLink): Promise<void> {
    await sleep(300); // frames already in flight may still land
    const count = link.frames.length;
    await sleep(700);
    assert.equal(link.frames.length, count, 'frames still arrive after the session ended');
  }

  test('shows the ID in groups of three and the code, follows code rotation, and copies both', async () => {
    const o = await open();
    try {
      await o.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: relay.url });
      const id = o.link.deviceId.replace(/(\d{3})(?=\d)/g, '$1 ');
      assert.equal(await o.page.getByTestId('device-id').innerText(), id);
      assert.equal(await o.page.getByTestId('access-code').innerText(), 'AB12CD');
      assert.equal(await state(o.page), 'idle');

      o.link.send({ type: 'code-update', code: 'QW34ER', codeExpiresAt: Date.now() + 600_000 });
      await o.page.getByTestId('access-code').filter({ hasText: 'QW34ER' }).waitFor();

      await o.page.getByTestId('copy-button').click();
      await o.page.getByTestId('copy-button').filter({ hasText: 'Copied' }).waitFor();
      assert.equal(await o.page.evaluate(() => navigator.clipboard.readText()), `ID: ${id} Code: QW34ER`);
      assert.deepEqual(o.link.protocolErrors, []);
    } finally {
      await o.context.close();
    }
  });

  test('speaks Chinese on a Chinese system, and the switch changes the language', async () => {
    const o = await open({ locale: 'zh-CN' });
    try {
      assert.match(await o.page.getByTestId('status-message').innerText(), /已就绪/);
      assert.equal(await o.page.evaluate(() => document.documentElement.lang), 'zh-CN');
      await o.page.getByTestId('lang-en').click();
      assert.match(await o.page.getByTestId('status-message').innerText(), /^Ready\./);
      await o.page.getByTestId('lang-zh-CN').click();
      ask(o.link, CONTROL, { orgName: '声光集成有限公司' });
      await o.page.getByTestId('consent-dialog').waitFor();
      assert.match(await o.page.getByTestId('consent-dialog').innerText(), /Li Wei 请求查看您的屏幕，并操作您的鼠标和键盘/);
      assert.equal(await o.page.getByTestId('consent-org-name').innerText(), '来自 声光集成有限公司');
      assert.equal(await o.page.getByTestId('consent-accept').innerText(), '允许');
    } finally {
      await o.context.close();
    }
  });

  test('Deny answers the relay, closes the dialog and says nobody is connected', async () => {
    const o = await open();
    try {
      const sessionId = ask(o.link, VIEW_ONLY);
      await o.page.getByTestId('consent-dialog').waitFor();
      assert.equal(await state(o.page), 'consent');
      assert.equal(await o.page.getByTestId('consent-agent-name').innerText(), 'Li Wei');
      assert.match(await o.page.getByTestId('consent-dialog').innerText(), /wants to see your screen\./);
      await o.page.getByTestId('consent-deny').click();
      assert.deepEqual(await o.link.waitForSignal('consent-reply'), { type: 'consent-reply', sessionId, granted: false });
      assert.equal(await o.page.getByTestId('consent-dialog').count(), 0);
      assert.equal(await state(o.page), 'idle');
      assert.match(await o.page.getByTestId('status-message').innerText(), /declined/);
    } finally {
      await o.context.close();
    }
  });

  test('a second request while one is on screen is declined at once', async () => {
    const o = await open();
    try {
      ask(o.link);
      await o.page.getByTestId('consent-dialog').waitFor();
      const second = ask(o.link);
      const reply = await o.link.waitForSignal('consent-reply');
      assert.deepEqual(reply, { type: 'consent-reply', sessionId: second, granted: false });
      assert.equal(await o.page.getByTestId('consent-dialog').count(), 1);
    } finally {
      await o.context.close();
    }
  });

  test('a session the customer never accepted is stopped and gets no video', async () => {
    const o = await open();
    try {
      o.link.send({ type: 'session-started', sessionId: 'sess-rogue1', deviceId: o.link.deviceId, agentName: 'Mallory', permissions: CONTROL, streamId: 9 });
      assert.deepEqual(await o.link.waitForSignal('session-stop'), { type: 'session-stop', sessionId: 'sess-rogue1' });
      await sleep(500);
      assert.equal(await o.page.getByTestId('session-bar').count(), 0);
      assert.equal(o.link.frames.length, 0);
      assert.equal(o.link.ctl.length, 0);
    } finally {
      await o.context.close();
    }
  });

  test('after Accept the screen streams: stream-config, then a keyframe, then decodable frames', async () => {
    const o = await open();
    try {
      const sessionId = await startSession(o);
      assert.equal(await state(o.page), 'session');
      assert.equal(await o.page.getByTestId('session-bar').innerText().then((t) => t.includes('Li Wei is controlling your computer')), true);

      const first = await o.link.waitForCtl('stream-config');
      assert.equal(first.sessionId, sessionId);
      assert.equal(first.config.codec, 'vp09.00.10.08');
      // The link is unknown at first, so the picture starts small; this fake console never
      // acknowledges frames (as consoles from before rate control), so the customer soon
      // sends the whole X screen at full size.
      const config = await fullSizeConfig(o.link);
      const all = await framesOfLastStream(o.link, 20);
      const frames = all.slice(0, 20);
      const receivedAt = Date.now();
      assert.equal(frames[0]?.isKey, true, 'the first frame of the stream is a keyframe');
      const from = frames[0]?.seq ?? 0;
      assert.deepEqual(frames.map((f) => f.seq), [...Array(20).keys()].map((i) => from + i));
      assert.ok(frames.every((f) => f.stream === 5));
      for (let i = 1; i < frames.length; i++) assert.ok((frames[i]?.captureTs ?? 0) >= (frames[i - 1]?.captureTs ?? 0));
      assert.ok(frames.every((f) => f.captureTs <= receivedAt && f.captureTs > receivedAt - 10_000), 'capture times are epoch ms');

      // Everything sent decodes, at the announced size.
      const decoded = await decodeInPage(o.page, config.config.codec, frames);
      assert.deepEqual(decoded, { frames: 20, width: 1280, height: 720, errors: [] });
      assert.deepEqual(o.link.protocolErrors, []);
    } finally {
      await o.context.close();
    }
  });

  test('keyframe requests, pings and Stop', async () => {
    const o = await open();
    try {
      const sessionId = await startSession(o);
      await o.link.waitForFrames(5);

      const ctlBefore = o.link.ctl.length;
      const framesBefore = o.link.frames.length;
      o.link.sendCtl({ type: 'keyframe-request', sessionId });
      await o.link.waitForCtl('stream-config', ctlBefore);
      await waitUntil('a new keyframe', () => o.link.frames.slice(framesBefore).some((f) => f.isKey));

      o.link.sendCtl({ type: 'ping', sessionId, t: 1234.5 });
      assert.deepEqual(await o.link.waitForCtl('pong', ctlBefore), { type: 'pong', sessionId, t: 1234.5 });

      await o.page.getByTestId('stop-button').click();
      assert.deepEqual(await o.link.waitForSignal('session-stop'), { type: 'session-stop', sessionId });
      await waitState(o.page, 'idle');
      assert.match(await o.page.getByTestId('status-message').innerText(), /You stopped the session/);
      assert.equal(await o.page.getByTestId('session-bar').count(), 0);
      await assertMediaStopped(o.link);
    } finally {
      await o.context.close();
    }
  });

  test('the agent ending the session returns to the start screen with the reason', async () => {
    const o = await open();
    try {
      const sessionId = await startSession(o, VIEW_ONLY);
      assert.match(await o.page.getByTestId('session-bar').innerText(), /Li Wei is viewing your screen/);
      await o.link.waitForFrames(3);
      o.link.send({ type: 'session-ended', sessionId, reason: 'agent-ended' });
      await waitState(o.page, 'idle');
      assert.match(await o.page.getByTestId('status-message').innerText(), /ended by the agent/);
      await assertMediaStopped(o.link);
    } finally {
      await o.context.close();
    }
  });

  test('in the app: input goes to main in frame pixels, only with control; bar and Stop hotkey follow the session', async () => {
    const o = await open({ hasBridge: true });
    try {
      const sessionId = await startSession(o);
      await fullSizeConfig(o.link);
      await framesOfLastStream(o.link, 2);
      await waitUntil('main told the session started', () => o.bridgeCalls.some((c) => c.name === 'setSessionState'));
      assert.deepEqual(o.bridgeCalls.find((c) => c.name === 'setSessionState')?.arg, { active: true, agentName: 'Li Wei' });

      o.link.sendCtl({ type: 'input', sessionId, event: { kind: 'mouse-move', x: 640, y: 360 } });
      o.link.sendCtl({ type: 'input', sessionId: 'sess-other', event: { kind: 'mouse-move', x: 1, y: 1 } });
      await waitUntil('the injection', () => o.bridgeCalls.some((c) => c.name === 'injectInput'));
      await sleep(200);
      const injected = o.bridgeCalls.filter((c) => c.name === 'injectInput').map((c) => c.arg);
      assert.deepEqual(injected, [{ event: { kind: 'mouse-move', x: 640, y: 360 }, frameWidth: 1280, frameHeight: 720 }]);

      // The global Stop hotkey (main -> preload -> page) stops like the button.
      await o.page.evaluate(() => (window as unknown as { __pressStopHotkey: () => void }).__pressStopHotkey());
      assert.deepEqual(await o.link.waitForSignal('session-stop'), { type: 'session-stop', sessionId });
      await waitUntil('main told the session ended', () => o.bridgeCalls.filter((c) => c.name === 'setSessionState').length === 2);
      assert.deepEqual(o.bridgeCalls.filter((c) => c.name === 'setSessionState').at(-1)?.arg, { active: false });

      // A view-only session never injects, whatever the relay forwards.
      const viewId = await startSessionAgain(o, VIEW_ONLY);
      await o.link.waitForFrames(o.link.frames.length + 2);
      o.link.sendCtl({ type: 'input', sessionId: viewId, event: { kind: 'mouse-move', x: 5, y: 5 } });
      await sleep(300);
      assert.equal(o.bridgeCalls.filter((c) => c.name === 'injectInput').length, 1);
    } finally {
      await o.context.close();
    }
  });

  test('when the relay goes away the page says so, retries by itself and gets a new ID', async () => {
    const o = await open();
    try {
      const firstId = o.link.deviceId;
      const before = relay.links.length;
      o.link.close();
      await waitState(o.page, 'offline');
      const message = await o.page.getByTestId('status-message').innerText();
      assert.match(message, /Cannot reach the relay server\. Check your network connection/);
      // The retry is announced with its countdown, or (on a slow machine, a second later) already under way.
      assert.match(message, /try again automatically in 1 s|Connecting to the Beacon server/);
      const next = await relay.waitForCustomer(before, 10_000);
      await o.page.getByTestId('device-id').filter({ hasText: next.deviceId.slice(0, 3) }).waitFor();
      assert.notEqual(next.deviceId, firstId);
      assert.equal(await state(o.page), 'idle');
    } finally {
      await o.context.close();
    }
  });

  /** A second session on the same page (the first one's link signals are already recorded). */
  async function startSessionAgain(o: Opened, permissions: Permissions): Promise<string> {
    const sessionId = ask(o.link, permissions);
    await o.page.getByTestId('consent-accept').click();
    await waitUntil('the second consent reply', () => o.link.signals.some((s) => s.type === 'consent-reply' && s.sessionId === sessionId));
    o.link.send({ type: 'session-started', sessionId, deviceId: o.link.deviceId, agentName: 'Li Wei', permissions, streamId: 6 });
    await o.page.getByTestId('session-bar').waitFor();
    return sessionId;
  }
});

/** The stream-config of the whole 1280x720 screen (after the small start, see the test above). */
async function fullSizeConfig(link: { ctl: CtlToRelay[] }): Promise<{ config: { codec: string; width: number; height: number } }> {
  const isFull = (m: CtlToRelay) => m.type === 'stream-config' && m.config.width === 1280 && m.config.height === 720;
  await waitUntil('the full-size stream-config', () => link.ctl.some(isFull), 15_000);
  return link.ctl.find(isFull) as Extract<CtlToRelay, { type: 'stream-config' }>;
}

/**
 * At least `count` frames of the current stream: from its keyframe on. Every stream starts with
 * a keyframe and these tests ask for no others, so the current stream's has come once there are
 * as many keyframes as stream-configs.
 */
async function framesOfLastStream(link: { frames: AssembledFrame[]; ctl: CtlToRelay[] }, count: number): Promise<AssembledFrame[]> {
  const hasKey = () => link.frames.filter((f) => f.isKey).length >= link.ctl.filter((m) => m.type === 'stream-config').length;
  const fromKey = () => link.frames.slice(link.frames.findLastIndex((f) => f.isKey));
  await waitUntil(`${count} frames of the current stream`, () => hasKey() && fromKey().length >= count, 15_000);
  return fromKey();
}

async function waitUntil(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Decodes the frames with the browser's own VideoDecoder, as the agent console would. */
function decodeInPage(page: Page, codec: string, frames: AssembledFrame[]) {
  const payload = frames.map((f) => ({ isKey: f.isKey, ts: f.seq, data: Buffer.from(f.data).toString('base64') }));
  return page.evaluate(
    async ({ codec, payload }) => {
      const errors: string[] = [];
      let count = 0;
      let width = 0;
      let height = 0;
      const decoder = new VideoDecoder({
        output: (frame) => {
          count++;
          width = frame.displayWidth;
          height = frame.displayHeight;
          frame.close();
        },
        error: (e) => void errors.push(e.message),
      });
      decoder.configure({ codec });
      for (const f of payload) {
        const data = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0));
        decoder.decode(new EncodedVideoChunk({ type: f.isKey ? 'key' : 'delta', timestamp: f.ts, data }));
      }
      await decoder.flush().catch((e: Error) => errors.push(e.message));
      decoder.close();
      return { frames: count, width, height, errors };
    },
    { codec, payload },
  );
}
