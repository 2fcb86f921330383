import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bands, fitLabel, labelStride, labelUnits, niceTicks, yOf } from './chartScale.ts';

test('axis ticks are round numbers that cover the data', () => {
  assert.deepEqual(niceTicks(47), { ticks: [0, 10, 20, 30, 40, 50], top: 50, step: 10 });
  assert.deepEqual(niceTicks(100).ticks, [0, 20, 40, 60, 80, 100]);
  assert.deepEqual(niceTicks(7.3).ticks, [0, 2, 4, 6, 8]);
  assert.deepEqual(niceTicks(0.9).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
  for (const max of [1, 3, 13, 99, 101, 1234, 0.07]) {
    const t = niceTicks(max);
    assert.ok(t.top >= max && t.ticks.length >= 2 && t.ticks.length <= 8, `max ${max}: ${t.ticks.join(',')}`);
  }
});

test('session counts never get half-step ticks, and an empty chart still has an axis', () => {
  assert.deepEqual(niceTicks(3, 5, true).ticks, [0, 1, 2, 3]);
  assert.deepEqual(niceTicks(0, 5, true), { ticks: [0, 1], top: 1, step: 1 });
  assert.deepEqual(niceTicks(Number.NaN).ticks, [0, 1]);
});

test('bars get equal bands with gaps, inside the plot', () => {
  const b = bands(4, 400, 0.25);
  assert.equal(b.length, 4);
  assert.deepEqual(b.map((x) => [x.x, x.width]), [[12.5, 75], [112.5, 75], [212.5, 75], [312.5, 75]]);
  assert.deepEqual(bands(0, 400), []);
});

test('values map to y from the bottom of the plot, clamped', () => {
  assert.equal(yOf(0, 50, 200), 200);
  assert.equal(yOf(50, 50, 200), 0);
  assert.equal(yOf(25, 50, 200), 100);
  assert.equal(yOf(80, 50, 200), 0);
  assert.equal(yOf(5, 0, 200), 200);
});

test('x labels thin out when they would overlap', () => {
  assert.equal(labelStride(7, 700, 60), 1);
  assert.equal(labelStride(30, 600, 60), 3);
  assert.equal(labelStride(90, 600, 60), 9);
});

test('long seat names are cut by display width, CJK counting double', () => {
  assert.equal(fitLabel('Alice', 8), 'Alice');
  assert.equal(fitLabel('Alexandra Stone', 8), 'Alexand…');
  assert.equal(labelUnits('张伟'), 4);
  assert.equal(fitLabel('欧阳娜娜工程师', 8), '欧阳娜…');
  assert.ok(labelUnits(fitLabel('欧阳娜娜工程师', 8)) <= 8);
});
