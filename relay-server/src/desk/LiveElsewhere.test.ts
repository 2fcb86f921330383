/**
 * Supervisors see every relay's running sessions: two LiveElsewhere on one shared state (memory
 * and Redis), then two real relays on one Redis, where a supervisor on B is sent the session A holds.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import type { HelpRequestView, LiveDeskSession } from '@beacon/shared/protocol';
import { KNOWN_CAPABILITIES, PROTOCOL_VERSION } from '@beacon/shared/version';
import { createLogger } from '../platform/logger.ts';
import { cleanupNative } from '../platform/nativeHandles.ts';
import { loginAgent, NdcClient, openSession } from '../testing/NdcClient.ts';
import { RawSocket } from '../testing/RawSocket.ts';
import { openTestSharedState, SHARED_STATE_KINDS, testRedisUrl } from '../testing/testSharedState.ts';
import { startTestRelay, TEST_ORG_NAME } from '../testing/testRelay.ts';
import { LiveElsewhere, SHARE_EVERY_MS, STALE_AFTER_MS } from './LiveElsewhere.ts';
import { until } from '../testing/until.ts';

const log = createLogger(() => undefined, 'error');
const session = (sessionId: string, startedAt: number): LiveDeskSession => ({ sessionId, deviceId: '123456789', helpRequestId: null, customerName: null, agentId: 1, agentName: 'Alice', startedAt });

for (const kind of SHARED_STATE_KINDS) {
  test(`two relays' lists on one ${kind} state: merged, renewed, and dropped once stale`, async () => {
    let t = 1_000_000;
    const state = await openTestSharedState(kind, { now: () => t });
    const a = new LiveElsewhere(state, 'relay-a', () => t, log);
    const b = new LiveElsewhere(state, 'relay-b', () => t, log);
    try {
      await Promise.all([a.start(), b.start()]);
      a.share([session('session-on-a', 2)]);
      await until(() => b.merged([]).length === 1, 'A\'s list on B');
      assert.deepEqual(b.merged([session('session-on-b', 1)]).map((s) => s.sessionId), ['session-on-b', 'session-on-a'], 'oldest first');
      assert.deepEqual(a.merged([]), [], 'a relay does not list its own share twice');
      t += SHARE_EVERY_MS;
      a.share([session('session-on-a', 2)]); // unchanged, but renewed
      await new Promise((r) => setTimeout(r, 200)); // heard by B at this time
      t += STALE_AFTER_MS - 1;
      assert.equal(b.merged([]).length, 1, 'renewed: still listed');
      t += 2;
      assert.equal(b.merged([]).length, 0, 'not renewed within 30 s: its relay is gone');
    } finally {
      a.close();
      b.close();
      await state.close();
    }
  });
}

const request = (id: string, createdAt: number): HelpRequestView => ({
  id, groupId: null, customerName: 'Li Na', description: 'no sound', deviceId: '123456789', createdAt, state: 'waiting', agentId: null, offeredUntil: null, position: 0, estimatedWaitMs: 60_000, transfer: null,
});

for (const kind of SHARED_STATE_KINDS) {
  test(`two relays' desks on one ${kind} state: requests, seats at the desk and their sessions`, async () => {
    let t = 1_000_000;
    const state = await openTestSharedState(kind, { now: () => t });
    const a = new LiveElsewhere(state, 'relay-a', () => t, log);
    const b = new LiveElsewhere(state, 'relay-b', () => t, log);
    const c = new LiveElsewhere(state, 'relay-c', () => t, log);
    try {
      await Promise.all([a.start(), b.start(), c.start()]);
      a.share([session('session-on-a', 2)], { requests: [request('request-later-on-a', 20), request('request-on-relay-a', 10)], agents: [{ id: 1, load: 1 }, { id: 2, load: 0 }] });
      b.share([], { requests: [request('request-on-relay-b', 15)], agents: [{ id: 1, load: 2 }] });
      await until(() => c.requests().length === 3 && c.agents().size === 2, 'A\'s and B\'s desks on C');
      assert.deepEqual(c.requests().map((r) => r.id), ['request-on-relay-a', 'request-on-relay-b', 'request-later-on-a'], 'oldest first, whichever relay');
      assert.deepEqual([...c.agents()].sort(), [[1, 3], [2, 0]], 'a seat at the desk on two relays: its sessions add up');
      assert.deepEqual(c.sessionsOf(1).map((s) => s.sessionId), ['session-on-a']);
      assert.deepEqual(c.holderOf('session-on-a'), { relayId: 'relay-a', deviceId: '123456789' });
      assert.equal(c.holderOf('no-such-session'), null);
      assert.deepEqual(a.requests().map((r) => r.id), ['request-on-relay-b'], 'a relay lists only the others\' requests');
      t += STALE_AFTER_MS + 1;
      assert.deepEqual([c.requests().length, c.agents().size, c.holderOf('session-on-a')], [0, 0, null], 'gone with their relays');
    } finally {
      for (const x of [a, b, c]) x.close();
      await state.close();
    }
  });
}

describe('a supervisor on relay B', () => {
  after(() => cleanupNative());

  test('is sent the session relay A holds in its live list', async () => {
    const cluster = { redisUrl: await testRedisUrl(), secret: randomBytes(32).toString('hex'), keyPrefix: `test:${randomBytes(6).toString('hex')}:` };
    const a = await startTestRelay({ cluster: { ...cluster, relayId: 'relay-a' } });
    const b = await startTestRelay({ cluster: { ...cluster, relayId: 'relay-b' } });
    const clients: { close(): void }[] = [];
    try {
      await b.relay.seedAccount({ login: 'boss', password: 'boss password 1', displayName: 'Boss', role: 'admin', orgName: TEST_ORG_NAME });
      const supervisor = await RawSocket.open(b.relay.url);
      clients.push(supervisor);
      supervisor.json({ type: 'hello', v: PROTOCOL_VERSION, role: 'agent', capabilities: KNOWN_CAPABILITIES, token: (await loginAgent(b.relay.url, 'boss', 'boss password 1')).token });
      const customer = await NdcClient.open({ relayUrl: a.relay.url, role: 'customer' });
      clients.push(customer);
      const agent = await NdcClient.open({ relayUrl: a.relay.url, role: 'agent', token: await a.token() });
      clients.push(agent);
      const { sessionId } = await openSession(agent, customer, { view: true, control: true }, 10_000);
      const listed = () => supervisor.received.some((m) => m.type === 'desk-sessions' && m.sessions.some((s) => s.sessionId === sessionId));
      await until(listed, 'the session A holds in the supervisor\'s list on B');
    } finally {
      for (const c of clients) c.close();
      await b.relay.close();
      await a.relay.close();
    }
  });
});
