import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CtlToRelay } from '@beacon/shared/protocol';
import { CurtainControl } from './CurtainControl.ts';

function rig() {
  const sent: CtlToRelay[] = [];
  return { c: new CurtainControl('s1', (m) => sent.push(m) > 0), sent };
}

test('the toggle asks to raise the curtain, waits for the answer, and lowers it once it is up', () => {
  const { c, sent } = rig();
  assert.equal(c.toggle(), true);
  assert.equal(c.toggle(), false, 'one ask at a time');
  assert.deepEqual(sent, [{ type: 'curtain-request', sessionId: 's1', up: true }]);
  c.onCtl({ type: 'curtain-answer', sessionId: 's1', granted: true });
  assert.equal(c.getSnapshot().isAsking, true, 'a yes still waits for the curtain to go up');
  c.onCtl({ type: 'curtain-state', sessionId: 's1', state: 'on', reason: 'consented' });
  assert.deepEqual(c.getSnapshot(), { state: 'on', reason: 'consented', isAsking: false, isDeclined: false });
  c.toggle();
  assert.deepEqual(sent.at(-1), { type: 'curtain-request', sessionId: 's1', up: false });
});

test('a no, a PC without the curtain, a lift by the customer and a refused ask are all shown', () => {
  const { c } = rig();
  c.toggle();
  c.onCtl({ type: 'curtain-answer', sessionId: 's1', granted: false });
  assert.deepEqual(c.getSnapshot(), { state: 'off', reason: null, isAsking: false, isDeclined: true });
  c.toggle();
  c.onCtl({ type: 'curtain-state', sessionId: 's1', state: 'unavailable', reason: 'unsupported' });
  assert.equal(c.getSnapshot().state, 'unavailable');
  c.onCtl({ type: 'curtain-state', sessionId: 's1', state: 'off', reason: 'customer-lifted' });
  assert.equal(c.getSnapshot().reason, 'customer-lifted');
  c.toggle();
  c.askRefused();
  assert.equal(c.getSnapshot().isAsking, false);
  c.onCtl({ type: 'curtain-state', sessionId: 'other', state: 'on', reason: 'consented' });
  assert.equal(c.getSnapshot().state, 'off', 'another session’s message changes nothing');
});
