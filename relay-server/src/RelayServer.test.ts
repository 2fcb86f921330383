/**
 * The real thing end to end: node-datachannel peers play customer and agent against a relay
 * over WebSocket + WebRTC.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSocket } from 'node:dgram';
import { cleanupNative } from './platform/nativeHandles.ts';
import { fragmentFrame, readHeader, Reassembler } from '@beacon/shared/framing';
import { KEYFRAME_REQUEST_INTERVAL_MS } from './media/MediaForwarder.ts';
import { NdcClient, openSession } from './testing/NdcClient.ts';
import { startTestRelay, type TestRelay } from './testing/testRelay.ts';

let t: TestRelay;

before(async () => {
  t = await startTestRelay();
});
after(async () => {
  await t.relay.close();
  await cleanupNative();
});

async function pair(): Promise<{ agent: NdcClient; customer: NdcClient }> {
  const customer = await NdcClient.open({ relayUrl: t.relay.url, role: 'customer' });
  const agent = await NdcClient.open({ relayUrl: t.relay.url, role: 'agent', token: await t.token() });
  return { agent, customer };
}

function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) return resolve();
      if (Date.now() - start > timeoutMs) return reject(new Error('condition not met in time'));
      setTimeout(tick, 10);
    };
    tick();
  });
}

describe('one shared UDP port for all WebRTC connections', () => {
  test('every client reaches the relay on the same UDP port, and each session still gets its own media', async () => {
    const probe = createSocket('udp4');
    await new Promise<void>((r) => probe.bind(0, '127.0.0.1', () => r()));
    const port = probe.address().port;
    await new Promise<void>((r) => probe.close(() => r()));
    const shared = await startTestRelay({ rtcPorts: { kind: 'shared', port } });
    const clients: NdcClient[] = [];
    try {
      const sessions: { customer: NdcClient; agent: NdcClient; sessionId: string; streamId: number }[] = [];
      for (let i = 0; i < 2; i++) {
        const customer = await NdcClient.open({ relayUrl: shared.relay.url, role: 'customer' });
        const agent = await NdcClient.open({ relayUrl: shared.relay.url, role: 'agent', token: await shared.token() });
        clients.push(customer, agent);
        sessions.push({ customer, agent, ...(await openSession(agent, customer, { view: true, control: false })) });
      }
      assert.deepEqual(clients.map((c) => c.relayPort), clients.map(() => port), 'all four connections use the one port');
      for (const [i, s] of sessions.entries()) {
        for (const f of fragmentFrame(new Uint8Array(3000).fill(i + 1), { isKey: true, stream: s.streamId, seq: 0, captureTs: 1 })) s.customer.sendMedia(f);
      }
      await waitFor(() => sessions.every((s) => s.agent.media.length > 0));
      sessions.forEach((s, i) => {
        const frame = new Reassembler().push(s.agent.media[0] as Uint8Array);
        assert.equal(frame?.data[0], i + 1, `session ${i} got its own customer's frame`);
      });
    } finally {
      for (const c of clients) c.close();
      await shared.relay.close();
    }
  });
});

describe('WebRTC through the relay', () => {
  test('media fragments from the customer reach the agent byte-identical, in order', async () => {
    const { agent, customer } = await pair();
    try {
      const { sessionId, streamId } = await openSession(agent, customer, { view: true, control: true });
      customer.sendCtl({ type: 'stream-config', sessionId, config: { codec: 'vp8', width: 1280, height: 720 } });
      const config = await agent.nextCtl('stream-config');
      assert.deepEqual(config.config, { codec: 'vp8', width: 1280, height: 720 });

      const frames = [40_000, 900, 70_000].map((size, seq) => {
        const data = new Uint8Array(size);
        for (let i = 0; i < size; i++) data[i] = (i * 31 + seq * 7) & 0xff;
        return { data, seq, isKey: seq === 0 };
      });
      const sent: Uint8Array[] = [];
      for (const f of frames) {
        for (const frag of fragmentFrame(f.data, { isKey: f.isKey, stream: streamId, seq: f.seq, captureTs: 1000 + f.seq })) {
          sent.push(frag);
          assert.ok(customer.sendMedia(frag));
        }
      }
      await waitFor(() => agent.media.length >= sent.length);
      assert.equal(agent.media.length, sent.length);
      agent.media.forEach((got, i) => assert.ok(Buffer.from(sent[i] as Uint8Array).equals(got), `fragment ${i} differs`));
      const r = new Reassembler();
      const rebuilt = agent.media.map((m) => r.push(m)).filter((f) => f !== null);
      assert.deepEqual(rebuilt.map((f) => f.seq), [0, 1, 2]);
      assert.ok(Buffer.from(rebuilt[2]?.data ?? []).equals(Buffer.from(frames[2]?.data ?? [])));

      // A fragment for another stream is dropped, not forwarded.
      const stray = fragmentFrame(new Uint8Array(10), { isKey: true, stream: (streamId % 1000) + 1, seq: 9, captureTs: 1 });
      customer.sendMedia(stray[0] as Uint8Array);
      customer.sendMedia(new Uint8Array([1, 2, 3]));
      const marker = fragmentFrame(new Uint8Array(5), { isKey: false, stream: streamId, seq: 3, captureTs: 2 });
      customer.sendMedia(marker[0] as Uint8Array);
      await waitFor(() => agent.media.length === sent.length + 1);
      assert.equal(readHeader(agent.media.at(-1) as Buffer).seq, 3);
      const stats = t.relay.stats().sessions.find((s) => s.id === sessionId);
      assert.equal(stats?.media?.viewers[Object.keys(stats.media.viewers)[0] ?? '']?.forwardedFrames, 4);
      assert.ok(t.relay.stats().droppedFragments >= 2);
    } finally {
      agent.close();
      customer.close();
    }
  });

  test('input from an agent with control reaches the customer; pings come back as pongs', async () => {
    const { agent, customer } = await pair();
    try {
      const { sessionId } = await openSession(agent, customer, { view: true, control: true });
      agent.sendCtl({ type: 'input', sessionId, event: { kind: 'mouse-move', x: 100, y: 200 } });
      agent.sendCtl({ type: 'input', sessionId, event: { kind: 'key', key: 'c', down: true, modifiers: ['control'] } });
      const move = await customer.nextCtl('input');
      assert.deepEqual(move.event, { kind: 'mouse-move', x: 100, y: 200 });
      const key = await customer.nextCtl('input');
      assert.deepEqual(key.event, { kind: 'key', key: 'c', down: true, modifiers: ['control'] });

      agent.sendCtl({ type: 'ping', sessionId, t: 42.5 });
      const ping = await customer.nextCtl('ping');
      customer.sendCtl({ type: 'pong', sessionId, t: ping.t });
      assert.equal((await agent.nextCtl('pong')).t, 42.5);

      // The agent's own request reaches the customer; a second one waits for the per-session throttle.
      agent.sendCtl({ type: 'keyframe-request', sessionId });
      await customer.nextCtl('keyframe-request', 2000, (m) => m.sessionId === sessionId);
      await new Promise((r) => setTimeout(r, KEYFRAME_REQUEST_INTERVAL_MS));
      agent.sendCtl({ type: 'keyframe-request', sessionId });
      await customer.nextCtl('keyframe-request', 2000, (m) => m.sessionId === sessionId);
    } finally {
      agent.close();
      customer.close();
    }
  });

  test('input from a view-only agent is refused with not-allowed and never reaches the customer', async () => {
    const { agent, customer } = await pair();
    try {
      const { sessionId } = await openSession(agent, customer, { view: true, control: false });
      agent.sendCtl({ type: 'input', sessionId, event: { kind: 'text', text: 'rm -rf' } });
      const err = await agent.nextCtl('error');
      assert.equal(err.code, 'not-allowed');
      agent.sendCtl({ type: 'input', sessionId: 'not-a-session-of-mine', event: { kind: 'text', text: 'x' } });
      assert.equal((await agent.nextCtl('error')).code, 'not-found');
      // The customer's channel still works and never saw the input.
      agent.sendCtl({ type: 'ping', sessionId, t: 1 });
      await customer.nextCtl('ping');
      assert.equal(customer.ctlInbox.all.filter((m) => m.type === 'input').length, 0);
    } finally {
      agent.close();
      customer.close();
    }
  });

  test('wrong-role and malformed ctl messages get errors on ctl; the session goes on', async () => {
    const { agent, customer } = await pair();
    try {
      const { sessionId } = await openSession(agent, customer, { view: true, control: true });
      customer.sendCtl({ type: 'input', sessionId, event: { kind: 'text', text: 'x' } });
      assert.equal((await customer.nextCtl('error')).code, 'forbidden');
      agent.sendCtlRaw('{"type":"input"');
      assert.equal((await agent.nextCtl('error')).code, 'bad-message');
      assert.ok(t.log.find('ctl message refused').length >= 2);
      agent.sendCtl({ type: 'input', sessionId, event: { kind: 'text', text: 'ok' } });
      assert.deepEqual((await customer.nextCtl('input')).event, { kind: 'text', text: 'ok' });
    } finally {
      agent.close();
      customer.close();
    }
  });
});
