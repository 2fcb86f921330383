/**
 * The TCP fallback's carrier on a fake socket (backpressure, ctl ahead of media, refusals),
 * and through a real relay: a customer and an agent with no peer connection at all run a
 * session over their WebSockets (ctl both ways, media forwarded as binary frames).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fragmentFrame } from '@beacon/shared/framing';
import type { Logger } from '../platform/logger.ts';
import { NdcClient } from '../testing/NdcClient.ts';
import { useRelaySuite } from '../testing/testRelay.ts';
import { MAX_QUEUED_MEDIA_BYTES, WIRE_MEDIA_BYTES, WsCarrier, type CarrierSocket, type WsCarrierHandlers } from './WsCarrier.ts';

const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** A socket that holds what it is sent until `drain()` (as a slow TCP peer would). */
class FakeSocket implements CarrierSocket {
  readonly OPEN = 1 as const;
  readyState: 0 | 1 | 2 | 3 = 1;
  readonly sent: { data: string | Uint8Array; isBinary: boolean }[] = [];
  private held: { bytes: number; cb: (err?: Error) => void }[] = [];
  bufferedAmount = 0;
  send(data: string | Uint8Array, opts: { binary: boolean }, cb: (err?: Error) => void): void {
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    this.sent.push({ data, isBinary: opts.binary });
    this.bufferedAmount += bytes;
    this.held.push({ bytes, cb });
  }
  /** The peer read everything so far. */
  drain(): void {
    for (const h of this.held.splice(0)) {
      this.bufferedAmount -= h.bytes;
      h.cb();
    }
  }
}

function carrierOn(ws: FakeSocket, overrides: Partial<WsCarrierHandlers> = {}) {
  const seen = { ctl: [] as string[], refused: [] as string[], media: [] as Buffer[] };
  const handlers: WsCarrierHandlers = {
    onCtlText: (t) => seen.ctl.push(t),
    onCtlRefused: (why) => seen.refused.push(why),
    onMedia: (f) => seen.media.push(f),
    onCtlOpen: () => {},
    ...overrides,
  };
  return { carrier: new WsCarrier(ws, handlers, quiet), seen };
}

const fragment = (bytes: number) => new Uint8Array(bytes);

describe('WsCarrier', () => {
  test('media beyond what the socket holds waits in the queue; bufferedAmount counts both', () => {
    const ws = new FakeSocket();
    const { carrier } = carrierOn(ws);
    const n = Math.ceil(WIRE_MEDIA_BYTES / 16_000) + 20;
    for (let i = 0; i < n; i++) assert.equal(carrier.mediaSink.send(fragment(16_000)), true);
    const onWire = ws.sent.length;
    assert.ok(onWire < n, `only part of the media went to the socket (${onWire} of ${n})`);
    assert.ok(ws.bufferedAmount >= WIRE_MEDIA_BYTES && ws.bufferedAmount < WIRE_MEDIA_BYTES + 16_000);
    assert.equal(carrier.mediaSink.bufferedAmount(), n * 16_000);
    for (let i = 0; i < 5; i++) ws.drain();
    assert.equal(ws.sent.length, n, 'the rest followed as the socket drained');
    assert.equal(carrier.mediaSink.bufferedAmount(), 0);
  });

  test('a ctl message goes to the socket ahead of queued media', () => {
    const ws = new FakeSocket();
    const { carrier } = carrierOn(ws);
    for (let i = 0; i < 100; i++) carrier.mediaSink.send(fragment(16_000));
    const before = ws.sent.length;
    assert.equal(carrier.sendCtl({ type: 'keyframe-request' } as never), true);
    assert.equal(ws.sent.length, before + 1);
    const last = ws.sent.at(-1);
    assert.equal(last?.isBinary, false);
    assert.deepEqual(JSON.parse(String(last?.data)), { type: 'ctl', msg: { type: 'keyframe-request' } });
    assert.ok(carrier.mediaSink.bufferedAmount() > 1_000_000, 'most media is still queued behind it');
  });

  test('media is refused past the queue cap, and everything once the socket closed', () => {
    const ws = new FakeSocket();
    const { carrier } = carrierOn(ws);
    let accepted = 0;
    while (carrier.mediaSink.send(fragment(16_000))) accepted++;
    assert.ok(accepted * 16_000 <= MAX_QUEUED_MEDIA_BYTES + WIRE_MEDIA_BYTES + 16_000);
    ws.readyState = 3;
    assert.equal(carrier.sendCtl({ type: 'keyframe-request' } as never), false);
    assert.deepEqual(carrier.channels(), { ctl: false, media: false });
    assert.equal(carrier.ctlMaxMessageBytes, 0);
  });

  test('inbound: a ctl envelope is routed, other text is left to signalling, a bad binary frame is refused', () => {
    const ws = new FakeSocket();
    const { carrier, seen } = carrierOn(ws);
    assert.equal(carrier.receiveText(JSON.stringify({ type: 'ctl', msg: { type: 'chat-send', text: 'hi' } })), true);
    assert.deepEqual(seen.ctl.map((t) => JSON.parse(t)), [{ type: 'chat-send', text: 'hi' }]);
    assert.equal(carrier.receiveText(JSON.stringify({ type: 'session-stop', sessionId: 'x' })), false);
    assert.equal(carrier.receiveText('not json'), false);
    carrier.receiveBinary(Buffer.alloc(17 * 1024));
    carrier.receiveBinary(Buffer.alloc(0));
    assert.equal(seen.refused.length, 2);
    assert.match(seen.refused[0] ?? '', /not a media fragment/);
    carrier.receiveBinary(Buffer.alloc(100));
    assert.equal(seen.media.length, 1);
  });
});

const suite = useRelaySuite(() => ({ linkWaitMs: 2000 }));

/** A client that skipped WebRTC and asked for the TCP fallback; binary frames it receives are kept. */
async function fellBack(role: 'agent' | 'customer'): Promise<{ c: NdcClient; binary: Buffer[] }> {
  const c = await NdcClient.open({ relayUrl: suite.t().relay.url, role, isRtc: false, ...(role === 'agent' ? { token: await suite.t().token() } : {}) });
  const binary: Buffer[] = [];
  c.ws.on('message', (data, isBinary) => {
    if (isBinary) binary.push(Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer));
  });
  c.send({ type: 'transport-fallback', reason: 'configured' });
  const t = await c.next('transport');
  assert.equal(t.path, 'websocket');
  return { c, binary };
}

describe('the TCP fallback through a relay', () => {
  test('a session runs with no peer connection: started on the websocket path, ctl and media cross', async () => {
    const customer = await fellBack('customer');
    const agent = await fellBack('agent');
    try {
      const { c: cust } = customer;
      agent.c.send({ type: 'connect-request', requestId: 'ws-req', deviceId: cust.device.deviceId, code: cust.device.code, permissions: { view: true, control: true } });
      const ask = await cust.next('consent-request');
      cust.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
      const started = await agent.c.next('session-started');
      assert.equal(started.transport, 'websocket');
      // The relay asks the customer for a keyframe (a ctl message) once the agent watches.
      const frames = fragmentFrame(new Uint8Array(40_000), { isKey: true, stream: started.streamId, seq: 1, captureTs: 0 });
      for (const f of frames) cust.sendRaw(Buffer.from(f));
      const deadline = Date.now() + 3000;
      while (agent.binary.length < frames.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(agent.binary.length, frames.length, 'every fragment reached the agent as a binary frame');
      agent.c.sendRaw(JSON.stringify({ type: 'ctl', msg: { type: 'chat-send', sessionId: started.sessionId, text: 'hello over tcp' } }));
      const chat = await cust.inbox.nextWhere((m): m is Extract<typeof m, { type: 'ctl' }> => m.type === 'ctl' && JSON.stringify(m.msg).includes('hello over tcp'), 3000);
      assert.ok(chat);
      cust.sendRaw(Buffer.alloc(20_000));
      const err = await cust.inbox.nextWhere((m): m is Extract<typeof m, { type: 'ctl' }> => m.type === 'ctl' && JSON.stringify(m.msg).includes('not a media fragment'), 3000);
      assert.ok(err);
    } finally {
      customer.c.close();
      agent.c.close();
    }
  });

  test('ctl on the websocket before transport-fallback is refused', async () => {
    const c = await NdcClient.open({ relayUrl: suite.t().relay.url, role: 'customer', isRtc: false });
    try {
      c.sendRaw(JSON.stringify({ type: 'ctl', msg: { type: 'keyframe-request' } }));
      const err = await c.next('error');
      assert.equal(err.code, 'forbidden');
    } finally {
      c.close();
    }
  });
});
