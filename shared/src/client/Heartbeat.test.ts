import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HEARTBEAT_EVERY_MS, HEARTBEAT_SILENCE_MS, Heartbeat } from './Heartbeat.ts';

/** Timers driven by hand. */
function fakeTime() {
  let now = 0;
  let pending: { at: number; fn: () => void } | null = null;
  return {
    now: () => now,
    timers: { setTimeout: (fn: () => void, ms: number) => (pending = { at: now + ms, fn }), clearTimeout: () => (pending = null) },
    advance(ms: number) {
      const end = now + ms;
      while (pending && pending.at <= end) {
        const p: { at: number; fn: () => void } = pending;
        pending = null;
        now = p.at;
        p.fn();
      }
      now = end;
    },
    /** The clock jumps `ms` before the pending timer gets to run (a blocked thread), then it runs once. */
    stall(ms: number) {
      now += ms;
      const p = pending;
      pending = null;
      p?.fn();
    },
  };
}

test('a heartbeat goes out every second; a link that answers stays up', () => {
  const time = fakeTime();
  let sent = 0;
  let silent = 0;
  const hb = new Heartbeat({ send: () => sent++, onSilent: () => silent++, ...time });
  for (let i = 0; i < 10; i++) {
    time.advance(HEARTBEAT_EVERY_MS);
    hb.heard();
  }
  assert.equal(sent, 11);
  assert.equal(silent, 0);
  hb.stop();
});

test('a link silent for longer than the limit is reported once, and no more heartbeats go out', () => {
  const time = fakeTime();
  let sent = 0;
  let silent = 0;
  new Heartbeat({ send: () => sent++, onSilent: () => silent++, ...time });
  time.advance(HEARTBEAT_SILENCE_MS + 2 * HEARTBEAT_EVERY_MS);
  assert.equal(silent, 1);
  const after = sent;
  time.advance(10 * HEARTBEAT_EVERY_MS);
  assert.equal(sent, after);
});

test('a page that was busy for a long while does not count that time as silence', () => {
  const time = fakeTime();
  let silent = 0;
  new Heartbeat({ send: () => undefined, onSilent: () => silent++, ...time });
  // One tick comes 10 s late (the main thread was blocked): the answers may still be unread.
  time.stall(10 * HEARTBEAT_EVERY_MS);
  assert.equal(silent, 0);
});
