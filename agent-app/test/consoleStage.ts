/**
 * What the console's Chromium suites share: a fresh console build served by the scripted
 * FakeRelay, one headless Chromium, a VP8 test picture encoded in the page, a Streamer that
 * plays the customer's encoder, and the small waits and locators the tests use.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { cleanupNative } from '../../relay-server/src/platform/nativeHandles.ts';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { fragmentFrame } from '@beacon/shared/framing';
import type { InputEvent } from '@beacon/shared/input';
import type { ClientToRelay, CtlToRelay } from '@beacon/shared/protocol';
import { AGENT, FakeRelay, PASSWORD, type AgentLink } from './FakeRelay.ts';

export const CHROMIUM = process.env.BEACON_CHROMIUM ?? '/usr/bin/chromium';
/** tsx keeps function names with a `__name` helper that pages lack. */
export const KEEP_NAMES_SHIM = 'globalThis.__name = (fn, value) => Object.defineProperty(fn, "name", { value, configurable: true });';
export const VIDEO = { width: 320, height: 180 };
export const DEVICE = '123456789';
export const SID_A = 'sessionAAAAAAAAAAAA';
export const SID_B = 'sessionBBBBBBBBBBBB';
export const SID_C = 'sessionCCCCCCCCCCCC';
export const SIG = { timeout: 60_000 };

export interface Chunk {
  isKey: boolean;
  data: number[];
}

/** Encodes a test picture (four coloured quadrants, a moving dot) as VP8, in the page. */
export function encodeFrames(p: Page, count: number, keyEvery: number): Promise<Chunk[]> {
  return p.evaluate(
    async ([count, keyEvery, W, H]) => {
      const canvas = new OffscreenCanvas(W, H);
      const g = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
      const chunks: { isKey: boolean; data: number[] }[] = [];
      const enc = new VideoEncoder({
        output: (c) => {
          const b = new Uint8Array(c.byteLength);
          c.copyTo(b);
          chunks.push({ isKey: c.type === 'key', data: Array.from(b) });
        },
        error: (e) => console.error(e),
      });
      enc.configure({ codec: 'vp8', width: W, height: H, bitrate: 300_000, framerate: 30, latencyMode: 'realtime' });
      for (let i = 0; i < count; i++) {
        g.fillStyle = '#e02020';
        g.fillRect(0, 0, W / 2, H / 2);
        g.fillStyle = '#20c020';
        g.fillRect(W / 2, 0, W / 2, H / 2);
        g.fillStyle = '#2040e0';
        g.fillRect(0, H / 2, W / 2, H / 2);
        g.fillStyle = '#ffffff';
        g.fillRect(W / 2, H / 2, W / 2, H / 2);
        g.fillStyle = '#000000';
        g.fillRect(W / 2 + 10 + (i % 40) * 3, H / 2 + 30, 10, 10);
        const frame = new VideoFrame(canvas, { timestamp: i * 33_333 });
        enc.encode(frame, { keyFrame: i % keyEvery === 0 });
        frame.close();
      }
      await enc.flush();
      enc.close();
      return chunks;
    },
    [count, keyEvery, VIDEO.width, VIDEO.height] as const,
  );
}

/** Plays the customer's encoder: sends frames at 30 fps, answers keyframe requests, can lose one. */
export class Streamer {
  seq = 1000;
  private index = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  readonly sent = new Map<number, number>(); // seq -> captureTs
  isLosingNext = false;

  constructor(
    private readonly target: AgentLink,
    private readonly stream: number,
    private readonly chunks: Chunk[],
  ) {}

  start(): void {
    this.timer = setInterval(() => this.sendOne(), 33);
  }

  /** The next frame sent will be a keyframe (the customer's answer to keyframe-request). */
  jumpToKey(): void {
    const next = this.chunks.findIndex((c, i) => i > this.index % this.chunks.length && c.isKey);
    this.index = next >= 0 ? next : 0;
  }

  sendOne(): void {
    const chunk = this.chunks[this.index % this.chunks.length] as Chunk;
    this.index++;
    const seq = this.seq++;
    const captureTs = Date.now() + 0.125;
    this.sent.set(seq, captureTs);
    // A delta followed by a delta: a loss just before a keyframe would go unnoticed (the keyframe
    // makes the gap harmless, so nothing is asked for).
    const isNextKey = this.chunks[this.index % this.chunks.length]?.isKey ?? false;
    if (this.isLosingNext && !chunk.isKey && !isNextKey) {
      this.isLosingNext = false;
      return; // lost on the way: the console sees a sequence gap
    }
    for (const f of fragmentFrame(Uint8Array.from(chunk.data), { isKey: chunk.isKey, stream: this.stream, seq, captureTs })) {
      this.target.sendMedia(f);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

export const inputs = (l: AgentLink, sessionId: string): InputEvent[] =>
  l.ctl.all.flatMap((m: CtlToRelay) => (m.type === 'input' && m.sessionId === sessionId ? [m.event] : []));

export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const frames = (p: Page) => p.getByTestId('session-canvas').evaluate((c: HTMLCanvasElement) => Number(c.dataset.frames));
export const tab = (p: Page, sessionId: string) => p.locator(`[data-testid="session-tab"][data-session-id="${sessionId}"]`);

export async function connect(p: Page, link: AgentLink, id: string, code: string, control: boolean): Promise<Extract<ClientToRelay, { type: 'connect-request' }>> {
  await p.getByTestId('device-id-input').fill(id);
  await p.getByTestId('code-input').fill(code);
  await p.getByTestId('control-checkbox').setChecked(control);
  await p.getByTestId('connect-submit').click();
  const req = await link.signals.next((m) => m.type === 'connect-request', 'connect-request');
  if (req.type !== 'connect-request') throw new Error('unreachable');
  return req;
}


/** A fresh console build served by the fake relay, Chromium, and one page (en-US). */
export class ConsoleStage {
  private constructor(
    readonly relay: FakeRelay,
    readonly browser: Browser,
    readonly page: Page,
    private readonly outDir: string,
  ) {}

  static async open(): Promise<ConsoleStage> {
    const outDir = mkdtempSync(join(tmpdir(), 'beacon-agent-ui-'));
    await build({
      configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true, sourcemap: false },
    });
    const relay = await FakeRelay.start(outDir);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
    await context.addInitScript(KEEP_NAMES_SHIM);
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error('[page error]', err));
    return new ConsoleStage(relay, browser, page, outDir);
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.relay.close();
    // libdatachannel's threads keep the process alive until released.
    await cleanupNative();
    rmSync(this.outDir, { recursive: true, force: true });
  }
}

/** Inside a describe: opens the stage before its tests (then runs `ready`) and closes it after them. */
export function useConsoleStage(ready: (stage: ConsoleStage) => Promise<void> | void): void {
  let stage: ConsoleStage | null = null;
  before(async () => {
    stage = await ConsoleStage.open();
    await ready(stage);
  }, SIG);
  after(async () => {
    await stage?.close();
  });
}

/** Signs in with the fake relay's seat; resolves with the console's relay link once it is up. */
export async function signIn(page: Page, relay: FakeRelay): Promise<AgentLink> {
  const linked = relay.nextLink();
  await page.getByTestId('login-input').fill(AGENT.login);
  await page.getByTestId('password-input').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  const link = await linked;
  await page.getByTestId('device-id-input').waitFor();
  return link;
}
