/**
 * Clipboard images and the automatic clipboard sync (issue 13, capability `clipboard-sync`),
 * end to end through the real X clipboard (xclip) on the customer's side and Chromium's
 * navigator.clipboard on the agent's.
 *
 * The customer page runs in plain Chromium with the test bridge standing in for the Electron
 * preload: its `readClipboard`/`writeClipboard` are the X clipboard (tests/harness/XClipboard.ts,
 * as main's `clipboard` module would be), so the customer's automatic sync is the renderer's own
 * watch (CustomerClipboard) polling that bridge, as in the app. The browser build of the customer
 * has no bridge and never syncs; that is not what runs here.
 *
 * The organisation's settings are set through the back-office API before each session (a
 * session keeps the rules it started with): first both directions synced, then neither, with
 * a 1 MB cap on images.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { SessionDetail } from '@beacon/shared/api';
import { newPage } from '../harness/Browsers.ts';
import { startStage, type Stage } from '../harness/Stage.ts';
import { agentConnect, agentSignIn, openCustomer, readDeviceCredentials } from '../harness/flows.ts';
import { AGENT } from '../harness/Relay.ts';
import { setOrgSettings, signedInApi, type RelayApi } from '../harness/relayApi.ts';
import { drawPng, pixelsOf, readBrowserPng, writeBrowserPng } from '../harness/clipboardImages.ts';
import { waitFor } from '../harness/waitFor.ts';

const SIG = { timeout: 240_000 };
const SCREEN_HTML = '<!doctype html><html><body style="margin:0;background:#246;width:100vw;height:100vh"></body></html>';
/** Longer than the watches take to notice a copy (a read each second, then 300 ms to settle), with room for a loaded machine. */
const QUIET_MS = 4000;

let stage: Stage;
let customer: Page;
let agent: Page;
let api: RelayApi;

const x = () => stage.injector.clipboard;
const agentText = () => agent.evaluate(() => navigator.clipboard.readText());
const notice = (key: string) => agent.locator(`[data-testid="clipboard-notice"][data-key="${key}"]`);

/** A new session with control, the customer consenting; answers its ID once the agent's clipboard knows the session's rules. */
async function startSession(): Promise<string> {
  const { deviceId, code } = await readDeviceCredentials(customer);
  await agentConnect(agent, deviceId, code);
  await customer.getByTestId('consent-accept').click();
  const tab = agent.locator('[data-testid="session-tab"][data-state="active"]');
  await tab.waitFor({ timeout: 30_000 });
  await agent.getByTestId('clipboard-menu').waitFor({ timeout: 30_000 });
  await agent.bringToFront();
  return (await tab.getAttribute('data-session-id')) ?? '';
}

/** Runs `body` in a new session, ended afterwards whatever happened (the next test starts its own). */
async function inSession(body: (sessionId: string) => Promise<void>): Promise<void> {
  const sessionId = await startSession();
  try {
    await body(sessionId);
  } finally {
    await agent.getByTestId('end-session').click();
    await agent.locator(`[data-testid="session-tab"][data-session-id="${sessionId}"][data-state="ended"]`).waitFor({ timeout: 10_000 });
  }
}

/** The session's clipboard entries in its event log, as the back-office reads them. */
async function clipboardLog(sessionId: string): Promise<Record<string, unknown>[]> {
  const detail = await api('GET', `/api/sessions/${sessionId}`, SessionDetail);
  return detail.events.filter((e) => e.kind === 'clipboard').map((e) => e.detail);
}

async function openMenuAnd(testId: 'clipboard-send' | 'clipboard-fetch'): Promise<void> {
  await agent.getByTestId('clipboard-menu').locator('summary').click();
  await agent.getByTestId(testId).click();
}

describe('clipboard images and the automatic sync, end to end', { concurrency: false }, () => {
  before(async () => {
    stage = await startStage({ screenHtml: SCREEN_HTML, preferredDisplay: 87, relayEnv: { BEACON_AGENT_ROLE: 'owner' } });
    api = await signedInApi(stage.relay.url, AGENT);
    customer = await openCustomer(stage.customerBrowser, stage.relay.url, stage.injector);
    agent = await newPage(stage.agentBrowser);
    await agent.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stage.relay.url });
    await agentSignIn(agent, stage.relay.url);
  }, SIG);

  after(() => stage?.close());

  test('with the sync on, text and images follow both ways while control is on, each logged once without content', SIG, async () => {
    await setOrgSettings(api, { clipboardSyncToCustomer: true, clipboardSyncToAgent: true });
    await inSession(async (sessionId) => {
      await agent.getByTestId('clipboard-menu').locator('summary').click();
      await agent.getByTestId('clipboard-sync-note').waitFor({ timeout: 10_000 });
      assert.match(await agent.getByTestId('clipboard-sync-note').innerText(), /Both clipboards follow each other|双方的剪贴板自动保持同步/);
      await agent.getByTestId('clipboard-menu').locator('summary').click();

      // The customer copies text on their PC: it is on the agent's clipboard without a click.
      const fromCustomer = 'copied on the PC 客户 ' + Date.now();
      await x().write(fromCustomer);
      await waitFor(async () => (await agentText()) === fromCustomer, 'the customer’s copy reaches the agent’s clipboard by itself', 20_000);

      // The agent copies in the console (a copy event, as Ctrl+C in a text field gives): it is on the PC's clipboard.
      const fromAgent = 'copied in the console ' + Date.now();
      await agent.evaluate(async (text) => {
        await navigator.clipboard.writeText(text);
        document.dispatchEvent(new Event('copy'));
      }, fromAgent);
      await waitFor(async () => (await x().readText()) === fromAgent, 'the agent’s copy reaches the X clipboard by itself', 20_000);

      // An image copied on the PC (an image editor's copy: image/png only) lands on the agent's clipboard, same pixels.
      const png = await drawPng(agent, { width: 96, height: 64, seed: 1 });
      await x().writePng(png);
      await notice('imageReceived').waitFor({ timeout: 20_000 });
      assert.deepEqual(await pixelsOf(agent, await readBrowserPng(agent)), await pixelsOf(agent, png));

      // Nothing bounced back: each copy crossed once, in its own direction, and the log holds no content.
      await new Promise((r) => setTimeout(r, QUIET_MS));
      assert.equal(await x().readText(), '', 'the PC’s clipboard still holds the image (xclip offers no text for it)');
      assert.ok((await x().readPng()).equals(png), 'the PC’s clipboard holds its own image, not one sent back');
      const log = await clipboardLog(sessionId);
      assert.deepEqual(log, [
        { direction: 'to-agent', kind: 'text', chars: fromCustomer.length, auto: true },
        { direction: 'to-customer', kind: 'text', chars: fromAgent.length, auto: true },
        { direction: 'to-agent', kind: 'image', bytes: png.length, auto: true },
      ]);
    });
  });

  test('with the sync off nothing moves by itself; images go on request with the same pixels, and one over the cap is refused', SIG, async () => {
    await setOrgSettings(api, { clipboardSyncToCustomer: false, clipboardSyncToAgent: false, clipboardMaxImageMB: 1 });
    await inSession(async (sessionId) => {
      await agent.evaluate(() => navigator.clipboard.writeText('the agent’s own text'));

      // Copied on the PC: it stays there until the agent asks.
      const onPc = await drawPng(agent, { width: 120, height: 80, seed: 2 });
      await x().writePng(onPc);
      await new Promise((r) => setTimeout(r, QUIET_MS));
      assert.equal(await agentText(), 'the agent’s own text', 'the sync is off: the PC’s image did not come by itself');
      await openMenuAnd('clipboard-fetch');
      await notice('imageReceived').waitFor({ timeout: 20_000 });
      assert.deepEqual(await pixelsOf(agent, await readBrowserPng(agent)), await pixelsOf(agent, onPc));

      // Copied in the console: it stays there until the agent sends it.
      const inConsole = await drawPng(agent, { width: 80, height: 120, seed: 3 });
      await writeBrowserPng(agent, inConsole);
      const asCopied = await readBrowserPng(agent);
      await new Promise((r) => setTimeout(r, QUIET_MS));
      assert.ok((await x().readPng()).equals(onPc), 'the sync is off: the agent’s image did not go by itself');
      await openMenuAnd('clipboard-send');
      await notice('imageSent').waitFor({ timeout: 20_000 });
      await waitFor(async () => (await x().readPng()).length > 0 && !(await x().readPng()).equals(onPc), 'the agent’s image is on the X clipboard', 20_000);
      assert.deepEqual(await pixelsOf(agent, await x().readPng()), await pixelsOf(agent, inConsole));

      // Over the organisation's 1 MB cap, from the console: refused before it leaves, and the agent is told why.
      const large = await drawPng(agent, { width: 720, height: 720, seed: 4, noise: true });
      assert.ok(large.length > 1024 * 1024, `the noise PNG is ${large.length} bytes`);
      await writeBrowserPng(agent, large);
      await openMenuAnd('clipboard-send');
      await notice('imageTooLarge').waitFor({ timeout: 20_000 });
      assert.match(await notice('imageTooLarge').innerText(), /up to 1 MB|最大为 1 MB/);
      // From the PC: its app does not send it, and says so.
      await x().writePng(large);
      await openMenuAnd('clipboard-fetch');
      await agent.locator('[data-testid="clipboard-notice"][data-key="problem.read.too-large"]').waitFor({ timeout: 20_000 });

      // The log: the two images that crossed, their kind and size only; the refused ones never left.
      const log = await clipboardLog(sessionId);
      assert.deepEqual(log, [
        { direction: 'to-agent', kind: 'image', bytes: onPc.length },
        { direction: 'to-customer', kind: 'image', bytes: asCopied.length },
      ]);
    });
  });
});
