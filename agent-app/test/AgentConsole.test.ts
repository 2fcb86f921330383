/**
 * Sessions in the console in a real Chromium against a scripted relay + customer (FakeRelay):
 * connect errors, live VP8 video on the canvas, exact input mapping, keyframes and hidden
 * views, quality modes, view-only, session endings, and relay loss and reconnect. Real
 * WebSocket and WebRTC; the video frames are real VP8 encoded by the browser's WebCodecs.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { CtlToRelay } from '@beacon/shared/protocol';
import { AGENT, type AgentLink, type FakeRelay } from './FakeRelay.ts';
import { DEVICE, SID_A, SID_B, SID_C, SIG, Streamer, VIDEO, connect, encodeFrames, eventually, frames, inputs, signIn, tab, useConsoleStage, type Chunk } from './consoleStage.ts';

let relay: FakeRelay;
let page: Page;
let link: AgentLink;

describe('agent console sessions in Chromium', { concurrency: false }, () => {
  useConsoleStage(async (stage) => {
    ({ relay, page } = stage);
    await page.goto(`${relay.url}/`);
    link = await signIn(page, relay);
  });

  test('the connect form checks its input, then shows the relay errors', SIG, async () => {
    await page.getByTestId('device-id-input').fill('12345');
    await page.getByTestId('code-input').fill('ABC234');
    await page.getByTestId('connect-submit').click();
    await page.getByTestId('error-message').filter({ hasText: '9-digit ID' }).waitFor();
    const req = await connect(page, link, '123 456 789', 'abc 234', true);
    assert.deepEqual({ ...req, requestId: typeof req.requestId }, {
      type: 'connect-request', requestId: 'string', deviceId: DEVICE, code: 'ABC234', permissions: { view: true, control: true },
    });
    link.send({ type: 'error', code: 'wrong-code', message: 'no', requestId: req.requestId });
    await page.getByTestId('error-message').filter({ hasText: 'do not match' }).waitFor();
    const again = await connect(page, link, DEVICE, 'ABC235', true);
    assert.notEqual(again.requestId, req.requestId, 'a fresh requestId per attempt');
    link.send({ type: 'error', code: 'locked', message: 'no', requestId: again.requestId });
    await page.getByTestId('error-message').filter({ hasText: 'Too many wrong codes' }).waitFor();
  });

  let chunks: Chunk[] = [];
  let streamer: Streamer;

  test('a started session shows live video with its status line', SIG, async () => {
    chunks = await encodeFrames(page, 60, 30);
    assert.ok(chunks[0]?.isKey && chunks.length === 60);
    await page.evaluate(() => {
      const w = window as unknown as { __probes: unknown[]; __beaconFrameProbe: (p: { sessionId: string; seq: number; captureTs: number; drawnAt: number }) => void };
      w.__probes = [];
      w.__beaconFrameProbe = (p) => w.__probes.push({ sessionId: p.sessionId, seq: p.seq, captureTs: p.captureTs, drawnAt: p.drawnAt });
    });
    const req = await connect(page, link, DEVICE, 'ABC234', true);
    link.send({ type: 'session-pending', requestId: req.requestId, sessionId: SID_A, deviceId: DEVICE });
    await tab(page, SID_A).and(page.locator('[data-state="pending"]')).waitFor();
    await page.getByText('Waiting for the customer to accept').waitFor();
    link.send({ type: 'session-started', sessionId: SID_A, deviceId: DEVICE, agentName: AGENT.displayName, permissions: { view: true, control: true }, streamId: 5 });
    await tab(page, SID_A).and(page.locator('[data-state="active"]')).waitFor();
    await link.ctl.next((m) => m.type === 'keyframe-request' && m.sessionId === SID_A, 'keyframe request at start');
    link.sendCtl({ type: 'stream-config', sessionId: SID_A, config: { codec: 'vp8', ...VIDEO } });
    streamer = new Streamer(link, 5, chunks);
    streamer.start();
    await page.waitForFunction(() => Number(document.querySelector<HTMLCanvasElement>('[data-testid="session-canvas"]')?.dataset.frames) >= 10);
    const canvas = page.getByTestId('session-canvas');
    assert.deepEqual(await canvas.evaluate((c: HTMLCanvasElement) => [c.width, c.height, c.dataset.width, c.dataset.height]), [320, 180, '320', '180']);
    const pixels = await canvas.evaluate((c: HTMLCanvasElement) => {
      const g = c.getContext('2d') as CanvasRenderingContext2D;
      return [[80, 45], [240, 45], [80, 135], [300, 170]].map(([x, y]) => Array.from(g.getImageData(x as number, y as number, 1, 1).data.slice(0, 3)));
    });
    const expected = [[224, 32, 32], [32, 192, 32], [32, 64, 224], [255, 255, 255]];
    pixels.forEach((px, i) => {
      const e = expected[i] as number[];
      assert.ok(Math.hypot(px[0]! - e[0]!, px[1]! - e[1]!, px[2]! - e[2]!) < 50, `quadrant ${i} shows rgb(${px.join(',')})`);
    });
    // Shown scaled to fit its area, aspect ratio kept.
    const box = await canvas.boundingBox();
    assert.ok(box && box.width > 320 && Math.abs(box.width / box.height - 16 / 9) < 0.02, `canvas box ${JSON.stringify(box)}`);
    // The probe reports the media header's seq and capture time for every drawn frame.
    const probes = (await page.evaluate(() => (window as unknown as { __probes: { sessionId: string; seq: number; captureTs: number; drawnAt: number }[] }).__probes)).slice(0, 10);
    assert.ok(probes.length >= 10);
    for (const p of probes) {
      assert.equal(p.sessionId, SID_A);
      assert.equal(p.captureTs, streamer.sent.get(p.seq));
      assert.ok(p.drawnAt >= p.captureTs && p.drawnAt - p.captureTs < 5000);
    }
    const status = page.getByTestId('session-status');
    await eventually(async () => Number(await status.getAttribute('data-fps')) >= 15, 'fps near 30 in the status line');
    await eventually(async () => (await status.getAttribute('data-latency')) !== '', 'a latency figure from ping/pong');
    const text = await status.innerText();
    assert.match(text, /\d+ fps/);
    assert.match(text, /\d+ kbps/);
    assert.match(text, /\d+ ms/);
    assert.match(text, /320×180/);
    assert.match(text, /vp8/);
  });

  test('mouse, wheel and keyboard arrive in exact video pixels', SIG, async () => {
    const canvas = page.getByTestId('session-canvas');
    const box = await canvas.boundingBox();
    assert.ok(box);
    const at = (x: number, y: number) => ({ x: box.x + ((x + 0.5) * box.width) / VIDEO.width, y: box.y + ((y + 0.5) * box.height) / VIDEO.height });
    link.ctl.skipAll();
    const before = inputs(link, SID_A).length;
    const p1 = at(100, 50);
    await page.mouse.click(p1.x, p1.y);
    const p2 = at(319, 179);
    await page.mouse.click(p2.x, p2.y, { button: 'right' });
    await page.mouse.move(at(10, 10).x, at(10, 10).y, { steps: 8 });
    await page.mouse.wheel(0, 250);
    await page.keyboard.type('a');
    await page.keyboard.press('Control+C');
    await page.keyboard.press('Tab');
    await eventually(() => inputs(link, SID_A).slice(before).some((e) => e.kind === 'key' && e.key === 'tab' && !e.down), 'all input arrived');
    const got = inputs(link, SID_A).slice(before);
    const buttons = got.filter((e) => e.kind === 'mouse-button').map((e) => e.kind === 'mouse-button' && [e.button, e.down, e.x, e.y]);
    assert.deepEqual(buttons, [
      ['left', true, 100, 50],
      ['left', false, 100, 50],
      ['right', true, 319, 179],
      ['right', false, 319, 179],
    ]);
    const moves = got.filter((e) => e.kind === 'mouse-move');
    // Each click moves the pointer first (2 events), then 8 steps: never more moves than the page saw
    // (coalescing may merge some, depending on how the machine's frames fall).
    assert.ok(moves.length >= 1 && moves.length <= 10, `${moves.length} moves for 10 pointer moves`);
    assert.deepEqual(moves.at(-1) && [moves.at(-1)!.kind === 'mouse-move' && moves.at(-1)!.x, moves.at(-1)!.kind === 'mouse-move' && moves.at(-1)!.y], [10, 10]);
    assert.deepEqual(got.filter((e) => e.kind === 'wheel').map((e) => e.kind === 'wheel' && [e.x, e.y, e.dx, e.dy]), [[10, 10, 0, 3]]);
    assert.ok(got.some((e) => e.kind === 'text' && e.text === 'a'));
    assert.ok(got.some((e) => e.kind === 'key' && e.key === 'c' && e.down && e.modifiers.join() === 'control'));
    const now = await page.evaluate(() => performance.timeOrigin + performance.now());
    assert.ok(got.every((e) => typeof e.t === 'number' && now - e.t >= 0 && now - e.t < 10_000), 'every event carries its send time');
    // The page itself did not act on those keys: focus stayed on the remote screen.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'session-canvas');
  });

  test('after a lost frame the console asks for a keyframe and recovers', SIG, async () => {
    // Lose a frame only while deltas are being drawn: a loss while the console already waits for a
    // keyframe asks for nothing new.
    const before = await frames(page);
    await eventually(async () => (await frames(page)) >= before + 3, 'deltas drawn before the loss');
    link.ctl.skipAll();
    streamer.isLosingNext = true;
    await link.ctl.next((m) => m.type === 'keyframe-request' && m.sessionId === SID_A, 'keyframe request after a gap', 5000);
    const stalled = await frames(page);
    streamer.jumpToKey();
    await eventually(async () => (await frames(page)) > stalled + 5, 'frames drawn again after the keyframe', 10_000);
  });

  test('a session not on screen tells the relay, draws keyframes only and asks for none; shown again it asks at once', SIG, async () => {
    const canvas = await page.getByTestId('session-canvas').elementHandle();
    assert.ok(canvas);
    const drawn = () => canvas.evaluate((c: HTMLCanvasElement) => Number(c.dataset.frames));
    const viewState = (isVisible: boolean) => (m: CtlToRelay) => m.type === 'view-state' && m.sessionId === SID_A && m.isVisible === isVisible;
    const keyframeRequests = () => link.ctl.all.filter((m) => m.type === 'keyframe-request' && m.sessionId === SID_A).length;

    // The new-connection form covers the tab. This fake relay still sends every frame.
    link.ctl.skipAll();
    await page.getByTestId('new-session-button').click();
    await link.ctl.next(viewState(false), 'view-state not visible');
    await new Promise((r) => setTimeout(r, 200));
    const hiddenFrom = await drawn();
    const requestsHidden = keyframeRequests();
    await new Promise((r) => setTimeout(r, 2000));
    const drawnHidden = (await drawn()) - hiddenFrom;
    // The streamer sends a keyframe every 30 frames (1 s): those are drawn, the deltas are not.
    assert.ok(drawnHidden >= 1 && drawnHidden <= 4, `${drawnHidden} frames drawn in 2 s in the background`);
    assert.equal(keyframeRequests(), requestsHidden, 'no keyframe asked for in the background');

    await tab(page, SID_A).click();
    await link.ctl.next(viewState(true), 'view-state visible');
    await link.ctl.next((m) => m.type === 'keyframe-request' && m.sessionId === SID_A, 'a keyframe asked for as soon as it is shown', 1000);
    const shownFrom = await frames(page);
    streamer.jumpToKey();
    await eventually(async () => (await frames(page)) > shownFrom + 10, 'live again');

    // A hidden window (minimised, another browser tab) hides every session; shown, it is back.
    const setHidden = (isHidden: boolean) =>
      page.evaluate((isHidden) => {
        Object.defineProperty(document, 'visibilityState', { value: isHidden ? 'hidden' : 'visible', configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      }, isHidden);
    await setHidden(true);
    await link.ctl.next(viewState(false), 'view-state not visible while the window is hidden');
    await setHidden(false);
    await link.ctl.next(viewState(true), 'view-state visible when the window is back');
  });

  test('the picture\'s quality mode: balanced at first, a pick goes to the customer at once', SIG, async () => {
    await tab(page, SID_A).click();
    const select = page.getByTestId('session-view').getByTestId('quality-mode');
    assert.equal(await select.inputValue(), 'balanced');
    assert.ok(link.ctl.all.some((m) => m.type === 'quality-mode' && m.sessionId === SID_A && m.mode === 'balanced'), 'the customer is told the mode when the session starts');
    assert.deepEqual(await select.locator('option').allInnerTexts(), ['Speed first', 'Balanced', 'Quality first']);
    await select.selectOption('speed');
    await link.ctl.next((m) => m.type === 'quality-mode' && m.sessionId === SID_A && m.mode === 'speed', 'quality-mode speed');
    assert.equal(await select.inputValue(), 'speed');
    await select.selectOption('quality');
    await link.ctl.next((m) => m.type === 'quality-mode' && m.sessionId === SID_A && m.mode === 'quality', 'quality-mode quality');
    await select.selectOption('speed');
    await link.ctl.next((m) => m.type === 'quality-mode' && m.sessionId === SID_A && m.mode === 'speed', 'quality-mode speed again');
  });

  test('a view-only session shows a badge and sends no input', SIG, async () => {
    await page.getByTestId('new-session-button').click();
    const req = await connect(page, link, '987 654 321', 'XYZ789', false);
    assert.deepEqual(req.permissions, { view: true, control: false });
    link.send({ type: 'session-pending', requestId: req.requestId, sessionId: SID_B, deviceId: '987654321' });
    link.send({ type: 'session-started', sessionId: SID_B, deviceId: '987654321', agentName: AGENT.displayName, permissions: { view: true, control: false }, streamId: 6 });
    await page.getByTestId('view-only-badge').waitFor();
    // The last mode picked (speed, on the other session) is where a new session starts.
    await link.ctl.next((m) => m.type === 'quality-mode' && m.sessionId === SID_B, 'quality-mode at start').then((m) => assert.equal(m.type === 'quality-mode' && m.mode, 'speed'));
    assert.equal(await page.getByTestId('session-view').getByTestId('quality-mode').inputValue(), 'speed');
    link.sendCtl({ type: 'stream-config', sessionId: SID_B, config: { codec: 'vp8', ...VIDEO } });
    const other = new Streamer(link, 6, chunks);
    for (let i = 0; i < 5; i++) other.sendOne();
    await page.waitForFunction(() => Number(document.querySelector<HTMLCanvasElement>('[data-testid="session-canvas"]')?.dataset.frames) >= 3);
    const box = await page.getByTestId('session-canvas').boundingBox();
    assert.ok(box);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.keyboard.type('x');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(inputs(link, SID_B).length, 0);
    assert.equal(await page.getByTestId('session-tab').count(), 2);
  });

  test('an ended session says why, stops drawing, and offers to connect again', SIG, async () => {
    await tab(page, SID_A).click();
    await page.waitForFunction(() => Number(document.querySelector<HTMLCanvasElement>('[data-testid="session-canvas"]')?.dataset.frames) > 0);
    link.send({ type: 'session-ended', sessionId: SID_A, reason: 'customer-stopped' });
    await tab(page, SID_A).and(page.locator('[data-state="ended"]')).waitFor();
    await page.getByTestId('session-message').filter({ hasText: 'The customer stopped the session.' }).waitFor();
    const atEnd = await frames(page);
    await new Promise((r) => setTimeout(r, 400)); // the fake customer is still sending
    assert.equal(await frames(page), atEnd, 'no frames after the end');
    streamer.stop();
    assert.equal(await page.getByTestId('device-id-input').inputValue(), '123 456 789');
    const req = await connect(page, link, DEVICE, 'NEW234', true);
    link.send({ type: 'session-pending', requestId: req.requestId, sessionId: SID_C, deviceId: DEVICE });
    link.send({ type: 'session-denied', sessionId: SID_C, code: 'denied' });
    await page.getByTestId('session-message').filter({ hasText: 'declined' }).waitFor();
    await tab(page, SID_A).click();
    await tab(page, SID_A).getByTestId('session-tab-close').click();
    await tab(page, SID_A).waitFor({ state: 'detached' });
  });

  test('losing the relay ends every live tab, then the console reconnects', SIG, async () => {
    const relinked = relay.nextLink(20_000);
    link.drop();
    await page.getByTestId('link-state').and(page.locator('[data-state="reconnecting"]')).waitFor();
    await tab(page, SID_B).and(page.locator('[data-state="ended"]')).waitFor();
    await tab(page, SID_B).click();
    await page.getByTestId('session-message').filter({ hasText: 'Cannot reach the relay server' }).waitFor();
    link = await relinked;
    await page.getByTestId('link-state').and(page.locator('[data-state="online"]')).waitFor();
    await page.getByTestId('error-message').waitFor({ state: 'detached' });
    assert.deepEqual(relay.malformed, []);
    assert.deepEqual(relay.links.flatMap((l) => l.malformed), []);
  });

});
