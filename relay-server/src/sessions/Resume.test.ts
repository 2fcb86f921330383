/**
 * Resume over real WebSockets and data channels: a party whose link drops gets the same
 * session back with its secret within the grace period, and only then.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cleanupNative } from '../platform/nativeHandles.ts';
import type { RelayToClient } from '@beacon/shared/protocol';
import { KNOWN_CAPABILITIES } from '@beacon/shared/version';
import { NdcClient, openSession } from '../testing/NdcClient.ts';
import { startTestRelay, type TestRelay } from '../testing/testRelay.ts';

const GRACE_MS = 1500;
const CONTROL = { view: true, control: true } as const;
let t: TestRelay;
const open: NdcClient[] = [];

before(async () => {
  t = await startTestRelay({ resumeGraceMs: GRACE_MS });
});
after(async () => {
  for (const c of open) c.close();
  await t.relay.close();
  await cleanupNative();
});

async function client(role: 'agent' | 'customer', resume?: { sessionId: string; secret: string }): Promise<NdcClient> {
  const c = await NdcClient.open({ relayUrl: t.relay.url, role, capabilities: [...KNOWN_CAPABILITIES], ...(role === 'agent' ? { token: await t.token() } : {}), ...(resume ? { resume: [resume] } : {}) });
  open.push(c);
  return c;
}

/** A running session, and each side's resume secret (from its own session-started). */
async function running() {
  const customer = await client('customer');
  const agent = await client('agent');
  const { sessionId } = await openSession(agent, customer, CONTROL);
  const secretOf = (c: NdcClient) => {
    const m = c.inbox.all.find((x): x is Extract<RelayToClient, { type: 'session-started' }> => x.type === 'session-started' && x.sessionId === sessionId);
    assert.ok(m?.resumeSecret, 'each side gets its resume secret');
    return m.resumeSecret;
  };
  return { customer, agent, sessionId, customerSecret: secretOf(customer), agentSecret: secretOf(agent) };
}

const kinds = async (sessionId: string) => {
  await t.relay.flush();
  return (await t.relay.services.events.forSession(sessionId)).map((e) => e.kind);
};

describe('resume', () => {
  test('a party that says goodbye (a close frame) ends the session at once, as before', async () => {
    const s = await running();
    s.customer.close();
    assert.equal((await s.agent.next('session-ended', 3000)).reason, 'customer-disconnected');
    assert.equal(s.agent.inbox.all.filter((m) => m.type === 'peer-away').length, 0);
  });

  test('each side gets its own secret; a customer that drops is away for the agent, then back with the same ID and no consent', async () => {
    const s = await running();
    assert.notEqual(s.customerSecret, s.agentSecret);
    s.customer.drop();
    const away = await s.agent.next('peer-away', 3000, (m) => m.sessionId === s.sessionId);
    assert.equal(away.who, 'customer');
    assert.ok(away.remainingMs > 0 && away.remainingMs <= GRACE_MS);

    const back = await client('customer', { sessionId: s.sessionId, secret: s.customerSecret });
    assert.equal(back.device.deviceId, s.customer.device.deviceId, 'the customer keeps its device ID');
    const resumed = await back.next('session-resumed', 3000);
    assert.equal(resumed.sessionId, s.sessionId);
    assert.equal((await s.agent.next('peer-back', 3000)).who, 'customer');
    assert.equal(back.inbox.all.filter((m) => m.type === 'consent-request').length, 0, 'no new consent');
    // The relay asks the returning customer for a keyframe, and the session goes on.
    await back.nextCtl('keyframe-request', 3000);
    await new Promise((r) => setTimeout(r, GRACE_MS + 300));
    assert.equal(s.agent.inbox.all.filter((m) => m.type === 'session-ended').length, 0, 'the grace timer stopped');
    assert.deepEqual((await kinds(s.sessionId)).filter((k) => k === 'drop' || k === 'resume'), ['drop', 'resume']);
    s.agent.send({ type: 'session-end', sessionId: s.sessionId });
    assert.equal((await back.next('session-ended')).reason, 'agent-ended');
  });

  test('a wrong secret is refused: the client is a new device, and the session still waits for the real one', async () => {
    const s = await running();
    s.customer.drop();
    await s.agent.next('peer-away', 3000);
    const wrong = await client('customer', { sessionId: s.sessionId, secret: s.agentSecret });
    assert.equal((await wrong.next('resume-refused', 3000)).sessionId, s.sessionId);
    assert.notEqual(wrong.device.deviceId, s.customer.device.deviceId);
    assert.equal(wrong.inbox.all.filter((m) => m.type === 'session-resumed').length, 0);
    assert.equal((await s.agent.next('session-ended', GRACE_MS + 2000)).reason, 'network-lost');
  });

  test('after the grace period the other side hears network-lost, and a late resume is told how it ended', async () => {
    const s = await running();
    s.customer.drop();
    assert.equal((await s.agent.next('session-ended', GRACE_MS + 2000)).reason, 'network-lost');
    const late = await client('customer', { sessionId: s.sessionId, secret: s.customerSecret });
    assert.equal((await late.next('session-ended', 3000)).reason, 'network-lost');
    assert.notEqual(late.device.deviceId, s.customer.device.deviceId, 'the old ID went with the session');
    assert.equal(late.inbox.all.filter((m) => m.type === 'session-resumed').length, 0);
    await t.relay.flush();
    const row = await t.relay.services.sessionStore.get(s.sessionId);
    assert.equal(row?.endReason, 'network-lost');
  });

  test("the customer's Stop works while the agent is away, and the agent coming back hears it", async () => {
    const s = await running();
    s.agent.drop();
    assert.equal((await s.customer.next('peer-away', 3000)).who, 'agent');
    s.customer.send({ type: 'session-stop', sessionId: s.sessionId });
    assert.equal((await s.customer.next('session-ended', 3000)).reason, 'customer-stopped');
    const back = await client('agent', { sessionId: s.sessionId, secret: s.agentSecret });
    assert.equal((await back.next('session-ended', 3000)).reason, 'customer-stopped');
  });

  test('the agent can end the session while the customer is away; an agent comes back to its session', async () => {
    const s = await running();
    s.agent.drop();
    await s.customer.next('peer-away', 3000);
    const agent = await client('agent', { sessionId: s.sessionId, secret: s.agentSecret });
    await agent.next('session-resumed', 3000);
    assert.equal((await s.customer.next('peer-back', 3000)).who, 'agent');
    s.customer.drop();
    await agent.next('peer-away', 3000);
    agent.send({ type: 'session-end', sessionId: s.sessionId });
    assert.equal((await agent.next('session-ended', 3000)).reason, 'agent-ended');
    assert.deepEqual((await kinds(s.sessionId)).filter((k) => k === 'drop' || k === 'resume'), ['drop', 'resume', 'drop']);
  });
});
