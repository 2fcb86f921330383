import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openTestDatabase } from '../testing/testDatabase.ts';
import { IdBlocks } from './IdBlocks.ts';

test('two relays on one database never give the same ID, each in call order, after the rows written before blocks', async () => {
  const db = await openTestDatabase();
  try {
    await db.run('CREATE TABLE seed_rows (id INTEGER PRIMARY KEY)');
    await db.run('INSERT INTO seed_rows (id) VALUES (41)');
    const a = new IdBlocks(db, 'seed_rows', 'seed_rows', 10);
    const b = new IdBlocks(db, 'seed_rows', 'seed_rows', 10);
    const fromA: number[] = [];
    const fromB: number[] = [];
    await Promise.all(Array.from({ length: 25 }, async () => {
      fromA.push(await a.take());
      fromB.push(await b.take());
    }));
    const all = [...fromA, ...fromB];
    assert.equal(new Set(all).size, 50, 'unique');
    assert.equal(Math.min(...all), 42, 'the first block starts after the highest existing row');
    for (const ids of [fromA, fromB]) assert.deepEqual(ids, [...ids].sort((x, y) => x - y), 'in call order');
  } finally {
    await db.close();
  }
});
