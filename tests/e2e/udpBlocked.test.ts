/**
 * A customer whose network blocks outbound UDP, end to end: its Chromium runs in a network
 * namespace (ShapedLink, unshaped) whose veth drops every UDP packet it sends (an htb class
 * with a 1-byte bfifo that a u32 filter sends `ip protocol 17` to: this kernel loads no tc
 * actions, so `action drop` is not available). WebRTC cannot connect; after FALLBACK_AFTER_MS
 * the customer carries ctl and media over its WebSocket (ws-transport). The agent (on
 * loopback, WebRTC) must see the real X screen, its clicks must reach the X server, chat must
 * work both ways, and its status line must say the session takes the relay's TCP path.
 *
 * Measured and printed (not asserted tightly): first picture after Accept on this path, the
 * same on WebRTC (the block lifted, the customer page reloaded), and click delays.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { launchAgentBrowser, launchScreenWindow, newPage } from '../harness/Browsers.ts';
import { launchCustomerInNamespace } from '../harness/namespaceBrowser.ts';
import { InjectorProcess } from '../harness/InjectorProcess.ts';
import { startRelay, type RelayProcess } from '../harness/Relay.ts';
import { LinkUnavailableError, ShapedLink } from '../harness/ShapedLink.ts';
import { startXvfb } from '../harness/Xvfb.ts';
import { query } from '../harness/db.ts';
import { waitFor } from '../harness/waitFor.ts';
import { clickDelays } from '../harness/clickDelays.ts';
import { agentConnect, agentSignIn, canvasPixel, openCustomer, readDeviceCredentials } from '../harness/flows.ts';
import { BLOCKS, PATTERN_HTML } from '../fixtures/pattern.ts';

const run = promisify(execFile);
const SIG = { timeout: 180_000 };

let skipReason: string | false = false;
let link: ShapedLink | null = null;
let relay: RelayProcess | null = null;
let screen: { context: BrowserContext; page: Page } | null = null;
/** What `before` started, stopped in reverse order by `after`. */
const started: { close(): Promise<unknown> }[] = [];
/** Registers something `after` stops, and returns it. */
function owned<T extends { close(): Promise<unknown> }>(thing: T): T {
  started.push(thing);
  return thing;
}
let customer: Page;
let agent: Page;
let relayFromNs = '';
/** Page load until the customer shows its ID (WebRTC tried, then the fallback). */
let customerReadyMs = 0;

/** The namespace's end of the veth pair (ShapedLink names it `bsn<id>` for namespace `bcn-slow-<id>`). */
const nsDevOf = (l: ShapedLink): string => `bsn${l.ns.replace(/^bcn-slow-/, '')}`;

/** Drops every UDP packet the namespace sends (outbound UDP blocked, as on many company networks). */
async function blockUdp(l: ShapedLink): Promise<void> {
  const tc = (...args: string[]) => run('ip', ['netns', 'exec', l.ns, 'tc', ...args]);
  const dev = nsDevOf(l);
  try {
    await tc('qdisc', 'add', 'dev', dev, 'root', 'handle', '1:', 'htb', 'default', '10', 'r2q', '100000');
    await tc('class', 'add', 'dev', dev, 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '10gbit');
    await tc('class', 'add', 'dev', dev, 'parent', '1:', 'classid', '1:20', 'htb', 'rate', '8bit', 'ceil', '8bit');
    await tc('qdisc', 'add', 'dev', dev, 'parent', '1:20', 'handle', '20:', 'bfifo', 'limit', '1');
    await tc('filter', 'add', 'dev', dev, 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'protocol', '17', '0xff', 'flowid', '1:20');
  } catch (err) {
    throw new LinkUnavailableError(`tc could not block UDP: ${(err as Error).message}`);
  }
}

async function unblockUdp(l: ShapedLink): Promise<void> {
  await run('ip', ['netns', 'exec', l.ns, 'tc', 'qdisc', 'del', 'dev', nsDevOf(l), 'root']);
}

/** UDP packets the block dropped so far. */
async function droppedUdp(l: ShapedLink): Promise<number> {
  const { stdout } = await run('ip', ['netns', 'exec', l.ns, 'tc', '-s', 'qdisc', 'show', 'dev', nsDevOf(l)]);
  const m = /bfifo 20:[\s\S]*?dropped (\d+)/.exec(stdout);
  return m ? Number(m[1]) : 0;
}

/** The pixel of the agent's canvas at X screen point (sx, sy), whatever size the picture is sent at. */
async function screenPixel(page: Page, sx: number, sy: number): Promise<number[]> {
  const w = await page.getByTestId('session-canvas').evaluate((c: HTMLCanvasElement) => c.width);
  return canvasPixel(page, (sx * w) / 1280, (sy * w) / 1280);
}

/** Connects the agent to the customer, accepts, and returns ms from Accept to the pattern on the canvas. */
async function sessionToFirstPicture(): Promise<number> {
  const { deviceId, code } = await readDeviceCredentials(customer);
  if (await agent.getByTestId('new-session-button').isVisible().catch(() => false)) await agent.getByTestId('new-session-button').click();
  await agentConnect(agent, deviceId, code);
  await customer.getByTestId('consent-dialog').waitFor({ timeout: 20_000 });
  const acceptedAt = Date.now();
  await customer.getByTestId('consent-accept').click();
  const [red, green] = [BLOCKS[0], BLOCKS[1]];
  await waitFor(async () => {
    const r = await screenPixel(agent, red.x + red.w / 2, red.y + red.h / 2);
    const g = await screenPixel(agent, green.x + green.w / 2, green.y + green.h / 2);
    return r[0]! > 200 && r[1]! < 80 && g[1]! > 150 && g[0]! < 80;
  }, 'the pattern on the agent canvas', 30_000);
  return Date.now() - acceptedAt;
}

describe('a customer whose network blocks UDP', { concurrency: false }, () => {
  before(async () => {
    try {
      link = await ShapedLink.start({ rateKbit: null });
      await blockUdp(link);
    } catch (err) {
      if (!(err instanceof LinkUnavailableError)) throw err;
      skipReason = `no namespace with UDP blocked on this machine: ${err.message}`;
      return;
    }
    const x = owned(await startXvfb(1280, 720, 93));
    const injector = owned(await InjectorProcess.start(x.display));
    relay = await startRelay({ BEACON_HOST: '0.0.0.0' });
    owned({ close: () => relay!.stop() });
    screen = await launchScreenWindow(x.display);
    owned(screen.context);
    await screen.page.setContent(PATTERN_HTML);
    await screen.page.evaluate(() => {
      const w = window as unknown as { clicks: number[] };
      w.clicks = [];
      document.addEventListener('mousedown', () => w.clicks.push(Date.now()), true);
    });
    relayFromNs = `http://${link.hostIp}:${relay.port}`;
    const customerBrowser = owned(await launchCustomerInNamespace(link, x.display, relayFromNs));
    const openedAt = Date.now();
    customer = await openCustomer(customerBrowser, relayFromNs, injector);
    customerReadyMs = Date.now() - openedAt;
    agent = await newPage(owned(await launchAgentBrowser()));
    await agentSignIn(agent, relay.url);
  }, SIG);

  after(async () => {
    for (const thing of started.reverse()) await thing.close().catch(() => undefined);
    await link?.close();
  });

  test('the session runs over the relay TCP path: picture, status, input and chat', SIG, async (t) => {
    if (skipReason) return t.skip(skipReason);
    const firstPictureMs = await sessionToFirstPicture();
    const dropped = await droppedUdp(link!);
    t.diagnostic(`TCP path: customer ready ${customerReadyMs} ms after page load; first picture ${firstPictureMs} ms after Accept; ${dropped} UDP packets from the customer dropped`);
    assert.ok(dropped > 0, 'the customer did try UDP, and it was blocked');

    const status = agent.getByTestId('session-status');
    await status.and(agent.locator('[data-transport="websocket"]')).waitFor({ timeout: 5000 });
    assert.match(await status.innerText(), /Relay TCP \(UDP blocked\)/);

    const delays = await clickDelays(agent, screen!.page, 300);
    t.diagnostic(`TCP path: click to X server ${delays.join(', ')} ms`);

    await agent.getByTestId('chat-input').fill('Can you see this over TCP?');
    await agent.getByTestId('chat-send').click();
    // The session bar opens its panel for a new message; the customer opens it if it did not.
    await new Promise((r) => setTimeout(r, 500));
    if (!(await customer.getByTestId('chat-input').isVisible())) await customer.getByTestId('session-panel-toggle').click();
    await customer.locator('[data-testid="chat-message"][data-from="agent"]', { hasText: 'over TCP' }).waitFor({ timeout: 10_000 });
    await customer.getByTestId('chat-input').fill('Yes, 看得到');
    await customer.getByTestId('chat-input').press('Enter');
    await agent.locator('[data-testid="chat-message"][data-from="customer"]', { hasText: 'Yes, 看得到' }).waitFor({ timeout: 10_000 });
    const granted = await query<{ detail: string | null }>(relay!, "SELECT detail FROM session_events WHERE kind = 'consent-granted'", []);
    assert.match(granted.at(-1)?.detail ?? '', /"customer":"websocket"/, 'the event log records the path');
    await agent.getByTestId('end-session').click().catch(() => undefined);
  });

  test('for comparison: the same customer with UDP open takes WebRTC (first picture printed)', SIG, async (t) => {
    if (skipReason) return t.skip(skipReason);
    await unblockUdp(link!);
    const openedAt = Date.now();
    await customer.goto(`${relayFromNs}/customer/`);
    await readDeviceCredentials(customer);
    const readyMs = Date.now() - openedAt;
    const firstPictureMs = await sessionToFirstPicture();
    t.diagnostic(`WebRTC path: customer ready ${readyMs} ms after page load; first picture ${firstPictureMs} ms after Accept; click to X server ${(await clickDelays(agent, screen!.page, 300)).join(', ')} ms`);
    const status = agent.getByTestId('session-status');
    await status.and(agent.locator('[data-transport="webrtc"]')).waitFor({ timeout: 5000 });
    assert.match(await status.innerText(), /Direct \(UDP\)/);
  });
});
