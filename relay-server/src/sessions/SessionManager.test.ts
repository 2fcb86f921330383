/** Session lifecycle over real WebSockets (agents signalling only; media is covered in RelayServer.test.ts). */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cleanupNative } from '../platform/nativeHandles.ts';
import type { Permissions } from '@beacon/shared/protocol';
import { KNOWN_CAPABILITIES } from '@beacon/shared/version';
import { NdcClient, loginAgent } from '../testing/NdcClient.ts';
import { TEST_AGENT, startTestRelay, type TestRelay } from '../testing/testRelay.ts';

// Long enough for a test's steps on a busy machine (the busy-device test timed out its own pending session at 400 ms under load), short enough to wait out.
const CONSENT_TIMEOUT_MS = 2500;
const CONTROL: Permissions = { view: true, control: true };
let t: TestRelay;
const open: NdcClient[] = [];

before(async () => {
  t = await startTestRelay({ consentTimeoutMs: CONSENT_TIMEOUT_MS });
});
after(async () => {
  for (const c of open) c.close();
  await t.relay.close();
  // Customers open real peer connections: libdatachannel's threads keep the process alive until cleaned up.
  await cleanupNative();
});

/** Clients that cannot resume: a dropped link ends their sessions at once (Resume.test.ts has the rest). */
const NO_RESUME = KNOWN_CAPABILITIES.filter((c) => c !== 'resume');

/** A customer with its data channels open: a session starts only on a link that can carry it. */
async function customer(): Promise<NdcClient> {
  const c = await NdcClient.open({ relayUrl: t.relay.url, role: 'customer', capabilities: NO_RESUME });
  open.push(c);
  return c;
}
async function agent(): Promise<NdcClient> {
  const c = await NdcClient.open({ relayUrl: t.relay.url, role: 'agent', token: await t.token(), isRtc: false, capabilities: NO_RESUME });
  open.push(c);
  return c;
}

/** The customer's current code: the last code-update, else the welcome's. */
function codeOf(c: NdcClient): string {
  const updates = c.inbox.all.filter((m) => m.type === 'code-update');
  const last = updates.at(-1);
  return last?.type === 'code-update' ? last.code : (c.device.code);
}

let nextId = 0;
function request(a: NdcClient, c: NdcClient, permissions = CONTROL, code = codeOf(c)): string {
  const requestId = `r${++nextId}`;
  a.send({ type: 'connect-request', requestId, deviceId: c.device.deviceId, code, permissions });
  return requestId;
}

describe('sessions', () => {
  test('a customer gets a 9-digit ID and a 6-character code', async () => {
    const c = await customer();
    assert.match(c.device.deviceId, /^[1-9]\d{8}$/);
    assert.match(c.device.code, /^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{6}$/);
    assert.ok((c.device.codeExpiresAt) > Date.now());
  });

  test('consent granted: both sides start with the same stream, the agent name is shown, the code rotates', async () => {
    const c = await customer();
    const a = await agent();
    const oldCode = codeOf(c);
    const requestId = request(a, c);
    const pending = await a.next('session-pending');
    assert.equal(pending.requestId, requestId);
    const ask = await c.next('consent-request');
    assert.equal(ask.sessionId, pending.sessionId);
    assert.equal(ask.agentName, TEST_AGENT.displayName);
    assert.deepEqual(ask.permissions, CONTROL);
    const update = await c.next('code-update');
    assert.notEqual(update.code, oldCode);

    c.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
    const aStart = await a.next('session-started');
    const cStart = await c.next('session-started');
    assert.equal(aStart.streamId, cStart.streamId);
    assert.ok(aStart.streamId >= 1);
    assert.equal(aStart.deviceId, c.device.deviceId);
    assert.ok(aStart.sessionId.length >= 16);

    a.send({ type: 'session-end', sessionId: aStart.sessionId });
    assert.equal((await a.next('session-ended')).reason, 'agent-ended');
    assert.equal((await c.next('session-ended')).reason, 'agent-ended');
    await t.relay.flush();
    const row = await t.relay.services.sessionStore.get(aStart.sessionId);
    assert.equal(row?.outcome, 'completed');
    assert.equal(row?.endReason, 'agent-ended');
  });

  test('consent denied: the agent is told, the spent code stays spent, nothing keeps running', async () => {
    const c = await customer();
    const a = await agent();
    const usedCode = codeOf(c);
    request(a, c);
    const ask = await c.next('consent-request');
    await c.next('code-update');
    c.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: false });
    const denied = await a.next('session-denied');
    assert.equal(denied.code, 'denied');
    assert.equal(t.relay.stats().sessions.filter((s) => s.id === ask.sessionId).length, 0);
    const again = request(a, c, CONTROL, usedCode);
    const err = await a.next('error');
    assert.equal(err.code, 'wrong-code');
    assert.equal(err.requestId, again);
    await t.relay.flush();
    assert.equal((await t.relay.services.sessionStore.get(ask.sessionId))?.outcome, 'denied');
  });

  test('no answer in time: the agent gets consent-timeout and a late answer finds nothing', async () => {
    const c = await customer();
    const a = await agent();
    request(a, c);
    const ask = await c.next('consent-request');
    const denied = await a.next('session-denied', CONSENT_TIMEOUT_MS + 2000);
    assert.equal(denied.code, 'consent-timeout');
    c.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
    assert.equal((await c.next('error')).code, 'not-found');
    assert.equal(a.inbox.pending().filter((m) => m.type === 'session-started').length, 0);
  });

  test('customer Stop ends the session for both at once', async () => {
    const c = await customer();
    const a = await agent();
    request(a, c);
    const ask = await c.next('consent-request');
    c.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
    await a.next('session-started');
    c.send({ type: 'session-stop', sessionId: ask.sessionId });
    assert.equal((await a.next('session-ended')).reason, 'customer-stopped');
    assert.equal((await c.next('session-ended')).reason, 'customer-stopped');
  });

  test('a customer going offline ends its session with customer-disconnected; an agent going offline with agent-disconnected', async () => {
    const c1 = await customer();
    const a1 = await agent();
    request(a1, c1);
    const ask1 = await c1.next('consent-request');
    c1.send({ type: 'consent-reply', sessionId: ask1.sessionId, granted: true });
    await a1.next('session-started');
    c1.close();
    assert.equal((await a1.next('session-ended')).reason, 'customer-disconnected');

    const c2 = await customer();
    const a2 = await agent();
    request(a2, c2);
    const ask2 = await c2.next('consent-request');
    c2.send({ type: 'consent-reply', sessionId: ask2.sessionId, granted: true });
    await c2.next('session-started');
    a2.close();
    assert.equal((await c2.next('session-ended')).reason, 'agent-disconnected');
  });

  test('a busy device refuses a second request; another agent cannot touch the session', async () => {
    const c = await customer();
    const a1 = await agent();
    const a2 = await agent();
    request(a1, c);
    const ask = await c.next('consent-request');
    await c.next('code-update');
    const second = request(a2, c);
    const busy = await a2.next('error');
    assert.equal(busy.code, 'device-busy');
    assert.equal(busy.requestId, second);
    a2.send({ type: 'session-end', sessionId: ask.sessionId });
    assert.equal((await a2.next('error')).code, 'not-found');
    const other = await customer();
    other.send({ type: 'session-stop', sessionId: ask.sessionId });
    assert.equal((await other.next('error')).code, 'not-found');
    // The pending request is still there for its own agent to withdraw.
    a1.send({ type: 'session-end', sessionId: ask.sessionId });
    assert.equal((await c.next('session-ended')).reason, 'agent-ended');
  });

  test('unknown IDs and wrong codes are refused with the request ID; five wrong codes lock the ID', async () => {
    const c = await customer();
    const a = await agent();
    const unknown = `${c.device.deviceId === '999999999' ? '899999999' : '999999999'}`;
    a.send({ type: 'connect-request', requestId: 'u1', deviceId: unknown, code: 'AAAAAA', permissions: CONTROL });
    const e1 = await a.next('error');
    assert.deepEqual([e1.code, e1.requestId], ['unknown-device', 'u1']);
    const wrong = codeOf(c) === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA';
    for (let i = 0; i < 5; i++) {
      request(a, c, CONTROL, wrong);
      assert.equal((await a.next('error')).code, 'wrong-code');
    }
    request(a, c);
    assert.equal((await a.next('error')).code, 'locked');
    assert.equal(c.inbox.pending().filter((m) => m.type === 'consent-request').length, 0);
  });

  test("a request beyond the seat's concurrency limit is refused with concurrency-limit, without spending the code", async () => {
    const carlId = await t.relay.seedAccount({ login: 'carl', password: 'carl password', displayName: 'Carl' });
    await t.relay.services.accounts.update(carlId, { concurrencyLimit: 1 });
    const { token } = await loginAgent(t.relay.url, 'carl', 'carl password');
    const a = await NdcClient.open({ relayUrl: t.relay.url, role: 'agent', token, isRtc: false });
    // A second window of the same seat shares the limit.
    const a2 = await NdcClient.open({ relayUrl: t.relay.url, role: 'agent', token, isRtc: false });
    open.push(a, a2);
    const [c1, c2] = [await customer(), await customer()];
    request(a, c1);
    const first = await a.next('session-pending');
    const refusedId = request(a2, c2);
    const refused = await a2.next('error');
    assert.deepEqual([refused.code, refused.requestId], ['concurrency-limit', refusedId]);
    assert.equal(c2.inbox.all.some((m) => m.type === 'code-update' || m.type === 'consent-request'), false, "c2's code is still good");
    a.send({ type: 'session-end', sessionId: first.sessionId });
    await a.next('session-ended');
    request(a2, c2);
    await a2.next('session-pending');
  });

  test('a relay shutting down ends sessions with relay-shutdown on both sides and records it', async () => {
    const own = await startTestRelay();
    const c = await NdcClient.open({ relayUrl: own.relay.url, role: 'customer' });
    const a = await NdcClient.open({ relayUrl: own.relay.url, role: 'agent', token: await own.token(), isRtc: false });
    try {
      a.send({ type: 'connect-request', requestId: 's1', deviceId: c.device.deviceId, code: c.device.code, permissions: CONTROL });
      const ask = await c.next('consent-request');
      c.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
      await a.next('session-started');
      const events = own.relay.services.events;
      const closing = own.relay.close();
      assert.equal((await a.next('session-ended')).reason, 'relay-shutdown');
      assert.equal((await c.next('session-ended')).reason, 'relay-shutdown');
      await closing;
      await own.relay.close();
      assert.equal((await c.whenClosed()).code, 1001);
      assert.equal(own.relay.services.db.closed, true);
      assert.ok(events);
    } finally {
      a.close();
      c.close();
    }
  });
});
