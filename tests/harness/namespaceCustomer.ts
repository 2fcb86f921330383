/**
 * The customer's Chromium inside a ShapedLink's network namespace (on the given X display), and
 * the checks the tests that use it share: polling for a condition, and reading the agent's
 * canvas at an X screen point.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { BASE_ARGS } from './Browsers.ts';
import { canvasPixel } from './flows.ts';
import type { ShapedLink } from './ShapedLink.ts';

/** Launches it; `relayUrl` is the relay as the namespace reaches it. */
export async function launchCustomerInNamespace(link: ShapedLink, display: string, relayPort: number): Promise<{ browser: Browser; relayUrl: string }> {
  const relayUrl = `http://${link.hostIp}:${relayPort}`;
  const browser = await chromium.launch({
    executablePath: link.wrapperPath,
    headless: false,
    args: [
      ...BASE_ARGS,
      '--auto-select-desktop-capture-source=Entire',
      '--use-fake-ui-for-media-stream',
      // The relay is not on localhost from inside the namespace; WebCodecs and capture need a secure context.
      `--unsafely-treat-insecure-origin-as-secure=${relayUrl}`,
      '--window-position=700,420',
      '--window-size=560,280',
    ],
    env: { ...process.env, DISPLAY: display },
  });
  return { browser, relayUrl };
}

/** Polls `check` every 50 ms; resolves with how long it took, or throws naming `what`. */
export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await check().catch(() => false)) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting: ${what}`);
}

/** The pixel of the agent's canvas at X screen point (sx, sy) of a 1280-wide screen, whatever size the picture is sent at. */
export async function screenPixel(agent: Page, sx: number, sy: number): Promise<number[]> {
  const w = await agent.getByTestId('session-canvas').evaluate((c: HTMLCanvasElement) => c.width);
  return canvasPixel(agent, (sx * w) / 1280, (sy * w) / 1280);
}
