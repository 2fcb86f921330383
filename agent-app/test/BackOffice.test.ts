/**
 * Accounts, the customer directory and the back-office in a real Chromium against the REAL
 * relay (started without a seeded account, so it prints its first-run setup link):
 * setup creates the owner; the owner adds a group, an agent and a manager; the agent keeps
 * customers and runs sessions (answered by a scripted customer over the real signalling);
 * the manager finds them in the log, the statistics and the CSV export; the owner hands a
 * customer record to another seat; the agent changes their own password on "My account".
 *
 * BEACON_SCREENSHOT_DIR=<dir> also saves a screenshot of every page in en and zh-CN.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { RelayProcess } from '../../tests/harness/Relay.ts';
import { AGENT, BackOfficeStage, GROUP, HAN, MANAGER, ORG, OWNER, SIG, TZ, createCustomer, fillDevice, seatRow, submitConnect, todayInTz } from './backOfficeStage.ts';
import { ScriptedAgent, ScriptedCustomer } from './ScriptedPeers.ts';
import { cleanupNative } from '../../relay-server/src/platform/nativeHandles.ts';

let stage: BackOfficeStage;
let relay: RelayProcess;
let owner: Page;
let customer: ScriptedCustomer;
let studioId = 0;

describe('accounts, customers and back-office against the real relay', { concurrency: false }, () => {
  before(async () => {
    stage = await BackOfficeStage.start();
    relay = stage.relay;
    owner = await stage.newPage();
  }, SIG);

  after(async () => {
    customer?.close();
    // node-datachannel's threads keep the process alive until cleaned up (the scripted customer's link).
    await cleanupNative();
    await stage?.close();
  });

  test('the sign-in page points to the setup link while the relay is unconfigured', SIG, async () => {
    await owner.goto(`${relay.url}/`);
    await owner.getByTestId('setup-needed').waitFor();
  });

  test('first-run setup creates the organisation and signs its owner in', SIG, async () => {
    const link = /Beacon first-run setup: open (\S+)/.exec(relay.output())?.[1];
    assert.ok(link, `no setup link in the relay output:\n${relay.output()}`);
    const localLink = link.replace(/^http:\/\/[^/]+/, relay.url);
    await owner.goto(localLink);
    await stage.shot(owner, 'en-setup');
    // The form checks itself before the relay sees anything.
    await owner.getByTestId('setup-submit').click();
    assert.ok((await owner.getByTestId('field-error').count()) >= 3);
    await owner.getByTestId('setup-org-input').fill(ORG);
    await owner.getByTestId('setup-name-input').fill(OWNER.name);
    await owner.getByTestId('setup-login-input').fill(OWNER.login);
    await owner.getByTestId('setup-password-input').fill(OWNER.password);
    await owner.getByTestId('setup-submit').click();
    await owner.getByTestId('seat-table').waitFor();
    assert.equal(new URL(owner.url()).hash, '#/admin/seats', 'the used token left the address bar');
    assert.equal(await owner.getByTestId('agent-name').getAttribute('data-role'), 'owner');
    assert.match(await owner.getByTestId('org-name').innerText(), new RegExp(ORG));
    await seatRow(owner, OWNER.login).waitFor();
    // The link is spent: opening it again says so instead of showing the form.
    const again = await stage.newPage();
    await again.goto(localLink);
    await again.getByTestId('setup-status').and(again.locator('[data-state="done"]')).waitFor();
  });

  test('the owner adds a group, an agent and a manager, and manages a seat', SIG, async () => {
    await owner.getByTestId('group-create-input').fill(GROUP);
    await owner.getByTestId('group-create-submit').click();
    await owner.locator('[data-testid="group-row"]', { hasText: GROUP }).waitFor();
    await stage.createSeat(owner, AGENT, 'agent', '2');
    await stage.createSeat(owner, MANAGER, 'manager', '3');
    assert.equal(await seatRow(owner, AGENT.login).getAttribute('data-role'), 'agent');
    assert.equal(await seatRow(owner, MANAGER.login).getAttribute('data-role'), 'manager');
    assert.match(await seatRow(owner, AGENT.login).innerText(), /Live shows[\s\S]*0 \/ 2/);
    // Editing keeps the login and changes the limit.
    await seatRow(owner, MANAGER.login).getByTestId('seat-edit').click();
    assert.equal(await owner.getByTestId('seat-edit-login').isDisabled(), true);
    await owner.getByTestId('seat-edit-limit').fill('4');
    await owner.getByTestId('seat-edit-submit').click();
    await owner.getByTestId('seat-edit-form').waitFor({ state: 'detached' });
    await seatRow(owner, MANAGER.login).getByText('0 / 4').waitFor();
    // A login that exists is refused with a message about the login.
    await owner.getByTestId('seat-create-open').click();
    await owner.getByTestId('seat-create-name').fill('Someone');
    await owner.getByTestId('seat-create-login').fill(AGENT.login);
    await owner.getByTestId('seat-create-password').fill('some password');
    await owner.getByTestId('seat-create-submit').click();
    await owner.getByTestId('error-message').filter({ hasText: 'already taken' }).waitFor();
    await owner.getByTestId('seat-create-cancel').click();
    // A temporary seat: reset its password, disable it, then delete it (cancel first).
    await stage.createSeat(owner, { login: 'temp', name: 'Temp Seat', password: 'temp password 1' }, 'agent', '');
    const temp = seatRow(owner, 'temp');
    await temp.getByTestId('seat-reset-password').click();
    await owner.getByTestId('confirm-ok').click();
    assert.match(await owner.getByTestId('seat-temp-password').innerText(), /^\S{12,}$/);
    await owner.getByTestId('confirm-ok').click();
    await temp.getByTestId('seat-disable').click();
    await owner.getByTestId('confirm-ok').click();
    await owner.locator('[data-testid="seat-row"][data-login="temp"][data-disabled="true"]').waitFor();
    await stage.shot(owner, 'en-seats');
    await temp.getByTestId('seat-delete').click();
    await owner.getByTestId('confirm-cancel').click();
    assert.equal(await temp.count(), 1, 'cancel keeps the seat');
    await temp.getByTestId('seat-delete').click();
    await stage.shot(owner, 'en-seats-delete-confirm');
    await owner.getByTestId('confirm-ok').click();
    await temp.waitFor({ state: 'detached' });
  });

  test('the owner renames the organisation in the settings', SIG, async () => {
    await owner.getByTestId('nav-admin-settings').click();
    await owner.getByTestId('settings-name-input').fill(`${ORG} Ltd`);
    await owner.getByTestId('settings-save').click();
    await owner.getByTestId('settings-saved').waitFor();
    await owner.getByTestId('org-name').filter({ hasText: `${ORG} Ltd` }).waitFor();
    await stage.shot(owner, 'en-settings');
  });

  let agent: Page;

  test('an agent sees only sessions and customers, and the relay refuses the back-office', SIG, async () => {
    agent = await stage.newPage();
    await stage.signIn(agent, AGENT);
    assert.deepEqual(await agent.locator('.mainnav [data-testid]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid'))), ['nav-sessions', 'nav-customers']);
    // Hiding the link is not the check: the page opened by hand gets the relay's refusal.
    await agent.goto(`${relay.url}/#/admin/audit`);
    await agent.getByTestId('error-message').filter({ hasText: 'not allowed' }).waitFor();
    assert.equal(await agent.getByTestId('audit-row').count(), 0);
  });

  test('the agent keeps customers: starred first, searched by name, phone, tags and notes', SIG, async () => {
    await agent.getByTestId('nav-customers').click();
    await agent.getByTestId('empty-state').waitFor();
    const create = (fields: Record<string, string>, isStarred: boolean) => createCustomer(agent, fields, isStarred);
    await create({ name: 'Beta Shop', company: 'Beta Trading', phone: '021 5555 0000' }, false);
    studioId = await create({ name: 'Studio 9 Live', company: 'Acme Broadcasting', phone: '+86 138 0000 1234', tags: 'vip, 直播', notes: 'OBS on Windows 11, two capture cards' }, true);
    const names = () => agent.getByTestId('customer-row-name').allInnerTexts();
    await agent.waitForFunction(() => document.querySelectorAll('[data-testid="customer-row"]').length === 2);
    assert.deepEqual(await names(), ['Studio 9 Live', 'Beta Shop'], 'starred first');
    for (const q of ['capture cards', '1234', '直播', 'acme']) {
      await agent.getByTestId('customer-search').fill(q);
      await agent.waitForFunction(() => document.querySelectorAll('[data-testid="customer-row"]').length === 1);
      assert.deepEqual(await names(), ['Studio 9 Live'], `search ${q}`);
    }
    await agent.getByTestId('customer-search').fill('');
    // Starring Beta Shop moves it up beside Studio 9; unstarring moves it back.
    await agent.locator('[data-testid="customer-row"]', { hasText: 'Beta Shop' }).getByTestId('customer-star').click();
    await agent.locator('[data-testid="customer-row"][data-starred="true"]', { hasText: 'Beta Shop' }).waitFor();
    await agent.locator('[data-testid="customer-row"]', { hasText: 'Beta Shop' }).getByTestId('customer-star').click();
    await agent.locator('[data-testid="customer-row"][data-starred="false"]', { hasText: 'Beta Shop' }).waitFor();
  });

  test('the agent connects for a picked customer; the owner sees the seat online and busy', SIG, async () => {
    customer = await ScriptedCustomer.connect(relay.url);
    await agent.getByTestId('nav-sessions').click();
    await fillDevice(agent, customer);
    await agent.getByTestId('connect-customer-search').fill('Studio');
    await agent.locator(`[data-testid="connect-customer-option"][data-customer-id="${studioId}"]`).click();
    const ask = await submitConnect(agent, customer);
    assert.equal(ask.agentName, AGENT.name);
    assert.equal(ask.orgName, `${ORG} Ltd`, 'the customer sees the organisation the owner just renamed');
    customer.answer(ask.sessionId, true);
    const tab = agent.locator(`[data-testid="session-tab"][data-session-id="${ask.sessionId}"]`);
    await tab.and(agent.locator('[data-state="active"]')).waitFor();
    assert.equal(await tab.getAttribute('data-customer-id'), String(studioId));
    await owner.getByTestId('nav-admin-seats').click();
    await owner.locator(`[data-testid="seat-row"][data-login="${AGENT.login}"][data-online="true"][data-busy="1"]`).waitFor({ timeout: 12_000 });
    await seatRow(owner, AGENT.login).locator(`[data-testid="seat-live-session"][data-session-id="${ask.sessionId}"]`).waitFor();
    await stage.shot(owner, 'en-seats-busy');
    await agent.waitForTimeout(1200); // a duration the log can show
    await agent.getByTestId('end-session').click();
    await tab.and(agent.locator('[data-state="ended"]')).waitFor();
  });

  test('the next attempt on the device suggests its customer; a tab can be relinked after the fact', SIG, async () => {
    await agent.getByTestId('new-session-button').click();
    await agent.getByTestId('device-id-input').fill(customer.deviceId);
    await agent.locator(`[data-testid="connect-customer-selected"][data-customer-id="${studioId}"]`).waitFor();
    await agent.getByTestId('connect-customer-hint').waitFor();
    await agent.getByTestId('code-input').fill(customer.currentCode());
    await agent.getByTestId('connect-customer-clear').click();
    await agent.getByTestId('connect-customer-search').fill('Beta');
    await agent.getByTestId('connect-customer-option').first().click();
    const ask = await submitConnect(agent, customer);
    customer.answer(ask.sessionId, true);
    await agent.locator(`[data-testid="session-tab"][data-session-id="${ask.sessionId}"][data-state="active"]`).waitFor();
    await agent.waitForTimeout(600);
    customer.stop(ask.sessionId);
    await agent.getByTestId('session-message').filter({ hasText: 'The customer stopped the session.' }).waitFor();
    // Wrong customer: relink the ended session to Studio 9 from its tab.
    await agent.getByTestId('session-customer-clear').click();
    await agent.getByTestId('session-customer-search').fill('Studio');
    await agent.locator(`[data-testid="session-customer-option"][data-customer-id="${studioId}"]`).click();
    await agent.locator(`[data-testid="session-tab"][data-session-id="${ask.sessionId}"][data-customer-id="${studioId}"]`).waitFor();
    await stage.shot(agent, 'en-session-tab-customer');
    // The tab's connect-again form follows the relinked customer; this time go without one.
    await agent.locator(`[data-testid="connect-customer-selected"][data-customer-id="${studioId}"]`).waitFor();
    await agent.getByTestId('connect-customer-clear').click();
    await fillDevice(agent, customer);
    const denied = await submitConnect(agent, customer);
    customer.answer(denied.sessionId, false);
    await agent.getByTestId('session-message').filter({ hasText: 'declined' }).waitFor();
    // Unlinked, the tab offers the device's last customer; one click links it.
    await agent.locator(`[data-testid="session-customer-suggest"][data-customer-id="${studioId}"]`).click();
    await agent.locator(`[data-testid="session-tab"][data-session-id="${denied.sessionId}"][data-customer-id="${studioId}"]`).waitFor();
    // The customer's history lists all three, each with its outcome.
    await agent.goto(`${relay.url}/#/customers/${studioId}`);
    await agent.waitForFunction(() => document.querySelectorAll('[data-testid="customer-history-row"]').length === 3);
    const outcomes = await agent.getByTestId('customer-history-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-outcome')));
    assert.deepEqual(outcomes, ['denied', 'customer-stopped', 'completed']);
    await stage.shot(agent, 'en-customers');
  });

  let manager: Page;

  test('the manager finds the sessions in the log, filters and pages it', SIG, async () => {
    // Enough of the owner's own declined attempts to need a second page of 50.
    const scripted = await ScriptedAgent.signIn(relay.url, OWNER.login, OWNER.password);
    for (let i = 0; i < 50; i++) await scripted.session(customer, false);
    scripted.close();
    manager = await stage.newPage();
    await stage.signIn(manager, MANAGER);
    await manager.getByTestId('nav-admin-log').click();
    const rows = manager.getByTestId('log-row');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 50);
    const completed = manager.locator(`[data-testid="log-row"][data-outcome="completed"][data-seat-login="${AGENT.login}"]`);
    await manager.getByTestId('log-filter-seat').selectOption({ label: `${AGENT.name} (${AGENT.login})` });
    await manager.waitForFunction(() => document.querySelectorAll('[data-testid="log-row"]').length === 3);
    assert.equal(await completed.getAttribute('data-customer-id'), String(studioId));
    assert.ok(Number(await completed.getAttribute('data-duration-ms')) >= 1000);
    assert.match(await completed.getByTestId('log-duration').innerText(), /^\d+ s$/);
    assert.match(await completed.innerText(), /Li Lei[\s\S]*Studio 9 Live[\s\S]*Completed[\s\S]*View \+ control/);
    await completed.click();
    await manager.getByTestId('log-detail').getByTestId('log-event').first().waitFor();
    await stage.shot(manager, 'en-log');
    await manager.getByTestId('log-filter-outcome').selectOption('customer-stopped');
    await manager.waitForFunction(() => document.querySelectorAll('[data-testid="log-row"]').length === 1);
    assert.match(new URL(manager.url()).hash, /seat=\d+.*outcome=customer-stopped/);
    await manager.getByTestId('log-filter-reset').click();
    await manager.waitForFunction(() => document.querySelectorAll('[data-testid="log-row"]').length === 50);
    const firstPage = await rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-session-id')));
    await manager.getByTestId('log-next').click();
    await manager.locator('[data-testid="log-page"][data-page="2"]').waitFor();
    await manager.waitForFunction(() => document.querySelector('[data-testid="log-table"]')?.getAttribute('data-loading') === 'false');
    const secondPage = await rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-session-id')));
    assert.equal(secondPage.length, 3, '53 sessions: 50 + 3');
    assert.ok(secondPage.every((id) => !firstPage.includes(id)), 'pages do not overlap');
    assert.equal(await manager.getByTestId('log-next').isDisabled(), true);
    await manager.getByTestId('log-prev').click();
    await manager.locator('[data-testid="log-page"][data-page="1"]').waitFor();
    await manager.waitForFunction(() => document.querySelector('[data-testid="log-table"]')?.getAttribute('data-loading') === 'false');
    assert.deepEqual(await rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-session-id'))), firstPage);
  });

  test('the CSV export downloads the filtered log, and the audit log records it', SIG, async () => {
    await manager.getByTestId('log-filter-seat').selectOption({ label: `${AGENT.name} (${AGENT.login})` });
    await manager.waitForFunction(() => document.querySelectorAll('[data-testid="log-row"]').length === 3);
    const completedId = await manager.locator('[data-testid="log-row"][data-outcome="completed"]').getAttribute('data-session-id');
    const downloading = manager.waitForEvent('download');
    await manager.getByTestId('log-export').click();
    const download = await downloading;
    assert.match(download.suggestedFilename(), /^beacon-sessions-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
    const lines = csv.trim().split(/\r?\n/);
    assert.equal(lines.length, 4, `header + 3 sessions of the filtered seat:\n${csv}`);
    assert.match(lines[0] ?? '', /Session ID/);
    const row = lines.find((l) => l.includes(completedId ?? '?'));
    assert.ok(row, `the completed session is in the CSV:\n${csv}`);
    assert.match(row, new RegExp(`${AGENT.login}.*Studio 9 Live.*completed`));
    await manager.getByTestId('log-export-link').waitFor();
    await manager.getByTestId('nav-admin-audit').click();
    await manager.locator('[data-testid="audit-row"][data-action="export"]').waitFor();
    for (const action of ['setup', 'seat-created', 'seat-disabled', 'seat-deleted', 'password-reset', 'settings-changed']) {
      assert.ok((await manager.locator(`[data-testid="audit-row"][data-action="${action}"]`).count()) >= 1, action);
    }
    await stage.shot(manager, 'en-audit');
  });

  test('the manager sees the statistics by seat and by day as charts and tables', SIG, async () => {
    await manager.getByTestId('nav-admin-stats').click();
    const bar = manager.locator(`[data-testid="stats-chart-seat"] rect[data-category="${AGENT.login}"][data-series="sessions"]`);
    await bar.waitFor();
    assert.equal(await bar.getAttribute('data-value'), '2', 'completed + customer-stopped');
    assert.equal(await manager.locator(`[data-testid="stats-chart-seat"] rect[data-category="${OWNER.login}"][data-series="denied"]`).getAttribute('data-value'), '50');
    const day = manager.locator(`[data-testid="stats-chart-day"] circle[data-category="${todayInTz()}"][data-series="sessions"]`);
    assert.equal(await day.getAttribute('data-value'), '2');
    assert.equal(await manager.getByTestId('stats-chart-day').getAttribute('data-categories'), '30', 'every day of the range, filled');
    assert.deepEqual(await manager.getByTestId('stats-chart-seat-legend').locator('li').allInnerTexts(), ['Sessions', 'Denied', 'Dropped']);
    const seat = manager.locator(`[data-testid="stats-seat-row"][data-key="${AGENT.login}"]`);
    assert.equal(await seat.getAttribute('data-sessions'), '2');
    assert.ok(Number(await seat.getAttribute('data-total-ms')) >= 1500);
    assert.match(await manager.getByTestId('stats-total-sessions').innerText(), /2/);
    await stage.shot(manager, 'en-stats');
    // Settings are read-only for a manager.
    await manager.getByTestId('nav-admin-settings').click();
    assert.equal(await manager.getByTestId('settings-name-input').isDisabled(), true);
    assert.equal(await manager.getByTestId('settings-save').count(), 0);
  });

  test('the back-office follows a Chinese system locale', SIG, async () => {
    const zh = await stage.newPage('zh-CN');
    await stage.signIn(zh, MANAGER);
    assert.equal(await zh.getByTestId('nav-admin-stats').innerText(), '统计');
    await zh.getByTestId('nav-admin-stats').click();
    await zh.getByTestId('stats-chart-seat').getByText('各坐席会话数').waitFor();
    assert.deepEqual(await zh.getByTestId('stats-chart-seat-legend').locator('li').allInnerTexts(), ['会话数', '被拒绝', '中断']);
    await stage.shot(zh, 'zh-stats');
    await zh.goto(`${relay.url}/#/admin/log?outcome=completed`);
    await zh.locator('[data-testid="log-row"][data-outcome="completed"]').getByText('已完成').waitFor();
    await stage.shot(zh, 'zh-log');
    await stage.shotChinesePages(zh, studioId);
  });

  test('the owner hands a customer record to another seat; the former agent loses it and sees no such control', SIG, async () => {
    await owner.getByTestId('nav-admin-seats').click();
    await stage.createSeat(owner, HAN, 'agent', '');
    await owner.getByTestId('nav-customers').click();
    await owner.locator('[data-testid="customer-row"]', { hasText: 'Beta Shop' }).click();
    await owner.waitForURL(/#\/customers\/\d+$/);
    const betaId = Number(/(\d+)$/.exec(owner.url())?.[1]);
    const select = owner.getByTestId('customer-assign-select');
    await owner.locator('[data-testid="customer-assign-select"]:enabled').waitFor();
    assert.equal(await owner.getByTestId('customer-assign-submit').isDisabled(), true, 'the record is already with the chosen seat');
    const offered = await select.locator('option').allInnerTexts();
    assert.ok(offered.includes(`${AGENT.name} (${AGENT.login})`) && offered.includes(`${HAN.name} (${HAN.login})`), offered.join(' | '));
    assert.ok(!offered.some((o) => o.includes('temp')), 'a deleted seat is not offered');
    await select.selectOption({ label: `${HAN.name} (${HAN.login})` });
    await owner.getByTestId('customer-assign-submit').click();
    await owner.getByTestId('customer-assign-done').filter({ hasText: `Now assigned to ${HAN.name}.` }).waitFor();
    await owner.getByTestId('customer-editor').getByText(`Owner: ${HAN.name}`).waitFor();
    await stage.shot(owner, 'en-customer-assign');
    // The new owner finds it in their list; the former one (an agent, not sharing it by group) no longer does.
    const han = await stage.newPage();
    await stage.signIn(han, HAN);
    await han.getByTestId('nav-customers').click();
    await han.locator('[data-testid="customer-row"]', { hasText: 'Beta Shop' }).click();
    await han.getByTestId('customer-editor').getByText(`Owner: ${HAN.name}`).waitFor();
    assert.equal(await han.getByTestId('customer-assign').count(), 0, 'an agent gets no reassign control');
    await agent.goto(`${relay.url}/#/customers`);
    await agent.reload();
    await agent.locator('[data-testid="customer-row"]', { hasText: 'Studio 9 Live' }).waitFor();
    assert.deepEqual(await agent.getByTestId('customer-row-name').allInnerTexts(), ['Studio 9 Live']);
    await agent.goto(`${relay.url}/#/customers/${betaId}`);
    await agent.getByTestId('error-message').filter({ hasText: 'not shared with you' }).waitFor();
    // On a record of their own an agent still sees no reassign control.
    await agent.goto(`${relay.url}/#/customers/${studioId}`);
    await agent.getByTestId('customer-editor').getByText(`Owner: ${AGENT.name}`).waitFor();
    assert.equal(await agent.getByTestId('customer-assign').count(), 0);
    await owner.getByTestId('nav-admin-audit').click();
    await owner.locator('[data-testid="audit-row"][data-action="customer-reassigned"]').waitFor();
  });

  test('a seat changes its own password on My account; its other sign-ins are signed out, this one stays', SIG, async () => {
    const NEW_PASSWORD = 'a fresh passphrase 2';
    await agent.getByTestId('agent-name').click();
    await agent.getByTestId('account-details').waitFor();
    assert.equal(new URL(agent.url()).hash, '#/account');
    assert.equal(await agent.getByTestId('account-name').innerText(), AGENT.name);
    assert.equal(await agent.getByTestId('account-login').innerText(), AGENT.login);
    assert.equal(await agent.getByTestId('account-role').innerText(), 'Agent');
    const form = agent.getByTestId('password-form');
    const fill = async (current: string, next: string, confirm: string) => {
      await agent.getByTestId('password-current-input').fill(current);
      await agent.getByTestId('password-new-input').fill(next);
      await agent.getByTestId('password-confirm-input').fill(confirm);
      await agent.getByTestId('password-submit').click();
    };
    // The form checks itself first: nothing reaches the relay with a bad field.
    await agent.getByTestId('password-submit').click();
    assert.deepEqual(await form.getByTestId('field-error').allInnerTexts(), ['Enter your current password.', 'Use at least 8 characters.']);
    await fill(AGENT.password, 'short', 'short');
    assert.deepEqual(await form.getByTestId('field-error').allInnerTexts(), ['Use at least 8 characters.']);
    await fill(AGENT.password, NEW_PASSWORD, `${NEW_PASSWORD}!`);
    assert.deepEqual(await form.getByTestId('field-error').allInnerTexts(), ['This does not match the new password. Type the new password again in both fields.']);
    // A wrong current password is refused by the relay, and nothing changes.
    await fill('not my password', NEW_PASSWORD, NEW_PASSWORD);
    await form.getByTestId('error-message').filter({ hasText: 'The current password is wrong, so nothing was changed.' }).waitFor();
    assert.equal(await agent.getByTestId('password-changed').count(), 0);
    const elsewhere = await stage.apiLogin(AGENT.login, AGENT.password);
    assert.equal(elsewhere.status, 200, 'the old password still signs in');
    // A second sign-in of the seat, in Chinese, gets the same refusal in Chinese.
    const zh = await stage.newPage('zh-CN');
    await stage.signIn(zh, AGENT);
    await zh.getByTestId('agent-name').click();
    await zh.getByRole('heading', { name: '我的账号' }).waitFor();
    await zh.getByTestId('account-role').getByText('坐席').waitFor();
    await zh.getByTestId('password-current-input').fill('还是不对的密码');
    await zh.getByTestId('password-new-input').fill(NEW_PASSWORD);
    await zh.getByTestId('password-confirm-input').fill(NEW_PASSWORD);
    await zh.getByTestId('password-submit').click();
    await zh.getByTestId('error-message').filter({ hasText: '当前密码不正确，密码未作修改' }).waitFor();
    await stage.shot(zh, 'zh-account');
    // The right one: changed; this console stays signed in, the other sign-ins are signed out.
    await fill(AGENT.password, NEW_PASSWORD, NEW_PASSWORD);
    await agent.getByTestId('password-changed').filter({ hasText: 'Password changed. Your other sign-ins were signed out' }).waitFor();
    assert.equal(await form.getByTestId('error-message').count(), 0);
    assert.equal(await agent.getByTestId('password-current-input').inputValue(), '', 'the typed passwords are cleared');
    await stage.shot(agent, 'en-account');
    await zh.getByTestId('login-submit').waitFor();
    // The other console says why it was signed out, and what to do.
    await zh.getByTestId('error-message').filter({ hasText: '密码已在其他地方修改' }).waitFor();
    const revoked = await fetch(`${relay.url}/api/me`, { headers: { Authorization: `Bearer ${elsewhere.token}` } });
    assert.equal(revoked.status, 401, 'the API sign-in was revoked');
    await agent.getByTestId('nav-customers').click();
    await agent.locator('[data-testid="customer-row"]', { hasText: 'Studio 9 Live' }).waitFor();
    await agent.reload();
    await agent.locator('[data-testid="link-state"][data-state="online"]').waitFor();
    await agent.getByTestId('sign-out').waitFor();
    assert.equal((await stage.apiLogin(AGENT.login, AGENT.password)).status, 401, 'the old password no longer signs in');
    assert.equal((await stage.apiLogin(AGENT.login, NEW_PASSWORD)).status, 200, 'the new one does');
    await stage.signIn(zh, { login: AGENT.login, password: NEW_PASSWORD });
  });
});
