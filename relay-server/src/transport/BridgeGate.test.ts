/**
 * A bridged connection (ws-upgrade): what the data channels bring before the client's
 * `transport-upgrade` waits behind what it sent on the WebSocket, and through a relay a
 * customer's session runs on the WebSocket, then moves to its channels without reordering.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NdcClient, openSession } from '../testing/NdcClient.ts';
import { useRelaySuite } from '../testing/testRelay.ts';
import { BridgeGate, MAX_HELD_BYTES, isUpgrade } from './BridgeGate.ts';

describe('BridgeGate', () => {
  test('holds the channels until the marker, then passes all in order', () => {
    const seen: string[] = [];
    let overflows = 0;
    const gate = new BridgeGate({ onCtlText: (t) => seen.push(`ctl ${t}`), onCtlRefused: (w) => seen.push(`refused ${w}`), onMedia: (f) => seen.push(`media ${f.length}`) }, () => overflows++);
    gate.gated.onCtlText('a');
    gate.gated.onMedia(Buffer.alloc(3));
    assert.equal(seen.length, 0);
    seen.push('socket');
    gate.open();
    gate.gated.onCtlText('b');
    assert.deepEqual(seen, ['socket', 'ctl a', 'media 3', 'ctl b']);
    assert.equal(overflows, 0);
  });

  test('a client far ahead of its marker is cut off', () => {
    let overflows = 0;
    const gate = new BridgeGate({ onCtlText: () => {}, onCtlRefused: () => {}, onMedia: () => {} }, () => overflows++);
    for (let i = 0; i <= MAX_HELD_BYTES / 60_000 + 1; i++) gate.gated.onMedia(Buffer.alloc(60_000));
    assert.equal(overflows, 1);
  });

  test('knows the marker only', () => {
    assert.equal(isUpgrade('{"type":"transport-upgrade"}'), true);
    assert.equal(isUpgrade('{"type":"ctl","msg":{"text":"transport-upgrade"}}'), false);
  });
});

const suite = useRelaySuite(() => ({ linkWaitMs: 2000 }));

describe('a bridged connection through a relay', () => {
  test('the session runs on the websocket, then moves to the channels in order', async () => {
    const customer = await NdcClient.open({ relayUrl: suite.t().relay.url, role: 'customer', isRtc: false });
    const agent = await NdcClient.open({ relayUrl: suite.t().relay.url, role: 'agent', token: await suite.t().token() });
    try {
      customer.send({ type: 'transport-bridge' });
      assert.equal((await customer.next('transport')).path, 'websocket');
      await customer.startRtc(5000);
      const { sessionId } = await openSession(agent, customer, { view: true, control: true });
      // Sent on the channel first, but after the marker: the relay must hand it on second.
      customer.sendCtl({ type: 'chat-send', sessionId, text: 'second' });
      await new Promise((r) => setTimeout(r, 300));
      customer.sendRaw(JSON.stringify({ type: 'ctl', msg: { type: 'chat-send', sessionId, text: 'first' } }));
      customer.send({ type: 'transport-upgrade' });
      const texts = [(await agent.nextCtl('chat')).message.text, (await agent.nextCtl('chat')).message.text];
      assert.deepEqual(texts, ['first', 'second']);
      assert.equal((await customer.next('transport', 5000, (m) => m.path === 'webrtc')).path, 'webrtc');
      agent.sendCtl({ type: 'chat-send', sessionId, text: 'over the channel' });
      const got = await customer.nextCtl('chat', 5000, (m) => m.message.text === 'over the channel');
      assert.ok(got);
    } finally {
      customer.close();
      agent.close();
    }
  });

  test('transport-upgrade without a bridge is refused', async () => {
    const c = await NdcClient.open({ relayUrl: suite.t().relay.url, role: 'customer', isRtc: false });
    try {
      c.send({ type: 'transport-upgrade' });
      assert.equal((await c.next('error')).code, 'forbidden');
    } finally {
      c.close();
    }
  });
});
