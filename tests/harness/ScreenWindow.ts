import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, KEEP_NAMES_SHIM } from './Browsers.ts';

/**
 * A window covering the whole X screen, for benchmarks that need the workload everywhere
 * the capturer looks. `launchScreenWindow` leaves Chromium's default window size, since
 * there is no window manager on Xvfb to make a kiosk window full screen; this one asks
 * for the screen's size explicitly.
 */
export async function launchFullScreenWindow(display: string, width: number, height: number): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext('', {
    executablePath: CHROMIUM,
    headless: false,
    viewport: null,
    args: [
      '--no-sandbox',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      '--password-store=basic',
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
      '--kiosk',
      '--window-position=0,0',
      `--window-size=${width},${height}`,
    ],
    env: { ...process.env, DISPLAY: display },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await context.addInitScript(KEEP_NAMES_SHIM);
  await page.evaluate(KEEP_NAMES_SHIM);
  return { context, page };
}

/**
 * Shows `html` in a fresh document. `page.setContent` alone reuses the window, so the
 * previous page's globals, timers and animation loops would live on into the next one.
 */
export async function showFresh(page: Page, html: string): Promise<void> {
  await page.goto('about:blank');
  await page.setContent(html);
}
