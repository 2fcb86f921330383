import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CtlToRelay } from './ctl.ts';
import { MAX_MONITORS } from './monitors.ts';

const mon = (id: string, x = 0) => ({ id, name: id, x, y: 0, width: 1280, height: 720, scaleFactor: 1, primary: x === 0 });

test('a monitor list and a choice parse; negative origins are fine', () => {
  assert.ok(CtlToRelay.safeParse({ type: 'monitor-list', sessionId: 'session-1', monitors: [mon('a'), mon('b', -1280)], shown: 'all' }).success);
  assert.ok(CtlToRelay.safeParse({ type: 'monitor-select', sessionId: 'session-1', monitor: 'b' }).success);
  assert.ok(CtlToRelay.safeParse({ type: 'monitor-select', sessionId: 'session-1', monitor: 'all' }).success);
});

test('monitor ids are short and plain, never "all", and a list is bounded', () => {
  const bad = (m: unknown) => !CtlToRelay.safeParse({ type: 'monitor-list', sessionId: 'session-1', monitors: m, shown: 'all' }).success;
  assert.ok(bad([mon('all')]), 'all is the choice of every monitor, not an id');
  assert.ok(bad([mon('a b')]));
  assert.ok(bad([]));
  assert.ok(bad(Array.from({ length: MAX_MONITORS + 1 }, (_, i) => mon(`m${i}`))));
  assert.ok(bad([{ ...mon('a'), width: 0 }]));
  assert.ok(!CtlToRelay.safeParse({ type: 'monitor-select', sessionId: 'session-1', monitor: '../x' }).success);
});
