import assert from 'node:assert/strict';
import { test } from 'node:test';
import { percentile } from './stats.ts';

test('percentiles by nearest rank', () => {
  const v = [5, 1, 4, 2, 3];
  assert.equal(percentile(v, 50), 3);
  assert.equal(percentile(v, 95), 5);
  assert.equal(percentile(v, 0), 1);
  assert.ok(Number.isNaN(percentile([], 50)));
});
