/**
 * Chat, attachments, the whiteboard over the customer's screen and screenshots (issue 6),
 * end to end on a real X server: the real relay, the customer page capturing the X screen,
 * its overlay page, and the agent console.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { KEEP_NAMES_SHIM, newPage } from '../harness/Browsers.ts';
import { AGENT, type RelayProcess } from '../harness/Relay.ts';
import type { CustomerBridgeLog } from '../harness/CustomerBridge.ts';
import { startStage, type Stage } from '../harness/Stage.ts';
import { agentConnect, agentSignIn, openCustomer, readDeviceCredentials } from '../harness/flows.ts';
import { BLOCKS, PATTERN_HTML } from '../fixtures/pattern.ts';
import { query } from '../harness/db.ts';
import { CTL_HOOK, ctlErrors, sendRawCtlMessages } from '../harness/rawCtl.ts';
import { waitFor } from '../harness/waitFor.ts';

const SIG = { timeout: 240_000 };
const FRAME = { width: 1280, height: 720 } as const;
/** The whiteboard strokes are drawn over white background between the blocks and the text box. */
const LINE_Y = 310;
const RED = [229, 57, 53];

let stage: Stage;
let relay: RelayProcess;
let customer: Page & CustomerBridgeLog;
let agent: Page;
let overlay: Page;
let sessionId = '';



function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** Decodes a PNG in a page (Chromium's decoder) and reads pixels from it. */
async function pngPixels(page: Page, png: Buffer, points: readonly (readonly [number, number])[]): Promise<{ width: number; height: number; px: number[][] }> {
  return page.evaluate(
    async ([b64, pts]) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const g = c.getContext('2d');
      if (!g) throw new Error('no 2d context');
      g.drawImage(bmp, 0, 0);
      return { width: bmp.width, height: bmp.height, px: pts.map(([x, y]) => Array.from(g.getImageData(x, y, 1, 1).data)) };
    },
    [png.toString('base64'), points] as const,
  );
}

const near = (px: number[], rgb: readonly number[], tolerance = 60) => Math.hypot(px[0]! - rgb[0]!, px[1]! - rgb[1]!, px[2]! - rgb[2]!) < tolerance;

/** Pixels of the overlay's canvas backing store (captured-frame coordinates). */
function overlayPixel(x: number, y: number): Promise<number[]> {
  return overlay.getByTestId('overlay-canvas').evaluate((c: HTMLCanvasElement, [px, py]) => Array.from(c.getContext('2d')!.getImageData(px, py, 1, 1).data), [x, y] as const);
}

const overlayStrokes = async () => Number(await overlay.getByTestId('overlay-canvas').getAttribute('data-strokes'));
const agentStrokes = async () => Number(await agent.getByTestId('whiteboard-screen').getAttribute('data-strokes'));

/** The agent drags a horizontal pen line across the live view, given in screen pixels. */
async function agentDrawLine(x0: number, x1: number, y: number): Promise<void> {
  const box = await agent.getByTestId('whiteboard-screen').boundingBox();
  assert.ok(box);
  const at = (sx: number, sy: number) => [box.x + ((sx + 0.5) * box.width) / FRAME.width, box.y + ((sy + 0.5) * box.height) / FRAME.height] as const;
  await agent.mouse.move(...at(x0, y));
  await agent.mouse.down();
  for (let i = 1; i <= 10; i++) await agent.mouse.move(...at(x0 + ((x1 - x0) * i) / 10, y));
  await agent.mouse.up();
}

/** The agent's view as the agent sees it, at the CSS position of a screen pixel. */
/**
 * Whether the agent's view shows `rgb` where screen pixel (sx, sy) is drawn, give or take a
 * view pixel up or down: a thin stroke scaled to a small view is a single anti-aliased row.
 */
async function agentViewShows(sx: number, sy: number, rgb: readonly number[]): Promise<boolean> {
  const box = await agent.getByTestId('whiteboard-screen').boundingBox();
  assert.ok(box);
  const cx = Math.round(box.x + ((sx + 0.5) * box.width) / FRAME.width);
  const cy = Math.round(box.y + ((sy + 0.5) * box.height) / FRAME.height);
  const shot = await agent.screenshot();
  const points = [-1, 0, 1].map((dy) => [cx, cy + dy] as const);
  return (await pngPixels(agent, shot, points)).px.some((px) => near(px, rgb));
}

describe('chat, whiteboard and screenshots, end to end', { concurrency: false }, () => {
  before(async () => {
    stage = await startStage({ screenHtml: PATTERN_HTML, preferredDisplay: 50 });
    relay = stage.relay;
    customer = await openCustomer(stage.customerBrowser, relay.url, stage.injector);
    agent = await newPage(stage.agentBrowser);
    await agent.addInitScript(CTL_HOOK);
    await agentSignIn(agent, relay.url);
  }, SIG);

  after(() => stage?.close());

  test('chat goes both ways while consent is pending, and on into the session', SIG, async () => {
    const { deviceId, code } = await readDeviceCredentials(customer);
    await agentConnect(agent, deviceId, code);
    await customer.getByTestId('consent-dialog').waitFor({ timeout: 10_000 });
    // The customer asks before answering: the dialog is up, the chat works.
    await customer.getByTestId('chat-input').fill('Who is this? 你好 👋');
    await customer.getByTestId('chat-send').click();
    await agent.locator('[data-testid="chat-message"][data-from="customer"]', { hasText: 'Who is this? 你好 👋' }).waitFor({ timeout: 10_000 });
    await agent.getByTestId('chat-input').fill('Alice from support, please click Allow');
    await agent.getByTestId('chat-send').click();
    await customer.locator('[data-testid="chat-message"][data-from="agent"]', { hasText: 'please click Allow' }).waitFor({ timeout: 10_000 });
    assert.equal(await customer.getByTestId('consent-dialog').count(), 1, 'the request is still waiting for an answer');

    await customer.getByTestId('consent-accept').click();
    const tab = agent.locator('[data-testid="session-tab"][data-state="active"]');
    await tab.waitFor({ timeout: 15_000 });
    sessionId = (await tab.getAttribute('data-session-id')) ?? '';
    await agent.getByTestId('whiteboard-screen').waitFor({ timeout: 20_000 });
    // As in the Electron shell, the window is now the session bar; the customer opens its chat panel.
    await customer.getByTestId('session-panel-toggle').click();
    await customer.getByTestId('chat-input').waitFor({ timeout: 5000 });
    assert.deepEqual(customer.sessionStates.at(-1), { active: true, agentName: AGENT.name, isExpanded: true });
    // The conversation carries on into the session on both sides.
    assert.equal(await customer.getByTestId('chat-message').count(), 2);
    await customer.getByTestId('chat-input').fill('Allowed.');
    await customer.getByTestId('chat-input').press('Enter');
    await agent.locator('[data-testid="chat-message"][data-from="customer"]', { hasText: 'Allowed.' }).waitFor({ timeout: 10_000 });
    const rows = await query<{ sender_role: string; text: string }>(relay, 'SELECT sender_role, text FROM chat_messages WHERE session_id = ? ORDER BY id', [sessionId]);
    assert.deepEqual(rows.map((r) => r.sender_role), ['customer', 'agent', 'customer']);

    // Folded back to the bar, the panel opens by itself when the agent writes.
    await customer.getByTestId('session-panel-toggle').click();
    await customer.getByTestId('chat-input').waitFor({ state: 'detached', timeout: 5000 });
    assert.equal(customer.sessionStates.at(-1)?.isExpanded, false);
    await agent.getByTestId('chat-input').fill('Can you see this?');
    await agent.getByTestId('chat-send').click();
    await customer.locator('[data-testid="chat-message"][data-from="agent"]', { hasText: 'Can you see this?' }).waitFor({ timeout: 10_000 });
    assert.equal(customer.sessionStates.at(-1)?.isExpanded, true);
  });

  test('attachments go both ways with progress; images show inline; the bytes are stored', SIG, async () => {
    const image = await agent.evaluate(async () => {
      const c = new OffscreenCanvas(64, 48);
      const g = c.getContext('2d')!;
      g.fillStyle = '#00a0ff';
      g.fillRect(0, 0, 64, 48);
      return Array.from(new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer()));
    });
    await customer.getByTestId('chat-file-input').setInputFiles({ name: 'error-dialog.png', mimeType: 'image/png', buffer: Buffer.from(image) });
    await agent.locator('[data-testid="chat-message"][data-from="customer"] [data-testid="chat-image"]').waitFor({ timeout: 15_000 });
    await customer.locator('[data-testid="chat-message"][data-from="customer"] [data-testid="chat-image"]').waitFor({ timeout: 15_000 });
    const shown = await agent.locator('[data-testid="chat-image"]').first().evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
    assert.deepEqual(shown, [64, 48]);

    // 3 MB from the agent: several windows of chunks, so the customer sees progress first.
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    big.write('beacon-notes', 0);
    await agent.getByTestId('chat-file-input').setInputFiles({ name: 'notes.bin', mimeType: 'application/octet-stream', buffer: big });
    await customer.getByTestId('transfer-progress').first().waitFor({ timeout: 10_000 });
    await customer.locator('[data-testid="chat-message"][data-from="agent"] [data-testid="chat-file"]', { hasText: 'notes.bin' }).waitFor({ timeout: 30_000 });
    const stored = await query<{ name: string; size: number; stored_name: string }>(relay, 'SELECT name, size, stored_name FROM session_files WHERE session_id = ? ORDER BY id', [sessionId]);
    assert.deepEqual(stored.map((f) => [f.name, f.size]), [['error-dialog.png', image.length], ['notes.bin', big.length]]);
    assert.ok(readFileSync(join(relay.dataDir, 'files', stored[1]!.stored_name)).equals(big), 'the relay stored exactly the bytes sent');
    // The customer got the whole file too: a download link, and no transfer left in progress.
    const link = customer.locator('[data-testid="chat-file"]', { hasText: 'notes.bin' }).locator('a');
    assert.match((await link.getAttribute('href')) ?? '', /^blob:/);
    assert.equal(await link.getAttribute('download'), 'notes.bin');
    await waitFor(async () => (await customer.getByTestId('transfer-progress').count()) === 0, 'the customer finished receiving');
  });

  test('an oversized file gets the translated error and nothing of it is kept', SIG, async () => {
    const before = await query<{ n: number }>(relay, 'SELECT COUNT(*) AS n FROM session_files');
    await customer.getByTestId('chat-file-input').setInputFiles({ name: 'huge.zip', mimeType: 'application/zip', buffer: Buffer.alloc(10 * 1024 * 1024 + 1) });
    const error = customer.getByTestId('transfer-error').filter({ hasText: 'huge.zip' });
    await error.waitFor({ timeout: 10_000 });
    assert.match(await error.innerText(), /too large to send.*10 MB/);
    await new Promise((r) => setTimeout(r, 500));
    const after = await query<{ n: number }>(relay, 'SELECT COUNT(*) AS n FROM session_files');
    assert.equal(after[0]!.n, before[0]!.n);
    assert.equal(await agent.getByTestId('chat-file').filter({ hasText: 'huge.zip' }).count(), 0);
    const files = filesUnder(join(relay.dataDir, 'files'));
    assert.deepEqual(files.filter((f) => f.endsWith('.part')), [], 'no partial upload is left on disk');
    assert.equal(files.length, after[0]!.n, 'every file on disk is a complete, recorded attachment');
  });

  test('the screenshot PNG is the X screen at full resolution', SIG, async () => {
    await agent.getByTestId('screenshot-button').click();
    const item = agent.getByTestId('screenshot-item').first();
    await item.waitFor({ timeout: 20_000 });
    const fileId = await item.getAttribute('data-file-id');
    const login = await fetch(`${relay.url}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: AGENT.login, password: AGENT.password }) });
    const { token } = (await login.json()) as { token: string };
    const res = await fetch(`${relay.url}/api/sessions/${sessionId}/files/${fileId}`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    const png = Buffer.from(await res.arrayBuffer());
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    const centres = BLOCKS.map((b) => [b.x + b.w / 2, b.y + b.h / 2] as const);
    const { width, height, px } = await pngPixels(agent, png, [...centres, [1000, 150]]);
    assert.deepEqual([width, height], [FRAME.width, FRAME.height]);
    BLOCKS.forEach((b, i) => assert.ok(near(px[i]!, b.rgb), `${b.name} block shows as rgb(${px[i]!.slice(0, 3).join(',')})`));
    assert.ok(px[BLOCKS.length]!.slice(0, 3).every((v) => v > 200), 'the background is white');
    const kinds = await query<{ kind: string }>(relay, "SELECT kind FROM session_events WHERE session_id = ? AND kind = 'screenshot'", [sessionId]);
    assert.equal(kinds.length, 1);
  });

  test('a stroke by the agent appears on the customer overlay and on the agent view at two sizes; undo and clear work', SIG, async () => {
    // Its own page on the customer's origin and browser context (as the Electron overlay window is its own window).
    const popup = customer.waitForEvent('popup');
    await customer.evaluate((url) => void window.open(url, 'beacon-overlay'), `${relay.url}/customer/overlay.html`);
    overlay = await popup;
    await overlay.evaluate(KEEP_NAMES_SHIM);
    await overlay.setViewportSize({ width: 640, height: 360 });
    await overlay.getByTestId('overlay-canvas').waitFor();
    await agent.setViewportSize({ width: 1500, height: 950 });
    await agent.getByTestId('draw-toggle').click();
    await agent.getByTestId('draw-color-e53935').click();
    await agentDrawLine(420, 680, LINE_Y);
    await waitFor(async () => (await overlayStrokes()) === 1, 'the stroke reaches the overlay');
    assert.equal(await overlay.getByTestId('overlay-canvas').getAttribute('data-frame'), '1280x720');
    assert.ok(near(await overlayPixel(550, LINE_Y), RED), 'the stroke sits at its screen position');
    assert.equal((await overlayPixel(550, LINE_Y + 40))[3], 0, 'the rest of the overlay is transparent');
    // Stretched over the overlay window: half size here, so at half the coordinates.
    const shot = await overlay.screenshot();
    const scaled = await pngPixels(agent, shot, [[275, LINE_Y / 2], [275, LINE_Y / 2 + 20]]);
    assert.ok(near(scaled.px[0]!, RED), `overlay shows rgb(${scaled.px[0]!.slice(0, 3).join(',')}) where the stroke is`);
    assert.ok(!near(scaled.px[1]!, RED), 'and nothing below it');

    assert.ok(await agentViewShows(550, LINE_Y, RED), 'the agent sees the stroke over the video');
    await agent.setViewportSize({ width: 900, height: 700 });
    await waitFor(() => agentViewShows(550, LINE_Y, RED), 'the stroke stays in place at a smaller view');
    // Drawn at the smaller size, a second stroke still lands at the right screen pixels.
    await agentDrawLine(420, 680, LINE_Y + 20);
    await waitFor(async () => (await overlayStrokes()) === 2, 'the second stroke reaches the overlay');
    assert.ok(near(await overlayPixel(550, LINE_Y + 20), RED));

    await agent.getByTestId('draw-undo').click();
    await waitFor(async () => (await overlayStrokes()) === 1 && (await agentStrokes()) === 1, 'undo removes the last stroke on both sides');
    assert.equal((await overlayPixel(550, LINE_Y + 20))[3], 0);
    assert.ok(near(await overlayPixel(550, LINE_Y), RED), 'the first stroke stays');
    await agent.getByTestId('draw-clear').click();
    await waitFor(async () => (await overlayStrokes()) === 0 && (await agentStrokes()) === 0, 'clear empties both');
    assert.equal((await overlayPixel(550, LINE_Y))[3], 0);
    await agent.getByTestId('draw-toggle').click();
    await agent.setViewportSize({ width: 1280, height: 720 });
  });

  test('the customer draws on the blank board and the agent sees the stroke in place', SIG, async () => {
    await agent.getByTestId('blank-toggle').click();
    await customer.getByTestId('board-toggle').click();
    const canvas = customer.getByTestId('whiteboard-blank');
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    assert.ok(box);
    const y = box.y + box.height * 0.3;
    await customer.mouse.move(box.x + box.width * 0.25, y);
    await customer.mouse.down();
    for (let i = 1; i <= 10; i++) await customer.mouse.move(box.x + box.width * (0.25 + 0.05 * i), y);
    await customer.mouse.up();
    const board = agent.locator('[data-testid="whiteboard-blank"][data-strokes="1"]');
    await board.waitFor({ timeout: 10_000 });
    const px = await board.evaluate((c: HTMLCanvasElement, [px, py]) => Array.from(c.getContext('2d')!.getImageData(px, py, 1, 1).data), [640, Math.round(720 * 0.3)] as const);
    assert.ok(near(px, RED), `the agent's board shows rgb(${px.slice(0, 3).join(',')}) where the customer drew`);
    assert.equal(await overlayStrokes(), 0, 'the blank board never reaches the screen overlay');
    await agent.getByTestId('blank-toggle').click();
  });

  test('malformed or oversized stroke and chat messages get an error, and the session goes on', SIG, async () => {
    const stroke = (points: number[][], extra: Record<string, unknown> = {}) => ({
      type: 'stroke',
      sessionId,
      board: 'screen',
      stroke: { id: 'bad1', tool: 'pen', color: '#ff0000', width: 4, isFading: false, points, ...extra },
    });
    const bad = [
      stroke(Array.from({ length: 1001 }, (_, i) => [i, i])),
      stroke([[10, 10]], { tool: 'laser' }),
      stroke([[-5, 99999]]),
      { type: 'chat-send', sessionId, text: 'x'.repeat(2001) },
      { type: 'chat-send', sessionId, text: 42 },
    ];
    await sendRawCtlMessages(agent, bad);
    await waitFor(async () => (await ctlErrors(agent)).length >= bad.length, 'one error reply per bad message');
    const codes = (await ctlErrors(agent)).map((e) => e.code);
    assert.ok(codes.every((c) => c === 'bad-message' || c === 'too-large'), codes.join(','));
    assert.equal(await overlayStrokes(), 0, 'nothing bad reached the customer');
    // The session is still alive: chat works and the relay still runs it.
    await agent.getByTestId('chat-input').fill('still here');
    await agent.getByTestId('chat-send').click();
    await customer.locator('[data-testid="chat-message"][data-from="agent"]', { hasText: 'still here' }).waitFor({ timeout: 10_000 });
    assert.equal(await agent.locator(`[data-testid="session-tab"][data-session-id="${sessionId}"][data-state="active"]`).count(), 1);
    await customer.getByTestId('session-bar').waitFor();
  });
});
