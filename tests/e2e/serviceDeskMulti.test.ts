/**
 * Several agents in one desk session end to end (issue 12: monitor, invite a colleague, pass
 * control), in real browsers against a real relay and a real X screen: Bob serves a customer
 * who asked for help. A supervisor (Alice) monitors the session from the Supervise panel: she
 * sees the live picture, Bob's tab says "monitored by Alice", the customer's bar lists her, what
 * she writes in the chat reaches the customer and Bob labelled as a supervisor's, and her click
 * on the picture does not reach the X screen. Bob then invites Carol; she joins and
 * sees the picture; her click does nothing until Bob gives her control, then it lands on the X
 * screen and Bob sees her labelled pointer; Bob takes control back and her clicks stop landing
 * while his do. Monitoring, the invitation and the join are audited. Last, the supervisor
 * monitors again and takes the session over: her tab opens anew with control, Bob's ends, Carol stays.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { AuditList, Seat } from '@beacon/shared/api';
import { LoginResponse } from '@beacon/shared/protocol';
import { newPage } from '../harness/Browsers.ts';
import { AGENT, type RelayProcess } from '../harness/Relay.ts';
import { startStage, type Stage } from '../harness/Stage.ts';
import { agentSignIn, clickCanvasAt, openCustomer, waitForFullPicture } from '../harness/flows.ts';
import { relayApi } from '../harness/relayApi.ts';
import { PATTERN_HTML } from '../fixtures/pattern.ts';

const SIG = { timeout: 300_000 };
const BOB = { login: 'bob', password: 'bob pass phrase 2', name: 'Bob Li' };
const CAROL = { login: 'carol', password: 'carol pass phrase 3', name: 'Carol Wu' };
/** Where each click aims, in X screen pixels (away from the text box, on the plain background). */
const SPOTS = { alice: { x: 200, y: 600 }, carolEarly: { x: 260, y: 600 }, carol: { x: 320, y: 600 }, carolLate: { x: 380, y: 600 }, bob: { x: 440, y: 600 } };

let stage: Stage;
let relay: RelayProcess;
let token = '';
let ids = { bob: 0, carol: 0 };
let alice: Page;
let bob: Page;
let carol: Page;

const api = relayApi(() => relay.url, () => token);

async function framesGrow(agent: Page, by: number): Promise<void> {
  const frames = () => Number(document.querySelector<HTMLCanvasElement>('[data-testid="session-canvas"]')?.dataset.frames ?? 0);
  const start = await agent.evaluate(frames);
  await agent.waitForFunction(
    (min) => Number(document.querySelector<HTMLCanvasElement>('[data-testid="session-canvas"]')?.dataset.frames ?? 0) >= min,
    start + by,
    { timeout: 30_000 },
  );
}

/** The clicks the X screen's page received, in its pixels (it sits at the screen's origin). */
const screenClicks = (): Promise<{ x: number; y: number }[]> => stage.screen.page.evaluate(() => (window as unknown as { clicks: { x: number; y: number }[] }).clicks);

async function clickLands(agent: Page, spot: { x: number; y: number }): Promise<void> {
  // The stream starts small until the link is measured; a click maps onto the whole picture.
  await waitForFullPicture(agent);
  await clickCanvasAt(agent, spot.x, spot.y);
  for (let i = 0; i < 100; i++) {
    if ((await screenClicks()).some((c) => Math.abs(c.x - spot.x) <= 2 && Math.abs(c.y - spot.y) <= 2)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`the click at ${spot.x},${spot.y} did not reach the X screen; it saw ${JSON.stringify(await screenClicks())}`);
}

/** The click is not on the X screen after a generous wait (what a click that does land takes, several times over). */
async function clickDoesNotLand(agent: Page, spot: { x: number; y: number }): Promise<void> {
  await waitForFullPicture(agent);
  const before = (await screenClicks()).length;
  await clickCanvasAt(agent, spot.x, spot.y);
  await new Promise((r) => setTimeout(r, 2000));
  assert.deepEqual((await screenClicks()).slice(before), [], `the click at ${spot.x},${spot.y} must not reach the X screen`);
}

async function signInBusy(page: Page, creds?: { login: string; password: string }): Promise<void> {
  await agentSignIn(page, relay.url, creds);
  await page.getByTestId('desk-state').selectOption('busy');
  await page.locator('[data-testid="desk-controls"][data-state="busy"]').waitFor({ timeout: 10_000 });
}

describe('several agents in one desk session, end to end', { concurrency: false }, () => {
  before(async () => {
    stage = await startStage({ screenHtml: PATTERN_HTML, preferredDisplay: 91, relayEnv: { BEACON_AGENT_ROLE: 'owner' } });
    relay = stage.relay;
    token = (await api('POST', '/api/login', LoginResponse, { login: AGENT.login, password: AGENT.password })).token;
    for (const [key, who] of [['bob', BOB], ['carol', CAROL]] as const) {
      ids = { ...ids, [key]: (await api('POST', '/api/seats', Seat, { login: who.login, displayName: who.name, password: who.password, role: 'agent', groupIds: [], concurrencyLimit: 2 })).id };
    }
    await stage.screen.page.evaluate(() => {
      const w = window as unknown as { clicks: { x: number; y: number }[] };
      w.clicks = [];
      document.addEventListener('mousedown', (e) => w.clicks.push({ x: e.screenX, y: e.screenY }), true);
      // Something moves on the customer's screen the whole time, as in a real session: a still
      // screen sends (almost) no frames, and a viewer that joins later would wait for a change.
      const dot = document.createElement('div');
      dot.style.cssText = 'left:1000px;top:500px;width:40px;height:40px;background:#000';
      document.body.appendChild(dot);
      let i = 0;
      window.setInterval(() => (dot.style.left = `${1000 + ((i += 7) % 200)}px`), 50);
    });
    alice = await newPage(stage.agentBrowser);
    await signInBusy(alice);
    carol = await newPage(await stage.agentBrowser.newContext());
    await signInBusy(carol, CAROL);
    bob = await newPage(await stage.agentBrowser.newContext());
    await agentSignIn(bob, relay.url, BOB);
  }, SIG);

  after(() => stage?.close());

  test('a supervisor monitors: she sees the picture, Bob and the customer are told, her click does not reach the PC', SIG, async () => {
    const customer = await openCustomer(stage.customerBrowser, relay.url, stage.injector);
    await customer.getByTestId('help-open').click();
    await customer.getByTestId('help-name').fill('Zhao Lei');
    await customer.getByTestId('help-description').fill('The camera shows black');
    await customer.getByTestId('help-submit').click();
    await bob.getByTestId('desk-offer').waitFor({ timeout: 15_000 });
    await bob.getByTestId('desk-offer-accept').click();
    await customer.getByTestId('consent-dialog').waitFor({ timeout: 10_000 });
    await customer.getByTestId('consent-accept').click();
    const bobTab = bob.locator('[data-testid="session-tab"][data-state="active"]');
    await bobTab.waitFor({ timeout: 15_000 });
    const sessionId = (await bobTab.getAttribute('data-session-id')) ?? '';
    await framesGrow(bob, 3);

    await alice.getByTestId('supervise-toggle').click();
    const row = alice.locator(`[data-testid="supervise-session"][data-session-id="${sessionId}"]`);
    await row.waitFor({ timeout: 10_000 });
    await row.getByTestId('supervise-monitor').click();
    await alice.locator(`[data-testid="session-tab"][data-state="active"][data-session-id="${sessionId}"]`).waitFor({ timeout: 15_000 });
    await alice.getByTestId('supervise-toggle').click();
    await framesGrow(alice, 3);
    await alice.getByTestId('view-only-badge').waitFor({ timeout: 5000 });
    await alice.getByTestId('multi-watching').waitFor({ timeout: 5000 });
    await bob.locator('[data-testid="session-monitored"]', { hasText: AGENT.name }).waitFor({ timeout: 10_000 });
    await customer.locator('[data-testid="bar-participants"]', { hasText: AGENT.name }).waitFor({ timeout: 10_000 });

    // She writes in the chat: the customer and Bob see who wrote, labelled as a supervisor.
    await customer.getByTestId('session-panel-toggle').click();
    await alice.getByTestId('chat-input').fill('Alice, team lead: Bob is on it');
    await alice.getByTestId('chat-send').click();
    await alice.locator('[data-testid="chat-message"]', { hasText: 'team lead' }).waitFor({ timeout: 10_000 });
    const line = customer.locator('[data-testid="chat-message"][data-from="agent"]', { hasText: 'team lead' });
    await line.waitFor({ timeout: 10_000 });
    assert.ok((await line.innerText()).includes(`${AGENT.name} (supervisor)`), await line.innerText());
    await bob.locator('[data-testid="chat-message"]', { hasText: `${AGENT.name} (supervisor)` }).waitFor({ timeout: 10_000 });

    await clickDoesNotLand(alice, SPOTS.alice);
    await framesGrow(alice, 2);

    // Ending her tab leaves the session; it goes on for Bob, no longer monitored.
    await alice.getByTestId('end-session').click();
    await alice.locator(`[data-testid="session-tab"][data-state="ended"][data-session-id="${sessionId}"]`).waitFor({ timeout: 10_000 });
    await bob.getByTestId('session-monitored').waitFor({ state: 'detached', timeout: 10_000 });
    await framesGrow(bob, 2);
    const entries = (await api('GET', '/api/audit', AuditList)).entries;
    assert.ok(entries.some((e) => e.action === 'session-monitored' && e.actor?.login === AGENT.login && e.target?.id === sessionId), 'monitoring is audited');
  });

  test('Bob invites Carol; she sees the picture; control passes to her (her click lands, Bob sees her pointer) and comes back', SIG, async () => {
    await bob.getByTestId('multi-invite-open').click();
    const select = bob.getByTestId('multi-invite-agent');
    await select.locator(`option[value="${ids.carol}"]`).waitFor({ state: 'attached', timeout: 10_000 });
    await select.selectOption(String(ids.carol));
    await bob.getByTestId('multi-invite-send').click();
    const invitation = carol.getByTestId('multi-invitation');
    await invitation.waitFor({ timeout: 10_000 });
    assert.ok((await invitation.innerText()).includes(BOB.name));
    await carol.getByTestId('multi-invitation-accept').click();
    await carol.locator('[data-testid="session-tab"][data-state="active"]').waitFor({ timeout: 15_000 });
    await framesGrow(carol, 3);
    await bob.locator('[data-testid="multi-answered"][data-accepted="yes"]').waitFor({ timeout: 10_000 });
    await bob.getByTestId('multi-answered-dismiss').click();
    await bob.locator(`[data-testid="multi-person"][data-role="guest"][data-agent-id="${ids.carol}"]`).waitFor({ timeout: 10_000 });

    // A guest's click does nothing while Bob has control.
    await clickDoesNotLand(carol, SPOTS.carolEarly);

    await bob.locator(`[data-testid="multi-give"][data-agent-id="${ids.carol}"]`).click();
    await carol.locator(`[data-testid="multi-controller"][data-agent-id="${ids.carol}"]`).waitFor({ timeout: 10_000 });
    await clickLands(carol, SPOTS.carol);
    await bob.locator(`[data-testid="peer-pointer"][data-agent-id="${ids.carol}"]`, { hasText: CAROL.name }).waitFor({ timeout: 10_000 });

    await bob.getByTestId('multi-take-back').click();
    await carol.locator(`[data-testid="multi-controller"][data-agent-id="${ids.bob}"]`).waitFor({ timeout: 10_000 });
    await clickDoesNotLand(carol, SPOTS.carolLate);
    await clickLands(bob, SPOTS.bob);

    const entries = (await api('GET', '/api/audit', AuditList)).entries;
    assert.ok(entries.some((e) => e.action === 'session-invited' && e.actor?.login === BOB.login), 'the invitation is audited');
    assert.ok(entries.some((e) => e.action === 'session-joined' && e.actor?.login === CAROL.login), 'the join is audited');

    // The supervisor monitors again, then takes the session over: her new tab has control, Bob's ends, Carol stays.
    const sessionId = (await bob.locator('[data-testid="session-tab"][data-state="active"]').getAttribute('data-session-id')) ?? '';
    await alice.getByTestId('close-session').click();
    await alice.getByTestId('supervise-toggle').click();
    const row = alice.locator(`[data-testid="supervise-session"][data-session-id="${sessionId}"]`);
    await row.getByTestId('supervise-monitor').click();
    await alice.locator(`[data-testid="session-tab"][data-state="active"][data-session-id="${sessionId}"]`).waitFor({ timeout: 15_000 });
    await bob.locator('[data-testid="session-monitored"]', { hasText: AGENT.name }).waitFor({ timeout: 10_000 });
    await row.getByTestId('supervise-take-over').click();
    await alice.getByTestId('supervise-toggle').click();
    await bob.locator(`[data-testid="session-tab"][data-state="ended"][data-session-id="${sessionId}"]`).waitFor({ timeout: 15_000 });
    await alice.locator(`[data-testid="session-tab"][data-state="active"][data-session-id="${sessionId}"]`).waitFor({ timeout: 15_000 });
    await carol.locator(`[data-testid="multi-person"][data-role="owner"]`, { hasText: AGENT.name }).waitFor({ timeout: 10_000 });
    // Her tab opened anew, as the session's agent: the live picture, with control.
    await framesGrow(alice, 3);
    assert.equal(await alice.getByTestId('view-only-badge').count(), 0, 'the supervisor has control now');
    await alice.getByTestId('end-session').click();
    await carol.locator('[data-testid="session-tab"][data-state="ended"]').waitFor({ timeout: 10_000 });
  });
});
