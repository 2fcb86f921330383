/**
 * Voice call control through a real relay (node-datachannel peers as customer and agent):
 * who may ring, answer, mute and hang up, and what a bad message gets back. The audio path
 * itself (RTP between browser tracks) is tested end to end in tests/e2e/voice.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NdcClient, openSession } from '../testing/NdcClient.ts';
import { useRelaySuite } from '../testing/testRelay.ts';

const suite = useRelaySuite();
const open = suite.open;

async function pair(): Promise<{ agent: NdcClient; customer: NdcClient; sessionId: string }> {
  const customer = await open('customer');
  const agent = await open('agent');
  const { sessionId } = await openSession(agent, customer, { view: true, control: false });
  return { agent, customer, sessionId };
}

/** `caller` rings the other side of the session, which answers with `answer`. */
async function ring(p: { agent: NdcClient; customer: NdcClient; sessionId: string }, caller: 'agent' | 'customer', answer: 'voice-accept' | 'voice-decline'): Promise<void> {
  const [from, to] = caller === 'agent' ? [p.agent, p.customer] : [p.customer, p.agent];
  from.sendCtl({ type: 'voice-request', sessionId: p.sessionId });
  await to.nextCtl('voice-request');
  to.sendCtl({ type: answer, sessionId: p.sessionId });
  await from.nextCtl(answer);
}

describe('voice call control', () => {
  test('a call rings the other side, is answered, muted and hung up, each step told to the other party', async () => {
    const { agent, customer, sessionId } = await pair();
    customer.sendCtl({ type: 'voice-request', sessionId });
    assert.deepEqual(await agent.nextCtl('voice-request'), { type: 'voice-request', sessionId, from: 'customer' });
    agent.sendCtl({ type: 'voice-accept', sessionId });
    assert.equal((await customer.nextCtl('voice-accept')).from, 'agent');
    agent.sendCtl({ type: 'voice-mute', sessionId, isMuted: true });
    assert.deepEqual(await customer.nextCtl('voice-mute'), { type: 'voice-mute', sessionId, from: 'agent', isMuted: true });
    customer.sendCtl({ type: 'voice-end', sessionId });
    assert.equal((await agent.nextCtl('voice-end')).from, 'customer');
    // Over: muting now is refused, and a new call may ring.
    agent.sendCtl({ type: 'voice-mute', sessionId, isMuted: false });
    assert.equal((await agent.nextCtl('error')).code, 'not-allowed');
    agent.sendCtl({ type: 'voice-request', sessionId });
    assert.equal((await customer.nextCtl('voice-request')).from, 'agent');
  });

  test('answered calls go in the session’s event log with who called, who hung up and how long it lasted', async () => {
    const kindsOf = async (id: string) => (await suite.t().relay.services.events.forSession(id)).filter((e) => e.kind.startsWith('voice-'));
    const first = await pair();
    // A declined call never ran: nothing to log.
    await ring(first, 'agent', 'voice-decline');
    await ring(first, 'customer', 'voice-accept');
    await new Promise((r) => setTimeout(r, 300));
    first.agent.sendCtl({ type: 'voice-end', sessionId: first.sessionId });
    await first.customer.nextCtl('voice-end');
    await new Promise((r) => setTimeout(r, 100));
    const logged = await kindsOf(first.sessionId);
    assert.deepEqual(logged.map((e) => [e.kind, e.detail.by, e.detail.reason]), [['voice-started', 'customer', undefined], ['voice-ended', 'agent', 'hung-up']]);
    assert.ok(logged[1]!.actor.startsWith('agent:'));
    const ms = logged[1]!.detail.durationMs;
    assert.ok(typeof ms === 'number' && ms >= 250 && ms < 5000, `the call lasted ${String(ms)} ms`);

    // A call still running when the customer stops the session ends with it, before the session's end.
    const second = await pair();
    await ring(second, 'agent', 'voice-accept');
    second.customer.send({ type: 'session-stop', sessionId: second.sessionId });
    await second.agent.next('session-ended');
    await new Promise((r) => setTimeout(r, 100));
    const all = (await suite.t().relay.services.events.forSession(second.sessionId)).map((e) => e.kind);
    assert.ok(all.indexOf('voice-ended') >= 0 && all.indexOf('voice-ended') < all.indexOf('disconnected'), all.join(', '));
    assert.equal((await kindsOf(second.sessionId)).at(-1)?.detail.reason, 'session-ended');
  });

  test('only the called side answers; a declined call is over for both', async () => {
    const { agent, customer, sessionId } = await pair();
    agent.sendCtl({ type: 'voice-request', sessionId });
    await customer.nextCtl('voice-request');
    agent.sendCtl({ type: 'voice-accept', sessionId });
    assert.equal((await agent.nextCtl('error')).code, 'not-allowed', 'the caller cannot answer its own call');
    agent.sendCtl({ type: 'voice-request', sessionId });
    assert.equal((await agent.nextCtl('error')).code, 'conflict', 'one call per session');
    customer.sendCtl({ type: 'voice-decline', sessionId });
    assert.equal((await agent.nextCtl('voice-decline')).from, 'customer');
    customer.sendCtl({ type: 'voice-accept', sessionId });
    assert.equal((await customer.nextCtl('error')).code, 'not-allowed', 'nothing left to accept');
    assert.equal(customer.ctlInbox.pending().filter((m) => m.type === 'voice-accept').length, 0);
  });

  test('nobody outside the session can ring, answer or hang up in it', async () => {
    const { customer, sessionId } = await pair();
    const stranger = await open('agent');
    const otherCustomer = await open('customer');
    for (const c of [stranger, otherCustomer]) {
      c.sendCtl({ type: 'voice-request', sessionId });
      assert.equal((await c.nextCtl('error')).code, 'not-found');
      c.sendCtl({ type: 'voice-end', sessionId });
      assert.equal((await c.nextCtl('error')).code, 'not-found');
    }
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(customer.ctlInbox.pending().filter((m) => m.type.startsWith('voice-')).length, 0, 'the session’s customer was never rung');
  });

  test('malformed voice messages and renegotiations get an error reply and the session goes on', async () => {
    const { agent, customer, sessionId } = await pair();
    agent.sendCtlRaw(JSON.stringify({ type: 'voice-mute', sessionId, isMuted: 'yes' }));
    assert.equal((await agent.nextCtl('error')).code, 'bad-message');
    agent.sendCtlRaw(JSON.stringify({ type: 'voice-request' }));
    assert.equal((await agent.nextCtl('error')).code, 'bad-message');
    agent.send({ type: 'rtc-renegotiate', sdp: 'v=0 this is not an offer' });
    assert.equal((await agent.next('error')).code, 'bad-message');
    // Still a working session: a call rings through.
    agent.sendCtl({ type: 'voice-request', sessionId });
    assert.equal((await customer.nextCtl('voice-request')).from, 'agent');
    assert.deepEqual(agent.malformed, []);
  });

  test('an agent talks in one session at a time: a second call while one runs is refused', async () => {
    const customerA = await open('customer');
    const customerB = await open('customer');
    const agent = await open('agent');
    const a = await openSession(agent, customerA, { view: true, control: false });
    const b = await openSession(agent, customerB, { view: true, control: false });
    agent.sendCtl({ type: 'voice-request', sessionId: a.sessionId });
    await customerA.nextCtl('voice-request');
    customerB.sendCtl({ type: 'voice-request', sessionId: b.sessionId });
    assert.equal((await customerB.nextCtl('error')).code, 'conflict');
    // Once the first call is over, the second session may call.
    agent.sendCtl({ type: 'voice-end', sessionId: a.sessionId });
    await customerA.nextCtl('voice-end');
    customerB.sendCtl({ type: 'voice-request', sessionId: b.sessionId });
    assert.equal((await agent.nextCtl('voice-request', 5000, (m) => m.sessionId === b.sessionId)).from, 'customer');
  });
});
