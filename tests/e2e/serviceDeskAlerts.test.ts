/**
 * The desk's silence timers end to end (issue 12, "No-reply alerts"), in real browsers against a
 * real relay, with the timers shortened to 30 s (the shortest the settings allow): a customer
 * waiting while every agent is busy is reminded and answers "I am still here"; then Alice takes
 * the request and does not answer the customer's chat, and the alert pops up in Bob's console
 * (another agent of the organisation's queue, not Alice's); Bob takes the session over from the
 * alert: he sees the picture, the customer's bar shows his name, Alice's tab ends, and the
 * take-over is audited with Bob as actor.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { AuditList, DeskSettings, Seat } from '@beacon/shared/api';
import { LoginResponse } from '@beacon/shared/protocol';
import { newPage } from '../harness/Browsers.ts';
import { AGENT, type RelayProcess } from '../harness/Relay.ts';
import { startStage, type Stage } from '../harness/Stage.ts';
import { agentSignIn, openCustomer } from '../harness/flows.ts';
import { relayApi } from '../harness/relayApi.ts';
import { PATTERN_HTML } from '../fixtures/pattern.ts';

const SIG = { timeout: 300_000 };
const BOB = { login: 'bob', password: 'bob pass phrase 2', name: 'Bob Li' };
/** Past the 30 s timers plus the desk's 1 s tick, with room for a loaded machine. */
const PAST_TIMER_MS = 60_000;

let stage: Stage;
let relay: RelayProcess;
let token = '';
let bobId = 0;
let alice: Page;
let bob: Page;

const api = relayApi(() => relay.url, () => token);

async function setDeskState(agent: Page, state: 'available' | 'busy'): Promise<void> {
  await agent.getByTestId('desk-state').selectOption(state);
  await agent.locator(`[data-testid="desk-controls"][data-state="${state}"]`).waitFor({ timeout: 10_000 });
}

describe('no-reply alerts and reminders at the desk, end to end', { concurrency: false }, () => {
  before(async () => {
    stage = await startStage({ screenHtml: PATTERN_HTML, preferredDisplay: 96, relayEnv: { BEACON_AGENT_ROLE: 'owner' } });
    relay = stage.relay;
    token = (await api('POST', '/api/login', LoginResponse, { login: AGENT.login, password: AGENT.password })).token;
    await api('PATCH', '/api/desk/settings', DeskSettings, { agentNoReplySec: 30, customerReminderSec: 30, customerEndSec: 600 });
    bobId = (await api('POST', '/api/seats', Seat, { login: BOB.login, displayName: BOB.name, password: BOB.password, role: 'agent', groupIds: [], concurrencyLimit: 2 })).id;
    alice = await newPage(stage.agentBrowser);
    await agentSignIn(alice, relay.url);
    bob = await newPage(await stage.agentBrowser.newContext());
    await agentSignIn(bob, relay.url, BOB);
    await setDeskState(alice, 'busy');
    await setDeskState(bob, 'busy');
  }, SIG);

  after(() => stage?.close());

  test('a waiting customer is reminded; an agent who does not answer alerts a colleague, who takes the session over from the alert', SIG, async () => {
    const customer = await openCustomer(stage.customerBrowser, relay.url, stage.injector);
    await customer.getByTestId('help-open').click();
    await customer.getByTestId('help-name').fill('Chen Jie');
    await customer.getByTestId('help-description').fill('Outlook keeps asking for the password');
    await customer.getByTestId('help-submit').click();
    await customer.getByTestId('help-waiting').waitFor({ timeout: 10_000 });

    // Nobody is available: after customerReminderSec the customer is asked whether they are still there.
    await customer.getByTestId('help-reminder').waitFor({ timeout: PAST_TIMER_MS });
    await customer.getByTestId('help-still-here').click();
    await customer.getByTestId('help-reminder').waitFor({ state: 'detached', timeout: 10_000 });

    await setDeskState(alice, 'available');
    await alice.getByTestId('desk-offer').waitFor({ timeout: 15_000 });
    await alice.getByTestId('desk-offer-accept').click();
    await customer.getByTestId('consent-dialog').waitFor({ timeout: 10_000 });
    await customer.getByTestId('consent-accept').click();
    const aliceTab = alice.locator('[data-testid="session-tab"][data-state="active"]');
    await aliceTab.waitFor({ timeout: 15_000 });
    const sessionId = (await aliceTab.getAttribute('data-session-id')) ?? '';
    await customer.getByTestId('session-panel-toggle').click();
    await customer.getByTestId('chat-input').fill('Hello? 有人吗？');
    await customer.getByTestId('chat-send').click();
    await alice.locator('[data-testid="chat-message"][data-from="customer"]', { hasText: 'Hello?' }).waitFor({ timeout: 10_000 });

    // Alice does not answer: the alert reaches Bob (never Alice), with who and whom.
    const alert = bob.getByTestId('desk-alert');
    await alert.waitFor({ timeout: PAST_TIMER_MS });
    const text = await alert.getByTestId('desk-alert-text').innerText();
    assert.ok(text.includes(AGENT.name) && text.includes('Chen Jie'), text);
    assert.equal(await alice.getByTestId('desk-alert').count(), 0, 'the silent agent is not alerted');

    await alert.getByTestId('desk-alert-take-over').click();
    await bob.locator(`[data-testid="session-tab"][data-state="active"][data-session-id="${sessionId}"]`).waitFor({ timeout: 15_000 });
    // His console draws the running picture (frames of the same stream, no new consent).
    await bob.waitForFunction(() => Number(document.querySelector<HTMLCanvasElement>('[data-testid="session-canvas"]')?.dataset.frames ?? 0) >= 3, undefined, { timeout: 30_000 });
    await bob.locator('[data-testid="chat-message"][data-from="customer"]', { hasText: 'Hello?' }).waitFor({ timeout: 10_000 });
    await alice.locator(`[data-testid="session-tab"][data-state="ended"][data-session-id="${sessionId}"]`).waitFor({ timeout: 10_000 });
    await customer.locator('[data-testid="session-bar"]', { hasText: BOB.name }).waitFor({ timeout: 10_000 });
    assert.equal(await customer.getByTestId('consent-dialog').count(), 0, 'no new consent');
    assert.equal(await bob.getByTestId('desk-alert').count(), 0, 'the alert is gone');
    const audit = (await api('GET', '/api/audit', AuditList)).entries.find((e) => e.action === 'session-transferred' && e.target?.id === sessionId);
    assert.deepEqual([audit?.actor?.login, audit?.detail['how'], audit?.detail['toAgentId']], [BOB.login, 'take-over', bobId]);

    await bob.getByTestId('chat-input').fill('Bob here, sorry for the wait');
    await bob.getByTestId('chat-send').click();
    await customer.locator('[data-testid="chat-message"][data-from="agent"]', { hasText: 'Bob here' }).waitFor({ timeout: 10_000 });
    await bob.getByTestId('end-session').click();
    await customer.locator('[data-testid="help-notice"][data-notice="closed"]').waitFor({ timeout: 15_000 });
    await customer.close();
  });
});
