/**
 * Remote sound control through a real relay (node-datachannel peers as customer and agent):
 * who may ask, answer and stop, what each side is told, and the event log. The sound itself
 * (RTP from a PulseAudio monitor to the agent's track) is tested end to end in
 * tests/e2e/remoteSound.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NdcClient, openSession } from '../testing/NdcClient.ts';
import { useRelaySuite } from '../testing/testRelay.ts';

const suite = useRelaySuite();

async function pair(): Promise<{ agent: NdcClient; customer: NdcClient; sessionId: string }> {
  const customer = await suite.open('customer');
  const agent = await suite.open('agent');
  const { sessionId } = await openSession(agent, customer, { view: true, control: false });
  return { agent, customer, sessionId };
}

describe('remote sound control', () => {
  test('the agent asks, the customer allows, either stops; both are told and the log has start and end', async () => {
    const { agent, customer, sessionId } = await pair();
    agent.sendCtl({ type: 'sound-request', sessionId });
    assert.deepEqual(await customer.nextCtl('sound-request'), { type: 'sound-request', sessionId });
    assert.equal((await agent.nextCtl('sound-state')).state, 'asking');
    customer.sendCtl({ type: 'sound-answer', sessionId, accept: true });
    assert.deepEqual(await agent.nextCtl('sound-state'), { type: 'sound-state', sessionId, state: 'on', by: 'customer' });
    assert.equal((await customer.nextCtl('sound-state')).state, 'on');
    customer.sendCtl({ type: 'sound-stop', sessionId });
    assert.deepEqual(await agent.nextCtl('sound-state'), { type: 'sound-state', sessionId, state: 'off', by: 'customer', reason: 'stopped' });
    await new Promise((r) => setTimeout(r, 100));
    const logged = (await suite.t().relay.services.events.forSession(sessionId)).filter((e) => e.kind.startsWith('sound-'));
    assert.deepEqual(logged.map((e) => [e.kind, e.detail.by, e.detail.reason]), [['sound-started', 'agent', undefined], ['sound-ended', 'customer', 'stopped']]);
  });

  test('only the agent asks, only the customer answers, and a decline is told to the agent', async () => {
    const { agent, customer, sessionId } = await pair();
    customer.sendCtl({ type: 'sound-request', sessionId });
    assert.equal((await customer.nextCtl('error')).code, 'not-allowed');
    agent.sendCtl({ type: 'sound-answer', sessionId, accept: true });
    assert.equal((await agent.nextCtl('error')).code, 'not-allowed');
    agent.sendCtl({ type: 'sound-request', sessionId });
    await customer.nextCtl('sound-request');
    agent.sendCtl({ type: 'sound-request', sessionId });
    assert.equal((await agent.nextCtl('error')).code, 'conflict');
    customer.sendCtl({ type: 'sound-answer', sessionId, accept: false });
    const off = await agent.nextCtl('sound-state', 5000, (m) => m.state === 'off');
    assert.equal(off.reason, 'declined');
    const logged = (await suite.t().relay.services.events.forSession(sessionId)).filter((e) => e.kind.startsWith('sound-'));
    assert.equal(logged.length, 0, 'sound that never played is not logged');
  });

  test('a customer whose PC has no sound says so, and the agent is told it is unavailable', async () => {
    const { agent, customer, sessionId } = await pair();
    agent.sendCtl({ type: 'sound-request', sessionId });
    await customer.nextCtl('sound-request');
    customer.sendCtl({ type: 'sound-stop', sessionId, reason: 'unavailable' });
    const off = await agent.nextCtl('sound-state', 5000, (m) => m.state === 'off');
    assert.equal(off.reason, 'unavailable');
  });
});
