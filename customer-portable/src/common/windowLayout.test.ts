import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BAR_SIZE, sessionBarBounds } from './windowLayout.ts';

test('the session bar sits at the top centre of the work area', () => {
  assert.deepEqual(sessionBarBounds({ x: 0, y: 0, width: 1920, height: 1040 }), { x: 680, y: 0, width: BAR_SIZE.width, height: BAR_SIZE.height });
  // A menu bar on top (macOS) or a display to the right of another: offsets are kept.
  assert.deepEqual(sessionBarBounds({ x: 1920, y: 25, width: 1280, height: 775 }), { x: 2280, y: 25, width: 560, height: 56 });
});

test('on a very narrow screen the bar fits the screen', () => {
  assert.deepEqual(sessionBarBounds({ x: 0, y: 0, width: 400, height: 700 }), { x: 0, y: 0, width: 400, height: 56 });
});
