import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { openRacingSocket } from './racingSocket.ts';

/** A stand-in for the browser's WebSocket: each new one behaves as the next plan says. */
class FakeSocket {
  static plans: ('hang' | 'fail' | number)[] = [];
  static made: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onclose: (() => void) | null = null;
  isClosed = false;
  constructor(readonly url: string) {
    FakeSocket.made.push(this);
    const plan = FakeSocket.plans.shift() ?? 'hang';
    if (plan === 'fail') setTimeout(() => this.onerror?.(), 0);
    else if (typeof plan === 'number') setTimeout(() => this.onopen?.(), plan);
  }
  close(): void {
    this.isClosed = true;
  }
}

const real = (globalThis as { WebSocket?: unknown }).WebSocket;
afterEach(() => {
  (globalThis as { WebSocket?: unknown }).WebSocket = real;
  FakeSocket.plans = [];
  FakeSocket.made = [];
});

test('a socket that hangs gets another beside it; the first to open wins and the others are closed', async () => {
  (globalThis as { WebSocket?: unknown }).WebSocket = FakeSocket;
  FakeSocket.plans = ['hang', 10, 500];
  const ws = (await openRacingSocket('ws://relay/ws', { everyMs: 20, max: 5, timeoutMs: 2000 })) as unknown as FakeSocket;
  assert.equal(ws, FakeSocket.made[1]);
  assert.ok(FakeSocket.made[0]!.isClosed && !ws.isClosed);
  assert.ok(FakeSocket.made.slice(2).every((s) => s.isClosed));
});

test('sockets that fail at once are tried again after everyMs, up to max, then the race is lost', async () => {
  (globalThis as { WebSocket?: unknown }).WebSocket = FakeSocket;
  FakeSocket.plans = ['fail', 'fail', 'fail'];
  await assert.rejects(openRacingSocket('ws://relay/ws', { everyMs: 5, max: 3, timeoutMs: 2000 }));
  assert.equal(FakeSocket.made.length, 3);
});
