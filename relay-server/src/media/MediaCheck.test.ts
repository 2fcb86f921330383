/**
 * What the relay refuses of a customer's media, and how the customer hears of it: unit tests
 * of the fragment order, then through a real relay (node-datachannel customer and agent).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fragmentFrame, readHeader, type FrameHeader } from '@beacon/shared/framing';
import type { CtlFromRelay } from '@beacon/shared/protocol';
import { MemoryLogger } from '../platform/logger.ts';
import { openSession } from '../testing/NdcClient.ts';
import { useRelaySuite } from '../testing/testRelay.ts';
import { ERROR_INTERVAL_MS, FragmentOrder, MediaCheck } from './MediaCheck.ts';

const h = (seq: number, fragIndex: number, fragCount: number, isKey = false): FrameHeader => ({ isKey, fragIndex, fragCount, stream: 1, seq, captureTs: seq });

describe('fragment order', () => {
  test('frames in order, whole or cut, pass; a new fragment 0 abandons an unfinished frame', () => {
    const o = new FragmentOrder();
    const verdicts = [h(1, 0, 1), h(2, 0, 3), h(2, 1, 3), h(2, 2, 3), h(3, 0, 2), h(4, 0, 2), h(4, 1, 2)].map((x) => o.accept(x));
    assert.deepEqual(new Set(verdicts), new Set(['ok']));
  });

  test('a frame whose fragment 0 was not seen is refused whole, and so are the deltas after it, up to the next keyframe', () => {
    const o = new FragmentOrder();
    assert.deepEqual([h(5, 1, 3), h(5, 0, 3), h(5, 2, 3)].map((x) => o.accept(x)), ['out-of-order', 'awaiting-key', 'awaiting-key']);
    assert.deepEqual([h(6, 0, 2), h(6, 1, 2)].map((x) => o.accept(x)), ['awaiting-key', 'awaiting-key'], 'a delta cannot be decoded now');
    assert.deepEqual([h(7, 0, 2, true), h(7, 1, 2, true), h(8, 0, 1)].map((x) => o.accept(x)), ['ok', 'ok', 'ok'], 'a keyframe resumes the stream');
  });

  test('a frame that skips a fragment is refused from there on', () => {
    const o = new FragmentOrder();
    assert.deepEqual([h(1, 0, 3), h(1, 2, 3), h(1, 1, 3)].map((x) => o.accept(x)), ['ok', 'out-of-order', 'awaiting-key']);
  });

  test('a fragment of another frame, or with another count, does not continue the open one', () => {
    const o = new FragmentOrder();
    o.accept(h(9, 0, 3));
    assert.equal(o.accept(h(10, 1, 3)), 'out-of-order');
    o.accept(h(11, 0, 3, true));
    assert.equal(o.accept(h(11, 1, 4, true)), 'out-of-order');
  });
});

test('refusals reach the customer at most once a second, naming the frame; the log says how many were held back', () => {
  let t = 0;
  const sent: CtlFromRelay[] = [];
  const log = new MemoryLogger();
  const check = new MediaCheck(log, (m) => sent.push(m) > 0, () => t);
  for (let i = 0; i < 500; i++) check.refuse('bad-message', 'malformed', {}, i);
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0], { type: 'error', code: 'bad-message', message: 'malformed', re: { type: 'media', id: '0' } });
  t += ERROR_INTERVAL_MS;
  check.refuse('bad-message', 'malformed', {}, 500);
  assert.equal(sent.length, 2);
  assert.equal(check.refused, 501);
  assert.equal(log.lines.length, 1, 'one log line per 5 s');
});

describe('through the relay', () => {
  const suite = useRelaySuite();

  test('an out-of-order frame reaches no viewer, the customer is told which and asked for a keyframe, and the stream resumes at it', async () => {
    const customer = await suite.open('customer');
    const agent = await suite.open('agent');
    const { sessionId, streamId } = await openSession(agent, customer, { view: true, control: false });
    const frame = (seq: number, isKey: boolean) => fragmentFrame(new Uint8Array(3000).fill(seq), { isKey, stream: streamId, seq, captureTs: seq }, 1000);
    for (const f of frame(1, true)) customer.sendMedia(f);
    const [a, b, c] = frame(2, false);
    for (const f of [b, a, c]) if (f) customer.sendMedia(f); // fragment 1 before fragment 0
    for (const f of frame(3, false)) customer.sendMedia(f);
    const err = await customer.nextCtl('error', 5000, (m) => m.re?.type === 'media');
    assert.equal(err.code, 'bad-message');
    assert.equal(err.re?.id, '2');
    await customer.nextCtl('keyframe-request', 5000);
    for (const f of frame(4, true)) customer.sendMedia(f);
    const deadline = Date.now() + 5000;
    while (agent.media.filter((f) => readHeader(f).seq === 4).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const seqs = agent.media.map((f) => readHeader(f).seq);
    assert.deepEqual(seqs, [1, 1, 1, 4, 4, 4], 'nothing of frame 2 nor of the delta after it; the stream resumes at the keyframe');
    customer.sendCtl({ type: 'pong', sessionId, t: 1 });
    await agent.nextCtl('pong', 5000);
  });

  test('a flood of malformed fragments gets at most one answer a second, and the session goes on', async () => {
    const customer = await suite.open('customer');
    const agent = await suite.open('agent');
    const { sessionId } = await openSession(agent, customer, { view: true, control: false });
    for (let i = 0; i < 300; i++) customer.sendMedia(new Uint8Array(30).fill(0xaa));
    await customer.nextCtl('error', 5000, (m) => m.re?.type === 'media');
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(customer.ctlInbox.all.filter((m) => m.type === 'error').length <= 2);
    customer.sendCtl({ type: 'pong', sessionId, t: 2 });
    assert.equal((await agent.nextCtl('pong', 5000)).t, 2);
  });
});
