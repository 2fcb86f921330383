/**
 * Issue 3 end to end: a fresh relay's first-run setup creates the owner, the owner creates an
 * agent and a manager, the agent runs a real session against the customer client (the spine's
 * harness: real X screen, capture, WebRTC), and the manager finds it in the log with the right
 * seat, customer and duration, in the statistics, and in the CSV export.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { newPage } from '../harness/Browsers.ts';
import type { InjectorProcess } from '../harness/InjectorProcess.ts';
import type { RelayProcess } from '../harness/Relay.ts';
import { startStage, type Stage } from '../harness/Stage.ts';
import { agentConnect, agentSignIn, openCustomer, readDeviceCredentials } from '../harness/flows.ts';
import { PATTERN_HTML } from '../fixtures/pattern.ts';
import { SessionList } from '@beacon/shared/api';

const OWNER = { org: 'Acme AV 集成', name: 'Olivia Owner', login: 'olivia', password: 'owner pass phrase 1' };
const AGENT = { name: '王小明 Wang', login: 'wang', password: 'agent pass phrase 2' };
const MANAGER = { name: 'Mia Manager', login: 'mia', password: 'manager pass phrase 3' };
const CUSTOMER_NAME = 'Zhang Wei Studio';
const SIG = { timeout: 240_000 };

let stage: Stage;
let relay: RelayProcess;
let injector: InjectorProcess;
let customerBrowser: Browser;
let agentBrowser: Browser;
let sessionId = '';
let customerId = '';
let sessionMs = 0;

describe('accounts and back-office, end to end', { concurrency: false }, () => {
  before(async () => {
    // No account in the environment: the relay starts unconfigured and prints its setup link.
    stage = await startStage({
      screenHtml: PATTERN_HTML,
      preferredDisplay: 98,
      relayEnv: { BEACON_AGENT_LOGIN: '', BEACON_AGENT_PASSWORD: '', BEACON_AGENT_NAME: '' },
    });
    ({ relay, injector, customerBrowser, agentBrowser } = stage);
  }, SIG);

  after(() => stage?.close());

  test('first-run setup creates the owner, who creates an agent and a manager', SIG, async () => {
    const link = /Beacon first-run setup: open (\S+)/.exec(relay.output())?.[1];
    assert.ok(link, 'the relay prints a setup link');
    const owner = await newPage(agentBrowser);
    await owner.goto(`${relay.url}/${new URL(link).hash}`);
    await owner.getByTestId('setup-org-input').fill(OWNER.org);
    await owner.getByTestId('setup-name-input').fill(OWNER.name);
    await owner.getByTestId('setup-login-input').fill(OWNER.login);
    await owner.getByTestId('setup-password-input').fill(OWNER.password);
    await owner.getByTestId('setup-submit').click();
    await owner.getByTestId('seat-create-open').waitFor({ timeout: 15_000 });
    for (const [seat, role] of [[AGENT, 'agent'], [MANAGER, 'manager']] as const) {
      await owner.getByTestId('seat-create-open').click();
      await owner.getByTestId('seat-create-name').fill(seat.name);
      await owner.getByTestId('seat-create-login').fill(seat.login);
      await owner.getByTestId('seat-create-role').selectOption(role);
      await owner.getByTestId('seat-create-password').fill(seat.password);
      await owner.getByTestId('seat-create-submit').click();
      await owner.locator(`[data-testid="seat-row"][data-login="${seat.login}"][data-role="${role}"]`).waitFor({ timeout: 10_000 });
    }
    // The setup link is single use.
    const again = await newPage(agentBrowser);
    await again.goto(`${relay.url}/${new URL(link).hash}`);
    await again.getByTestId('setup-status').and(again.locator('[data-state="done"]')).waitFor({ timeout: 10_000 });
    await owner.close();
    await again.close();
  });

  test('the agent runs a session against the customer client, linked to a new customer record', SIG, async () => {
    const customer = await openCustomer(customerBrowser, relay.url, injector);
    const agent = await newPage(await agentBrowser.newContext());
    await agentSignIn(agent, relay.url, AGENT);
    await agent.getByTestId('connect-customer-search').fill(CUSTOMER_NAME);
    await agent.getByTestId('connect-customer-create').click();
    customerId = (await agent.getByTestId('connect-customer-selected').getAttribute('data-customer-id', { timeout: 10_000 })) ?? '';
    assert.ok(customerId);
    const { deviceId, code } = await readDeviceCredentials(customer);
    await agentConnect(agent, deviceId, code);
    await customer.getByTestId('consent-dialog').waitFor({ timeout: 10_000 });
    assert.match(await customer.getByTestId('consent-dialog').innerText(), /Acme AV 集成/);
    assert.match(await customer.getByTestId('consent-agent-name').innerText(), /王小明/);
    await customer.getByTestId('consent-accept').click();
    const tab = agent.locator('[data-testid="session-tab"][data-state="active"]');
    await tab.waitFor({ timeout: 15_000 });
    sessionId = (await tab.getAttribute('data-session-id')) ?? '';
    const startedAt = Date.now();
    await agent.waitForFunction(
      () => Number(document.querySelector<HTMLCanvasElement>('[data-testid="session-canvas"]')?.dataset.frames ?? 0) >= 5,
      null,
      { timeout: 20_000 },
    );
    await new Promise((r) => setTimeout(r, 3000));
    await customer.getByTestId('stop-button').click();
    await agent.locator(`[data-testid="session-tab"][data-session-id="${sessionId}"][data-state="ended"]`).waitFor({ timeout: 5000 });
    sessionMs = Date.now() - startedAt;
    await agent.close();
    await customer.close();
  });

  test('the manager sees the session in the log, the statistics and the CSV export', SIG, async () => {
    const context = await agentBrowser.newContext({ acceptDownloads: true });
    const manager = await newPage(context);
    await agentSignIn(manager, relay.url, MANAGER).catch(() => undefined);
    await manager.goto(`${relay.url}/#/admin/log`);
    const row = manager.locator(`[data-testid="log-row"][data-session-id="${sessionId}"]`);
    await row.waitFor({ timeout: 15_000 });
    assert.equal(await row.getAttribute('data-seat-login'), AGENT.login);
    assert.equal(await row.getAttribute('data-customer-id'), customerId);
    assert.equal(await row.getAttribute('data-outcome'), 'customer-stopped');
    const durationMs = Number(await row.getAttribute('data-duration-ms'));
    assert.ok(Math.abs(durationMs - sessionMs) < 1500, `logged ${durationMs} ms, measured about ${sessionMs} ms`);
    assert.match(await row.innerText(), new RegExp(CUSTOMER_NAME));
    assert.match(await row.innerText(), /王小明/);

    const [download] = await Promise.all([manager.waitForEvent('download'), manager.getByTestId('log-export').click()]);
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    const line = csv.split(/\r?\n/).find((l) => l.includes(sessionId));
    assert.ok(line, 'the CSV has a row for the session');
    assert.match(line, /王小明/);
    assert.match(line, new RegExp(CUSTOMER_NAME));

    await manager.goto(`${relay.url}/#/admin/stats`);
    const seatRow = manager.locator(`[data-testid="stats-seat-row"][data-key="${AGENT.login}"]`);
    await seatRow.waitFor({ timeout: 15_000 });
    assert.equal(await seatRow.getAttribute('data-sessions'), '1');
    const bar = manager.locator(`[data-testid="stats-chart-seat"] [data-series="sessions"][data-category="${AGENT.login}"]`);
    assert.equal(await bar.getAttribute('data-value'), '1');
    await context.close();
  });

  test('an agent is refused the admin API and the organisation log', SIG, async () => {
    const login = await fetch(`${relay.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: AGENT.login, password: AGENT.password }),
    });
    const { token } = (await login.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const create = await fetch(`${relay.url}/api/seats`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ login: 'mallory', displayName: 'Mallory', role: 'owner', password: 'x'.repeat(12) }),
    });
    assert.equal(create.status, 403);
    const stats = await fetch(`${relay.url}/api/stats`, { headers: auth });
    assert.equal(stats.status, 403);
    // The agent's own session stays visible to them; nothing else is listed.
    const list = SessionList.parse(await (await fetch(`${relay.url}/api/sessions`, { headers: auth })).json());
    assert.deepEqual(list.sessions.map((r) => r.id), [sessionId]);
  });
});
