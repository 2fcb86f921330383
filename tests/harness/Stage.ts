import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchAgentBrowser, launchCustomerBrowser, launchScreenWindow } from './Browsers.ts';
import { InjectorProcess } from './InjectorProcess.ts';
import { startRelay, type RelayProcess } from './Relay.ts';
import { startXvfb, type XDisplay } from './Xvfb.ts';

/**
 * Everything an end-to-end suite stands on: a real X screen showing `screenHtml` full screen,
 * the real injector bound to it, the relay, a headful customer browser that captures the
 * screen and a headless agent browser. `close()` tears it down in the safe order.
 */
export interface Stage {
  x: XDisplay;
  relay: RelayProcess;
  injector: InjectorProcess;
  screen: { context: BrowserContext; page: Page };
  customerBrowser: Browser;
  agentBrowser: Browser;
  close(): Promise<void>;
}

export async function startStage(opts: {
  screenHtml: string;
  preferredDisplay: number;
  width?: number;
  height?: number;
  relayEnv?: Record<string, string>;
  /** Size the screen window to the whole X screen (needed on screens wider than the kiosk window's default). */
  fitScreenWindow?: boolean;
}): Promise<Stage> {
  const parts: Partial<Stage> = {};
  const close = async () => {
    await parts.agentBrowser?.close().catch(() => undefined);
    await parts.customerBrowser?.close().catch(() => undefined);
    await parts.screen?.context.close().catch(() => undefined);
    await parts.relay?.stop();
    await parts.injector?.close();
    await parts.x?.close();
  };
  try {
    parts.x = await startXvfb(opts.width ?? 1280, opts.height ?? 720, opts.preferredDisplay);
    parts.injector = await InjectorProcess.start(parts.x.display);
    parts.relay = await startRelay(opts.relayEnv);
    parts.customerBrowser = await launchCustomerBrowser(parts.x.display);
    parts.screen = await launchScreenWindow(parts.x.display, opts.fitScreenWindow ? { width: parts.x.width, height: parts.x.height } : undefined);
    await parts.screen.page.setContent(opts.screenHtml);
    parts.agentBrowser = await launchAgentBrowser();
  } catch (err) {
    await close();
    throw err;
  }
  return { ...(parts as Omit<Stage, 'close'>), close };
}
