import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIRST_PAGE, currentCursor, hasPrevious, nextPage, pageNumber, previousPage } from './Pager.ts';

test('next and previous walk keyset pages and come back to the same cursors', () => {
  let p = FIRST_PAGE;
  assert.equal(currentCursor(p), null);
  assert.equal(hasPrevious(p), false);
  p = nextPage(p, 'c2');
  p = nextPage(p, 'c3');
  assert.deepEqual([pageNumber(p), currentCursor(p)], [3, 'c3']);
  p = previousPage(p);
  assert.deepEqual([pageNumber(p), currentCursor(p), hasPrevious(p)], [2, 'c2', true]);
  p = previousPage(previousPage(p));
  assert.deepEqual([pageNumber(p), currentCursor(p)], [1, null]);
});

test('there is no page after the last one', () => {
  const p = nextPage(FIRST_PAGE, 'c2');
  assert.equal(nextPage(p, null), p);
});
