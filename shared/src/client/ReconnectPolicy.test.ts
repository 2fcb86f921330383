import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RECONNECT_MAX_MS, ReconnectPolicy } from './ReconnectPolicy.ts';

test('retries after 1, 2, 4, 8 s, then every 15 s', () => {
  const p = new ReconnectPolicy(() => 0);
  assert.deepEqual(
    Array.from({ length: 7 }, () => p.nextDelayMs()),
    [1000, 2000, 4000, 8000, 15_000, 15_000, 15_000],
  );
});

test('a successful connection starts the backoff again at 1 s', () => {
  const p = new ReconnectPolicy(() => 0);
  p.nextDelayMs();
  p.nextDelayMs();
  p.reset();
  assert.equal(p.nextDelayMs(), 1000);
});

test('jitter never makes a retry earlier than planned and stays small', () => {
  const p = new ReconnectPolicy(() => 0.999);
  assert.ok(p.nextDelayMs() >= 1000);
  for (let i = 0; i < 20; i++) p.nextDelayMs();
  const d = p.nextDelayMs();
  assert.ok(d >= RECONNECT_MAX_MS && d <= RECONNECT_MAX_MS * 1.1, String(d));
});
