/**
 * A client's attachments (CollabSession, run in Node: it needs only Blob, URL and WebCrypto):
 * an upload is offered with its SHA-256; a download is shown only if the bytes that arrived are
 * the offered file, in count and hash.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { CtlFromRelay, CtlToRelay } from '../protocol.ts';
import { CollabSession } from './CollabSession.ts';

const SESSION = 'session-0001';
const file = (size: number) => new Uint8Array(Array.from({ length: size }, (_, i) => (i * 13) % 256));
const hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
};

function receive(bytes: Uint8Array, chunks: Uint8Array[], offered = hex(bytes)): CollabSession {
  const s = new CollabSession(SESSION, 'agent', () => true);
  const transferId = 'transfer-01';
  const msgs: CtlFromRelay[] = [{ type: 'file-offer', sessionId: SESSION, from: 'customer', transferId, name: 'a.bin', mime: 'application/octet-stream', size: bytes.length, purpose: 'chat', sha256: offered }];
  let offset = 0;
  for (const c of chunks) {
    msgs.push({ type: 'file-chunk', sessionId: SESSION, transferId, offset, data: b64(c) });
    offset += c.length;
  }
  msgs.push({ type: 'file-done', sessionId: SESSION, file: { id: 1, transferId, name: 'a.bin', mime: 'application/octet-stream', size: bytes.length, purpose: 'chat' } });
  for (const m of msgs) s.handle(m);
  return s;
}

test('an upload is offered with the SHA-256 of its bytes', async () => {
  const sent: CtlToRelay[] = [];
  const s = new CollabSession(SESSION, 'customer', (m) => sent.push(m) > 0);
  const bytes = file(5000);
  await s.sendFile(new Blob([bytes]), 'a.bin');
  const offer = sent.find((m) => m.type === 'file-offer');
  assert.ok(offer?.type === 'file-offer');
  assert.equal(offer.sha256, hex(bytes));
  s.close();
});

test('a download whose bytes are the offered file is shown, whatever pieces it came in', async () => {
  const bytes = file(3000);
  const s = receive(bytes, [bytes.subarray(0, 1000), bytes.subarray(1000, 1001), bytes.subarray(1001)]);
  await until(() => s.getSnapshot().urls['transfer-01'] !== undefined);
  assert.ok(s.getSnapshot().urls['transfer-01']);
  assert.deepEqual(s.getSnapshot().transfers, []);
  s.close();
});

test('a download that misses a chunk or whose bytes differ is not shown: the transfer fails not-delivered', async () => {
  const bytes = file(3000);
  const short = receive(bytes, [bytes.subarray(0, 1000)]);
  const altered = file(3000);
  altered[10] = 99;
  const changed = receive(bytes, [altered]);
  for (const s of [short, changed]) {
    await until(() => s.getSnapshot().transfers[0]?.errorCode !== null);
    assert.equal(s.getSnapshot().transfers[0]?.errorCode, 'not-delivered');
    assert.equal(s.getSnapshot().urls['transfer-01'], undefined);
    s.close();
  }
});
