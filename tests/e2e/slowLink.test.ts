/**
 * A customer on a 160 kbit/s (20 kB/s) link, end to end: the customer's Chromium runs in a
 * network namespace joined to the relay's by a veth pair shaped with tbf in both directions
 * (see ShapedLink). The agent console (unshaped) must show the real X screen's pattern within
 * 5 s of Accept, keep the picture updating, and a click must still reach the X server within
 * 1 s while video fills the link.
 *
 * By hand, for looking at the controller: BEACON_SLOW_LINK_KBIT overrides the rate (0:
 * unshaped), BEACON_SLOW_LINK_TICK_MS the ticker's period (0: a still screen; the test then
 * fails on purpose but still prints the frames and bytes it saw).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchAgentBrowser, newPage } from '../harness/Browsers.ts';
import { LinkUnavailableError } from '../harness/ShapedLink.ts';
import { agentConnect, agentSignIn, openCustomer, readDeviceCredentials } from '../harness/flows.ts';
import { NamespaceStage, screenPixel } from '../harness/namespaceCustomer.ts';
import { waitFor } from '../harness/waitFor.ts';
import { BLOCKS, PATTERN_HTML, TEXT_BOX } from '../fixtures/pattern.ts';

const RATE_KBIT = Number(process.env.BEACON_SLOW_LINK_KBIT ?? 160);
const TICK_MS = Number(process.env.BEACON_SLOW_LINK_TICK_MS ?? 500);
const SIG = { timeout: 180_000 };
/** A block that changes colour twice a second (a clock-like change on an otherwise still screen), clear of the customer window. */
const TICKER = { x: 760, y: 60, w: 200, h: 200 } as const;

let skipReason: string | false = false;
let stage: NamespaceStage | null = null;
let agentBrowser: Browser | null = null;
let customer: Page;
let agent: Page;
const customerLog: string[] = [];

/** Keeps the customer's PeerConnections reachable, so a test can read what each channel sent. */
const KEEP_PEER_CONNECTIONS = `(() => {
  const Original = window.RTCPeerConnection;
  const kept = [];
  window.__beaconPcs = kept;
  window.RTCPeerConnection = class extends Original {
    constructor(...args) { super(...args); kept.push(this); }
  };
})();`;

/** Bytes the customer has sent so far: the payload of each data channel by label, and the whole DTLS transport. */
async function customerSent(): Promise<Record<string, number>> {
  return customer.evaluate(async () => {
    const out: Record<string, number> = {};
    for (const pc of (window as unknown as { __beaconPcs: RTCPeerConnection[] }).__beaconPcs) {
      (await pc.getStats()).forEach((r: { type: string; label?: string; bytesSent?: number }) => {
        const key = r.type === 'data-channel' ? `channel ${r.label}` : r.type === 'transport' ? 'DTLS transport' : null;
        if (key) out[key] = (out[key] ?? 0) + (r.bytesSent ?? 0);
      });
    }
    return out;
  });
}

const frames = () => agent.getByTestId('session-canvas').evaluate((c: HTMLCanvasElement) => Number(c.dataset.frames ?? 0));

describe(`a customer on a ${RATE_KBIT || 'unshaped'} kbit/s link`, { concurrency: false }, () => {
  before(async () => {
    const ticker = `<div id="ticker" style="left:${TICKER.x}px;top:${TICKER.y}px;width:${TICKER.w}px;height:${TICKER.h}px;background:#000"></div>`;
    try {
      stage = await NamespaceStage.start(RATE_KBIT > 0 ? RATE_KBIT : null, 91, PATTERN_HTML.replace('</body>', `${ticker}</body>`));
    } catch (err) {
      if (!(err instanceof LinkUnavailableError)) throw err;
      skipReason = `no shaped link on this machine: ${err.message}`;
      return;
    }
    const { link, screen } = stage;
    await screen.page.evaluate((tickMs) => {
      const w = window as unknown as { clicks: number[]; tick: number };
      w.clicks = [];
      document.addEventListener('mousedown', () => w.clicks.push(Date.now()), true);
      let on = false;
      if (tickMs > 0) {
        w.tick = window.setInterval(() => {
          on = !on;
          (document.getElementById('ticker') as HTMLDivElement).style.background = on ? '#ff00ff' : '#000';
        }, tickMs);
      }
    }, TICK_MS);
    // The customer app comes with its pages (the portable file holds them): only the session
    // crosses the slow link, so the page loads before the link is shaped (its bundle alone
    // would take about 20 s at 160 kbit/s).
    await link.shape(null);
    customer = await openCustomer(stage.customerBrowser, stage.relayUrl, stage.injector, [KEEP_PEER_CONNECTIONS]);
    await link.shape(RATE_KBIT > 0 ? RATE_KBIT : null);
    customer.on('console', (m) => void customerLog.push(m.text()));
    agentBrowser = await launchAgentBrowser();
    agent = await newPage(agentBrowser);
    await agentSignIn(agent, stage.relay.url);
  }, SIG);

  after(async () => {
    if (customerLog.length) console.log(customerLog.filter((l) => l.includes('[beacon] stream')).slice(-40).join('\n'));
    await agentBrowser?.close().catch(() => undefined);
    await stage?.close();
  });

  test('the agent sees the real screen within 5 s of Accept, and the picture keeps updating', SIG, async (t) => {
    if (skipReason) return t.skip(skipReason);
    const { deviceId, code } = await readDeviceCredentials(customer);
    await agentConnect(agent, deviceId, code);
    await customer.getByTestId('consent-dialog').waitFor({ timeout: 20_000 });
    const acceptedAt = Date.now();
    await customer.getByTestId('consent-accept').click();
    const red = BLOCKS[0];
    const green = BLOCKS[1];
    await waitFor(async () => {
      const r = await screenPixel(agent, red.x + red.w / 2, red.y + red.h / 2);
      const g = await screenPixel(agent, green.x + green.w / 2, green.y + green.h / 2);
      return r[0]! > 200 && r[1]! < 80 && g[1]! > 150 && g[0]! < 80;
    }, 'the pattern on the agent canvas', 20_000);
    const firstPictureMs = Date.now() - acceptedAt;
    const uplinkFrom = (await stage?.link.uplinkBytes()) ?? 0;
    const sentFrom = await customerSent();
    t.diagnostic(`first picture ${firstPictureMs} ms after Accept`);
    assert.ok(firstPictureMs <= 5000, `first picture after ${firstPictureMs} ms`);

    // The ticker flips twice a second: both of its colours show on the canvas, again and again.
    const framesFrom = await frames();
    const seen: string[] = [];
    const start = Date.now();
    let lastChangeAt = start;
    let longestFreezeMs = 0;
    while (Date.now() - start < 8000) {
      const px = await screenPixel(agent, TICKER.x + TICKER.w / 2, TICKER.y + TICKER.h / 2);
      const colour = px[0]! > 180 && px[2]! > 180 ? 'magenta' : px[0]! < 60 && px[2]! < 60 ? 'black' : 'other';
      if (seen.at(-1) !== colour) {
        seen.push(colour);
        longestFreezeMs = Math.max(longestFreezeMs, Date.now() - lastChangeAt);
        lastChangeAt = Date.now();
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    longestFreezeMs = Math.max(longestFreezeMs, Date.now() - lastChangeAt);
    const drawn = (await frames()) - framesFrom;
    const uplinkKBps = (((await stage?.link.uplinkBytes()) ?? 0) - uplinkFrom) / 1024 / ((Date.now() - start) / 1000);
    const sent = await customerSent();
    const seconds = (Date.now() - start) / 1000;
    const perSecond = Object.entries(sent).map(([what, n]) => `${what} ${((n - (sentFrom[what] ?? 0)) / seconds).toFixed(0)} B/s`);
    t.diagnostic(`customer sent: ${perSecond.join(', ')}`);
    const status = agent.getByTestId('session-status');
    t.diagnostic(`in 8 s: ${drawn} frames drawn, longest time the ticker did not change ${longestFreezeMs} ms, ticker seen ${seen.join(' > ')}; uplink ${uplinkKBps.toFixed(1)} kB/s; status: ${await status.innerText()}`);
    assert.ok(seen.filter((c) => c === 'magenta').length >= 3, `the change keeps showing: ${seen.join(' > ')}`);
    assert.ok(drawn >= 8, `${drawn} frames drawn in 8 s`);
  });

  test('a click reaches the X server within 1 s while video fills the link', SIG, async (t) => {
    if (skipReason) return t.skip(skipReason);
    const canvas = agent.getByTestId('session-canvas');
    await canvas.focus();
    const box = await canvas.boundingBox();
    assert.ok(box);
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = await stage!.screen.page.evaluate(() => (window as unknown as { clicks: number[] }).clicks.length);
      const clickedAt = Date.now();
      await agent.mouse.click(box.x + ((TEXT_BOX.x + 40 + i * 60) * box.width) / 1280, box.y + ((TEXT_BOX.y + 30) * box.height) / 720);
      await waitFor(() => stage!.screen.page.evaluate((n) => (window as unknown as { clicks: number[] }).clicks.length > n, before), 'the click on the X screen', 5000);
      const at = await stage!.screen.page.evaluate(() => (window as unknown as { clicks: number[] }).clicks.at(-1) ?? 0);
      delays.push(at - clickedAt);
      await new Promise((r) => setTimeout(r, 700));
    }
    t.diagnostic(`click delays: ${delays.join(', ')} ms`);
    assert.ok(Math.max(...delays) <= 1000, `clicks took ${delays.join(', ')} ms`);
  });
});
