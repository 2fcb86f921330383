import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IDLE_INTERVAL_MS, MIN_INTERVAL_MS, QUIET_INTERVAL_MS, ReceiveReporter } from './ReceiveReporter.ts';

test('nothing is reported before the first frame; then each new frame soon, with how long ago it arrived', () => {
  const r = new ReceiveReporter();
  r.onBytes(1000);
  assert.equal(r.due(0), null);
  r.onFrame(7, 10);
  assert.deepEqual(r.due(12), { lastSeq: 7, heldMs: 2, bytes: 1000, dropped: 0 });
  r.onBytes(500);
  r.onFrame(8, 20);
  assert.equal(r.due(30), null, 'not more often than every MIN_INTERVAL_MS');
  assert.deepEqual(r.due(12 + MIN_INTERVAL_MS), { lastSeq: 8, heldMs: 12 + MIN_INTERVAL_MS - 20, bytes: 1500, dropped: 0 });
});

test('while a big frame is still arriving the customer hears the bytes grow, every idle interval', () => {
  const r = new ReceiveReporter();
  r.onFrame(1, 0);
  assert.ok(r.due(0));
  r.onBytes(16_000);
  r.setDropped(1);
  assert.equal(r.due(MIN_INTERVAL_MS), null);
  assert.deepEqual(r.due(IDLE_INTERVAL_MS), { lastSeq: 1, heldMs: IDLE_INTERVAL_MS, bytes: 16_000, dropped: 1 });
});

test('when nothing arrived since the last report, a repeat goes only every quiet interval', () => {
  const r = new ReceiveReporter();
  r.onBytes(300);
  r.onFrame(4, 0);
  assert.ok(r.due(0));
  assert.equal(r.due(IDLE_INTERVAL_MS), null, 'nothing new: no report at the idle interval');
  assert.equal(r.due(QUIET_INTERVAL_MS - 1), null);
  assert.deepEqual(r.due(QUIET_INTERVAL_MS), { lastSeq: 4, heldMs: QUIET_INTERVAL_MS, bytes: 300, dropped: 0 });
  r.onBytes(50);
  assert.deepEqual(r.due(QUIET_INTERVAL_MS + IDLE_INTERVAL_MS), { lastSeq: 4, heldMs: QUIET_INTERVAL_MS + IDLE_INTERVAL_MS, bytes: 350, dropped: 0 }, 'bytes moved: the idle interval again');
});
