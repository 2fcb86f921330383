import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Emitter, type DisposableStore } from './lifecycle.ts';
import { ReconnectPolicy } from './ReconnectPolicy.ts';
import { ReconnectingLink, type LinkTimers } from './ReconnectingLink.ts';

type Reason = 'closed' | 'lost' | 'refused';

class FakeConn {
  readonly onClose = new Emitter<[Reason]>();
  readonly onMessage = new Emitter<[string]>();
  closedWith: Reason | null = null;
  close(reason: Reason = 'closed'): void {
    if (this.closedWith) return;
    this.closedWith = reason;
    this.onClose.fire(reason);
  }
}

/** Timers that run only when the test moves the clock. */
class FakeClock implements LinkTimers {
  now = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.now + ms, fn, id });
    return id;
  }
  clearTimeout(id: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== id);
  }
  /** Runs the next timer; returns the time it was due. */
  runNext(): number {
    this.timers.sort((a, b) => a.at - b.at);
    const t = this.timers.shift();
    if (!t) throw new Error('no timer pending');
    this.now = t.at;
    t.fn();
    return t.at;
  }
  get pending(): number {
    return this.timers.length;
  }
}

const tick = () => new Promise((r) => setImmediate(r));

function setup(opens: (() => Promise<FakeConn>)[]) {
  const clock = new FakeClock();
  const events: string[] = [];
  let opened = 0;
  const link = new ReconnectingLink<FakeConn, Reason>({
    open: () => {
      const next = opens[Math.min(opened++, opens.length - 1)];
      if (!next) throw new Error('no open scripted');
      return next();
    },
    failureReason: () => 'refused',
    closedReason: 'closed',
    policy: new ReconnectPolicy(() => 0),
    timers: clock,
    owner: {
      onOpening: () => events.push(`opening@${clock.now}`),
      onUp: (conn: FakeConn, scope: DisposableStore) => {
        events.push(`up@${clock.now}`);
        scope.add(conn.onMessage.on((m) => events.push(`msg ${m}`)));
      },
      onDown: (reason: Reason, wasUp: boolean) => {
        events.push(`down ${reason} ${wasUp ? 'lost' : 'failed'}@${clock.now}`);
        link.retryLater();
      },
    },
  });
  return { link, clock, events };
}

test('failed opens are retried after 1, 2, 4, 8 and 15 s, and a good link starts the backoff again', async () => {
  const conn = new FakeConn();
  const fail = () => Promise.reject(new Error('no relay'));
  const { link, clock, events } = setup([fail, fail, fail, fail, fail, fail, () => Promise.resolve(conn), fail]);
  link.connect();
  await tick();
  const due: number[] = [];
  for (let i = 0; i < 6; i++) {
    due.push(clock.runNext());
    await tick();
  }
  assert.deepEqual(due, [1000, 3000, 7000, 15_000, 30_000, 45_000]);
  assert.equal(link.connection, conn);
  assert.equal(events.at(-1), 'up@45000');
  conn.close('lost');
  await tick();
  assert.equal(link.connection, null);
  assert.equal(clock.runNext(), 46_000, 'after a good link, the next retry is 1 s again');
});

test('a lost link is reported once, and its late events are not heard', async () => {
  const first = new FakeConn();
  const second = new FakeConn();
  const { link, clock, events } = setup([() => Promise.resolve(first), () => Promise.resolve(second)]);
  link.connect();
  await tick();
  first.close('lost');
  first.onMessage.fire('late');
  first.onClose.fire('lost');
  assert.deepEqual(events, ['opening@0', 'up@0', 'down lost lost@0']);
  clock.runNext();
  await tick();
  second.onMessage.fire('hello');
  assert.deepEqual(events.slice(3), ['opening@1000', 'up@1000', 'msg hello']);
});

test('an open that finishes after stop() is closed and never reported', async () => {
  let resolve!: (c: FakeConn) => void;
  const late = new FakeConn();
  const { link, clock, events } = setup([() => new Promise((r) => (resolve = r))]);
  link.connect();
  link.stop();
  resolve(late);
  await tick();
  assert.equal(late.closedWith, 'closed');
  assert.deepEqual(events, ['opening@0']);
  assert.equal(clock.pending, 0);
});

test('stop() cancels a planned retry and closes the link without reporting it', async () => {
  const conn = new FakeConn();
  const { link, clock, events } = setup([() => Promise.reject(new Error('x')), () => Promise.resolve(conn)]);
  link.connect();
  await tick();
  assert.equal(link.isRetryPending, true);
  link.stop();
  assert.equal(clock.pending, 0);
  link.connect();
  await tick();
  link.stop();
  assert.equal(conn.closedWith, 'closed');
  assert.deepEqual(events, ['opening@0', 'down refused failed@0', 'opening@0', 'up@0']);
});

test('a connection the owner refuses while taking it counts as lost, and the backoff goes on', async () => {
  const clock = new FakeClock();
  const delays: number[] = [];
  const link: ReconnectingLink<FakeConn, Reason> = new ReconnectingLink<FakeConn, Reason>({
    open: () => Promise.resolve(new FakeConn()),
    failureReason: () => 'refused',
    closedReason: 'closed',
    policy: new ReconnectPolicy(() => 0),
    timers: clock,
    owner: {
      onUp: (conn) => conn.close('refused'),
      onDown: () => delays.push(link.retryLater()),
    },
  });
  link.connect();
  await tick();
  clock.runNext();
  await tick();
  assert.deepEqual(delays, [1000, 2000]);
});
