import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curtainSupport, planCurtain, type DisplayLike } from './curtainPlan.ts';

const display = (id: number, x: number, y: number, width: number, height: number, scaleFactor = 1): DisplayLike => ({ id, bounds: { x, y, width, height }, scaleFactor });

test('supported only where a window can be kept out of capture: Windows 10 2004 and later', () => {
  assert.deepEqual(curtainSupport('win32', '10.0.19045'), { isSupported: true });
  assert.deepEqual(curtainSupport('win32', '10.0.22631'), { isSupported: true });
  assert.equal(curtainSupport('win32', '10.0.18363').isSupported, false);
  assert.equal(curtainSupport('linux', '6.1.0').isSupported, false);
  assert.equal(curtainSupport('darwin', '24.0.0').isSupported, false);
});

test('one monitor: one protected, topmost, click-through window on its bounds, with Stop', () => {
  const plan = planCurtain([display(1, 0, 0, 1920, 1080)], 1);
  assert.equal(plan.length, 1);
  assert.deepEqual(plan[0]!.bounds, { x: 0, y: 0, width: 1920, height: 1080 });
  assert.equal(plan[0]!.contentProtection, true);
  assert.equal(plan[0]!.alwaysOnTop, 'screen-saver');
  assert.equal(plan[0]!.ignoreMouseEvents, true);
  assert.equal(plan[0]!.focusable, false);
  assert.equal(plan[0]!.hasStopButton, true);
});

test('two monitors, the second left of the primary (negative origin): a window on each, the primary’s first', () => {
  const plan = planCurtain([display(2, -1280, 0, 1280, 1024, 1.25), display(1, 0, 0, 1920, 1080)], 1);
  assert.deepEqual(
    plan.map((w) => [w.displayId, w.bounds, w.hasStopButton]),
    [
      [1, { x: 0, y: 0, width: 1920, height: 1080 }, true],
      [2, { x: -1280, y: 0, width: 1280, height: 1024 }, false],
    ],
  );
});

test('three monitors, one above the primary and one left of it; a mirrored copy gets no second window', () => {
  const plan = planCurtain([display(3, 0, -1080, 1920, 1080), display(1, 0, 0, 2560, 1440, 2), display(2, -1920, 200, 1920, 1080), display(4, 0, 0, 2560, 1440, 2)], 1);
  assert.deepEqual(
    plan.map((w) => [w.displayId, w.bounds.x, w.bounds.y]),
    [
      [1, 0, 0],
      [2, -1920, 200],
      [3, 0, -1080],
    ],
  );
  assert.equal(plan.filter((w) => w.hasStopButton).length, 1);
  assert.equal(planCurtain([], 1).length, 0);
});
