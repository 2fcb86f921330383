/**
 * `npm run bench -- [--json] [--seconds N]`: one scenario through the real relay on loopback.
 * The customer renderer captures a real Xvfb screen showing scrolling text with a time code,
 * the agent console decodes it, and the time code read back from the agent's canvas gives
 * glass-to-glass latency. Input latency runs from the agent's event to the injector's return.
 * Setup runs from the Connect click to the first frame drawn, with consent auto-accepted.
 */
import type { Page } from 'playwright-core';
import { launchAgentBrowser, launchCustomerBrowser, launchScreenWindow, newPage } from '../harness/Browsers.ts';
import { agentConnect, agentSignIn, openCustomer, readDeviceCredentials } from '../harness/flows.ts';
import { startRelay } from '../harness/Relay.ts';
import { startXvfb } from '../harness/Xvfb.ts';
import { percentile, round1 } from './stats.ts';
import { AGENT_PROBE_SCRIPT, AUTO_ACCEPT_SCRIPT, scrollingTextPage } from './workloads.ts';

interface BenchFrame {
  at: number;
  latency?: number;
}
interface BenchState {
  frames: BenchFrame[];
  unreadable: number;
  mediaBytes: number;
  clickAt: number;
}

const args = process.argv.slice(2);
const isJson = args.includes('--json');
const secondsArg = args.indexOf('--seconds');
const MEASURE_S = secondsArg >= 0 ? Number(args[secondsArg + 1]) : args.includes('--quick') ? 5 : 15;
const WIDTH = 1280;
const HEIGHT = 720;

const log = (msg: string) => {
  if (!isJson) console.error(msg);
};

async function main(): Promise<void> {
  const x = await startXvfb(WIDTH, HEIGHT, 99);
  process.env.DISPLAY = x.display;
  const { Injector } = await import('../../customer-portable/src/node/Injector.ts');
  const relay = await startRelay();
  const customerBrowser = await launchCustomerBrowser(x.display);
  const screen = await launchScreenWindow(x.display);
  const agentBrowser = await launchAgentBrowser();
  try {
    await screen.page.setContent(scrollingTextPage());
    const customer = await openCustomer(customerBrowser, relay.url, new Injector(), [AUTO_ACCEPT_SCRIPT]);
    const agent = await newPage(agentBrowser);
    await agent.addInitScript(AGENT_PROBE_SCRIPT);
    await agentSignIn(agent, relay.url);
    const { deviceId, code } = await readDeviceCredentials(customer);
    log('connecting…');
    await agentConnect(agent, deviceId, code);
    await agent.waitForFunction(() => (window as unknown as { __bench: BenchState }).__bench.frames.length > 0, null, { timeout: 20_000 });
    const first = await state(agent);
    const setupMs = first.frames[0]!.at - first.clickAt;

    log('warming up 2 s…');
    await sleep(2000);
    const t0 = await agent.evaluate(() => performance.timeOrigin + performance.now());
    const bytes0 = (await state(agent)).mediaBytes;
    const injected0 = customer.injections.length;
    log(`measuring ${MEASURE_S} s…`);
    const box = await agent.getByTestId('session-canvas').boundingBox();
    if (!box) throw new Error('no canvas');
    const deadline = Date.now() + MEASURE_S * 1000;
    for (let i = 0; Date.now() < deadline && i < MEASURE_S * 40; i++) {
      // Wander over the right half of the view, away from the time code.
      await agent.mouse.move(box.x + box.width * (0.55 + 0.4 * Math.random()), box.y + box.height * (0.2 + 0.7 * Math.random()));
      await sleep(50);
    }
    const t1 = await agent.evaluate(() => performance.timeOrigin + performance.now());
    const s = await state(agent);
    const inWindow = s.frames.filter((f) => f.at >= t0 && f.at <= t1);
    const latencies = inWindow.flatMap((f) => (f.latency === undefined ? [] : [f.latency]));
    const inputs = customer.injections.slice(injected0).flatMap((r) => (r.sentAt === undefined ? [] : [r.injectedAt - r.sentAt]));
    const seconds = (t1 - t0) / 1000;
    const result = {
      scenario: 'scroll-text',
      width: WIDTH,
      height: HEIGHT,
      fps: round1(inWindow.length / seconds),
      kbps: round1(((s.mediaBytes - bytes0) * 8) / 1000 / seconds),
      glass_p50_ms: round1(percentile(latencies, 50)),
      glass_p95_ms: round1(percentile(latencies, 95)),
      input_p50_ms: round1(percentile(inputs, 50)),
      setup_ms: round1(setupMs),
    };
    if (isJson) console.log(JSON.stringify(result));
    else {
      console.log(JSON.stringify(result, null, 2));
      console.log(`(${latencies.length} glass samples, ${inWindow.length - latencies.length} unreadable frames, ${inputs.length} input samples)`);
    }
  } finally {
    await agentBrowser.close().catch(() => undefined);
    await customerBrowser.close().catch(() => undefined);
    await screen.context.close().catch(() => undefined);
    await relay.stop();
    await x.close();
  }
}

async function state(agent: Page): Promise<BenchState> {
  return agent.evaluate(() => (window as unknown as { __bench: BenchState }).__bench);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
