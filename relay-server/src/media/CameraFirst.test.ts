/**
 * A session that starts on the camera (capability `camera-first`) through a real relay
 * (node-datachannel peers): the customer is asked for the camera, not the screen; until the
 * customer agrees to the screen, the agent's input, clipboard and monitor messages are refused
 * and never reach the customer; a stranger is refused; a customer whose client does not speak
 * `camera-first` is never asked (the agent is told to connect with the screen). The picture
 * itself is tested end to end in tests/e2e/cameraFirst.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KNOWN_CAPABILITIES } from '@beacon/shared/version';
import type { CtlToRelay } from '@beacon/shared/protocol';
import { NdcClient } from '../testing/NdcClient.ts';
import { useRelaySuite } from '../testing/testRelay.ts';

const suite = useRelaySuite();

function codeOf(customer: NdcClient): string {
  const latest = customer.inbox.all.filter((m) => m.type === 'code-update').at(-1);
  return latest?.type === 'code-update' ? latest.code : customer.device.code;
}

async function cameraSession(): Promise<{ agent: NdcClient; customer: NdcClient; sessionId: string }> {
  const customer = await suite.open('customer');
  const agent = await suite.open('agent');
  const requestId = 'req-camera-first';
  agent.send({ type: 'connect-request', requestId, deviceId: customer.device.deviceId, code: codeOf(customer), permissions: { view: true, control: true }, source: 'camera' });
  const pending = await agent.next('session-pending', 5000, (m) => m.requestId === requestId);
  const ask = await customer.next('consent-request', 5000, (m) => m.sessionId === pending.sessionId);
  assert.equal(ask.source, 'camera', 'the customer is asked for the camera');
  customer.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
  const started = await agent.next('session-started', 5000, (m) => m.sessionId === pending.sessionId);
  assert.equal(started.source, 'camera');
  assert.equal((await customer.next('session-started', 5000, (m) => m.sessionId === pending.sessionId)).source, 'camera');
  return { agent, customer, sessionId: started.sessionId };
}

const settle = () => new Promise((r) => setTimeout(r, 200));
const move = (sessionId: string): CtlToRelay => ({ type: 'input', sessionId, event: { kind: 'mouse-move', x: 10, y: 10, t: Date.now() } });

describe('a session that starts on the camera', () => {
  test('nothing that acts on the computer passes before the customer agrees to the screen; after a yes, input does', async () => {
    const { agent, customer, sessionId } = await cameraSession();
    customer.sendCtl({ type: 'camera-source', sessionId, source: 'camera' });
    assert.equal((await agent.nextCtl('camera-source')).source, 'camera');
    const refused: CtlToRelay[] = [
      move(sessionId),
      { type: 'clipboard-fetch', sessionId },
      { type: 'clipboard-send', sessionId, text: 'secret' },
      { type: 'monitor-select', sessionId, monitor: 'all' },
    ];
    for (const msg of refused) {
      agent.sendCtl(msg);
      const e = await agent.nextCtl('error', 5000, (m) => m.re?.type === msg.type);
      assert.equal(e.code, 'not-allowed', msg.type);
    }
    // The screen was never agreed to: the customer may not show it either.
    customer.sendCtl({ type: 'camera-source', sessionId, source: 'screen' });
    assert.equal((await customer.nextCtl('error', 5000, (m) => m.re?.type === 'camera-source')).code, 'not-allowed');
    await settle();
    for (const type of ['input', 'clipboard-fetch', 'clipboard-send', 'monitor-select'] as const) {
      assert.equal(customer.ctlInbox.all.filter((m) => m.type === type).length, 0, `no ${type} reached the customer`);
    }

    // Screen sharing asked for later, with its own consent.
    agent.sendCtl({ type: 'camera-request', sessionId, source: 'screen' });
    await customer.nextCtl('camera-request', 5000, (m) => m.source === 'screen');
    customer.sendCtl({ type: 'camera-answer', sessionId, source: 'screen', granted: true });
    customer.sendCtl({ type: 'camera-source', sessionId, source: 'screen' });
    await agent.nextCtl('camera-source', 5000, (m) => m.source === 'screen');
    agent.sendCtl(move(sessionId));
    await customer.nextCtl('input');
  });

  test('a declined screen ask leaves the session on the camera, input still refused', async () => {
    const { agent, customer, sessionId } = await cameraSession();
    agent.sendCtl({ type: 'camera-request', sessionId, source: 'screen' });
    await customer.nextCtl('camera-request', 5000, (m) => m.source === 'screen');
    customer.sendCtl({ type: 'camera-answer', sessionId, source: 'screen', granted: false });
    await agent.nextCtl('camera-answer');
    agent.sendCtl(move(sessionId));
    assert.equal((await agent.nextCtl('error', 5000, (m) => m.re?.type === 'input')).code, 'not-allowed');
  });

  test('a stranger is refused: no such session, and nothing reaches the customer', async () => {
    const { customer, sessionId } = await cameraSession();
    const stranger = await suite.open('agent');
    stranger.sendCtl(move(sessionId));
    assert.equal((await stranger.nextCtl('error', 5000, (m) => m.re?.type === 'input')).code, 'not-found');
    stranger.sendCtl({ type: 'camera-request', sessionId, source: 'screen' });
    assert.equal((await stranger.nextCtl('error', 5000, (m) => m.re?.type === 'camera-request')).code, 'not-found');
    await settle();
    assert.equal(customer.ctlInbox.all.filter((m) => m.type === 'input' || m.type === 'camera-request').length, 0);
  });

  test('a customer whose client does not speak camera-first is not asked; the agent is told why', async () => {
    const customer = await suite.open('customer', KNOWN_CAPABILITIES.filter((c) => c !== 'resume' && c !== 'camera-first'));
    const agent = await suite.open('agent');
    agent.send({ type: 'connect-request', requestId: 'req-old', deviceId: customer.device.deviceId, code: codeOf(customer), permissions: { view: true, control: false }, source: 'camera' });
    const e = await agent.next('error', 5000, (m) => m.requestId === 'req-old');
    assert.equal(e.code, 'not-allowed');
    await settle();
    assert.equal(customer.inbox.all.filter((m) => m.type === 'consent-request').length, 0, 'the old client never shows its screen dialog');
  });

  test('a voice session cannot start on the camera', async () => {
    const customer = await suite.open('customer');
    const agent = await suite.open('agent');
    agent.send({ type: 'connect-request', requestId: 'req-voice', deviceId: customer.device.deviceId, code: codeOf(customer), permissions: { view: false, control: false }, mode: 'voice', source: 'camera' });
    assert.equal((await agent.next('error', 5000, (m) => m.requestId === 'req-voice')).code, 'bad-message');
  });
});
