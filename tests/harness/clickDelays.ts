import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { TEXT_BOX } from '../fixtures/pattern.ts';
import { waitFor } from './waitFor.ts';

/**
 * Clicks the agent's session canvas `count` times over the pattern's text box, `gapMs` apart,
 * and returns the ms from each click until the X screen's page saw its mousedown (that page
 * records them in `window.clicks`).
 */
export async function clickDelays(agent: Page, screenPage: Page, gapMs: number, count = 3): Promise<number[]> {
  const canvas = agent.getByTestId('session-canvas');
  await canvas.focus();
  const box = await canvas.boundingBox();
  assert.ok(box);
  const clicks = () => screenPage.evaluate(() => (window as unknown as { clicks: number[] }).clicks);
  const delays: number[] = [];
  for (let i = 0; i < count; i++) {
    const before = (await clicks()).length;
    const clickedAt = Date.now();
    await agent.mouse.click(box.x + ((TEXT_BOX.x + 40 + i * 60) * box.width) / 1280, box.y + ((TEXT_BOX.y + 30) * box.height) / 720);
    await waitFor(async () => (await clicks()).length > before, 'the click on the X screen', 5000);
    delays.push(((await clicks()).at(-1) ?? 0) - clickedAt);
    await new Promise((r) => setTimeout(r, gapMs));
  }
  return delays;
}
