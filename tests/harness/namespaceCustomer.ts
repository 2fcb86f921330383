/**
 * The customer's Chromium inside a ShapedLink's network namespace (on the given X display), and
 * reading the agent's canvas at an X screen point, for the tests that use it.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchScreenWindow } from './Browsers.ts';
import { launchCustomerInNamespace } from './namespaceBrowser.ts';
import { canvasPixel } from './flows.ts';
import { InjectorProcess } from './InjectorProcess.ts';
import { startRelay, type RelayProcess } from './Relay.ts';
import { ShapedLink } from './ShapedLink.ts';
import { startXvfb, type XDisplay } from './Xvfb.ts';

/**
 * Everything on the customer's side of a real link: the link (see ShapedLink), an X display
 * showing `screenHtml` in a kiosk window, the injector, a relay on every address, and the
 * customer's Chromium in the namespace. `start` throws LinkUnavailableError where the machine
 * cannot make the link (the caller skips, saying why).
 */
export class NamespaceStage {
  private constructor(
    readonly link: ShapedLink,
    readonly x: XDisplay,
    readonly injector: InjectorProcess,
    readonly relay: RelayProcess,
    readonly screen: { context: BrowserContext; page: Page },
    readonly customerBrowser: Browser,
    /** The relay as the namespace reaches it. */
    readonly relayUrl: string,
  ) {}

  static async start(rateKbit: number | null, preferredDisplay: number, screenHtml: string): Promise<NamespaceStage> {
    const link = await ShapedLink.start({ rateKbit });
    const x = await startXvfb(1280, 720, preferredDisplay);
    const injector = await InjectorProcess.start(x.display);
    const relay = await startRelay({ BEACON_HOST: '0.0.0.0' });
    const screen = await launchScreenWindow(x.display);
    await screen.page.setContent(screenHtml);
    // The relay as the namespace reaches it (not localhost).
    const relayUrl = `http://${link.hostIp}:${relay.port}`;
    const browser = await launchCustomerInNamespace(link, x.display, relayUrl);
    return new NamespaceStage(link, x, injector, relay, screen, browser, relayUrl);
  }

  async close(): Promise<void> {
    await this.link.setLinkUp(true).catch(() => undefined);
    await this.customerBrowser.close().catch(() => undefined);
    await this.screen.context.close().catch(() => undefined);
    await this.relay.stop();
    await this.injector.close();
    await this.x.close();
    await this.link.close();
  }
}

/** The pixel of the agent's canvas at X screen point (sx, sy) of a 1280-wide screen, whatever size the picture is sent at. */
export async function screenPixel(agent: Page, sx: number, sy: number): Promise<number[]> {
  const w = await agent.getByTestId('session-canvas').evaluate((c: HTMLCanvasElement) => c.width);
  return canvasPixel(agent, (sx * w) / 1280, (sy * w) / 1280);
}
