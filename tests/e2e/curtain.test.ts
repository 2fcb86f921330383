/**
 * The privacy curtain, end to end (issue 13): the real relay, the customer page in headful
 * Chromium on an X screen, the agent console. On Linux no window can be kept out of capture, so
 * the customer page, run as every e2e suite runs it (its bridge has no curtain), answers
 * `unavailable` at once and the agent reads why, in English and in Chinese. Then the harness gives
 * the page the curtain functions main would give it on Windows 10 2004+ (FAKE_CURTAIN_MAIN:
 * "supported", and main's raise and lower recorded), and the whole consent path runs: the
 * customer's own dialog, yes, the agent sees the curtain on, the agent lifts it, raises it again,
 * and the customer lifts it (main's Stop or hotkey) and the agent is told. A supervisor who starts
 * monitoring while the curtain is up sees it up at once, not only at the next change, and still
 * after taking the session over (the test's last session).
 *
 * The curtain page itself (curtain.html, as vite built it) is loaded in Chromium with a stub of
 * the curtain preload's bridge: its text, its language, and that Stop calls the bridge.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { newPage } from '../harness/Browsers.ts';
import { startStage, type Stage } from '../harness/Stage.ts';
import { agentConnect, agentSignIn, openCustomer, readDeviceCredentials } from '../harness/flows.ts';
import { Seat } from '@beacon/shared/api';
import { AGENT } from '../harness/Relay.ts';
import { signedInApi } from '../harness/relayApi.ts';
import { waitFor } from '../harness/waitFor.ts';

const SIG = { timeout: 120_000 };
const SCREEN_HTML = '<!doctype html><html><body style="margin:0;background:#357;width:100vw;height:100vh"></body></html>';

/**
 * What main (customer-portable/src/main/curtain.ts) gives the page where the OS can hide a window
 * from capture: support, raise and lower (recorded in `__curtainMain`), and the customer's lift
 * (Stop on the curtain, or the hotkey), which the test plays with `__curtainMain.lift()`.
 */
const FAKE_CURTAIN_MAIN = `(() => {
  const main = { calls: [], handlers: [] };
  main.lift = () => { main.calls.push('lifted'); for (const h of main.handlers) h({ why: 'customer-lifted' }); };
  window.__curtainMain = main;
  Object.assign(window.beaconCustomer, {
    curtainSupport: async () => ({ isSupported: true }),
    raiseCurtain: async (req) => { main.calls.push('raise ' + req.locale); main.raisedFor = req.orgName; return { ok: true }; },
    lowerCurtain: async () => { main.calls.push('lower'); },
    onCurtainLifted: (h) => { main.handlers.push(h); return () => { main.handlers = main.handlers.filter((x) => x !== h); }; },
  });
})();`;

/** A stand-in for the curtain preload (one function per message), recording the calls. */
const CURTAIN_PRELOAD_STUB = `window.__curtainCalls = [];
window.beaconCurtain = {
  liftCurtain: () => window.__curtainCalls.push('lift'),
  pointerOverStop: (isOver) => window.__curtainCalls.push('over ' + isOver),
};`;

let stage: Stage;
let customer: Page;
let agent: Page;

const mainCalls = () => customer.evaluate(() => (window as unknown as { __curtainMain: { calls: string[] } }).__curtainMain.calls);
const curtainState = () => agent.getByTestId('curtain-tools').getAttribute('data-state');

async function raiseWithConsent(): Promise<void> {
  await agent.getByTestId('curtain-toggle').click();
  await customer.getByTestId('curtain-ask').waitFor({ timeout: 10_000 });
  await customer.getByTestId('curtain-accept').click();
  await agent.getByTestId('curtain-on').waitFor({ timeout: 10_000 });
  await customer.getByTestId('curtain-up').waitFor({ timeout: 5_000 });
}

describe('privacy curtain, end to end', { concurrency: false }, () => {
  before(async () => {
    const t0 = Date.now();
    const lap = (what: string) => console.info(`[curtain] ${what} after ${Date.now() - t0} ms`);
    // The agent is the organisation's owner, who adds a supervisor for the last test.
    stage = await startStage({ screenHtml: SCREEN_HTML, preferredDisplay: 71, relayEnv: { BEACON_AGENT_ROLE: 'owner' } });
    lap('stage up');
    customer = await openCustomer(stage.customerBrowser, stage.relay.url, stage.injector);
    agent = await newPage(stage.agentBrowser);
    await agent.setViewportSize({ width: 1600, height: 900 });
    await agentSignIn(agent, stage.relay.url);
    lap('customer registered, agent signed in');
    const { deviceId, code } = await readDeviceCredentials(customer);
    await agentConnect(agent, deviceId, code);
    await customer.getByTestId('consent-accept').click();
    await agent.getByTestId('curtain-toggle').waitFor({ timeout: 30_000 });
    lap('session running');
  }, SIG);

  after(() => stage?.close());

  test('on this Linux PC the customer answers unavailable at once and the agent reads why, in English and Chinese', SIG, async () => {
    await agent.getByTestId('curtain-toggle').click();
    const status = agent.getByTestId('curtain-status');
    await waitFor(async () => (await curtainState()) === 'unavailable', 'the agent is told the curtain is unavailable');
    assert.equal(await status.innerText(), 'The privacy curtain is not available on this PC (Windows 10 2004 or later needed)');
    assert.equal(await customer.getByTestId('curtain-ask').count(), 0, 'the customer was not asked for something that cannot be done');
    await agent.getByTestId('lang-zh-CN').click();
    assert.equal(await status.innerText(), '这台电脑不支持隐私遮挡（需要 Windows 10 2004 或更高版本）');
    await agent.getByTestId('lang-en').click();
  });

  test('where the OS supports it: the customer’s own dialog, yes, curtain on; the agent lifts it; the customer lifts it and the agent is told', SIG, async () => {
    await customer.evaluate(FAKE_CURTAIN_MAIN);
    // A no first: nothing is raised.
    await agent.getByTestId('curtain-toggle').click();
    await customer.getByTestId('curtain-ask').waitFor({ timeout: 10_000 });
    await customer.getByTestId('curtain-decline').click();
    await waitFor(async () => (await agent.getByTestId('curtain-status').getAttribute('data-key')) === 'curtain.declined', 'the agent is told the customer declined');
    assert.deepEqual(await mainCalls(), []);

    await raiseWithConsent();
    assert.deepEqual(await mainCalls(), ['raise en']);
    assert.equal(typeof (await customer.evaluate(() => (window as unknown as { __curtainMain: { raisedFor: unknown } }).__curtainMain.raisedFor)), 'string');
    // The agent lifts it: no question asked, the customer's main lowers it.
    await agent.getByTestId('curtain-toggle').click();
    await waitFor(async () => (await curtainState()) === 'off', 'the agent is told the curtain is down');
    assert.equal(await agent.getByTestId('curtain-tools').getAttribute('data-reason'), 'agent-lifted');
    assert.deepEqual(await mainCalls(), ['raise en', 'lower']);

    await raiseWithConsent();
    await customer.evaluate(() => (window as unknown as { __curtainMain: { lift(): void } }).__curtainMain.lift());
    await waitFor(async () => (await curtainState()) === 'off', 'the agent is told the customer lifted it');
    assert.equal(await agent.getByTestId('curtain-status').innerText(), 'The customer lifted the privacy curtain.');
    assert.equal(await agent.getByTestId('curtain-on').count(), 0);
    assert.deepEqual(await mainCalls(), ['raise en', 'lower', 'raise en', 'lifted', 'lower']);
    assert.equal(await customer.getByTestId('curtain-up').count(), 0);
  });

  test('a supervisor who starts monitoring while the curtain is up sees it up at once, and still after taking the session over', SIG, async () => {
    const api = await signedInApi(stage.relay.url, AGENT);
    const sam = { login: 'sam', password: 'sam pass phrase 4', name: 'Sam Ode' };
    await api('POST', '/api/seats', Seat, { login: sam.login, displayName: sam.name, password: sam.password, role: 'manager', groupIds: [], concurrencyLimit: 1 });
    await raiseWithConsent();
    const supervisor = await newPage(await stage.agentBrowser.newContext());
    await supervisor.setViewportSize({ width: 1600, height: 900 });
    await agentSignIn(supervisor, stage.relay.url, sam);
    await supervisor.getByTestId('supervise-toggle').click();
    await supervisor.locator('[data-testid="supervise-session"]').getByTestId('supervise-monitor').click();
    await supervisor.locator('[data-testid="session-tab"][data-state="active"]').waitFor({ timeout: 15_000 });
    await supervisor.getByTestId('supervise-toggle').click();
    await supervisor.getByTestId('curtain-on').waitFor({ timeout: 10_000 });
    assert.equal(await supervisor.getByTestId('curtain-toggle').count(), 0, 'a monitor sees the state, it does not ask');
    // She takes the session over: as its agent now, she still sees the curtain up, and she may lower it.
    await supervisor.getByTestId('supervise-toggle').click();
    await supervisor.locator('[data-testid="supervise-session"]').getByTestId('supervise-take-over').click();
    await supervisor.getByTestId('supervise-toggle').click();
    await agent.locator('[data-testid="session-tab"][data-state="ended"]').waitFor({ timeout: 15_000 });
    await supervisor.getByTestId('curtain-toggle').waitFor({ timeout: 15_000 });
    assert.equal(await supervisor.getByTestId('curtain-tools').getAttribute('data-state'), 'on');
    await supervisor.getByTestId('curtain-toggle').click();
    await waitFor(async () => (await supervisor.getByTestId('curtain-tools').getAttribute('data-state')) === 'off', 'the new agent lowered the curtain');
    await supervisor.context().close();
  });

  test('the curtain page says who works on the PC, in the customer’s language, and Stop goes through the preload', SIG, async () => {
    const page = await newPage(stage.agentBrowser);
    await page.addInitScript(CURTAIN_PRELOAD_STUB);
    await page.goto(`${stage.relay.url}/customer/curtain.html?org=Acme%20Support&lang=zh-CN&stop=1`);
    assert.equal(await page.getByTestId('curtain-message').innerText(), '来自 Acme Support 的技术人员正在操作这台电脑');
    await waitFor(async () => (await page.evaluate(() => document.documentElement.lang)) === 'zh-CN', 'the page’s language is zh-CN');
    assert.match(await page.getByTestId('curtain-hint').innerText(), /Ctrl\+Alt\+Shift\+B/);
    await page.getByTestId('curtain-stop').click();
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __curtainCalls: string[] }).__curtainCalls), ['over true', 'lift']);

    await page.goto(`${stage.relay.url}/customer/curtain.html?org=Acme%20Support&lang=en&stop=0`);
    assert.equal(await page.getByTestId('curtain-message').innerText(), 'A technician from Acme Support is working on this PC');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page.getByTestId('curtain-stop').count(), 0, 'only the primary monitor’s curtain has Stop');
    await page.close();
  });
});
