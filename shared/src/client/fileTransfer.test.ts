import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { ReceiveCursor, RateMeter, SendWindow } from './fileTransfer.ts';
import { Sha256 } from '../sha256.ts';
import { decodeChunk, encodeChunk, FT_CHUNK_BYTES, isFileChunk, RelativePath } from '../protocol/fileTransfer.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('Sha256 matches node:crypto for every length around the block edges, fed in pieces', () => {
  const data = randomBytes(300);
  for (let n = 0; n <= 300; n += 7) {
    const h = new Sha256();
    for (let i = 0; i < n; i += 13) h.update(data.subarray(i, Math.min(n, i + 13)));
    assert.equal(h.hex(), sha(data.subarray(0, n)), `length ${n}`);
  }
  for (const n of [55, 56, 63, 64, 65, 119, 120, 128]) assert.equal(new Sha256().update(data.subarray(0, n)).hex(), sha(data.subarray(0, n)));
});

/** Moves `file` from a SendWindow to a ReceiveCursor; `lose` drops chunks (a broken link) until the rewind. */
function move(file: Uint8Array, lose: (offset: number) => boolean): { out: Uint8Array; sender: string; receiver: string; rewinds: number } {
  const send = new SendWindow(file.byteLength, 4096, 1000);
  const recv = new ReceiveCursor(file.byteLength, 2000);
  const out = new Uint8Array(file.byteLength);
  let rewinds = 0;
  let lastAck = 0;
  while (!send.isComplete) {
    let moved = false;
    while (send.canSend()) {
      const { offset, length } = send.next();
      const data = file.subarray(offset, offset + length);
      send.markSent(offset, data);
      moved = true;
      if (lose(offset)) continue;
      const fresh = recv.take(offset, data);
      if (fresh) out.set(fresh, recv.received - fresh.byteLength);
      const ack = recv.ackDue();
      if (ack !== null) {
        lastAck = ack;
        send.ack(ack);
      }
    }
    if (!moved || send.sent - send.acked >= 4096 || send.sent === file.byteLength) {
      // Stalled: what the relay does after a resume.
      if (!send.isComplete) {
        rewinds++;
        send.rewind(lastAck);
      }
    }
    assert.ok(rewinds < 1000, 'no endless loop');
  }
  return { out, sender: send.digest(), receiver: recv.digest(), rewinds };
}

test('a file arrives whole with matching hashes, acknowledged in windows', () => {
  const file = randomBytes(50_123);
  const r = move(file, () => false);
  assert.deepEqual(Buffer.from(r.out), file);
  assert.equal(r.sender, sha(file));
  assert.equal(r.receiver, sha(file));
});

test('chunks lost on a dropped link are sent again from the last acknowledgement, and no byte is hashed twice', () => {
  const file = randomBytes(40_000);
  const lost = new Set([5000, 6000, 21000, 39000]);
  const r = move(file, (offset) => lost.delete(offset));
  assert.ok(r.rewinds >= 3);
  assert.deepEqual(Buffer.from(r.out), file);
  assert.equal(r.sender, sha(file));
  assert.equal(r.receiver, sha(file));
});

test('a resent chunk that overlaps what the receiver holds is trimmed; a gap or an overflow is refused', () => {
  const recv = new ReceiveCursor(10, 100);
  assert.deepEqual(recv.take(0, new Uint8Array([1, 2, 3, 4])), new Uint8Array([1, 2, 3, 4]));
  assert.deepEqual(recv.take(2, new Uint8Array([3, 4, 5, 6])), new Uint8Array([5, 6]));
  assert.equal(recv.take(8, new Uint8Array([9])), null, 'a gap');
  assert.equal(recv.take(0, new Uint8Array([1, 2])), null, 'nothing new');
  assert.equal(recv.take(6, new Uint8Array(5)), null, 'past the end');
  assert.equal(recv.ackDue(), null, 'not yet');
  recv.take(6, new Uint8Array([7, 8, 9, 10]));
  assert.equal(recv.ackDue(), 10, 'the end is always acknowledged');
  assert.equal(recv.digest(), sha(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])));
});

/** Sends what the window lets go into `recv`; returns the acknowledgements the receiver gave (each passed to `deliver`). */
function sendAll(file: Uint8Array, send: SendWindow, recv: ReceiveCursor, deliver: (ack: number) => boolean): number[] {
  const acks: number[] = [];
  while (send.canSend()) {
    const { offset, length } = send.next();
    const data = file.subarray(offset, offset + length);
    send.markSent(offset, data);
    recv.take(offset, data);
    const ack = recv.ackDue();
    if (ack === null) continue;
    acks.push(ack);
    if (deliver(ack)) send.ack(ack);
  }
  return acks;
}

test('acknowledgements lost in a drop are given again for the chunks the sender resends, even when the receiver already holds every byte', () => {
  const file = randomBytes(10_000);
  const send = new SendWindow(file.byteLength, 20_000, 1000);
  const recv = new ReceiveCursor(file.byteLength, 3000);
  // Every chunk arrives, but the link drops after the first acknowledgement: the rest never reach the sender.
  assert.deepEqual(sendAll(file, send, recv, (ack) => ack <= 3000), [3000, 6000, 9000, 10_000]);
  assert.ok(recv.isComplete);
  assert.equal(send.acked, 3000);
  // After the resume the relay rewinds the sender to the last acknowledgement that reached it.
  send.rewind(3000);
  // The resent chunks bring nothing new; before the fix they brought no acknowledgement either, and the file never ended.
  assert.deepEqual(sendAll(file, send, recv, () => true), [6000, 9000, 10_000]);
  assert.ok(send.isComplete);
  assert.equal(send.digest(), sha(file));
  assert.equal(recv.digest(), sha(file));
});

test('after a rewind to before what the receiver holds, acknowledgements follow the resent chunks and then the new ones', () => {
  const file = randomBytes(10_000);
  const send = new SendWindow(file.byteLength, 20_000, 1000);
  const recv = new ReceiveCursor(file.byteLength, 3000);
  // The receiver got 7000 bytes before the drop; the acknowledgement of 6000 was lost with the link.
  for (let offset = 0; offset < 7000; offset += 1000) {
    const data = file.subarray(offset, offset + 1000);
    send.markSent(offset, data);
    recv.take(offset, data);
    const ack = recv.ackDue();
    if (ack === 3000) send.ack(ack);
  }
  send.rewind(3000);
  // An acknowledgement never goes past a chunk the sender has (re)sent: the relay drops one past what it passed on.
  assert.deepEqual(sendAll(file, send, recv, () => true), [6000, 9000, 10_000]);
  assert.equal(send.digest(), sha(file));
  assert.equal(recv.digest(), sha(file));
});

test('the sender ignores an acknowledgement it cannot have earned, and an empty file is complete at once', () => {
  const send = new SendWindow(100, 50, 10);
  send.markSent(0, new Uint8Array(10));
  assert.equal(send.ack(20), false);
  assert.equal(send.ack(10), true);
  assert.equal(send.ack(5), false);
  assert.throws(() => send.markSent(30, new Uint8Array(10)));
  assert.throws(() => send.digest());
  const empty = new SendWindow(0);
  assert.equal(empty.canSend(), false);
  assert.equal(empty.digest(), sha(new Uint8Array(0)));
});

test('the rate meter gives speed and time left', () => {
  const m = new RateMeter(3000);
  m.add(0, 0);
  assert.equal(m.secondsLeft(100), null);
  m.add(1000, 1_000_000);
  assert.equal(m.bytesPerSecond(), 1_000_000);
  assert.equal(m.secondsLeft(2_500_000), 3);
});

test('chunks encode and decode; picture fragments and malformed chunks are told apart', () => {
  const data = randomBytes(100);
  const msg = encodeChunk({ lane: 7, offset: 2 ** 40 + 3 }, data);
  assert.ok(isFileChunk(msg));
  const d = decodeChunk(msg);
  assert.ok(d.ok);
  assert.deepEqual(d.header, { lane: 7, offset: 2 ** 40 + 3 });
  assert.deepEqual(Buffer.from(d.data), data);
  assert.equal(isFileChunk(new Uint8Array([0xb7, 0])), false);
  assert.equal(decodeChunk(msg.subarray(0, 8)).ok, false);
  assert.equal(decodeChunk(new Uint8Array(FT_CHUNK_BYTES + 1).fill(0xb9, 0, 1)).ok, false);
  const bad = encodeChunk({ lane: 1, offset: 0.5 }, data);
  assert.equal(decodeChunk(bad).ok, false);
});

test('relative paths stay inside the chosen folder', () => {
  for (const ok of ['a.txt', 'folder/sub/a b.txt', 'résumé.pdf']) assert.ok(RelativePath.safeParse(ok).success, ok);
  for (const bad of ['/etc/passwd', '../x', 'a/../b', 'a\\b', 'C:/x', 'a//b', 'a/', 'dot.', ' lead', 'a/./b']) assert.ok(!RelativePath.safeParse(bad).success, bad);
});
