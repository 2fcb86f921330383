import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyframeGate, MAX_DECODE_QUEUE, MAX_DECODE_WAIT_MS, MAX_KEYFRAME_RETRY_MS } from './KeyframeGate.ts';

const key = (seq: number) => ({ seq, isKey: true });
const delta = (seq: number) => ({ seq, isKey: false });

test('asks for a keyframe at start and skips deltas until one arrives', () => {
  const g = new KeyframeGate();
  assert.equal(g.shouldRequestKeyframe(0), true);
  assert.equal(g.shouldRequestKeyframe(10), false);
  assert.deepEqual(g.onFrame(delta(7), 0), { decode: false, reason: 'waiting-for-key' });
  assert.deepEqual(g.onFrame(key(8), 0), { decode: true });
  assert.deepEqual(g.onFrame(delta(9), 0), { decode: true });
  assert.equal(g.waitingForKey, false);
  assert.equal(g.shouldRequestKeyframe(5000), false);
});

test('a sequence gap skips deltas and requests a keyframe', () => {
  const g = new KeyframeGate();
  g.shouldRequestKeyframe(0);
  g.onFrame(key(1), 0);
  g.onFrame(delta(2), 0);
  assert.deepEqual(g.onFrame(delta(4), 0), { decode: false, reason: 'gap' });
  assert.equal(g.shouldRequestKeyframe(1000), true);
  assert.deepEqual(g.onFrame(delta(5), 0), { decode: false, reason: 'waiting-for-key' });
  assert.deepEqual(g.onFrame(key(6), 0), { decode: true });
  assert.deepEqual(g.onFrame(delta(7), 0), { decode: true });
});

test('sequence numbers wrap at 2^32 without a false gap', () => {
  const g = new KeyframeGate();
  g.onFrame(key(0xffffffff), 0);
  assert.deepEqual(g.onFrame(delta(0), 0), { decode: true });
  assert.deepEqual(g.onFrame(delta(1), 0), { decode: true });
});

test('a backed-up decoder drops deltas until the next keyframe', () => {
  const g = new KeyframeGate();
  g.onFrame(key(1), 0);
  assert.deepEqual(g.onFrame(delta(2), MAX_DECODE_QUEUE), { decode: true });
  assert.deepEqual(g.onFrame(delta(3), MAX_DECODE_QUEUE + 1), { decode: false, reason: 'backlog' });
  assert.deepEqual(g.onFrame(delta(4), 0), { decode: false, reason: 'waiting-for-key' });
  assert.equal(g.onFrame(key(5), MAX_DECODE_QUEUE + 1).decode, true); // keyframes always go in: they reset the decoder's needs
  assert.equal(g.skippedFrames, 2);
});

test('a burst of deltas that arrived together behind a keyframe is not a backlog', () => {
  const g = new KeyframeGate();
  g.onFrame(key(1), 0, 0);
  for (let seq = 2; seq < 12; seq++) assert.deepEqual(g.onFrame(delta(seq), seq, 3), { decode: true }, `delta ${seq} queued 3 ms ago`);
  assert.deepEqual(g.onFrame(delta(12), MAX_DECODE_QUEUE + 1, MAX_DECODE_WAIT_MS), { decode: false, reason: 'backlog' }, 'the decoder really is behind');
});

test('keyframe requests are rate-limited and not repeated while one is on its way', () => {
  const g = new KeyframeGate({ minIntervalMs: 300, retryMs: 2000 });
  assert.equal(g.shouldRequestKeyframe(1000), true);
  g.onFrame(key(1), 0);
  g.needKey(); // decoder error 100 ms later
  assert.equal(g.shouldRequestKeyframe(1100), false, 'within 300 ms of the last request');
  assert.equal(g.shouldRequestKeyframe(1300), true);
  g.needKey(); // more loss while waiting: no new request
  g.onFrame(delta(9), 0);
  assert.equal(g.shouldRequestKeyframe(1700), false);
  assert.equal(g.shouldRequestKeyframe(3299), false);
  assert.equal(g.shouldRequestKeyframe(3300), true, 'retried when no keyframe came for 2 s');
  assert.equal(g.keyframeRequests, 3);
});

test('reset forgets the sequence and waits for a keyframe again', () => {
  const g = new KeyframeGate();
  g.shouldRequestKeyframe(0);
  g.onFrame(key(100), 0);
  g.reset();
  assert.equal(g.shouldRequestKeyframe(1000), true);
  assert.equal(g.onFrame(delta(1), 0).decode, false);
  assert.equal(g.onFrame(key(1), 0).decode, true);
});

test('while hidden only keyframes are decoded and none is asked for; shown again, one is asked for at once', () => {
  const g = new KeyframeGate({ minIntervalMs: 300, retryMs: 2000 });
  assert.equal(g.shouldRequestKeyframe(0), true);
  g.onFrame(key(1), 0);
  g.setVisible(false);
  assert.equal(g.visible, false);
  assert.deepEqual(g.onFrame(delta(2), 0), { decode: false, reason: 'hidden' }, 'a delta still on its way is not decoded');
  assert.deepEqual(g.onFrame(key(9), 0), { decode: true }, 'keyframes keep the picture roughly current');
  assert.deepEqual(g.onFrame(delta(10), 0), { decode: false, reason: 'hidden' });
  g.needKey(); // a frame lost on the way: still nothing asked while hidden
  for (let t = 100; t < 10_000; t += 100) assert.equal(g.shouldRequestKeyframe(t), false, `asked at ${t} ms while hidden`);
  g.setVisible(true);
  assert.equal(g.shouldRequestKeyframe(10_000), true, 'shown: asked at once');
  assert.equal(g.shouldRequestKeyframe(10_050), false);
  assert.deepEqual(g.onFrame(delta(11), 0), { decode: false, reason: 'waiting-for-key' });
  assert.deepEqual(g.onFrame(key(12), 0), { decode: true });
  assert.deepEqual(g.onFrame(delta(13), 0), { decode: true });
  assert.equal(g.keyframeRequests, 2);
});

test('shown again right after a request, the rate limit does not delay the picture', () => {
  const g = new KeyframeGate({ minIntervalMs: 300, retryMs: 2000 });
  g.onFrame(key(1), 0);
  g.needKey();
  assert.equal(g.shouldRequestKeyframe(1000), true);
  g.setVisible(false);
  g.setVisible(true);
  assert.equal(g.shouldRequestKeyframe(1010), true);
});

test('hidden and shown with nothing skipped in between: no keyframe is needed', () => {
  const g = new KeyframeGate();
  g.shouldRequestKeyframe(0);
  g.onFrame(key(1), 0);
  g.setVisible(false);
  g.setVisible(true);
  g.setVisible(true);
  assert.equal(g.shouldRequestKeyframe(5000), false);
  assert.deepEqual(g.onFrame(delta(2), 0), { decode: true });
});

test('a keyframe still arriving on a slow link is not asked for again', () => {
  const gate = new KeyframeGate({ minIntervalMs: 300, retryMs: 2000 });
  assert.equal(gate.shouldRequestKeyframe(0), true);
  // Its fragments trickle in for 3 s: no repeat while they do.
  for (let t = 500; t <= 3000; t += 500) {
    gate.onKeyArriving(t);
    assert.equal(gate.shouldRequestKeyframe(t + 100), false, `at ${t + 100} ms`);
  }
  // It stopped arriving: asked again after the retry time.
  assert.equal(gate.shouldRequestKeyframe(5000), true);
});

test('a stream that starts now brings its own keyframe: nothing is asked for', () => {
  const g = new KeyframeGate();
  g.expectKey(0);
  assert.equal(g.shouldRequestKeyframe(10), false);
  assert.equal(g.shouldRequestKeyframe(1000), false);
  assert.deepEqual(g.onFrame(key(1), 0), { decode: true });
  assert.deepEqual(g.onFrame(delta(2), 0), { decode: true });
  assert.equal(g.shouldRequestKeyframe(5000), false);
  assert.equal(g.keyframeRequests, 0);
});

test('joining a running stream (a delta first) asks for a keyframe at once', () => {
  const g = new KeyframeGate();
  g.expectKey(0);
  assert.deepEqual(g.onFrame(delta(40), 0), { decode: false, reason: 'waiting-for-key' });
  assert.equal(g.shouldRequestKeyframe(20), true);
  assert.deepEqual(g.onFrame(key(41), 0), { decode: true });
});

test('after a new stream-config the old stream’s last deltas are skipped and the keyframe that follows is not asked for', () => {
  const g = new KeyframeGate();
  g.onFrame(key(1), 0);
  g.onFrame(delta(2), 0);
  g.expectKey(100);
  assert.deepEqual(g.onFrame(delta(3), 0), { decode: false, reason: 'waiting-for-key' });
  assert.equal(g.shouldRequestKeyframe(200), false);
  assert.deepEqual(g.onFrame(key(4), 0), { decode: true });
  assert.equal(g.keyframeRequests, 0);
});

test('an expected keyframe that does not come is asked for after the retry time, later while one is still arriving', () => {
  const g = new KeyframeGate({ retryMs: 2000 });
  g.expectKey(0);
  assert.equal(g.shouldRequestKeyframe(1999), false);
  g.onKeyArriving(1500);
  assert.equal(g.shouldRequestKeyframe(3000), false, 'its fragments are still coming');
  assert.equal(g.shouldRequestKeyframe(3500), true);
});

test('a loss soon after an expected keyframe arrived asks at once, however long the wait for that keyframe was', () => {
  const g = new KeyframeGate({ minIntervalMs: 300, retryMs: 2000 });
  g.onFrame(key(1), 0);
  g.expectKey(1000, 5000);
  assert.equal(g.onFrame(key(2), 0).decode, true);
  assert.deepEqual(g.onFrame(delta(4), 0), { decode: false, reason: 'gap' });
  assert.equal(g.shouldRequestKeyframe(1500), true, 'asked at once, not 5 s after the stream-config');
});

test('the retry wait follows how long the last keyframe took to arrive', () => {
  const g = new KeyframeGate({ minIntervalMs: 300, retryMs: 2000 });
  g.onKeyTransfer(30); // a LAN: the floor stands
  assert.equal(g.retryWaitMs, 2000);
  g.onKeyTransfer(1500); // 30 kB at 20 kB/s
  assert.equal(g.retryWaitMs, 4000);
  assert.equal(g.shouldRequestKeyframe(0), true);
  g.onFrame(key(1), 0);
  g.needKey();
  assert.equal(g.shouldRequestKeyframe(300), true);
  assert.equal(g.shouldRequestKeyframe(2300), false, 'a keyframe may still be waiting for room on the slow link');
  assert.equal(g.shouldRequestKeyframe(4300), true, 'asked again after twice its transfer time and a second');
  g.onKeyTransfer(60_000);
  assert.equal(g.retryWaitMs, MAX_KEYFRAME_RETRY_MS, 'bounded');
});
