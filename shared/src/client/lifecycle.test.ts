import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DisposableStore, Emitter, toDisposable } from './lifecycle.ts';

test('a store disposes what it owns once, newest first', () => {
  const order: string[] = [];
  const store = new DisposableStore();
  store.add(toDisposable(() => order.push('first')));
  store.add(() => order.push('second'));
  store.dispose();
  store.dispose();
  assert.deepEqual(order, ['second', 'first']);
  assert.equal(store.isDisposed, true);
});

test('something added after the store was disposed is disposed at once', () => {
  const store = new DisposableStore();
  store.dispose();
  let isDisposed = false;
  store.add(() => (isDisposed = true));
  assert.equal(isDisposed, true);
});

test('one disposable that throws does not keep the others alive', () => {
  const store = new DisposableStore();
  let isSecondDisposed = false;
  store.add(() => (isSecondDisposed = true));
  store.add(() => {
    throw new Error('boom');
  });
  const errors = console.error;
  console.error = () => undefined;
  try {
    store.dispose();
  } finally {
    console.error = errors;
  }
  assert.equal(isSecondDisposed, true);
});

test("a store's timers never fire after it was disposed", async () => {
  const store = new DisposableStore();
  let fired = 0;
  store.setTimeout(() => fired++, 5);
  store.setInterval(() => fired++, 5);
  store.dispose();
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(fired, 0);
});

test('an emitter calls every listener, survives one that throws, and stops calling removed ones', () => {
  const e = new Emitter<[number]>();
  const seen: number[] = [];
  const errors = console.error;
  console.error = () => undefined;
  const off = e.on((n) => seen.push(n));
  e.on(() => {
    throw new Error('listener bug');
  });
  try {
    e.fire(1);
    off();
    e.fire(2);
  } finally {
    console.error = errors;
  }
  assert.deepEqual(seen, [1]);
  assert.equal(e.size, 1);
  e.dispose();
  assert.equal(e.size, 0);
});

test('a listener removed by an earlier listener of the same event is not called', () => {
  const e = new Emitter();
  let isLateCalled = false;
  e.on(() => offLate());
  const offLate = e.on(() => (isLateCalled = true));
  e.fire();
  assert.equal(isLateCalled, false);
});
