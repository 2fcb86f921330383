/** The audit trail: append-only in SQLite, and written in the order things happened. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cleanupNative } from '../platform/nativeHandles.ts';
import { NdcClient } from '../testing/NdcClient.ts';
import { TEST_AGENT, startTestRelay, type TestRelay } from '../testing/testRelay.ts';

let t: TestRelay;
before(async () => {
  t = await startTestRelay();
});
after(async () => {
  await t.relay.close();
  // Customers open real peer connections: libdatachannel's threads keep the process alive until cleaned up.
  await cleanupNative();
});

describe('session event log', () => {
  test('rows cannot be updated or deleted', async () => {
    await t.relay.services.events.append({ sessionId: null, deviceId: '123456789', kind: 'registered', actor: 'customer:123456789' });
    await assert.rejects(t.relay.services.db.run("UPDATE session_events SET actor = 'someone-else'"), /append-only/);
    await assert.rejects(t.relay.services.db.run('DELETE FROM session_events'), /append-only/);
    const rows = await t.relay.services.events.forDevice('123456789');
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.actor, 'customer:123456789');
  });

  test('a full session with control is logged in order, with actors and the end reason', async () => {
    const c = await NdcClient.open({ relayUrl: t.relay.url, role: 'customer' });
    const a = await NdcClient.open({ relayUrl: t.relay.url, role: 'agent', token: await t.token(), isRtc: false });
    const deviceId = c.device.deviceId;
    try {
      a.send({ type: 'connect-request', requestId: 'x1', deviceId, code: 'ZZZZZZ' === c.device.code ? 'YYYYYY' : 'ZZZZZZ', permissions: { view: true, control: true } });
      await a.next('error');
      a.send({ type: 'connect-request', requestId: 'x2', deviceId, code: c.device.code, permissions: { view: true, control: true } });
      const ask = await c.next('consent-request');
      c.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
      await a.next('session-started');
      c.send({ type: 'session-stop', sessionId: ask.sessionId });
      await a.next('session-ended');
      await t.relay.flush();

      const sessionEvents = await t.relay.services.events.forSession(ask.sessionId);
      assert.deepEqual(
        sessionEvents.map((e) => [e.kind, e.actor]),
        [
          ['connect-requested', `agent:${TEST_AGENT.login}`],
          ['consent-granted', `customer:${deviceId}`],
          ['control-started', `agent:${TEST_AGENT.login}`],
          ['control-stopped', `customer:${deviceId}`],
          ['disconnected', `customer:${deviceId}`],
        ],
      );
      assert.deepEqual(sessionEvents.at(-1)?.detail, { reason: 'customer-stopped' });
      const times = sessionEvents.map((e) => e.at);
      assert.deepEqual(times, [...times].sort((x, y) => x - y));

      const deviceEvents = await t.relay.services.events.forDevice(deviceId);
      assert.deepEqual(
        deviceEvents.slice(0, 3).map((e) => [e.kind, e.sessionId, e.detail.code]),
        [
          ['registered', null, undefined],
          ['connect-refused', null, 'wrong-code'],
          ['connect-requested', ask.sessionId, undefined],
        ],
      );
      const row = await t.relay.services.sessionStore.get(ask.sessionId);
      assert.equal(row?.outcome, 'customer-stopped');
      assert.ok(row?.startedAt !== null && row?.endedAt !== null);
    } finally {
      a.close();
      c.close();
    }
  });

  test('a denied request logs connect-requested then consent-denied, and nothing after', async () => {
    const c = await NdcClient.open({ relayUrl: t.relay.url, role: 'customer', isRtc: false });
    const a = await NdcClient.open({ relayUrl: t.relay.url, role: 'agent', token: await t.token(), isRtc: false });
    try {
      a.send({ type: 'connect-request', requestId: 'd1', deviceId: c.device.deviceId, code: c.device.code, permissions: { view: true, control: false } });
      const ask = await c.next('consent-request');
      c.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: false });
      await a.next('session-denied');
      c.close();
      await c.whenClosed();
      await new Promise((r) => setTimeout(r, 50));
      await t.relay.flush();
      assert.deepEqual(
        (await t.relay.services.events.forSession(ask.sessionId)).map((e) => e.kind),
        ['connect-requested', 'consent-denied'],
      );
    } finally {
      a.close();
      c.close();
    }
  });
});
