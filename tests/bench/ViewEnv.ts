/**
 * Everything one screen size's view benchmarks share: a real X server (in this suite's
 * display range), the relay, a full-screen window showing the workload, the customer
 * renderer in headful Chromium capturing that screen (with the real robotjs injector), and a
 * headless Chromium for the viewers (Beacon's agent console, and the noVNC page).
 *
 * With a {@link ShapedLink}, the customer's Chromium runs inside the link's network namespace
 * and reaches the relay across the shaped veth pair; the relay and the viewers stay here.
 */
import { appendFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchAgentBrowser, launchCustomerBrowser } from '../harness/Browsers.ts';
import type { InjectionRecord } from '../harness/CustomerBridge.ts';
import { openCustomer } from '../harness/flows.ts';
import { InjectorProcess } from '../harness/InjectorProcess.ts';
import { withNewChildren } from '../harness/ProcessStats.ts';
import { launchFullScreenWindow, showFresh } from '../harness/ScreenWindow.ts';
import { startRelay, type RelayProcess } from '../harness/Relay.ts';
import type { ShapedLink } from '../harness/ShapedLink.ts';
import { startXvfb, type XDisplay } from '../harness/Xvfb.ts';
import { AUTO_ACCEPT_SCRIPT, WORKLOAD_PAGES, type WorkloadName } from './workloads.ts';

/** X displays this suite may use (other suites use other numbers). */
export const DISPLAY_RANGE = { first: 80, last: 89 } as const;

export interface ViewEnv {
  width: number;
  height: number;
  x: XDisplay;
  relay: RelayProcess;
  screen: { context: BrowserContext; page: Page };
  customerBrowser: Browser;
  customerPids: number[];
  customer: Page & { injections: InjectionRecord[] };
  agentBrowser: Browser;
  agentPids: number[];
  /** The link the customer sits behind (null: the customer is on loopback). */
  link: ShapedLink | null;
  showWorkload(name: WorkloadName): Promise<void>;
  /** Idempotent (a second call waits for the first). Closes everything, the X server last. */
  close(): Promise<void>;
}

export async function startBenchXvfb(width: number, height: number, preferred: number = DISPLAY_RANGE.first): Promise<XDisplay> {
  const x = await startXvfb(width, height, preferred);
  const n = Number(x.display.slice(1));
  if (n > DISPLAY_RANGE.last) {
    await x.close();
    throw new Error(`displays :${DISPLAY_RANGE.first}-:${DISPLAY_RANGE.last} are all busy`);
  }
  return x;
}

export async function startViewEnv(width: number, height: number, preferredDisplay?: number, link: ShapedLink | null = null): Promise<ViewEnv> {
  const x = await startBenchXvfb(width, height, preferredDisplay);
  const cleanups: (() => Promise<unknown>)[] = [() => x.close()];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    // The real injector (robotjs) in its own process, as in the app's main process.
    const injector = await InjectorProcess.start(x.display);
    cleanups.push(() => injector.close());
    // Warn-level logs: the relay's per-event info lines are not what is being measured.
    // Recording on, as shipped.
    // Behind a link, the customer reaches the relay at the link's address on this side.
    const relay = await startRelay({ BEACON_LOG_LEVEL: 'warn', BEACON_RECORD_SESSIONS: '1', ...(link ? { BEACON_HOST: '0.0.0.0' } : {}) });
    const customerRelayUrl = link ? `http://${link.hostIp}:${relay.port}` : relay.url;
    cleanups.push(() => relay.stop());
    const screen = await launchFullScreenWindow(x.display, width, height);
    cleanups.push(() => screen.context.close());
    const customerLaunch = await withNewChildren(() =>
      launchCustomerBrowser(x.display, link ? { executablePath: link.wrapperPath, relayOrigin: customerRelayUrl } : undefined),
    );
    const customerBrowser = customerLaunch.value;
    cleanups.push(() => customerBrowser.close());
    const agentLaunch = await withNewChildren(() => launchAgentBrowser());
    const agentBrowser = agentLaunch.value;
    cleanups.push(() => agentBrowser.close());
    const customer = await openCustomer(customerBrowser, customerRelayUrl, injector, [AUTO_ACCEPT_SCRIPT]);
    // BEACON_BENCH_BROWSER_LOG=FILE: the customer renderer's console (the stream's adaptation) goes there, and the console's (ViewRuns).
    const customerLog = process.env.BEACON_BENCH_BROWSER_LOG;
    if (customerLog) customer.on('console', (m) => appendFileSync(customerLog, `${new Date().toISOString()} ${m.text()}\n`));
    // Every caller of close() waits for the one cleanup (an interrupted run closes from two places).
    let closing: Promise<void> | null = null;
    return {
      width,
      height,
      x,
      relay,
      screen,
      customerBrowser,
      customerPids: customerLaunch.pids,
      customer,
      agentBrowser,
      agentPids: agentLaunch.pids,
      link,
      showWorkload: async (name) => {
        await showFresh(screen.page, WORKLOAD_PAGES[name]());
        // Let the page paint a few frames before anyone captures it.
        await screen.page.waitForTimeout(300);
      },
      close: async () => {
        closing ??= cleanup();
        await closing;
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

