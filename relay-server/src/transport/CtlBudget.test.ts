import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CtlToRelay } from '@beacon/shared/protocol';
import { TokenBucket } from '../platform/TokenBucket.ts';
import { CTL_BUDGETS, CtlBudget, ERROR_INTERVAL_MS, REFUSAL_BUDGET, STRIKE_SECONDS, budgetKindOf, peekAt, type Peek } from './CtlBudget.ts';

const sessionId = 'session-0001';
const chat = peekAt({ type: 'chat-send', sessionId, text: 'hello' } satisfies CtlToRelay);
const move = peekAt({ type: 'input', sessionId, event: { kind: 'mouse-move', x: 1, y: 2, t: 0 } } satisfies CtlToRelay);

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** Sends `msg` `perSecond` times a second for `seconds`; the admissions, in order. */
function send(b: CtlBudget, c: ReturnType<typeof clock>, msg: Peek, perSecond: number, seconds: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < perSecond * seconds; i++) {
    c.advance(1000 / perSecond);
    out.push(b.admit(msg));
  }
  return out;
}

test('a token bucket gives its burst at once, then its rate', () => {
  const c = clock();
  const b = new TokenBucket({ burst: 3, perSecond: 2 }, c.now);
  assert.deepEqual([b.take(), b.take(), b.take(), b.take()], [true, true, true, false]);
  c.advance(500);
  assert.deepEqual([b.take(), b.take()], [true, false]);
  c.advance(60_000);
  assert.deepEqual([b.take(3), b.take()], [true, false], 'never more than the burst');
});

test('each kind of message has its own budget: a chat flood leaves mouse moves alone', () => {
  const c = clock();
  const b = new CtlBudget(c.now);
  for (let i = 0; i < CTL_BUDGETS.chat.burst; i++) assert.equal(b.admit(chat), 'ok');
  assert.equal(b.admit(chat), 'over');
  assert.equal(b.admit(move), 'ok');
  assert.equal(budgetKindOf('stroke-undo'), 'stroke');
  assert.deepEqual(peekAt('not an object'), { type: '', dataChars: 0 }, 'anything else is a plain ctl message (and fails validation after)');
  assert.equal(budgetKindOf(''), 'ctl');
});

test('a party at its sustained rate, or at twice it, is never cut off', () => {
  for (const factor of [1, 2]) {
    const c = clock();
    const b = new CtlBudget(c.now);
    const got = send(b, c, move, CTL_BUDGETS.ctl.perSecond * factor, 30);
    assert.ok(!got.includes('cut-off'), `at ${factor}x`);
  }
});

test('a party at three times its rate is cut off after about STRIKE_SECONDS; a flood at once', () => {
  const c = clock();
  const b = new CtlBudget(c.now);
  const got = send(b, c, chat, CTL_BUDGETS.chat.perSecond * 3, 30);
  const at = got.indexOf('cut-off') / (CTL_BUDGETS.chat.perSecond * 3);
  assert.ok(at > STRIKE_SECONDS && at < 2 * STRIKE_SECONDS + CTL_BUDGETS.chat.burst / CTL_BUDGETS.chat.perSecond, `cut off after ${at} s`);
  const flood = new CtlBudget(clock().now);
  let n = 0;
  while (flood.admit(chat) !== 'cut-off') n++;
  assert.ok(n < 100, `a burst of chat is cut off after ${n} messages`);
});

test('file chunks are counted in bytes: a whole attachment at full speed passes, a stream of them does not', () => {
  const c = clock();
  const b = new CtlBudget(c.now);
  const chunk = peekAt({ type: 'file-chunk', sessionId, transferId: 'transfer-01', offset: 0, data: 'A'.repeat(64 * 1024) } satisfies CtlToRelay);
  let ok = 0;
  while (b.admit(chunk) === 'ok') ok++;
  assert.equal(ok, Math.floor(CTL_BUDGETS['file-bytes'].burst / (48 * 1024)));
});

test('a dropped message is answered at most once per interval', () => {
  const c = clock();
  const b = new CtlBudget(c.now);
  assert.deepEqual([b.shouldTell(), b.shouldTell()], [true, false]);
  c.advance(ERROR_INTERVAL_MS);
  assert.equal(b.shouldTell(), true);
});

test('refusals are answered up to their budget, then silently, then the party is cut off', () => {
  const b = new CtlBudget(clock().now);
  const verdicts = Array.from({ length: 200 }, () => b.refused());
  assert.equal(verdicts.filter((v) => v === 'tell').length, REFUSAL_BUDGET.burst);
  assert.ok(verdicts.includes('quiet'));
  assert.equal(verdicts.indexOf('cut-off'), REFUSAL_BUDGET.burst + Math.max(REFUSAL_BUDGET.burst, STRIKE_SECONDS * REFUSAL_BUDGET.perSecond));
});
