/**
 * The service desk end to end (issue 12), in real browsers against a real relay: a customer
 * asks for help and waits with a place and an estimate; an available agent is offered it
 * with the customer's details, accepts, and the customer answers the usual consent dialog;
 * the agent sees the screen. A decline moves the offer to the next agent, a customer who
 * leaves takes the offer away, and with nobody available the customer leaves a message the
 * back-office lists.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { DeskMessagesResponse, Seat } from '@beacon/shared/api';
import { LoginResponse } from '@beacon/shared/protocol';
import { newPage } from '../harness/Browsers.ts';
import { AGENT, type RelayProcess } from '../harness/Relay.ts';
import { startStage, type Stage } from '../harness/Stage.ts';
import { agentSignIn, openCustomer } from '../harness/flows.ts';
import { relayApi } from '../harness/relayApi.ts';
import { PATTERN_HTML } from '../fixtures/pattern.ts';

const SIG = { timeout: 240_000 };
const BOB = { login: 'bob', password: 'bob pass phrase 2', name: 'Bob Li' };
const CUSTOMER = { name: '王芳 Wang Fang', phone: '+86 21 5555 0101', description: 'The projector in room 3 shows no picture' };

let stage: Stage;
let relay: RelayProcess;
let token = '';
let alice: Page;
let bob: Page;
let bobContext: BrowserContext;

const api = relayApi(() => relay.url, () => token);

/** The customer fills in "Request help" and sends it. */
async function requestHelp(customer: Page): Promise<void> {
  await customer.getByTestId('help-open').click();
  await customer.getByTestId('help-name').fill(CUSTOMER.name);
  await customer.getByTestId('help-phone').fill(CUSTOMER.phone);
  await customer.getByTestId('help-description').fill(CUSTOMER.description);
  await customer.getByTestId('help-submit').click();
  await customer.getByTestId('help-waiting').waitFor({ timeout: 10_000 });
}

async function setDesk(agent: Page, state: 'available' | 'busy' | 'away'): Promise<void> {
  await agent.getByTestId('desk-state').selectOption(state);
  await agent.locator(`[data-testid="desk-controls"][data-state="${state}"]`).waitFor({ timeout: 10_000 });
}

/** Which of the agents is shown an offer first. */
async function offeredAgent(...agents: Page[]): Promise<Page> {
  const end = Date.now() + 15_000;
  for (;;) {
    for (const a of agents) if ((await a.getByTestId('desk-offer').count()) > 0) return a;
    if (Date.now() > end) throw new Error('no agent was offered the request');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the service desk, end to end', { concurrency: false }, () => {
  before(async () => {
    stage = await startStage({ screenHtml: PATTERN_HTML, preferredDisplay: 94, relayEnv: { BEACON_AGENT_ROLE: 'owner' } });
    relay = stage.relay;
    token = (await api('POST', '/api/login', LoginResponse, { login: AGENT.login, password: AGENT.password })).token;
    await api('POST', '/api/seats', Seat, { login: BOB.login, displayName: BOB.name, password: BOB.password, role: 'agent', groupIds: [], concurrencyLimit: 2 });
    alice = await newPage(stage.agentBrowser);
    await agentSignIn(alice, relay.url);
  }, SIG);

  after(() => stage?.close());

  test('a customer asks for help, waits first in line, an available agent accepts, the customer consents and the agent sees the screen', SIG, async () => {
    await alice.locator('[data-testid="desk-controls"][data-state="available"]').waitFor({ timeout: 10_000 });
    const customer = await openCustomer(stage.customerBrowser, relay.url, stage.injector);
    await requestHelp(customer);
    await customer.locator('[data-testid="help-position"][data-position="1"]').waitFor({ timeout: 10_000 });
    assert.notEqual(await customer.getByTestId('help-wait').getAttribute('data-wait-ms'), '', 'an agent is available: the wait is estimated');

    const offer = alice.getByTestId('desk-offer');
    await offer.waitFor({ timeout: 10_000 });
    assert.equal(await offer.getByTestId('desk-offer-name').innerText(), CUSTOMER.name);
    assert.equal(await offer.getByTestId('desk-offer-phone').innerText(), CUSTOMER.phone);
    assert.equal(await offer.getByTestId('desk-offer-description').innerText(), CUSTOMER.description);
    assert.ok(Number(await offer.getByTestId('desk-offer-countdown').getAttribute('data-seconds')) > 0);
    await alice.getByTestId('desk-queue-toggle').click();
    await alice.locator('[data-testid="desk-queue-row"][data-state="offered"]', { hasText: CUSTOMER.name }).waitFor({ timeout: 10_000 });
    await alice.getByTestId('desk-queue-toggle').click();

    await offer.getByTestId('desk-offer-accept').click();
    await customer.getByTestId('help-assigned').waitFor({ timeout: 10_000 });
    const dialog = customer.getByTestId('consent-dialog');
    await dialog.waitFor({ timeout: 10_000 });
    assert.equal(await customer.getByTestId('consent-agent-name').innerText(), AGENT.name);
    await customer.getByTestId('consent-accept').click();
    await alice.locator('[data-testid="session-tab"][data-state="active"]').waitFor({ timeout: 15_000 });
    await alice.waitForFunction(
      () => Number(document.querySelector<HTMLCanvasElement>('[data-testid="session-canvas"]')?.dataset.frames ?? 0) >= 3,
      undefined,
      { timeout: 30_000 },
    );

    // The session ends: the request is finished and the customer can ask again.
    await alice.getByTestId('end-session').click();
    await customer.locator('[data-testid="help-notice"][data-notice="closed"]').waitFor({ timeout: 15_000 });
    await customer.close();
  });

  test('a declined offer goes to the other agent; the customer leaving the queue takes it away', SIG, async () => {
    bobContext = await stage.agentBrowser.newContext();
    bob = await newPage(bobContext);
    await agentSignIn(bob, relay.url, BOB);
    await bob.locator('[data-testid="desk-controls"][data-state="available"]').waitFor({ timeout: 10_000 });
    const customer = await openCustomer(stage.customerBrowser, relay.url, stage.injector);
    await requestHelp(customer);

    const first = await offeredAgent(alice, bob);
    const second = first === alice ? bob : alice;
    await first.getByTestId('desk-offer-decline').click();
    await second.getByTestId('desk-offer').waitFor({ timeout: 10_000 });
    assert.equal(await second.getByTestId('desk-offer-name').innerText(), CUSTOMER.name);
    assert.equal(await first.getByTestId('desk-offer').count(), 0);

    await customer.getByTestId('help-leave').click();
    await customer.locator('[data-testid="help-notice"][data-notice="left"]').waitFor({ timeout: 10_000 });
    await second.getByTestId('desk-offer').waitFor({ state: 'detached', timeout: 10_000 });
    await customer.close();
  });

  test('with nobody available the customer leaves a message, and the back-office has it', SIG, async () => {
    await setDesk(alice, 'away');
    await setDesk(bob, 'away');
    // Kept across a reload.
    await bob.reload();
    await bob.locator('[data-testid="desk-controls"][data-state="away"]').waitFor({ timeout: 15_000 });

    const customer = await openCustomer(stage.customerBrowser, relay.url, stage.injector);
    await requestHelp(customer);
    await customer.getByTestId('help-nobody').waitFor({ timeout: 10_000 });
    await customer.getByTestId('help-write-message').click();
    await customer.getByTestId('help-message').fill('Please call me back after 3 pm 谢谢');
    await customer.getByTestId('help-send-message').click();
    await customer.locator('[data-testid="help-notice"][data-notice="messaged"]').waitFor({ timeout: 10_000 });

    const { messages } = await api('GET', '/api/desk/messages', DeskMessagesResponse);
    assert.deepEqual(
      messages.map((m) => [m.customerName, m.phone, m.description, m.text]),
      [[CUSTOMER.name, CUSTOMER.phone, CUSTOMER.description, 'Please call me back after 3 pm 谢谢']],
    );
    await customer.close();
  });
});
