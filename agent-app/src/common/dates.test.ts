import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DAY_MS, MAX_CHART_DAYS, addDays, dayStart, durationParts, durationUnit, fillDays, lastDays, rangeBounds, ymdAt } from './dates.ts';

const CHINA = 480;

test('a day in China starts 8 hours before UTC midnight', () => {
  assert.equal(dayStart('2025-03-10', CHINA), Date.UTC(2025, 2, 9, 16));
  assert.equal(dayStart('2025-03-10', -300), Date.UTC(2025, 2, 10, 5));
  assert.equal(ymdAt(Date.UTC(2025, 2, 9, 16), CHINA), '2025-03-10');
  assert.equal(ymdAt(Date.UTC(2025, 2, 9, 15, 59), CHINA), '2025-03-09');
});

test('impossible dates are refused instead of rolling over', () => {
  assert.equal(dayStart('2025-02-29', 0), null);
  assert.equal(dayStart('2024-02-29', 0), Date.UTC(2024, 1, 29));
  assert.equal(dayStart('2025-13-01', 0), null);
  assert.equal(dayStart('yesterday', 0), null);
});

test('an inclusive day range becomes [start of first day, start of the day after the last)', () => {
  const b = rangeBounds('2025-03-01', '2025-03-31', CHINA);
  assert.equal(b.from, Date.UTC(2025, 1, 28, 16));
  assert.equal(b.to, Date.UTC(2025, 2, 31, 16));
  assert.deepEqual(rangeBounds(null, null, CHINA), { from: undefined, to: undefined });
  assert.deepEqual(rangeBounds('bad', '2025-03-01', 0), { from: undefined, to: Date.UTC(2025, 2, 2) });
});

test('the last 7 days include today, across a month end', () => {
  assert.deepEqual(lastDays(7, Date.UTC(2025, 2, 3, 20), CHINA), { from: '2025-02-26', to: '2025-03-04' });
  assert.equal(addDays('2024-12-31', 1), '2025-01-01');
});

test('days without requests are filled in so the x axis is even', () => {
  const rows = [{ day: '2025-03-02', n: 5 }, { day: '2025-03-04', n: 1 }];
  const filled = fillDays(rows, { from: '2025-03-01', to: '2025-03-05' }, (day) => ({ day, n: 0 }));
  assert.deepEqual(filled.map((r) => [r.day, r.n]), [['2025-03-01', 0], ['2025-03-02', 5], ['2025-03-03', 0], ['2025-03-04', 1], ['2025-03-05', 0]]);
  const huge = fillDays([], { from: '2000-01-01', to: '2025-01-01' }, (day) => ({ day }));
  assert.equal(huge.length, MAX_CHART_DAYS);
  assert.deepEqual(fillDays(rows, { from: '2025-03-09', to: '2025-03-01' }, (day) => ({ day, n: 0 })), rows, 'a reversed range keeps the data');
});

test('durations read as h/min, min/s or s', () => {
  assert.deepEqual(durationParts(3_725_000), { key: 'duration.hm', h: 1, m: 2 });
  assert.deepEqual(durationParts(187_400), { key: 'duration.ms', m: 3, s: 7 });
  assert.deepEqual(durationParts(41_600), { key: 'duration.s', s: 42 });
  assert.deepEqual(durationParts(-5), { key: 'duration.s', s: 0 });
  assert.equal(DAY_MS, 24 * 3600 * 1000);
});

test('duration charts pick the unit that keeps short sessions visible', () => {
  const short = durationUnit(2_400);
  assert.equal(short.key, 'stats.unitSeconds');
  assert.equal(short.scale(2_400), 2.4);
  const day = durationUnit(45 * 60_000);
  assert.equal(day.key, 'stats.unitMinutes');
  assert.equal(day.scale(90_000), 1.5);
  const month = durationUnit(30 * 3_600_000);
  assert.equal(month.key, 'stats.unitHours');
  assert.equal(month.scale(5_400_000), 1.5);
  assert.equal(durationUnit(0).key, 'stats.unitSeconds');
});
