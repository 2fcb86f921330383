/**
 * TrafficHandler through a real relay (node-datachannel peers as customer and agent).
 *
 * Voice-only sessions: the mode travels with the request, the consent request and the start;
 * nothing that would show or move a screen passes; the call and the chat work as in any session.
 *
 * View state: a session the agent does not have on screen gets keyframes only; shown again,
 * the customer is asked for a keyframe and the picture resumes from it. Only the session's
 * viewer may say so.
 *
 * Quality mode: the session's agent chooses it and the customer is told; nobody else may,
 * and a voice-only session has no picture to choose for.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fragmentFrame, readHeader } from '@beacon/shared/framing';
import { KEYFRAME_REQUEST_INTERVAL_MS } from './MediaForwarder.ts';
import { VERSION_1_CAPABILITIES } from '@beacon/shared/version';
import { NdcClient, openSession } from '../testing/NdcClient.ts';
import { useRelaySuite } from '../testing/testRelay.ts';

const VOICE = { view: false, control: false } as const;
let nextId = 0;
const suite = useRelaySuite();
const open = suite.open;

function codeOf(c: NdcClient): string {
  const last = c.inbox.all.filter((m) => m.type === 'code-update').at(-1);
  return last?.type === 'code-update' ? last.code : (c.device.code);
}

/** A voice-only request answered yes; returns what each side was told. */
async function startVoiceSession() {
  const agent = await open('agent');
  const customer = await open('customer');
  const requestId = `v${++nextId}`;
  agent.send({ type: 'connect-request', requestId, deviceId: customer.device.deviceId, code: codeOf(customer), permissions: VOICE, mode: 'voice' });
  const pending = await agent.next('session-pending', 5000, (m) => m.requestId === requestId);
  const ask = await customer.next('consent-request', 5000, (m) => m.sessionId === pending.sessionId);
  customer.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
  const started = await agent.next('session-started', 5000, (m) => m.sessionId === pending.sessionId);
  const customerStarted = await customer.next('session-started', 5000, (m) => m.sessionId === pending.sessionId);
  return { agent, customer, sessionId: pending.sessionId, ask, started, customerStarted };
}

function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) return resolve();
      if (Date.now() > end) return reject(new Error('condition not met in time'));
      setTimeout(tick, 10);
    };
    tick();
  });
}

describe('voice-only sessions', () => {
  test('the consent request and the start say voice, with nothing viewed or controlled; the log keeps the mode', async () => {
    const { sessionId, ask, started, customerStarted } = await startVoiceSession();
    assert.equal(ask.mode, 'voice');
    assert.deepEqual(ask.permissions, VOICE);
    for (const s of [started, customerStarted]) {
      assert.equal(s.mode, 'voice');
      assert.deepEqual(s.permissions, VOICE);
    }
    await suite.t().relay.flush();
    const row = await suite.t().relay.services.sessionStore.get(sessionId);
    assert.deepEqual(row?.permissions, VOICE);
    const events = (await suite.t().relay.services.db.all('SELECT kind, detail FROM session_events WHERE session_id = ? ORDER BY id', [sessionId])) as { kind: string; detail: string }[];
    const requested = events.find((e) => e.kind === 'connect-requested');
    assert.equal(JSON.parse(requested?.detail ?? '{}').mode, 'voice');
    assert.ok(events.some((e) => e.kind === 'consent-granted'));
    assert.ok(!events.some((e) => e.kind === 'control-started'), 'a voice session never has control');
  });

  test('a screen session says screen', async () => {
    const agent = await open('agent');
    const customer = await open('customer');
    agent.send({ type: 'connect-request', requestId: 'screen-1', deviceId: customer.device.deviceId, code: codeOf(customer), permissions: { view: true, control: false } });
    const ask = await customer.next('consent-request');
    assert.equal(ask.mode, 'screen');
    assert.deepEqual(ask.permissions, { view: true, control: false });
  });

  test('a request whose mode and permissions disagree is refused before the customer is asked', async () => {
    const agent = await open('agent');
    const customer = await open('customer');
    const deviceId = customer.device.deviceId;
    agent.send({ type: 'connect-request', requestId: 'bad-1', deviceId, code: codeOf(customer), permissions: { view: true, control: false }, mode: 'voice' } as never);
    assert.equal((await agent.next('error')).code, 'bad-message');
    agent.send({ type: 'connect-request', requestId: 'bad-2', deviceId, code: codeOf(customer), permissions: VOICE } as never);
    assert.equal((await agent.next('error')).code, 'bad-message');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(customer.inbox.all.filter((m) => m.type === 'consent-request').length, 0);
  });

  test('input, keyframe requests, screenshots and stream configs are refused; screen media is dropped', async () => {
    const { agent, customer, sessionId, started } = await startVoiceSession();
    agent.sendCtl({ type: 'input', sessionId, event: { kind: 'mouse-move', x: 10, y: 10 } });
    assert.equal((await agent.nextCtl('error')).code, 'not-allowed');
    agent.sendCtl({ type: 'keyframe-request', sessionId });
    assert.equal((await agent.nextCtl('error')).code, 'not-allowed');
    agent.sendCtl({ type: 'screenshot-request', sessionId, requestId: 'shot-voice-1' });
    assert.equal((await agent.nextCtl('error')).code, 'not-allowed');
    agent.sendCtl({ type: 'stroke', sessionId, board: 'screen', stroke: { id: 'st-voice-1', tool: 'pen', color: '#e53935', width: 4, points: [[0, 0], [10, 10]], isFading: false } });
    assert.equal((await agent.nextCtl('error')).code, 'not-allowed');
    customer.sendCtl({ type: 'stream-config', sessionId, config: { codec: 'vp8', width: 1280, height: 720 } });
    assert.equal((await customer.nextCtl('error')).code, 'not-allowed');

    const dropped = suite.t().relay.stats().droppedFragments;
    const frames = fragmentFrame(new Uint8Array(3000), { isKey: true, stream: started.streamId, seq: 0, captureTs: 1 });
    for (const f of frames) assert.ok(customer.sendMedia(f));
    await waitFor(() => suite.t().relay.stats().droppedFragments >= dropped + frames.length);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(agent.media.length, 0, 'the agent gets no screen media');
    assert.equal(customer.ctlInbox.pending().filter((m) => m.type === 'input' || m.type === 'keyframe-request').length, 0);
    assert.equal(agent.ctlInbox.pending().filter((m) => m.type === 'stream-config').length, 0);
  });

  test('the call, the chat and the latency probe work as in any session', async () => {
    const { agent, customer, sessionId } = await startVoiceSession();
    agent.sendCtl({ type: 'voice-request', sessionId });
    assert.equal((await customer.nextCtl('voice-request')).from, 'agent');
    customer.sendCtl({ type: 'voice-accept', sessionId });
    assert.equal((await agent.nextCtl('voice-accept')).from, 'customer');
    customer.sendCtl({ type: 'chat-send', sessionId, text: 'hello, my sound is gone' });
    assert.equal((await agent.nextCtl('chat')).message.text, 'hello, my sound is gone');
    agent.sendCtl({ type: 'ping', sessionId, t: 1 });
    assert.equal((await customer.nextCtl('ping')).t, 1);
  });
});

/** Sequence numbers of the frames the client received whole. */
function framesOf(c: NdcClient): number[] {
  const seqs: number[] = [];
  for (const f of c.media) {
    const h = readHeader(f);
    if (h.fragIndex === h.fragCount - 1) seqs.push(h.seq);
  }
  return seqs;
}

describe('view state', () => {
  /** Sends frames `[seq, isKey]` and waits until the relay has taken them all in. */
  async function sendFrames(customer: NdcClient, sessionId: string, streamId: number, frames: [number, boolean][]): Promise<void> {
    const before = suite.t().relay.stats().sessions.find((s) => s.id === sessionId)?.media?.framesIn ?? 0;
    for (const [seq, isKey] of frames) {
      for (const f of fragmentFrame(new Uint8Array(isKey ? 4000 : 300).fill(seq), { isKey, stream: streamId, seq, captureTs: seq })) assert.ok(customer.sendMedia(f));
    }
    await waitFor(() => (suite.t().relay.stats().sessions.find((s) => s.id === sessionId)?.media?.framesIn ?? 0) >= before + frames.length);
  }

  /** A ctl round trip through the customer: everything the agent sent before it was handled. */
  async function settle(agent: NdcClient, customer: NdcClient, sessionId: string, n: number): Promise<void> {
    agent.sendCtl({ type: 'ping', sessionId, t: n });
    await customer.nextCtl('ping', 5000, (m) => m.t === n);
  }

  test('a hidden session gets keyframes only; shown again, a keyframe is asked for at once and the picture resumes from it', async () => {
    const agent = await open('agent');
    const customer = await open('customer');
    const { sessionId, streamId } = await openSession(agent, customer, { view: true, control: false });
    await sendFrames(customer, sessionId, streamId, [[0, true], [1, false]]);
    agent.sendCtl({ type: 'view-state', sessionId, isVisible: false });
    await settle(agent, customer, sessionId, 1);
    await sendFrames(customer, sessionId, streamId, [[2, false], [3, false], [4, true], [5, false], [6, false]]);
    await waitFor(() => framesOf(agent).length >= 3);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(framesOf(agent), [0, 1, 4], 'only keyframes while hidden');

    // Past the throttle of the join request, so the next one goes out at once.
    await new Promise((r) => setTimeout(r, KEYFRAME_REQUEST_INTERVAL_MS));
    const asked = customer.ctlInbox.all.filter((m) => m.type === 'keyframe-request').length;
    agent.sendCtl({ type: 'view-state', sessionId, isVisible: true });
    await customer.nextCtl('keyframe-request', 2000, (m) => m.sessionId === sessionId && customer.ctlInbox.all.filter((k) => k.type === 'keyframe-request').length > asked);
    await sendFrames(customer, sessionId, streamId, [[7, false], [8, true], [9, false], [10, false]]);
    await waitFor(() => framesOf(agent).length >= 6);
    assert.deepEqual(framesOf(agent), [0, 1, 4, 8, 9, 10]);
    const viewer = Object.values(suite.t().relay.stats().sessions.find((s) => s.id === sessionId)?.media?.viewers ?? {})[0];
    assert.equal(viewer?.hiddenFrames, 4);
    assert.equal(viewer?.isVisible, true);
  });

  test('only the session\'s viewer may send it; bad ones get an error and the session goes on', async () => {
    const agent = await open('agent');
    const customer = await open('customer');
    const other = await open('agent');
    const { sessionId, streamId } = await openSession(agent, customer, { view: true, control: false });

    other.sendCtl({ type: 'view-state', sessionId, isVisible: false });
    assert.equal((await other.nextCtl('error')).code, 'not-found', 'another connection cannot tell which sessions exist');
    customer.sendCtl({ type: 'view-state', sessionId, isVisible: false });
    assert.equal((await customer.nextCtl('error')).code, 'forbidden');
    agent.sendCtlRaw(JSON.stringify({ type: 'view-state', sessionId, isVisible: 'no' }));
    assert.equal((await agent.nextCtl('error')).code, 'bad-message');
    agent.sendCtlRaw(JSON.stringify({ type: 'view-state', isVisible: false }));
    assert.equal((await agent.nextCtl('error')).code, 'bad-message');
    agent.sendCtl({ type: 'view-state', sessionId: 'no-such-session-1', isVisible: false });
    assert.equal((await agent.nextCtl('error')).code, 'not-found');

    // None of them hid the picture: every frame still reaches the agent.
    await settle(agent, customer, sessionId, 2);
    await sendFrames(customer, sessionId, streamId, [[0, true], [1, false], [2, false]]);
    await waitFor(() => framesOf(agent).length >= 3);
    assert.deepEqual(framesOf(agent), [0, 1, 2]);
    assert.equal(other.media.length, 0);
  });

  test('a voice-only session has no picture to show or hide', async () => {
    const { agent, sessionId } = await startVoiceSession();
    agent.sendCtl({ type: 'view-state', sessionId, isVisible: false });
    assert.equal((await agent.nextCtl('error')).code, 'not-allowed');
  });
});

describe('quality mode', () => {
  test('the session\'s agent sets it and the customer is told, as often as it changes', async () => {
    const agent = await open('agent');
    const customer = await open('customer');
    const { sessionId } = await openSession(agent, customer, { view: true, control: false });
    agent.sendCtl({ type: 'quality-mode', sessionId, mode: 'speed' });
    assert.equal((await customer.nextCtl('quality-mode', 5000, (m) => m.sessionId === sessionId)).mode, 'speed');
    agent.sendCtl({ type: 'quality-mode', sessionId, mode: 'quality' });
    assert.equal((await customer.nextCtl('quality-mode', 5000, (m) => m.mode !== 'speed')).mode, 'quality');
    assert.equal(agent.ctlInbox.pending().filter((m) => m.type === 'error').length, 0);
  });

  test('only the session\'s agent may send it; bad ones get an error, the customer hears nothing and the session goes on', async () => {
    const agent = await open('agent');
    const customer = await open('customer');
    const other = await open('agent');
    const { sessionId } = await openSession(agent, customer, { view: true, control: true });

    other.sendCtl({ type: 'quality-mode', sessionId, mode: 'speed' });
    assert.equal((await other.nextCtl('error')).code, 'not-found', 'another connection cannot tell which sessions exist');
    customer.sendCtl({ type: 'quality-mode', sessionId, mode: 'speed' });
    assert.equal((await customer.nextCtl('error')).code, 'forbidden');
    agent.sendCtlRaw(JSON.stringify({ type: 'quality-mode', sessionId, mode: 'turbo' }));
    assert.equal((await agent.nextCtl('error')).code, 'bad-message');
    agent.sendCtlRaw(JSON.stringify({ type: 'quality-mode', mode: 'speed' }));
    assert.equal((await agent.nextCtl('error')).code, 'bad-message');
    agent.sendCtl({ type: 'quality-mode', sessionId: 'no-such-session-1', mode: 'speed' });
    assert.equal((await agent.nextCtl('error')).code, 'not-found');

    // The session goes on, and none of the refused ones reached the customer.
    agent.sendCtl({ type: 'ping', sessionId, t: 7 });
    await customer.nextCtl('ping', 5000, (m) => m.t === 7);
    assert.equal(customer.ctlInbox.all.filter((m) => m.type === 'quality-mode').length, 0);
    agent.sendCtl({ type: 'quality-mode', sessionId, mode: 'balanced' });
    assert.equal((await customer.nextCtl('quality-mode')).mode, 'balanced');
  });

  test('a voice-only session has no picture to choose a quality for', async () => {
    const { agent, customer, sessionId } = await startVoiceSession();
    agent.sendCtl({ type: 'quality-mode', sessionId, mode: 'speed' });
    assert.equal((await agent.nextCtl('error')).code, 'not-allowed');
    assert.equal(customer.ctlInbox.all.filter((m) => m.type === 'quality-mode').length, 0);
  });
});

describe('receive reports', () => {
  test('the session\'s agent reports what arrived; the customer gets it as is, nobody else may send one', async () => {
    const agent = await open('agent');
    const customer = await open('customer');
    const other = await open('agent');
    const { sessionId } = await openSession(agent, customer, { view: true, control: false });
    agent.sendCtl({ type: 'receive-report', sessionId, lastSeq: 12, heldMs: 3, bytes: 45_000, dropped: 0 });
    const got = await customer.nextCtl('receive-report', 5000, (m) => m.sessionId === sessionId);
    assert.deepEqual({ lastSeq: got.lastSeq, bytes: got.bytes }, { lastSeq: 12, bytes: 45_000 });
    other.sendCtl({ type: 'receive-report', sessionId, lastSeq: 13, heldMs: 0, bytes: 1, dropped: 0 });
    assert.equal((await other.nextCtl('error')).code, 'not-found');
    customer.sendCtl({ type: 'receive-report', sessionId, lastSeq: 13, heldMs: 0, bytes: 1, dropped: 0 });
    assert.equal((await customer.nextCtl('error')).code, 'forbidden');
    assert.equal(customer.ctlInbox.all.filter((m) => m.type === 'receive-report').length, 1);
  });

  test('a customer that did not list rate-control (an older client) is never sent a report', async () => {
    const agent = await open('agent');
    const customer = await open('customer', [...VERSION_1_CAPABILITIES]);
    const { sessionId } = await openSession(agent, customer, { view: true, control: false });
    agent.sendCtl({ type: 'receive-report', sessionId, lastSeq: 12, heldMs: 3, bytes: 45_000, dropped: 0 });
    // A ping sent after the report arrives after it would have: nothing was sent in between.
    agent.sendCtl({ type: 'ping', sessionId, t: 1 });
    await customer.nextCtl('ping', 5000, (m) => m.sessionId === sessionId);
    assert.equal(customer.ctlInbox.all.filter((m) => m.type === 'receive-report').length, 0);
    assert.equal(agent.ctlInbox.all.filter((m) => m.type === 'error').length, 0, 'the agent did nothing wrong');
  });
});
