import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSameBytes } from './sameBytes.ts';

test('one changed byte anywhere, even in the unaligned tail, makes pictures differ', () => {
  const a = new Uint8Array(1283).map((_, i) => i & 0xff);
  assert.equal(isSameBytes(a, a.slice()), true);
  for (const at of [0, 640, 1281, 1282]) {
    const b = a.slice();
    b[at] = (b[at] as number) ^ 1;
    assert.equal(isSameBytes(a, b), false, `byte ${at}`);
  }
  assert.equal(isSameBytes(a, a.subarray(1)), false, 'other lengths');
  assert.equal(isSameBytes(a.subarray(1), a.slice(1)), true, 'unaligned views');
});
