/**
 * Video guidance through a real relay (node-datachannel peers as customer and agent): who may
 * ask for the camera and answer, that nothing is shown without a yes, that input stops while the
 * camera is shown, and the audit and event log rows. The picture itself (a real camera into the
 * customer's encoder, the agent's canvas, the recording) is tested end to end in
 * tests/e2e/videoGuidance.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NdcClient, openSession } from '../testing/NdcClient.ts';
import { useRelaySuite } from '../testing/testRelay.ts';

const suite = useRelaySuite();

async function pair(control = true): Promise<{ agent: NdcClient; customer: NdcClient; sessionId: string }> {
  const customer = await suite.open('customer');
  const agent = await suite.open('agent');
  const { sessionId } = await openSession(agent, customer, { view: true, control });
  return { agent, customer, sessionId };
}

const settle = () => new Promise((r) => setTimeout(r, 150));

describe('video guidance', () => {
  test('the agent asks for the camera, the customer says yes and shows it; input waits for the screen again', async () => {
    const { agent, customer, sessionId } = await pair();
    agent.sendCtl({ type: 'camera-request', sessionId, source: 'camera' });
    assert.deepEqual(await customer.nextCtl('camera-request'), { type: 'camera-request', sessionId, source: 'camera' });
    customer.sendCtl({ type: 'camera-answer', sessionId, source: 'camera', granted: true });
    assert.equal((await agent.nextCtl('camera-answer')).granted, true);
    customer.sendCtl({ type: 'camera-source', sessionId, source: 'camera' });
    assert.equal((await agent.nextCtl('camera-source')).source, 'camera');
    // A click on a picture of a printer must not reach the desktop.
    agent.sendCtl({ type: 'input', sessionId, event: { kind: 'mouse-move', x: 10, y: 10, t: Date.now() } });
    const refused = await agent.nextCtl('error');
    assert.equal(refused.code, 'not-allowed');
    assert.equal(refused.re?.type, 'input');
    // Back to the screen: asked and agreed again, then input passes.
    agent.sendCtl({ type: 'camera-request', sessionId, source: 'screen' });
    await customer.nextCtl('camera-request', 5000, (m) => m.source === 'screen');
    customer.sendCtl({ type: 'camera-answer', sessionId, source: 'screen', granted: true });
    customer.sendCtl({ type: 'camera-source', sessionId, source: 'screen' });
    await agent.nextCtl('camera-source', 5000, (m) => m.source === 'screen');
    agent.sendCtl({ type: 'input', sessionId, event: { kind: 'mouse-move', x: 10, y: 10, t: Date.now() } });
    await customer.nextCtl('input');
  });

  test('nothing is shown without a yes: a declined ask, an unasked answer and a customer who shows the camera anyway are refused', async () => {
    const { agent, customer, sessionId } = await pair();
    customer.sendCtl({ type: 'camera-answer', sessionId, source: 'camera', granted: true });
    assert.equal((await customer.nextCtl('error')).code, 'not-allowed');
    agent.sendCtl({ type: 'camera-request', sessionId, source: 'camera' });
    await customer.nextCtl('camera-request');
    customer.sendCtl({ type: 'camera-answer', sessionId, source: 'camera', granted: false });
    assert.equal((await agent.nextCtl('camera-answer')).granted, false);
    customer.sendCtl({ type: 'camera-source', sessionId, source: 'camera' });
    const e = await customer.nextCtl('error');
    assert.equal(e.code, 'not-allowed');
    assert.equal(e.re?.type, 'camera-source');
    // Off is always the customer's to choose.
    customer.sendCtl({ type: 'camera-source', sessionId, source: 'off' });
    assert.equal((await agent.nextCtl('camera-source')).source, 'off');
  });

  test('only the session’s agent asks and only its customer answers', async () => {
    const { agent, customer, sessionId } = await pair();
    customer.sendCtl({ type: 'camera-request', sessionId, source: 'camera' });
    assert.equal((await customer.nextCtl('error')).code, 'forbidden');
    agent.sendCtl({ type: 'camera-answer', sessionId, source: 'camera', granted: true });
    assert.equal((await agent.nextCtl('error')).code, 'forbidden');
    agent.sendCtl({ type: 'camera-request', sessionId, source: 'screen' });
    assert.equal((await agent.nextCtl('error')).code, 'conflict');
    // Another agent (not in the session) is told there is no such session.
    const stranger = await suite.open('agent');
    stranger.sendCtl({ type: 'camera-request', sessionId, source: 'camera' });
    assert.equal((await stranger.nextCtl('error')).code, 'not-found');
  });

  test('asks and answers go in the audit log and the session’s event log', async () => {
    const { agent, customer, sessionId } = await pair(false);
    agent.sendCtl({ type: 'camera-request', sessionId, source: 'camera' });
    await customer.nextCtl('camera-request');
    customer.sendCtl({ type: 'camera-answer', sessionId, source: 'camera', granted: true });
    customer.sendCtl({ type: 'camera-source', sessionId, source: 'camera' });
    await agent.nextCtl('camera-source');
    await settle();
    const events = (await suite.t().relay.services.events.forSession(sessionId)).filter((e) => e.kind.startsWith('camera-'));
    assert.deepEqual(
      events.map((e) => [e.kind, e.detail.source, e.actor.split(':')[0]]),
      [
        ['camera-requested', 'camera', 'agent'],
        ['camera-answered', 'camera', 'customer'],
        ['camera-source', 'camera', 'customer'],
      ],
    );
    const audit = (await suite.t().relay.services.audit.list({ limit: 50 })).entries.filter((e) => e.target?.id === sessionId);
    const actions = audit.map((e) => e.action).sort();
    assert.deepEqual(actions, ['camera-answered', 'camera-requested']);
    assert.ok(audit.find((e) => e.action === 'camera-requested')?.actor, 'the asking seat is the actor');
  });
});
