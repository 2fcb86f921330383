import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pickCaptureSource } from './captureSource.ts';

const sources = [
  { id: 'window:42:0', name: 'Notepad', display_id: '' },
  { id: 'screen:1:0', name: 'Screen 1', display_id: '2528732444' },
  { id: 'screen:0:0', name: 'Screen 2', display_id: '69733632' },
];

test('shares the primary display even when it is not listed first', () => {
  assert.equal(pickCaptureSource(sources, 69733632)?.id, 'screen:0:0');
  assert.equal(pickCaptureSource(sources, '2528732444')?.id, 'screen:1:0');
});

test('falls back to the first screen (never a window) when display ids are unknown', () => {
  assert.equal(pickCaptureSource(sources, 1)?.id, 'screen:1:0');
  assert.equal(pickCaptureSource([{ id: 'screen:0:0', name: 'Entire screen', display_id: '' }], 0)?.id, 'screen:0:0');
});

test('no screen source means nothing is shared', () => {
  assert.equal(pickCaptureSource([{ id: 'window:1:0', name: 'A', display_id: '' }], 1), null);
  assert.equal(pickCaptureSource([], 1), null);
});
