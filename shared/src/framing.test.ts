import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FramingError,
  HEADER_BYTES,
  MAX_FRAGMENT_BYTES,
  MAX_FRAGMENTS,
  MAX_PAYLOAD_BYTES,
  MIN_PAYLOAD_BYTES,
  Reassembler,
  fragmentFrame,
  readHeader,
  writeHeader,
} from './framing.ts';

function frameOf(size: number, seed = 1): Uint8Array {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31 + seed) & 0xff;
  return data;
}

const META = { isKey: true, stream: 7, seq: 42, captureTs: 1_700_000_000_123.456 };

test('header round-trips every field', () => {
  const buf = new Uint8Array(HEADER_BYTES);
  const h = { isKey: false, fragIndex: 3, fragCount: 9, stream: 0xfffffffe, seq: 0xffffffff, captureTs: 12345.678 };
  writeHeader(buf, h);
  assert.deepEqual(readHeader(buf), h);
});

test('a large frame is split into fragments of at most 16 KiB and reassembled byte-identical', () => {
  const data = frameOf(100_000);
  const frags = fragmentFrame(data, META);
  assert.equal(frags.length, Math.ceil(100_000 / MAX_PAYLOAD_BYTES));
  for (const f of frags) assert.ok(f.byteLength <= MAX_FRAGMENT_BYTES);
  const r = new Reassembler();
  let out = null;
  for (const f of frags) out = r.push(f) ?? out;
  assert.ok(out);
  assert.equal(out.seq, 42);
  assert.equal(out.isKey, true);
  assert.equal(out.captureTs, META.captureTs);
  assert.deepEqual(out.data, data);
});

test('fragments arriving out of order and duplicated still give one frame', () => {
  const data = frameOf(50_000, 9);
  const frags = fragmentFrame(data, META);
  const r = new Reassembler();
  const order = [...frags].reverse();
  const results = [r.push(order[0]!), r.push(order[0]!), ...order.slice(1).map((f) => r.push(f))].filter(Boolean);
  assert.equal(results.length, 1);
  assert.deepEqual(results[0]!.data, data);
});

test('an empty frame travels as one fragment', () => {
  const frags = fragmentFrame(new Uint8Array(0), META);
  assert.equal(frags.length, 1);
  assert.equal(new Reassembler().push(frags[0]!)?.data.byteLength, 0);
});

test('a frame with a lost fragment is dropped after the timeout and does not block later frames', () => {
  let now = 0;
  const r = new Reassembler({ timeoutMs: 500, now: () => now });
  const lossy = fragmentFrame(frameOf(40_000), { ...META, seq: 1 });
  for (const f of lossy.slice(0, -1)) assert.equal(r.push(f), null);
  assert.equal(r.pendingCount, 1);
  now = 5000; // silent for longer than the timeout (and than a few fragments' time at any measured rate)
  const next = fragmentFrame(frameOf(40_000, 3), { ...META, seq: 2, isKey: false });
  let out = null;
  for (const f of next) out = r.push(f) ?? out;
  assert.equal(out?.seq, 2);
  assert.equal(r.pendingCount, 0);
  assert.equal(r.droppedFrames, 1);
  // The missing fragment arriving late starts a new incomplete frame rather than resurrecting the old one.
  assert.equal(r.push(lossy.at(-1)!), null);
});

test('pending frames are bounded', () => {
  const r = new Reassembler({ maxPending: 2 });
  for (let seq = 0; seq < 5; seq++) r.push(fragmentFrame(frameOf(20_000), { ...META, seq })[0]!);
  assert.equal(r.pendingCount, 2);
  assert.equal(r.droppedFrames, 3);
});

test('malformed fragments are refused with FramingError', () => {
  const good = fragmentFrame(frameOf(100), META)[0]!;
  const cases: [string, Uint8Array][] = [
    ['short', good.subarray(0, 10)],
    ['bad magic', Uint8Array.from(good, (b, i) => (i === 0 ? 0 : b))],
    ['unknown flags', Uint8Array.from(good, (b, i) => (i === 1 ? 0x80 : b))],
    ['index past count', Uint8Array.from(good, (b, i) => (i === 3 ? 5 : b))],
    ['oversized', new Uint8Array(MAX_FRAGMENT_BYTES + 1)],
  ];
  for (const [name, msg] of cases) {
    assert.throws(() => new Reassembler().push(msg), FramingError, name);
  }
});

test('a fragment that disagrees with its frame is refused', () => {
  const a = fragmentFrame(frameOf(40_000), META);
  const b = fragmentFrame(frameOf(40_000), { ...META, isKey: false });
  const r = new Reassembler();
  r.push(a[0]!);
  assert.throws(() => r.push(b[1]!), FramingError);
});

test('a sender on a slow link cuts frames finer, never below the minimum and never into more than MAX_FRAGMENTS', () => {
  const small = fragmentFrame(frameOf(10_000), META, 1200);
  assert.equal(small.length, Math.ceil(10_000 / 1200));
  for (const f of small) assert.ok(f.byteLength <= HEADER_BYTES + 1200);
  assert.equal(fragmentFrame(frameOf(10_000), META, 10).length, Math.ceil(10_000 / MIN_PAYLOAD_BYTES), 'clamped to the minimum payload');
  const huge = fragmentFrame(frameOf(2_000_000), META, 1200);
  assert.ok(huge.length <= MAX_FRAGMENTS);
  const r = new Reassembler();
  let out = null;
  for (const f of huge) out = r.push(f) ?? out;
  assert.equal(out?.data.byteLength, 2_000_000);
});

test('a frame still arriving slowly is kept: the timeout counts from its latest fragment', () => {
  let now = 0;
  const r = new Reassembler({ timeoutMs: 1000, now: () => now });
  // A 60 kB keyframe in 1 kB fragments on a 20 kB/s link: 3 s from first to last fragment.
  const frags = fragmentFrame(frameOf(60_000), META, 1000);
  let out = null;
  for (const f of frags) {
    out = r.push(f) ?? out;
    now += 50;
  }
  assert.equal(out?.data.byteLength, 60_000);
  assert.equal(r.droppedFrames, 0);
});

test('with big fragments on a slow link the allowed stall follows the measured rate', () => {
  let now = 0;
  const r = new Reassembler({ timeoutMs: 1000, now: () => now });
  // Full-size fragments at 12 kB/s: about 1.4 s apart, longer than the base timeout.
  const frags = fragmentFrame(frameOf(200_000), META);
  let out = null;
  for (const f of frags) {
    now += (f.byteLength / 12_000) * 1000; // a fragment arrives once the link has carried it
    out = r.push(f) ?? out;
  }
  assert.equal(out?.data.byteLength, 200_000);
  assert.equal(r.droppedFrames, 0);
  assert.ok(r.rate > 9_000 && r.rate < 15_000, `measured ${r.rate} B/s`);
  assert.ok(r.stallTimeoutMs > 4000, `stall allowance ${r.stallTimeoutMs} ms`);
});

test('a frame that stopped arriving is still dropped', () => {
  let now = 0;
  const r = new Reassembler({ timeoutMs: 1000, now: () => now });
  const frags = fragmentFrame(frameOf(20_000), META, 1000);
  for (const f of frags.slice(0, 10)) {
    r.push(f);
    now += 10;
  }
  now += 1500;
  r.expire(now);
  assert.equal(r.pendingCount, 0);
  assert.equal(r.droppedFrames, 1);
});
