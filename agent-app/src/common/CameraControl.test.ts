import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CtlToRelay } from '@beacon/shared/protocol';
import { CameraControl } from './CameraControl.ts';

function control(sent: CtlToRelay[] = [], canSend = true): CameraControl {
  return new CameraControl('s1', (m) => {
    sent.push(m);
    return canSend;
  });
}

test('asking for the camera waits for the customer; a yes and the new source show it, and the screen can be asked back', () => {
  const sent: CtlToRelay[] = [];
  const c = control(sent);
  let changes = 0;
  c.subscribe(() => changes++);
  assert.deepEqual(c.choices, ['camera']);
  assert.equal(c.ask('screen'), false, 'the screen is shown already');
  assert.equal(c.ask('camera'), true);
  assert.deepEqual(sent, [{ type: 'camera-request', sessionId: 's1', source: 'camera' }]);
  assert.equal(c.getSnapshot().asking, 'camera');
  c.onCtl({ type: 'camera-answer', sessionId: 's1', source: 'camera', granted: true });
  c.onCtl({ type: 'camera-source', sessionId: 's1', source: 'camera' });
  assert.deepEqual(c.getSnapshot(), { shown: 'camera', asking: null, declined: null });
  assert.deepEqual(c.choices, ['screen']);
  c.onCtl({ type: 'camera-source', sessionId: 's1', source: 'off' });
  assert.deepEqual(c.choices, ['camera', 'screen']);
  assert.ok(changes >= 4);
});

test('a no is shown until the next ask; other sessions and unsent asks change nothing', () => {
  const c = control();
  c.ask('camera');
  c.onCtl({ type: 'camera-answer', sessionId: 'other', source: 'camera', granted: false });
  assert.equal(c.getSnapshot().asking, 'camera');
  c.onCtl({ type: 'camera-answer', sessionId: 's1', source: 'camera', granted: false });
  assert.deepEqual(c.getSnapshot(), { shown: 'screen', asking: null, declined: 'camera' });
  c.ask('camera');
  assert.equal(c.getSnapshot().declined, null);
  c.askRefused();
  assert.equal(c.getSnapshot().asking, null);
  const offline = control([], false);
  assert.equal(offline.ask('camera'), false);
  assert.equal(offline.getSnapshot().asking, null);
});
