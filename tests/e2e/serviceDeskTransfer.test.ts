/**
 * Transferring a running desk session end to end (issue 12, "During a session"), in real
 * browsers against a real relay: Alice serves a customer who asked for help; she transfers
 * the session to Bob with a note, Bob declines and the session stays with her; she transfers
 * again, Bob accepts, and the same session goes on with Bob: his console shows the live
 * picture and the chat so far, Alice's tab ends "handed over", and the customer's bar shows
 * Bob's name without being asked to consent again. The handover is audited and on the
 * session's timeline. A supervisor dispatches a waiting request to Bob from the live list,
 * then takes the running session over.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { AuditList, Seat } from '@beacon/shared/api';
import { LoginResponse } from '@beacon/shared/protocol';
import { newPage } from '../harness/Browsers.ts';
import { AGENT, type RelayProcess } from '../harness/Relay.ts';
import { startStage, type Stage } from '../harness/Stage.ts';
import { agentSignIn, openCustomer } from '../harness/flows.ts';
import { relayApi } from '../harness/relayApi.ts';
import { PATTERN_HTML } from '../fixtures/pattern.ts';

const SIG = { timeout: 240_000 };
const BOB = { login: 'bob', password: 'bob pass phrase 2', name: 'Bob Li' };
const CUSTOMER = { name: 'Wang Fang', description: 'The projector in room 3 shows no picture' };

let stage: Stage;
let relay: RelayProcess;
let token = '';
let bobId = 0;
let alice: Page;
let bob: Page;

const api = relayApi(() => relay.url, () => token);

/** Frames the agent's canvas of the selected session has drawn. */
const framesOf = (agent: Page) => agent.evaluate(() => Number(document.querySelector<HTMLCanvasElement>('[data-testid="session-canvas"]')?.dataset.frames ?? 0));

async function framesGrow(agent: Page, by: number): Promise<void> {
  const start = await framesOf(agent);
  await agent.waitForFunction(
    (min) => Number(document.querySelector<HTMLCanvasElement>('[data-testid="session-canvas"]')?.dataset.frames ?? 0) >= min,
    start + by,
    { timeout: 30_000 },
  );
}

/** Alice opens the Transfer form on her session and sends it to Bob with a note. */
async function transferToBob(note: string): Promise<void> {
  await alice.getByTestId('transfer-open').click();
  const form = alice.getByTestId('transfer-form');
  await form.locator(`option[value="agent:${bobId}"]`).waitFor({ state: 'attached', timeout: 10_000 });
  await form.getByTestId('transfer-target').selectOption(`agent:${bobId}`);
  await form.getByTestId('transfer-note').fill(note);
  await form.getByTestId('transfer-send').click();
  await alice.locator('[data-testid="transfer-status"][data-state="asking"]', { hasText: BOB.name }).waitFor({ timeout: 10_000 });
}

describe('transferring a running desk session, end to end', { concurrency: false }, () => {
  before(async () => {
    stage = await startStage({ screenHtml: PATTERN_HTML, preferredDisplay: 95, relayEnv: { BEACON_AGENT_ROLE: 'owner' } });
    relay = stage.relay;
    token = (await api('POST', '/api/login', LoginResponse, { login: AGENT.login, password: AGENT.password })).token;
    bobId = (await api('POST', '/api/seats', Seat, { login: BOB.login, displayName: BOB.name, password: BOB.password, role: 'agent', groupIds: [], concurrencyLimit: 2 })).id;
    alice = await newPage(stage.agentBrowser);
    await agentSignIn(alice, relay.url);
    bob = await newPage(await stage.agentBrowser.newContext());
    await agentSignIn(bob, relay.url, BOB);
    // Bob takes no new requests, so the customer's goes to Alice; he can still be handed sessions.
    await bob.getByTestId('desk-state').selectOption('busy');
    await bob.locator('[data-testid="desk-controls"][data-state="busy"]').waitFor({ timeout: 10_000 });
  }, SIG);

  after(() => stage?.close());

  test('declined, the session stays; accepted, the same session goes on with Bob: picture, chat, the customer’s bar, no new consent', SIG, async () => {
    const customer = await openCustomer(stage.customerBrowser, relay.url, stage.injector);
    await customer.getByTestId('help-open').click();
    await customer.getByTestId('help-name').fill(CUSTOMER.name);
    await customer.getByTestId('help-description').fill(CUSTOMER.description);
    await customer.getByTestId('help-submit').click();
    await alice.getByTestId('desk-offer').waitFor({ timeout: 15_000 });
    await alice.getByTestId('desk-offer-accept').click();
    await customer.getByTestId('consent-dialog').waitFor({ timeout: 10_000 });
    await customer.getByTestId('consent-accept').click();
    const aliceTab = alice.locator('[data-testid="session-tab"][data-state="active"]');
    await aliceTab.waitFor({ timeout: 15_000 });
    const sessionId = (await aliceTab.getAttribute('data-session-id')) ?? '';
    await framesGrow(alice, 3);
    assert.ok((await customer.getByTestId('session-bar').innerText()).includes(AGENT.name));
    await customer.getByTestId('session-panel-toggle').click();
    await customer.getByTestId('chat-input').fill('It says: no signal 没有信号');
    await customer.getByTestId('chat-send').click();
    await alice.locator('[data-testid="chat-message"][data-from="customer"]', { hasText: 'no signal' }).waitFor({ timeout: 10_000 });

    // First try: Bob sees who hands it on and the note, and declines; nothing changes for Alice or the customer.
    await transferToBob('HDMI checked; please try the driver');
    const offer = bob.locator('[data-testid="desk-offer"][data-transfer="yes"]');
    await offer.waitFor({ timeout: 10_000 });
    assert.ok((await offer.textContent())?.includes(AGENT.name), "who hands it on");
    assert.ok((await offer.getByTestId('desk-offer-note').innerText()).includes('HDMI checked'));
    await offer.getByTestId('desk-offer-decline').click();
    await alice.locator('[data-testid="transfer-status"][data-state="declined"]').waitFor({ timeout: 10_000 });
    await framesGrow(alice, 2);
    await alice.getByTestId('transfer-dismiss').click();

    // Second try: accepted.
    await transferToBob('second try');
    await bob.locator('[data-testid="desk-offer"][data-transfer="yes"]').getByTestId('desk-offer-accept').click();
    const bobTab = bob.locator(`[data-testid="session-tab"][data-state="active"][data-session-id="${sessionId}"]`);
    await bobTab.waitFor({ timeout: 15_000 });
    await framesGrow(bob, 3);
    await bob.locator('[data-testid="chat-message"][data-from="customer"]', { hasText: 'no signal' }).waitFor({ timeout: 10_000 });
    await alice.locator(`[data-testid="session-tab"][data-state="ended"][data-session-id="${sessionId}"]`).waitFor({ timeout: 10_000 });
    assert.equal(await alice.getByTestId('session-message').innerText(), `You handed this session to ${BOB.name}.`);
    await customer.locator('[data-testid="session-bar"]', { hasText: BOB.name }).waitFor({ timeout: 10_000 });
    assert.equal(await customer.getByTestId('consent-dialog').count(), 0, 'no new consent');

    // The conversation goes on with Bob.
    await bob.getByTestId('chat-input').fill('Bob here, I will take it from here');
    await bob.getByTestId('chat-send').click();
    await customer.locator('[data-testid="chat-message"][data-from="agent"]', { hasText: 'Bob here' }).waitFor({ timeout: 10_000 });
    const audit = (await api('GET', '/api/audit', AuditList)).entries.find((e) => e.action === 'session-transferred');
    assert.deepEqual([audit?.target?.id, audit?.detail['toAgentId'], audit?.detail['note']], [sessionId, bobId, 'second try']);

    await bob.getByTestId('end-session').click();
    await customer.locator('[data-testid="help-notice"][data-notice="closed"]').waitFor({ timeout: 15_000 });
    await customer.close();
  });

  test('a supervisor dispatches a waiting request to Bob, watches it in the live list, and takes the session over', SIG, async () => {
    await alice.getByTestId('desk-state').selectOption('busy');
    await alice.locator('[data-testid="desk-controls"][data-state="busy"]').waitFor({ timeout: 10_000 });
    const customer = await openCustomer(stage.customerBrowser, relay.url, stage.injector);
    await customer.getByTestId('help-open').click();
    await customer.getByTestId('help-name').fill('Li Lei');
    await customer.getByTestId('help-description').fill('Printer jams');
    await customer.getByTestId('help-submit').click();
    await customer.getByTestId('help-waiting').waitFor({ timeout: 10_000 });

    await alice.getByTestId('supervise-toggle').click();
    const row = alice.locator('[data-testid="supervise-request"]', { hasText: 'Li Lei' });
    await row.waitFor({ timeout: 10_000 });
    await row.locator(`[data-testid="supervise-dispatch-agent"] option[value="${bobId}"]`).waitFor({ state: 'attached', timeout: 10_000 });
    await row.getByTestId('supervise-dispatch-agent').selectOption(String(bobId));
    await row.getByTestId('supervise-dispatch').click();
    await customer.getByTestId('consent-dialog').waitFor({ timeout: 10_000 });
    assert.equal(await customer.getByTestId('consent-agent-name').innerText(), BOB.name);
    await customer.getByTestId('consent-accept').click();
    const bobTab = bob.locator('[data-testid="session-tab"][data-state="active"]');
    await bobTab.waitFor({ timeout: 15_000 });
    const sessionId = (await bobTab.getAttribute('data-session-id')) ?? '';
    await framesGrow(bob, 3);

    const running = alice.locator(`[data-testid="supervise-session"][data-session-id="${sessionId}"][data-agent-id="${bobId}"]`);
    await running.waitFor({ timeout: 10_000 });
    await running.getByTestId('supervise-take-over').click();
    await alice.locator(`[data-testid="session-tab"][data-state="active"][data-session-id="${sessionId}"]`).waitFor({ timeout: 15_000 });
    await alice.locator(`[data-testid="session-tab"][data-session-id="${sessionId}"]`).click();
    await framesGrow(alice, 3);
    await bob.locator(`[data-testid="session-tab"][data-state="ended"][data-session-id="${sessionId}"]`).waitFor({ timeout: 10_000 });
    assert.equal(await bob.getByTestId('session-message').innerText(), `${AGENT.name} took this session over.`);
    await customer.locator('[data-testid="session-bar"]', { hasText: AGENT.name }).waitFor({ timeout: 10_000 });
    const entries = (await api('GET', '/api/audit', AuditList)).entries;
    assert.ok(entries.some((e) => e.action === 'request-dispatched' && e.actor?.login === AGENT.login), 'the dispatch is audited');
    assert.ok(entries.some((e) => e.action === 'session-transferred' && e.detail['how'] === 'take-over' && e.actor?.login === AGENT.login), 'the take-over is audited');

    await alice.getByTestId('end-session').click();
    await customer.locator('[data-testid="help-notice"][data-notice="closed"]').waitFor({ timeout: 15_000 });
    await customer.close();
  });
});
