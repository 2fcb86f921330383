import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.BEACON_CHROMIUM ?? '/usr/bin/chromium';

/** Flags every test browser needs on a machine with no outside network, running as root. */
export const BASE_ARGS = [
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--disable-default-apps',
  '--password-store=basic',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/**
 * A full-screen (kiosk) window on the X display: the "customer's desktop" a test draws on.
 * With --kiosk the page content sits at the screen origin (no infobar offset).
 */
/**
 * `size`: open the window at this size (kiosk mode cannot go full screen without a window
 * manager, and its default window is smaller than a wide screen).
 */
export async function launchScreenWindow(display: string, size?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext('', {
    executablePath: CHROMIUM,
    headless: false,
    viewport: null,
    args: [...BASE_ARGS, '--kiosk', '--window-position=0,0', ...(size ? [`--window-size=${size.width},${size.height}`] : [])],
    env: { ...process.env, DISPLAY: display },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await context.addInitScript(KEEP_NAMES_SHIM);
  await page.evaluate(KEEP_NAMES_SHIM);
  return { context, page };
}

/** A customer browser started elsewhere than here: through a wrapper (e.g. inside a network namespace). */
export interface CustomerBrowserPlace {
  /** The executable that starts Chromium there. */
  executablePath: string;
  /** The relay's origin as seen from there: not localhost, so it is declared a secure context (WebCodecs and capture need one). */
  relayOrigin: string;
}

/**
 * The customer renderer's browser: headful on the X display so getDisplayMedia captures the
 * real X screen, with the screen source picked automatically (Electron's
 * setDisplayMediaRequestHandler does the same in the product).
 */
export async function launchCustomerBrowser(display: string, place?: CustomerBrowserPlace): Promise<Browser> {
  return chromium.launch({
    executablePath: place?.executablePath ?? CHROMIUM,
    headless: false,
    args: [
      ...BASE_ARGS,
      '--auto-select-desktop-capture-source=Entire',
      '--use-fake-ui-for-media-stream',
      ...(place ? [`--unsafely-treat-insecure-origin-as-secure=${place.relayOrigin}`] : []),
      '--window-position=700,420',
      '--window-size=560,280',
    ],
    env: { ...process.env, DISPLAY: display },
  });
}

/** The agent console's browser: it needs no display. */
export async function launchAgentBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: BASE_ARGS });
}

/**
 * tsx compiles test files with esbuild's keepNames, which wraps functions passed to
 * `page.evaluate` in a `__name` helper that pages do not have; define it in every page.
 */
export const KEEP_NAMES_SHIM = 'globalThis.__name = (fn, value) => Object.defineProperty(fn, "name", { value, configurable: true });';

export async function newPage(target: Browser | BrowserContext): Promise<Page> {
  const page = await target.newPage();
  await page.addInitScript(KEEP_NAMES_SHIM);
  await page.evaluate(KEEP_NAMES_SHIM);
  return page;
}
