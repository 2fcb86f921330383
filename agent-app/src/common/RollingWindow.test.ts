import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatencyTracker, RollingWindow, kbpsFromBytesPerSecond } from './RollingWindow.ts';

test('counts frames drawn in the last second only', () => {
  const w = new RollingWindow();
  for (let i = 0; i < 30; i++) w.add(1, 1000 + i * 33);
  assert.equal(w.count(1000 + 29 * 33), 30);
  // Half a second later the first 15 frames (t <= 1500+957-1000) have left the window.
  assert.equal(w.count(2000 + 15 * 33), 14);
  assert.equal(w.count(10_000), 0);
});

test('sums bytes over the window and gives kbps', () => {
  const w = new RollingWindow();
  w.add(50_000, 0);
  w.add(75_000, 400);
  assert.equal(w.sum(900), 125_000);
  assert.equal(kbpsFromBytesPerSecond(w.sum(900)), 1000);
  assert.equal(w.sum(1200), 75_000); // the sample at t=0 is more than a second old
  assert.equal(w.sum(1400), 0);
});

test('stays exact over many samples (compaction)', () => {
  const w = new RollingWindow(100);
  let t = 0;
  for (let i = 0; i < 10_000; i++) w.add(0.1, (t += 1));
  assert.equal(w.count(t), 100);
  assert.ok(Math.abs(w.sum(t) - 10) < 1e-6);
  w.clear();
  assert.equal(w.count(t), 0);
});

test('latency is the median of recent round trips', () => {
  const l = new LatencyTracker(5);
  assert.equal(l.medianMs, null);
  l.add(10);
  assert.equal(l.medianMs, 10);
  l.add(12);
  assert.equal(l.medianMs, 11);
  for (const v of [11, 500, 9]) l.add(v);
  assert.equal(l.medianMs, 11); // one 500 ms outlier does not move it
  for (const v of [40, 41, 42, 43]) l.add(v);
  assert.equal(l.medianMs, 41); // only the last five count: 9 40 41 42 43
  l.add(Number.NaN);
  l.add(-1);
  assert.equal(l.medianMs, 41);
});
