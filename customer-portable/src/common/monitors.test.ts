import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Monitor } from '@beacon/shared/protocol';
import { contains, cropRect, desktopBounds, frameToDesktop, monitorsFromDisplays, shownRegion } from './monitors.ts';

const mon = (id: string, x: number, y: number, width: number, height: number, primary = false): Monitor => ({ id, name: id, x, y, width, height, scaleFactor: 1, primary });
// A 1920x1080 primary with a 1280x1024 monitor to its left, 200 px lower: negative x.
const PRIMARY = mon('p', 0, 0, 1920, 1080, true);
const LEFT = mon('l', -1280, 200, 1280, 1024);

test('all monitors span the bounds of the arrangement, negative origins included', () => {
  assert.deepEqual(desktopBounds([PRIMARY, LEFT]), { x: -1280, y: 0, width: 3200, height: 1224 });
  assert.deepEqual(shownRegion([PRIMARY, LEFT], 'all'), { x: -1280, y: 0, width: 3200, height: 1224 });
  assert.deepEqual(shownRegion([PRIMARY, LEFT], 'l'), { x: -1280, y: 200, width: 1280, height: 1024 });
  assert.deepEqual(shownRegion([PRIMARY, LEFT], 'gone'), desktopBounds([PRIMARY, LEFT]), 'a vanished monitor shows all');
});

test('the crop of a monitor in the captured desktop, at full and at reduced capture size', () => {
  const desk = desktopBounds([PRIMARY, LEFT]);
  assert.deepEqual(cropRect(LEFT, desk, { width: 3200, height: 1224 }), { x: 0, y: 200, width: 1280, height: 1024 });
  assert.deepEqual(cropRect(PRIMARY, desk, { width: 3200, height: 1224 }), { x: 1280, y: 0, width: 1920, height: 1080 });
  // The browser scaled the desktop to half: the crop follows, on even pixels.
  assert.deepEqual(cropRect(PRIMARY, desk, { width: 1600, height: 612 }), { x: 640, y: 0, width: 960, height: 540 });
  const odd = cropRect(mon('o', 3, 3, 101, 101), { x: 0, y: 0, width: 200, height: 200 }, { width: 200, height: 200 });
  assert.ok([odd.x, odd.y, odd.width, odd.height].every((v) => v % 2 === 0), JSON.stringify(odd));
});

test('a point of the picture lands on the shown monitor’s own desktop pixels', () => {
  // The second monitor's picture, encoded at 1280x720 (scaled down from 1920x1080).
  const right = mon('r', 1920, 0, 1920, 1080);
  assert.deepEqual(frameToDesktop({ x: 0, y: 0 }, { width: 1280, height: 720 }, right), { x: 1920, y: 0 });
  assert.deepEqual(frameToDesktop({ x: 640, y: 360 }, { width: 1280, height: 720 }, right), { x: 2880, y: 540 });
  assert.deepEqual(frameToDesktop({ x: 5000, y: -4 }, { width: 1280, height: 720 }, right), { x: 3839, y: 0 }, 'kept on the monitor');
  // A monitor with a negative origin.
  assert.deepEqual(frameToDesktop({ x: 100, y: 100 }, { width: 1280, height: 1024 }, LEFT), { x: -1180, y: 300 });
  // All monitors: the left edge of the picture is the left monitor's.
  assert.deepEqual(frameToDesktop({ x: 0, y: 300 }, { width: 3200, height: 1224 }, desktopBounds([PRIMARY, LEFT])), { x: -1280, y: 300 });
});

test('contains tells which monitors a capture covers', () => {
  assert.ok(contains(desktopBounds([PRIMARY, LEFT]), LEFT));
  assert.ok(!contains(PRIMARY, LEFT));
});

test('Electron displays become monitors in the injector’s pixels on each platform', () => {
  const displays = [
    { id: 1, label: 'Built-in', bounds: { x: 0, y: 0, width: 1280, height: 800 }, scaleFactor: 2 },
    { id: 2, label: '', bounds: { x: -1920, y: 0, width: 1920, height: 1080 }, scaleFactor: 1 },
  ];
  const mac = monitorsFromDisplays(displays, 1, 'darwin');
  assert.deepEqual(mac[0], { id: 'd1', name: 'Built-in', x: 0, y: 0, width: 1280, height: 800, scaleFactor: 2, primary: true });
  assert.equal(mac[1]!.x, -1920);
  const linux = monitorsFromDisplays(displays, 1, 'linux');
  assert.deepEqual([linux[0]!.width, linux[0]!.height], [2560, 1600]);
  const win = monitorsFromDisplays(displays, 2, 'win32', (r) => ({ x: r.x * 1.5, y: r.y * 1.5, width: r.width * 1.5, height: r.height * 1.5 }));
  assert.deepEqual([win[1]!.x, win[1]!.width, win[1]!.primary], [-2880, 2880, true]);
});
