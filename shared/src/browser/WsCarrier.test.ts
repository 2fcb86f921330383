/**
 * The client's end of the TCP fallback on a fake socket: media is refused past its cap and the
 * encoder is told once the socket drained; ctl goes out as an envelope; a relay that needed the
 * fallback is remembered for a while.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_WS_MEDIA_BUFFERED_BYTES, REMEMBER_FALLBACK_MS, WsCarrier, fellBackRecently, rememberFallback } from './WsCarrier.ts';

class FakeSocket {
  readonly OPEN = 1;
  readyState = 1;
  binaryType = 'blob';
  bufferedAmount = 0;
  readonly sent: (string | Uint8Array)[] = [];
  send(data: string | Uint8Array): void {
    this.sent.push(data);
    this.bufferedAmount += typeof data === 'string' ? data.length : data.byteLength;
  }
}

test('media past the cap is refused; the sender hears once the socket drained', async () => {
  const ws = new FakeSocket();
  let drained = 0;
  const carrier = new WsCarrier(ws as unknown as WebSocket, () => drained++);
  assert.equal(ws.binaryType, 'arraybuffer');
  let accepted = 0;
  while (carrier.sendMedia(new Uint8Array(16_000))) accepted++;
  assert.ok(accepted * 16_000 > MAX_WS_MEDIA_BUFFERED_BYTES && accepted * 16_000 <= MAX_WS_MEDIA_BUFFERED_BYTES + 16_000);
  assert.equal(carrier.sendCtl({ type: 'keyframe-request' } as never), true, 'ctl is never refused for media');
  assert.deepEqual(JSON.parse(String(ws.sent.at(-1))), { type: 'ctl', msg: { type: 'keyframe-request' } });
  ws.bufferedAmount = 0;
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(drained, 1);
  carrier.close();
  ws.readyState = 3;
  assert.equal(carrier.sendMedia(new Uint8Array(10)), false);
});

test('a ctl envelope from the relay is parsed as the ctl channel would; a bad one is dropped', () => {
  const request = { type: 'keyframe-request', sessionId: 'AAAAAAAAAAAAAAAAAAAAAA' };
  assert.deepEqual(WsCarrier.parseCtl(request), request);
  const warn = console.warn;
  console.warn = () => {};
  try {
    assert.equal(WsCarrier.parseCtl({ type: 'no-such-message' }), null);
  } finally {
    console.warn = warn;
  }
});

test('a relay that needed the fallback is remembered for a while', () => {
  const url = 'ws://relay.test/ws';
  assert.equal(fellBackRecently(url, 1000), false);
  rememberFallback(url, 1000);
  assert.equal(fellBackRecently(url, 1000 + REMEMBER_FALLBACK_MS - 1), true);
  assert.equal(fellBackRecently(url, 1000 + REMEMBER_FALLBACK_MS), false);
});
