import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MonitorSelection } from './MonitorSelection.ts';
import { BarNotices } from './barNotices.ts';

const mon = (id: string, x: number, name = id) => ({ id, name, x, y: 0, width: 1280, height: 720, scaleFactor: 1, primary: x === 0 });

test('the bar names the monitor shown, only when there is a choice', () => {
  const n = new BarNotices();
  let changes = 0;
  n.subscribe(() => changes++);
  const sel = new MonitorSelection({ monitors: [mon('a', 0), mon('b', 1280, '')], captured: { x: 0, y: 0, width: 2560, height: 720 } });
  n.monitorShown(sel);
  assert.deepEqual(n.getSnapshot().monitor, { kind: 'all' });
  sel.select('b');
  n.monitorShown(sel);
  assert.deepEqual(n.getSnapshot().monitor, { kind: 'one', name: '', index: 2 });
  n.monitorShown(new MonitorSelection({ monitors: [mon('a', 0)], captured: { x: 0, y: 0, width: 1280, height: 720 } }));
  assert.equal(n.getSnapshot().monitor, null);
  assert.equal(changes, 3);
});

test('a clipboard use shows for a while and the end of the session clears everything', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const n = new BarNotices();
  n.clipboardUsed('read', 12);
  assert.deepEqual(n.getSnapshot().clipboard, { op: 'read', chars: 12, kind: 'text' });
  t.mock.timers.tick(20_000);
  assert.equal(n.getSnapshot().clipboard, null);
  n.clipboardUsed('write', 3);
  n.clear();
  assert.deepEqual(n.getSnapshot(), { monitor: null, clipboard: null });
});
