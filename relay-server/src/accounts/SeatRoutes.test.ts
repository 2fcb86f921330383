/**
 * Seats through the HTTP API against a real relay: who may manage whom, the last owner,
 * disable/reset/delete signing the seat out of live connections, lockout and unlock, and
 * the audit trail each action leaves.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AuditList, Group, ResetPasswordResponse, Seat, SeatList, SessionList } from '@beacon/shared/api';
import { LoginResponse } from '@beacon/shared/protocol';
import { LOCKOUT_AFTER_FAILURES, LOGIN_DELAY_MAX_MS } from './AgentAuth.ts';
import { NdcClient, loginAgent } from '../testing/NdcClient.ts';
import { TestApi } from '../testing/TestApi.ts';
import { TEST_AGENT, startTestRelay, type TestRelay } from '../testing/testRelay.ts';

let clock = Date.now();
let t: TestRelay;
let anon: TestApi;
let owner: TestApi;
let ownerId: number;
const open: NdcClient[] = [];

const OWNER = { login: 'olivia', password: 'owner passphrase', displayName: 'Olivia Owner' };

before(async () => {
  t = await startTestRelay({ now: () => clock });
  ownerId = await t.relay.seedAccount({ ...OWNER, role: 'owner' });
  anon = new TestApi(t.relay.url);
  owner = anon.as((await loginAgent(t.relay.url, OWNER.login, OWNER.password)).token);
});
after(async () => {
  for (const c of open) c.close();
  await t.relay.close();
});

async function createSeat(by: TestApi, login: string, role: Seat['role'], extra: Record<string, unknown> = {}): Promise<Seat> {
  return by.ok('POST', '/api/seats', Seat, { login, displayName: `${login} name`, password: `${login} password`, role, ...extra }, 201);
}
async function signIn(login: string, password = `${login} password`): Promise<TestApi> {
  return anon.as((await loginAgent(t.relay.url, login, password)).token);
}
async function liveAgent(api: TestApi): Promise<NdcClient> {
  const c = await NdcClient.open({ relayUrl: t.relay.url, role: 'agent', token: api.token ?? '', isRtc: false });
  open.push(c);
  return c;
}
const login = (l: string, p: string) => anon.call('POST', '/api/login', { login: l, password: p });

describe('seats', () => {
  test('the owner creates an agent and a manager with groups and limits; the list shows who is online and busy', async () => {
    const group = await owner.ok('POST', '/api/groups', Group, { name: '华东组' }, 201);
    const agent = await createSeat(owner, 'zhang.san', 'agent', { groupIds: [group.id], concurrencyLimit: 2 });
    assert.deepEqual([agent.role, agent.groups, agent.concurrencyLimit, agent.isOnline, agent.busy], ['agent', [{ id: group.id, name: '华东组' }], 2, false, 0]);
    const manager = await createSeat(owner, 'li.manager', 'manager');
    assert.equal(manager.concurrencyLimit, 3, 'the organisation default');
    await owner.refused('POST', '/api/seats', 409, { login: 'ZHANG.SAN', displayName: 'again', password: 'whatever pass', role: 'agent' });

    const zhang = await signIn('zhang.san');
    const ws = await liveAgent(zhang);
    const customer = await NdcClient.open({ relayUrl: t.relay.url, role: 'customer', isRtc: false });
    open.push(customer);
    ws.send({ type: 'connect-request', requestId: 'r1', deviceId: customer.device.deviceId, code: customer.device.code, permissions: { view: true, control: false } });
    const pending = await ws.next('session-pending');

    const { seats } = await owner.ok('GET', '/api/seats', SeatList);
    const shown = seats.find((s) => s.id === agent.id);
    assert.equal(shown?.isOnline, true);
    assert.equal(shown?.busy, 1);
    assert.deepEqual(shown?.currentSessions.map((s) => [s.id, s.state, s.deviceId]), [[pending.sessionId, 'pending', customer.device.deviceId]]);
    assert.equal(seats.find((s) => s.login === OWNER.login)?.isOnline, false);
    // Managers read the list too.
    const asManager = await signIn('li.manager');
    assert.ok((await asManager.ok('GET', '/api/seats', SeatList)).seats.length >= 4);
  });

  test('an agent calling admin APIs is refused with 403 and learns nothing', async () => {
    const agent = await signIn(TEST_AGENT.login, TEST_AGENT.password);
    const calls: [string, string, unknown?][] = [
      ['GET', '/api/seats'],
      ['POST', '/api/seats', { login: 'sneaky', displayName: 'x', password: 'password1', role: 'owner' }],
      ['PATCH', `/api/seats/${ownerId}`, { isDisabled: true }],
      ['DELETE', `/api/seats/${ownerId}`],
      ['POST', `/api/seats/${ownerId}/reset-password`, {}],
      ['POST', `/api/seats/${ownerId}/unlock`],
      ['POST', '/api/groups', { name: 'mine' }],
      ['GET', '/api/settings'],
      ['PATCH', '/api/settings', { name: 'Pwned' }],
      ['GET', '/api/audit'],
      ['GET', '/api/stats'],
    ];
    for (const [method, path, body] of calls) {
      const err = await agent.refused(method, path, 403, body);
      assert.equal(err.error, 'forbidden');
      assert.deepEqual(Object.keys(err).sort(), ['error', 'message'], `${method} ${path} leaks nothing else`);
    }
    assert.equal((await t.relay.services.accounts.seat(ownerId))?.isDisabled, false);
    assert.equal(t.relay.services.organisation.name, 'Acme AV Support');
    // Without a token at all: 401.
    assert.equal((await anon.refused('GET', '/api/seats', 401)).error, 'unauthorized');
    assert.equal((await anon.as('x'.repeat(43)).refused('GET', '/api/me', 401)).error, 'unauthorized');
  });

  test('admins manage seats but never owners; nobody demotes, disables or deletes the last owner', async () => {
    await createSeat(owner, 'ada.admin', 'admin');
    const admin = await signIn('ada.admin');
    const agent = await createSeat(admin, 'wang.wu', 'agent');
    await admin.ok('PATCH', `/api/seats/${agent.id}`, Seat, { role: 'manager' });
    assert.equal((await admin.refused('POST', '/api/seats', 403, { login: 'new.owner', displayName: 'x', password: 'password1', role: 'owner' })).error, 'forbidden');
    await admin.refused('PATCH', `/api/seats/${agent.id}`, 403, { role: 'owner' });
    await admin.refused('PATCH', `/api/seats/${ownerId}`, 403, { displayName: 'Demoted' });
    await admin.refused('DELETE', `/api/seats/${ownerId}`, 403);
    await admin.refused('POST', `/api/seats/${ownerId}/reset-password`, 403, {});

    assert.equal((await owner.refused('PATCH', `/api/seats/${ownerId}`, 409, { role: 'admin' })).error, 'conflict');
    await owner.refused('PATCH', `/api/seats/${ownerId}`, 409, { isDisabled: true });
    await owner.refused('DELETE', `/api/seats/${ownerId}`, 409);
    // With a second owner, one of them may step down; then the other is the last again.
    const second = await createSeat(owner, 'otto.owner', 'owner');
    const otto = await signIn('otto.owner');
    assert.equal((await otto.ok('PATCH', `/api/seats/${second.id}`, Seat, { role: 'admin' })).role, 'admin');
    await owner.refused('PATCH', `/api/seats/${ownerId}`, 409, { role: 'manager' });
  });

  test('disabling a seat signs its live connection out within a second; it cannot sign in until enabled', async () => {
    const seat = await createSeat(owner, 'disabled.dan', 'agent');
    const dan = await signIn('disabled.dan');
    const ws = await liveAgent(dan);
    const started = Date.now();
    await owner.ok('PATCH', `/api/seats/${seat.id}`, Seat, { isDisabled: true });
    const out = await ws.next('signed-out', 1000);
    assert.equal(out.reason, 'disabled');
    await Promise.race([ws.whenClosed(), new Promise((_, reject) => setTimeout(() => reject(new Error('socket not closed within 1 s')), 1000))]);
    assert.ok(Date.now() - started < 1000);
    assert.equal((await dan.refused('GET', '/api/me', 401)).error, 'unauthorized');

    const refused = await login('disabled.dan', 'disabled.dan password');
    assert.equal(refused.status, 403);
    assert.equal((JSON.parse(refused.text) as { error: string }).error, 'account-disabled');
    assert.ok(!refused.text.includes('token'));
    const wrong = await login('disabled.dan', 'not the password');
    assert.equal(wrong.status, 401, 'a wrong password says nothing about the seat');

    await owner.ok('PATCH', `/api/seats/${seat.id}`, Seat, { isDisabled: false });
    assert.equal((await login('disabled.dan', 'disabled.dan password')).status, 200);
  });

  test('a password reset returns a temporary password once and signs the seat out everywhere', async () => {
    const seat = await createSeat(owner, 'reset.rita', 'agent');
    const ws = await liveAgent(await signIn('reset.rita'));
    const { temporaryPassword } = await owner.ok('POST', `/api/seats/${seat.id}/reset-password`, ResetPasswordResponse, {});
    assert.match(temporaryPassword ?? '', /^[\w-]{16}$/);
    assert.equal((await ws.next('signed-out', 1000)).reason, 'password-changed');
    assert.equal((await login('reset.rita', 'reset.rita password')).status, 401);
    assert.equal((await login('reset.rita', temporaryPassword ?? '')).status, 200);
    const chosen = await owner.ok('POST', `/api/seats/${seat.id}/reset-password`, ResetPasswordResponse, { password: 'chosen by admin' });
    assert.equal(chosen.temporaryPassword, null);
    assert.equal((await login('reset.rita', 'chosen by admin')).status, 200);
  });

  test('POST /api/logout revokes the token: its live connection gets signed-out and closes', async () => {
    const api = await signIn(TEST_AGENT.login, TEST_AGENT.password);
    const ws = await liveAgent(api);
    const other = await liveAgent(await signIn(TEST_AGENT.login, TEST_AGENT.password));
    assert.equal((await api.call('POST', '/api/logout')).status, 204);
    assert.equal((await ws.next('signed-out', 1000)).reason, 'signed-out');
    await ws.whenClosed();
    await api.refused('GET', '/api/me', 401);
    assert.equal(other.inbox.all.some((m) => m.type === 'signed-out'), false, 'only that token is signed out');
  });

  test('wrong sign-ins are refused for the guessing address and slow the login down a bounded time, but never lock the seat', async () => {
    await createSeat(owner, 'slowy', 'agent');
    const auth = t.relay.services.auth;
    for (let i = 0; i < 5; i++) assert.equal((await login('slowy', `wrong ${i}`)).status, 401);
    const sixth = await login('slowy', 'slowy password');
    assert.equal(sixth.status, 429, 'this address guessed 5 times in a minute: refused even with the right password');
    assert.ok(Number(sixth.headers.get('retry-after')) > 0);
    // Other addresses keep guessing: each failure doubles the wait for this login, up to the bound.
    for (let i = 0; i < 12; i++) {
      const r = await auth.login('slowy', `spray ${i}`, `198.51.100.${i}`);
      if (!r.ok && r.error === 'rate-limited') clock = Math.max(clock, r.retryAt ?? clock);
      else assert.equal(r.ok, false);
    }
    const slowed = await auth.login('slowy', 'slowy password', '203.0.113.9');
    assert.equal(slowed.ok, false);
    assert.ok(!slowed.ok && slowed.error === 'rate-limited' && slowed.retryAt !== undefined, 'a new address waits too');
    assert.ok(!slowed.ok && slowed.retryAt !== undefined && slowed.retryAt - clock <= LOGIN_DELAY_MAX_MS, 'never longer than the bound');
    clock += LOGIN_DELAY_MAX_MS;
    assert.equal((await auth.login('slowy', 'slowy password', '203.0.113.9')).ok, true, 'the right password gets in once the wait is over: no lockout');
    assert.equal((await owner.ok('GET', '/api/seats', SeatList)).seats.find((s) => s.login === 'slowy')?.isLocked, false);
    // An address the seat signed in from is not slowed by strangers' guesses.
    for (let i = 0; i < 8; i++) await auth.login('slowy', `more ${i}`, `192.0.2.${i}`);
    assert.equal((await auth.login('slowy', 'slowy password', '203.0.113.9')).ok, true);
  });

  test('ten wrong current passwords from a signed-in seat (a stolen token) lock it until an owner unlocks it', async () => {
    clock += 10 * 60_000;
    const seat = await createSeat(owner, 'locky', 'agent');
    const locky = await signIn('locky');
    for (let i = 0; i < LOCKOUT_AFTER_FAILURES; i++) {
      if (i === 5) clock += 61_000;
      assert.equal((await locky.call('POST', '/api/me/password', { currentPassword: `guess ${i}`, newPassword: 'a brand new one' })).status, 403);
    }
    clock += 61_000;
    const locked = await login('locky', 'locky password');
    assert.equal(locked.status, 403);
    assert.equal((JSON.parse(locked.text) as { error: string }).error, 'account-locked');
    assert.equal((await owner.ok('GET', '/api/seats', SeatList)).seats.find((s) => s.id === seat.id)?.isLocked, true);

    await owner.ok('POST', `/api/seats/${seat.id}/unlock`, Seat);
    assert.equal((await login('locky', 'locky password')).status, 200);
  });

  test('a deleted seat cannot sign in, frees its login, and keeps its name in the session log', async () => {
    const seat = await createSeat(owner, 'gone.gary', 'agent');
    const gary = await signIn('gone.gary');
    const ws = await liveAgent(gary);
    await t.relay.services.db.run("INSERT INTO devices (device_id, registered_at, last_seen_at) VALUES ('555000111', 1, 1)");
    await t.relay.services.sessionStore.insert({ id: 'gary-session-1', deviceId: '555000111', agentId: seat.id, requestedAt: clock, permissions: { view: true, control: false } });
    assert.equal((await owner.call('DELETE', `/api/seats/${seat.id}`)).status, 204);
    assert.equal((await ws.next('signed-out', 1000)).reason, 'deleted');
    assert.equal((await login('gone.gary', 'gone.gary password')).status, 401);
    assert.equal((await owner.ok('GET', '/api/seats', SeatList)).seats.some((s) => s.id === seat.id), false);
    const log = await owner.ok('GET', `/api/sessions?seat=${seat.id}`, SessionList);
    assert.deepEqual(log.sessions.map((s) => s.seat), [{ id: seat.id, login: 'gone.gary', displayName: 'gone.gary name', isDeleted: true }]);
    await owner.refused('PATCH', `/api/seats/${seat.id}`, 404, { displayName: 'back' });
    const again = await createSeat(owner, 'gone.gary', 'agent');
    assert.notEqual(again.id, seat.id);
  });

  test('every administrative action is in the audit log, newest first, and the log cannot be edited', async () => {
    const { entries } = await owner.ok('GET', '/api/audit?limit=500', AuditList);
    const actions = entries.map((e) => e.action);
    for (const a of ['seat-created', 'group-created', 'role-changed', 'seat-disabled', 'seat-enabled', 'password-reset', 'seat-unlocked', 'seat-locked', 'seat-deleted']) {
      assert.ok(actions.includes(a as never), `${a} is audited`);
    }
    const ids = entries.map((e) => e.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
    const deleted = entries.find((e) => e.action === 'seat-deleted' && e.target?.label === 'gone.gary');
    assert.equal(deleted?.actor?.login, OWNER.login);
    assert.equal(entries.find((e) => e.action === 'seat-locked')?.actor, null, 'the relay locked it');
    const page = await owner.ok('GET', '/api/audit?limit=2', AuditList);
    const next = await owner.ok('GET', `/api/audit?limit=2&cursor=${page.nextCursor ?? ''}`, AuditList);
    assert.deepEqual([...page.entries, ...next.entries].map((e) => e.id), ids.slice(0, 4));

    const before = await t.relay.services.db.all('SELECT * FROM audit_log');
    await assert.rejects(t.relay.services.db.run("UPDATE audit_log SET action = 'setup'"), /append-only/);
    await assert.rejects(t.relay.services.db.run('DELETE FROM audit_log'), /append-only/);
    assert.deepEqual(await t.relay.services.db.all('SELECT * FROM audit_log'), before);
    await owner.refused('GET', '/api/audit?cursor=garbage', 400);
  });

  test('a sign-in answers with the role', async () => {
    const r = await login(OWNER.login, OWNER.password);
    assert.equal((LoginResponse.parse(JSON.parse(r.text)) as LoginResponse).agent.role, 'owner');
  });
});
