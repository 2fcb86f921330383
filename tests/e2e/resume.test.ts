/**
 * A session survives a real network cut (issue 14 §1). The customer's Chromium runs in a network
 * namespace joined to the relay's by a veth pair (ShapedLink, unshaped); mid-session its end of
 * the pair goes down for about 5 s and comes back. Nothing says goodbye: sockets just stop
 * carrying, as with a Wi-Fi drop. What a user notices is asserted: the agent sees
 * "reconnecting" with a countdown, then the real X screen again (including a change made during
 * the cut); the customer never saw a second consent dialog and keeps its ID; the event log has
 * the drop and the resume; the session has one recording. The time from link-up to the picture
 * being back is printed (the issue targets 3 s), not asserted tightly.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchAgentBrowser, newPage } from '../harness/Browsers.ts';
import { LinkUnavailableError } from '../harness/ShapedLink.ts';
import { agentConnect, agentSignIn, openCustomer, readDeviceCredentials } from '../harness/flows.ts';
import { NamespaceStage, screenPixel as pixelAt } from '../harness/namespaceCustomer.ts';
import { waitFor } from '../harness/waitFor.ts';
import { COUNT_CONSENT_DIALOGS, consentDialogsShown } from '../harness/consentDialogs.ts';
import { query } from '../harness/db.ts';
import { BLOCKS, PATTERN_HTML } from '../fixtures/pattern.ts';

const SIG = { timeout: 240_000 };
const CUT_MS = 5000;
/** A block that turns from black to magenta while the link is down: seen only if the stream really came back. */
const FLIP = { x: 760, y: 60, w: 200, h: 200 } as const;

/** Keeps every screen capture the page starts, to tell whether it still runs. */
const KEEP_CAPTURES = `(() => {
  window.__captures = [];
  const md = navigator.mediaDevices;
  const get = md.getDisplayMedia.bind(md);
  md.getDisplayMedia = async (c) => {
    const stream = await get(c);
    window.__captures.push(stream);
    return stream;
  };
})();`;
const liveCaptureTracks = (page: Page) =>
  page.evaluate(() => (window as unknown as { __captures: MediaStream[] }).__captures.flatMap((s) => s.getTracks()).filter((t) => t.readyState === 'live').length);

let skipReason: string | false = false;
let stage: NamespaceStage | null = null;
let agentBrowser: Browser | null = null;
let customer: Page;
let agent: Page;

const screenPixel = (sx: number, sy: number) => pixelAt(agent, sx, sy);

const isMagenta = (px: number[]) => px[0]! > 180 && px[2]! > 180 && px[1]! < 80;
const flipColour = (page: Page, colour: string) =>
  page.evaluate((c) => {
    (document.getElementById('flip') as HTMLDivElement).style.background = c;
  }, colour);

describe('a session survives a network cut', { concurrency: false }, () => {
  before(async () => {
    const flip = `<div id="flip" style="left:${FLIP.x}px;top:${FLIP.y}px;width:${FLIP.w}px;height:${FLIP.h}px;background:#000"></div>`;
    try {
      stage = await NamespaceStage.start(null, 93, PATTERN_HTML.replace('</body>', `${flip}</body>`));
    } catch (err) {
      if (!(err instanceof LinkUnavailableError)) throw err;
      skipReason = `no network namespace on this machine: ${err.message}`;
      return;
    }
    customer = await openCustomer(stage.customerBrowser, stage.relayUrl, stage.injector, [COUNT_CONSENT_DIALOGS, KEEP_CAPTURES]);
    agentBrowser = await launchAgentBrowser();
    agent = await newPage(agentBrowser);
    await agentSignIn(agent, stage.relay.url);
  }, SIG);

  after(async () => {
    await agentBrowser?.close().catch(() => undefined);
    await stage?.close();
  });

  test('the agent sees reconnecting with a countdown, then the real screen again; same ID, no consent, drop and resume logged, one recording', SIG, async (t) => {
    if (skipReason || !stage) return t.skip(skipReason || 'not set up');
    const { link, relay, screen } = stage;
    const { deviceId, code } = await readDeviceCredentials(customer);
    await agentConnect(agent, deviceId, code);
    await customer.getByTestId('consent-dialog').waitFor({ timeout: 20_000 });
    await customer.getByTestId('consent-accept').click();
    const red = BLOCKS[0];
    await waitFor(async () => {
      const px = await screenPixel(red.x + red.w / 2, red.y + red.h / 2);
      return px[0]! > 200 && px[1]! < 80;
    }, 'the pattern on the agent canvas', 20_000);
    const sessionId = await agent.getByTestId('session-view').getAttribute('data-session-id');
    assert.ok(sessionId);

    // The cut: nothing crosses, nothing says goodbye.
    await link.setLinkUp(false);
    const cutAt = Date.now();
    const away = agent.getByTestId('peer-away');
    await away.waitFor({ timeout: 15_000 });
    t.diagnostic(`the agent sees the customer away ${Date.now() - cutAt} ms after the cut`);
    const firstSeconds = Number(await away.getAttribute('data-seconds'));
    assert.match(await away.innerText(), /reconnecting/i);
    await new Promise((r) => setTimeout(r, 1500));
    const laterSeconds = Number(await away.getAttribute('data-seconds'));
    t.diagnostic(`countdown ${firstSeconds} s, then ${laterSeconds} s`);
    assert.ok(firstSeconds > 0 && laterSeconds < firstSeconds, `the countdown runs: ${firstSeconds} then ${laterSeconds}`);
    // The screen changes while the customer is cut off: only a stream that really came back shows it.
    await flipColour(screen.page, '#ff00ff');
    await new Promise((r) => setTimeout(r, Math.max(0, cutAt + CUT_MS - Date.now())));
    await link.setLinkUp(true);
    const upAt = Date.now();

    await waitFor(async () => isMagenta(await screenPixel(FLIP.x + FLIP.w / 2, FLIP.y + FLIP.h / 2)), 'the change made during the cut on the agent canvas', 30_000);
    const backMs = Date.now() - upAt;
    t.diagnostic(`picture back ${backMs} ms after the link came up (cut ${upAt - cutAt} ms; target <= 3000 ms)`);
    console.log(`[resume] picture back ${backMs} ms after link-up, after a ${upAt - cutAt} ms cut`);
    await away.waitFor({ state: 'detached', timeout: 10_000 });
    // And it keeps going: a change after the resume shows too.
    await flipColour(screen.page, '#000000');
    await waitFor(async () => {
      const px = await screenPixel(FLIP.x + FLIP.w / 2, FLIP.y + FLIP.h / 2);
      return px[0]! < 60 && px[2]! < 60;
    }, 'a change after the resume', 10_000);

    assert.equal(await consentDialogsShown(customer), 1, 'no second consent dialog');
    await customer.getByTestId('session-bar').waitFor({ timeout: 5000 });

    await agent.getByTestId('end-session').click();
    const after = await readDeviceCredentials(customer);
    assert.equal(after.deviceId, deviceId, 'the customer keeps its ID across the cut');

    await waitFor(async () => {
      const rows = await query<{ outcome: string }>(relay, 'SELECT outcome FROM sessions WHERE id = ?', [sessionId]);
      return rows[0]?.outcome === 'completed';
    }, 'the session row closed', 10_000);
    const events = await query<{ kind: string }>(relay, 'SELECT kind FROM session_events WHERE session_id = ? ORDER BY id', [sessionId]);
    const kinds = events.map((e) => e.kind).filter((k) => k === 'drop' || k === 'resume' || k === 'consent-granted');
    assert.deepEqual(kinds, ['consent-granted', 'drop', 'resume'], `the event log: ${events.map((e) => e.kind).join(', ')}`);
    const recordings = await query<{ n: number }>(relay, 'SELECT count(*) AS n FROM recordings WHERE session_id = ?', [sessionId]);
    assert.equal(recordings[0]?.n, 1, 'one recording for the session');
  });

  test("Stop pressed while the customer's link is down: the capture stops at once, and on reconnect the agent sees the customer stopped", SIG, async (t) => {
    if (skipReason || !stage) return t.skip(skipReason || 'not set up');
    const { link, relay } = stage;
    const { deviceId, code } = await readDeviceCredentials(customer);
    await agentConnect(agent, deviceId, code);
    await customer.getByTestId('consent-dialog').waitFor({ timeout: 20_000 });
    await customer.getByTestId('consent-accept').click();
    await agent.getByTestId('session-canvas').waitFor({ timeout: 20_000 });
    await waitFor(async () => (await liveCaptureTracks(customer)) > 0, 'the capture running', 20_000);
    const sessionId = await agent.locator('[data-testid="session-view"][data-state="active"]').getAttribute('data-session-id', { timeout: 20_000 });
    assert.ok(sessionId);

    await link.setLinkUp(false);
    const cutAt = Date.now();
    // The customer notices the silence (it shows it is reconnecting), then its user presses Stop.
    await waitFor(() => customer.evaluate(() => document.body.textContent?.toLowerCase().includes('reconnecting') ?? false), 'the customer reconnecting', 15_000);
    await customer.getByTestId('stop-button').click();
    await waitFor(async () => (await liveCaptureTracks(customer)) === 0, 'the capture stopped while the link is down', 2000);
    await customer.getByTestId('session-bar').waitFor({ state: 'detached', timeout: 2000 });
    await new Promise((r) => setTimeout(r, Math.max(0, cutAt + CUT_MS - Date.now())));
    await link.setLinkUp(true);
    const upAt = Date.now();

    await agent.getByTestId('session-message').filter({ hasText: 'customer stopped' }).waitFor({ timeout: 15_000 });
    t.diagnostic(`the agent sees "customer stopped" ${Date.now() - upAt} ms after the link came up`);
    // The agent hears it as the relay writes the row: the row may follow a moment later.
    let outcome: string | undefined;
    await waitFor(async () => {
      const rows = await query<{ outcome: string }>(relay, 'SELECT outcome FROM sessions WHERE id = ?', [sessionId]);
      outcome = rows[0]?.outcome;
      return outcome !== 'active';
    }, 'the session row closed', 10_000).catch(() => undefined);
    assert.equal(outcome, 'customer-stopped');
    const after = await readDeviceCredentials(customer);
    assert.equal(after.deviceId, deviceId, 'the customer keeps its ID');
  });
});
