import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CtlToRelay, Monitor } from '@beacon/shared/protocol';
import { MonitorPicker } from './MonitorPicker.ts';

const mon = (id: string, x: number): Monitor => ({ id, name: id.toUpperCase(), x, y: 0, width: 1280, height: 720, scaleFactor: 1, primary: x === 0 });

test('the menu offers all monitors and each one; a pick is pending until the customer confirms it', () => {
  const sent: CtlToRelay[] = [];
  let changes = 0;
  const p = new MonitorPicker('session-1', (m) => sent.push(m) > 0, () => changes++);
  assert.ok(!p.hasChoice);
  p.onList({ type: 'monitor-list', sessionId: 'session-1', monitors: [mon('a', 0), mon('b', 1280)], shown: 'all' });
  assert.ok(p.hasChoice);
  assert.deepEqual(p.entries().map((e) => [e.choice, e.index]), [['all', 0], ['a', 1], ['b', 2]]);
  p.select('all');
  assert.equal(sent.length, 0, 'what is shown already is not asked for again');
  p.select('b');
  assert.deepEqual(sent, [{ type: 'monitor-select', sessionId: 'session-1', monitor: 'b' }]);
  assert.equal(p.pending, 'b');
  p.onList({ type: 'monitor-list', sessionId: 'session-1', monitors: [mon('a', 0), mon('b', 1280)], shown: 'b' });
  assert.equal(p.pending, null);
  assert.equal(p.shown, 'b');
  assert.equal(changes, 3);
});

test('a pick that could not be sent (no ctl channel) changes nothing', () => {
  const p = new MonitorPicker('session-1', () => false, () => undefined);
  p.onList({ type: 'monitor-list', sessionId: 'session-1', monitors: [mon('a', 0), mon('b', 1280)], shown: 'a' });
  p.select('b');
  assert.equal(p.pending, null);
});
