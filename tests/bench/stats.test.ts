import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Histogram, longestGapMs, percentile, quantiles, shownAgeMs } from './stats.ts';

test('percentiles by nearest rank', () => {
  const v = [5, 1, 4, 2, 3];
  assert.equal(percentile(v, 50), 3);
  assert.equal(percentile(v, 95), 5);
  assert.equal(percentile(v, 0), 1);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('quantiles give 101 points from min to max', () => {
  const q = quantiles([10, 30, 20]);
  assert.equal(q.length, 101);
  assert.equal(q[0], 10);
  assert.equal(q[50], 20);
  assert.equal(q[100], 30);
  assert.deepEqual(quantiles([]), []);
});

test('a histogram percentile never underestimates and merges exactly', () => {
  const a = new Histogram(0.5, 100);
  const b = new Histogram(0.5, 100);
  for (let i = 0; i < 99; i++) a.add(1.2);
  b.add(7.3);
  a.merge(b.counts, b.overflow, b.max);
  assert.equal(a.total, 100);
  assert.equal(a.percentile(50), 1.5);
  assert.equal(a.percentile(99), 1.5);
  assert.equal(a.percentile(100), 7.5);
  a.add(1000);
  assert.equal(a.overflow, 1);
  assert.equal(a.percentile(100), 1000, 'overflow reports the true maximum');
});

test('the picture\'s age on screen is a time average: the same latency at twice the frame rate is a younger picture', () => {
  const at = (fps: number, n: number, latency: number) => Array.from({ length: n }, (_, i) => ({ at: (i * 1000) / fps, latency }));
  // 40 ms old when drawn, then it ages by half a frame interval on average.
  const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} is not ${b}`);
  near(shownAgeMs(at(30, 31, 40)), 40 + 1000 / 30 / 2);
  near(shownAgeMs(at(60, 61, 40)), 40 + 1000 / 60 / 2);
  // A frame without a reading does not count, nor does the time it stays on screen.
  assert.equal(shownAgeMs([{ at: 0, latency: 10 }, { at: 10 }, { at: 1000, latency: 10 }, { at: 1010, latency: 10 }]), 15);
  assert.ok(Number.isNaN(shownAgeMs([{ at: 0, latency: 10 }])));
});

test('the longest freeze is the biggest gap between draws, up to the end of the window', () => {
  assert.equal(longestGapMs([100, 400, 200], 450), 200);
  assert.equal(longestGapMs([100, 150], 2150), 2000, 'nothing drawn after the last frame counts');
  assert.ok(Number.isNaN(longestGapMs([], 1000)));
});
