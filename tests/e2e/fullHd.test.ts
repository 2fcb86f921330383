/**
 * A 1920x1080 screen reaches the agent at its own size. Chromium scales screen capture to
 * 1280x720 unless asked, and `window.screen` is wrong under Xvfb without RANDR, so this
 * guards the capture constraints the customer app uses.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { newPage } from '../harness/Browsers.ts';
import { startStage, type Stage } from '../harness/Stage.ts';
import { agentConnect, agentSignIn, canvasPixel, openCustomer, readDeviceCredentials } from '../harness/flows.ts';
import { BLOCKS, PATTERN_HTML } from '../fixtures/pattern.ts';

let stage: Stage;

before(async () => {
  stage = await startStage({ screenHtml: PATTERN_HTML, preferredDisplay: 96, width: 1920, height: 1080 });
});
after(() => stage?.close());

test('a full-HD screen arrives at full HD, pixel for pixel', { timeout: 120_000 }, async () => {
  const customer = await openCustomer(stage.customerBrowser, stage.relay.url, stage.injector);
  const agent = await newPage(stage.agentBrowser);
  await agentSignIn(agent, stage.relay.url);
  const { deviceId, code } = await readDeviceCredentials(customer);
  await agentConnect(agent, deviceId, code);
  await customer.getByTestId('consent-accept').click({ timeout: 10_000 });
  await agent.waitForFunction(
    () => Number(document.querySelector<HTMLCanvasElement>('[data-testid="session-canvas"]')?.dataset.frames ?? 0) >= 3,
    null,
    { timeout: 20_000 },
  );
  // The first frames go out small while the link is measured; on this LAN full HD follows at once.
  await agent
    .waitForFunction(() => document.querySelector<HTMLCanvasElement>('[data-testid="session-canvas"]')?.width === 1920, null, { timeout: 10_000 })
    .catch(() => undefined);
  const size = await agent.getByTestId('session-canvas').evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
  assert.deepEqual(size, [1920, 1080]);
  // Block edges land on the same pixels: one pixel inside each corner is the block's colour.
  for (const b of BLOCKS) {
    for (const [px, py] of [[b.x + 2, b.y + 2], [b.x + b.w - 3, b.y + b.h - 3]] as const) {
      const c = await canvasPixel(agent, px, py);
      const dist = Math.hypot(c[0]! - b.rgb[0], c[1]! - b.rgb[1], c[2]! - b.rgb[2]);
      assert.ok(dist < 80, `${b.name} at ${px},${py} shows as rgb(${c.slice(0, 3).join(',')})`);
    }
  }
});
