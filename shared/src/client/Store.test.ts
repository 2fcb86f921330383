import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Store } from './Store.ts';

test('subscribers hear every new snapshot until they unsubscribe', () => {
  const store = new Store({ n: 0 });
  const seen: number[] = [];
  const off = store.subscribe(() => seen.push(store.getSnapshot().n));
  store.set({ n: 1 });
  off();
  store.set({ n: 2 });
  assert.deepEqual(seen, [1]);
  assert.equal(store.getSnapshot().n, 2);
});

test('a disposed store keeps its last snapshot, tells nobody and takes no new one', () => {
  const store = new Store('a');
  let calls = 0;
  store.subscribe(() => calls++);
  store.dispose();
  store.set('b');
  store.subscribe(() => calls++)();
  assert.equal(calls, 0);
  assert.equal(store.getSnapshot(), 'a');
});
