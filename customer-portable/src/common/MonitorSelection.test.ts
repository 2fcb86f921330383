import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Monitor } from '@beacon/shared/protocol';
import { MonitorSelection } from './MonitorSelection.ts';

const mon = (id: string, x: number, width: number, primary = false): Monitor => ({ id, name: id, x, y: 0, width, height: 720, scaleFactor: 1, primary });
const TWO = { monitors: [mon('a', 0, 1280, true), mon('b', 1280, 1280)], captured: { x: 0, y: 0, width: 2560, height: 720 } };

test('a desktop capture offers every monitor and starts with all of them', () => {
  const sel = new MonitorSelection(TWO);
  assert.equal(sel.choice, 'all');
  assert.equal(sel.cropIn({ width: 2560, height: 720 }), null, 'all: the whole frame');
  assert.deepEqual(sel.region(), { x: 0, y: 0, width: 2560, height: 720 });
  assert.deepEqual(sel.listMessage('S'), { type: 'monitor-list', sessionId: 'S', monitors: TWO.monitors, shown: 'all' });
});

test('choosing the second monitor crops to it, also in a scaled capture, and input maps onto it', () => {
  const sel = new MonitorSelection(TWO);
  assert.ok(sel.select('b'));
  assert.deepEqual(sel.cropIn({ width: 2560, height: 720 }), { x: 1280, y: 0, width: 1280, height: 720 });
  assert.deepEqual(sel.cropIn({ width: 1280, height: 360 }), { x: 640, y: 0, width: 640, height: 360 });
  assert.deepEqual(sel.region(), { x: 1280, y: 0, width: 1280, height: 720 });
  assert.ok(!sel.select('zz'), 'an unknown monitor changes nothing');
  assert.equal(sel.choice, 'b');
});

test('a capture of one monitor offers only that one (Electron shares the primary display)', () => {
  const sel = new MonitorSelection({ monitors: TWO.monitors, captured: { x: 0, y: 0, width: 1280, height: 720 } });
  assert.deepEqual(sel.monitors.map((m) => m.id), ['a']);
  assert.equal(sel.choice, 'a');
  assert.ok(sel.select('all'));
  assert.equal(sel.choice, 'a', 'all is that one monitor');
  assert.equal(sel.cropIn({ width: 1280, height: 720 }), null);
  assert.ok(!sel.select('b'));
});
