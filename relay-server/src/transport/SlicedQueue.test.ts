import assert from 'node:assert/strict';
import { test } from 'node:test';
import { performance } from 'node:perf_hooks';
import { SLICE_MS, SlicedQueue } from './SlicedQueue.ts';

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* spin */
  }
};

test('a lone item is handled at once; a burst is handled in order, in slices, letting the event loop run between them', async () => {
  const seen: number[] = [];
  const q = new SlicedQueue<number>((n) => {
    seen.push(n);
    busy(2);
  });
  q.push(0);
  assert.deepEqual(seen, [0], 'handled at once');
  let timerRanAfter: number | null = null;
  setTimeout(() => (timerRanAfter = seen.length), 0);
  for (let i = 1; i <= 40; i++) q.push(i);
  assert.ok(seen.length < 40, `not all in one stretch (${seen.length})`);
  assert.ok(seen.length <= Math.ceil(SLICE_MS / 2) + 1);
  while (q.waiting > 0) await new Promise((r) => setImmediate(r));
  assert.deepEqual(seen, Array.from({ length: 41 }, (_, i) => i), 'all, in order');
  await new Promise((r) => setTimeout(r, 5));
  assert.ok(timerRanAfter !== null && timerRanAfter < 41, `a timer ran before the burst was done (after ${timerRanAfter})`);
});

test('what waits is measured', async () => {
  const q = new SlicedQueue<string>(() => busy(SLICE_MS + 1), (s) => s.length);
  q.push('first');
  q.push('abc');
  q.push('de');
  assert.equal(q.waiting, 2);
  assert.equal(q.waitingSize, 5);
  while (q.waiting > 0) await new Promise((r) => setImmediate(r));
  assert.equal(q.waitingSize, 0);
});

test('closing drops what waits', async () => {
  const seen: number[] = [];
  const q = new SlicedQueue<number>((n) => {
    seen.push(n);
    busy(3);
  });
  for (let i = 0; i < 20; i++) q.push(i);
  q.close();
  q.push(99);
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(seen.length < 20 && !seen.includes(99));
});
