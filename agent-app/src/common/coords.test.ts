import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DELTA_LINE, clientToVideo, fitContain, wheelNotches } from './coords.ts';

test('maps the displayed canvas to video pixels exactly at 1:1', () => {
  const rect = { left: 10, top: 20, width: 1280, height: 720 };
  assert.deepEqual(clientToVideo(10, 20, rect, 1280, 720), { x: 0, y: 0 });
  assert.deepEqual(clientToVideo(10 + 640.5, 20 + 359.9, rect, 1280, 720), { x: 640, y: 359 });
  assert.deepEqual(clientToVideo(10 + 1279.99, 20 + 719.99, rect, 1280, 720), { x: 1279, y: 719 });
});

test('maps exactly when the canvas is scaled down or up', () => {
  // 1920x1080 shown at half size: each CSS pixel covers two video pixels.
  const half = { left: 0, top: 0, width: 960, height: 540 };
  assert.deepEqual(clientToVideo(480, 270, half, 1920, 1080), { x: 960, y: 540 });
  assert.deepEqual(clientToVideo(959.9, 539.9, half, 1920, 1080), { x: 1919, y: 1079 });
  // 640x360 shown at 1.5x with a fractional left edge.
  const up = { left: 100.5, top: 50.25, width: 960, height: 540 };
  assert.deepEqual(clientToVideo(100.5 + 1.4, 50.25 + 1.6, up, 640, 360), { x: 0, y: 1 });
  assert.deepEqual(clientToVideo(100.5 + 1.5, 50.25 + 3, up, 640, 360), { x: 1, y: 2 });
});

test('clamps positions outside the canvas to its edge pixels', () => {
  const rect = { left: 100, top: 100, width: 400, height: 300 };
  assert.deepEqual(clientToVideo(50, 50, rect, 800, 600), { x: 0, y: 0 });
  assert.deepEqual(clientToVideo(900, 900, rect, 800, 600), { x: 799, y: 599 });
});

test('no mapping without a video or a displayed box', () => {
  assert.equal(clientToVideo(1, 1, { left: 0, top: 0, width: 0, height: 10 }, 100, 100), null);
  assert.equal(clientToVideo(1, 1, { left: 0, top: 0, width: 10, height: 10 }, 0, 0), null);
});

test('fits the video into its area keeping the aspect ratio', () => {
  assert.deepEqual(fitContain(1000, 1000, 1280, 720), { width: 1000, height: 562 });
  assert.deepEqual(fitContain(1000, 300, 1280, 720), { width: 533, height: 300 });
  assert.deepEqual(fitContain(2560, 1440, 1280, 720), { width: 2560, height: 1440 });
  assert.deepEqual(fitContain(0, 300, 1280, 720), { width: 0, height: 0 });
});

test('wheel deltas become whole notches with a minimum of one', () => {
  assert.equal(wheelNotches(100), 1);
  assert.equal(wheelNotches(-100), -1);
  assert.equal(wheelNotches(4), 1);
  assert.equal(wheelNotches(-3), -1);
  assert.equal(wheelNotches(250), 3);
  assert.equal(wheelNotches(0), 0);
  assert.equal(wheelNotches(1e9), 100);
  assert.equal(wheelNotches(-1e9), -100);
  assert.equal(wheelNotches(3, DELTA_LINE), 1);
  assert.equal(wheelNotches(-9, DELTA_LINE), -3);
  assert.equal(wheelNotches(Number.NaN), 0);
});
