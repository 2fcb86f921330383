import { chromium, type Browser } from 'playwright-core';
import { BASE_ARGS } from './Browsers.ts';
import type { ShapedLink } from './ShapedLink.ts';

/**
 * The customer's Chromium inside a ShapedLink's namespace, headful on `display` (screen capture
 * picks the whole X screen), in a small window clear of the test pattern. `relayFromNs` is the
 * relay as the namespace reaches it: not localhost, so it is marked secure for WebCodecs and
 * capture.
 */
export function launchCustomerInNamespace(link: ShapedLink, display: string, relayFromNs: string): Promise<Browser> {
  return chromium.launch({
    executablePath: link.wrapperPath,
    headless: false,
    args: [
      ...BASE_ARGS,
      '--auto-select-desktop-capture-source=Entire',
      '--use-fake-ui-for-media-stream',
      `--unsafely-treat-insecure-origin-as-secure=${relayFromNs}`,
      '--window-position=700,420',
      '--window-size=560,280',
    ],
    env: { ...process.env, DISPLAY: display },
  });
}
