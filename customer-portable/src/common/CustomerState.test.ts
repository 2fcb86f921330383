import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INITIAL_STATE, othersOf, transition, type CustomerInput, type CustomerState } from './CustomerState.ts';

const ASK = { sessionId: 'sess-0001', agentName: 'Li Wei', permissions: { view: true, control: true } } as const;

function run(...inputs: CustomerInput[]): CustomerState {
  let s = INITIAL_STATE;
  for (const i of inputs) {
    const r = transition(s, i);
    assert.equal(r.isIllegal, false, r.isIllegal ? r.why : '');
    s = r.state;
  }
  return s;
}

const registered: CustomerInput = { type: 'registered', deviceId: '123456789', code: 'AB12CD' };

test('registration shows the ID and code; a code update replaces the code', () => {
  const s = run(registered, { type: 'code-update', code: 'ZZ99ZZ' });
  assert.equal(s.phase, 'idle');
  assert.equal(s.deviceId, '123456789');
  assert.equal(s.code, 'ZZ99ZZ');
});

test('accepting shows "starting" until the relay confirms, then the session runs', () => {
  let s = run(registered, { type: 'consent-request', ask: ASK }, { type: 'consent-answered', sessionId: ASK.sessionId, granted: true });
  assert.equal(s.phase, 'idle');
  assert.equal(s.notice?.key, 'status.starting');
  s = run(registered, { type: 'consent-request', ask: ASK }, { type: 'consent-answered', sessionId: ASK.sessionId, granted: true }, {
    type: 'session-started',
    session: { ...ASK, streamId: 7 },
  });
  assert.equal(s.phase, 'session');
  assert.equal(s.session?.agentName, 'Li Wei');
  assert.equal(s.notice, null);
});

test('accepting a voice-only request says a call is starting, not screen sharing', () => {
  const voice = { ...ASK, permissions: { view: false, control: false }, mode: 'voice' } as const;
  const s = run(registered, { type: 'consent-request', ask: voice }, { type: 'consent-answered', sessionId: voice.sessionId, granted: true });
  assert.equal(s.notice?.key, 'voiceOnly.starting');
  const started = run(registered, { type: 'consent-request', ask: voice }, { type: 'consent-answered', sessionId: voice.sessionId, granted: true }, {
    type: 'session-started',
    session: { ...voice, streamId: 7 },
  });
  assert.equal(started.session?.mode, 'voice');
});

test('an accepted session the relay never starts gives up with a message', () => {
  const s = run(registered, { type: 'consent-request', ask: ASK }, { type: 'consent-answered', sessionId: ASK.sessionId, granted: true }, {
    type: 'start-timeout',
    sessionId: ASK.sessionId,
  });
  assert.equal(s.phase, 'idle');
  assert.equal(s.acceptedSessionId, null);
  assert.equal(s.notice?.key, 'status.startFailed');
  // Once started, a late timeout changes nothing.
  const started = run(...inSession);
  assert.equal(transition(started, { type: 'start-timeout', sessionId: ASK.sessionId }).isIllegal, true);
});

test('denying closes the dialog and says nobody is connected', () => {
  const s = run(registered, { type: 'consent-request', ask: ASK }, { type: 'consent-answered', sessionId: ASK.sessionId, granted: false });
  assert.equal(s.phase, 'idle');
  assert.equal(s.consent, null);
  assert.equal(s.notice?.key, 'consent.denied');
});

test('a session cannot start without the customer accepting it', () => {
  const s = run(registered);
  const r = transition(s, { type: 'session-started', session: { ...ASK, streamId: 1 } });
  assert.equal(r.isIllegal, true);
  assert.equal(r.state.phase, 'idle');
  // Nor with consent given for a different request.
  const s2 = run(registered, { type: 'consent-request', ask: ASK }, { type: 'consent-answered', sessionId: ASK.sessionId, granted: true });
  assert.equal(transition(s2, { type: 'session-started', session: { ...ASK, sessionId: 'other-001', streamId: 1 } }).isIllegal, true);
});

test('a second request while one is on screen is refused, not stacked', () => {
  const s = run(registered, { type: 'consent-request', ask: ASK });
  const r = transition(s, { type: 'consent-request', ask: { ...ASK, sessionId: 'sess-0002', agentName: 'Mallory' } });
  assert.equal(r.isIllegal, true);
  assert.equal(r.state.consent?.agentName, 'Li Wei');
});

test('a request while an accepted session is starting is refused', () => {
  const s = run(registered, { type: 'consent-request', ask: ASK }, { type: 'consent-answered', sessionId: ASK.sessionId, granted: true });
  const r = transition(s, { type: 'consent-request', ask: { ...ASK, sessionId: 'sess-0002' } });
  assert.equal(r.isIllegal, true);
  assert.equal(r.state.acceptedSessionId, ASK.sessionId);
});

test('the agent withdrawing a request closes the dialog with a note', () => {
  const s = run(registered, { type: 'consent-request', ask: ASK }, { type: 'session-ended', sessionId: ASK.sessionId, reason: 'agent-ended' });
  assert.equal(s.phase, 'idle');
  assert.equal(s.notice?.key, 'consent.withdrawn');
});

test('an unanswered request expires', () => {
  const s = run(registered, { type: 'consent-request', ask: ASK }, { type: 'consent-expired', sessionId: ASK.sessionId });
  assert.equal(s.phase, 'idle');
  assert.equal(s.notice?.key, 'consent.expired');
});

const inSession: CustomerInput[] = [
  registered,
  { type: 'consent-request', ask: ASK },
  { type: 'consent-answered', sessionId: ASK.sessionId, granted: true },
  { type: 'session-started', session: { ...ASK, streamId: 7 } },
];

test('Stop returns to the start screen at once, and the relay’s later end is ignored', () => {
  const s = run(...inSession, { type: 'stopped' });
  assert.equal(s.phase, 'idle');
  assert.equal(s.notice?.key, 'session.youStopped');
  assert.equal(s.deviceId, '123456789', 'the ID stays on screen for the next request');
  assert.equal(transition(s, { type: 'session-ended', sessionId: ASK.sessionId, reason: 'customer-stopped' }).isIllegal, true);
});

test('the agent ending the session shows why', () => {
  const s = run(...inSession, { type: 'session-ended', sessionId: ASK.sessionId, reason: 'agent-ended' });
  assert.equal(s.phase, 'idle');
  assert.equal(s.notice?.key, 'ended.agent-ended');
});

test('an end for some other session does not stop ours', () => {
  const r = transition(run(...inSession), { type: 'session-ended', sessionId: 'sess-9999', reason: 'agent-ended' });
  assert.equal(r.isIllegal, true);
  assert.equal(r.state.phase, 'session');
});

test('a capture failure ends the session with an error that says what to do', () => {
  const s = run(...inSession, { type: 'capture-failed' });
  assert.equal(s.phase, 'idle');
  assert.equal(s.notice?.key, 'errors.capture-failed');
  assert.equal(s.notice?.isError, true);
});

test('losing the relay mid-session drops ID, code and session and says when it retries', () => {
  const s = run(...inSession, { type: 'disconnected', reason: 'relay-unreachable', retryInMs: 3900 });
  assert.equal(s.phase, 'offline');
  assert.equal(s.session, null);
  assert.equal(s.deviceId, null);
  assert.equal(s.notice?.key, 'errors.relay-unreachable');
  assert.equal(s.notice?.values?.seconds, 4);
  // The retry keeps the reason on screen until it succeeds.
  const retrying = run(...inSession, { type: 'disconnected', reason: 'relay-unreachable', retryInMs: 1000 }, { type: 'connecting' });
  assert.equal(retrying.phase, 'connecting');
  assert.equal(retrying.notice?.key, 'errors.relay-unreachable');
  assert.equal(run({ type: 'disconnected', reason: 'internal', retryInMs: 1000 }, { type: 'connecting' }, registered).notice, null);
});

const running: CustomerInput[] = [
  registered,
  { type: 'consent-request', ask: ASK },
  { type: 'consent-answered', sessionId: ASK.sessionId, granted: true },
  { type: 'session-started', session: { ...ASK, streamId: 7 } },
];

test('a dropped link during a session keeps it on screen while reconnecting; the same ID back resumes it without a dialog', () => {
  let s = run(...running, { type: 'link-lost' }, { type: 'connecting' });
  assert.equal(s.phase, 'session');
  assert.equal(s.isRelinking, true);
  assert.equal(s.notice?.key, 'session.relinking');
  s = run(...running, { type: 'link-lost' }, { type: 'connecting' }, { type: 'registered', deviceId: '123456789', code: 'NEW123' });
  assert.equal(s.phase, 'session');
  assert.equal(s.isRelinking, false);
  assert.equal(s.session?.sessionId, ASK.sessionId);
  assert.equal(s.consent, null);
  assert.equal(s.code, 'NEW123');
});

test('a new ID after a dropped link means the session is gone: back to the start screen, saying the connection was lost', () => {
  const s = run(...running, { type: 'link-lost' }, { type: 'registered', deviceId: '987654321', code: 'NEW123' });
  assert.equal(s.phase, 'idle');
  assert.equal(s.session, null);
  assert.equal(s.deviceId, '987654321');
  assert.equal(s.notice?.key, 'ended.network-lost');
});

test("the agent's link drops and comes back: a deadline while away, none after; Stop still works meanwhile", () => {
  let s = run(...running, { type: 'peer-away', sessionId: ASK.sessionId, until: 123_000 });
  assert.equal(s.peerAwayUntil, 123_000);
  s = run(...running, { type: 'peer-away', sessionId: ASK.sessionId, until: 123_000 }, { type: 'peer-back', sessionId: ASK.sessionId });
  assert.equal(s.peerAwayUntil, null);
  s = run(...running, { type: 'peer-away', sessionId: ASK.sessionId, until: 123_000 }, { type: 'stopped' });
  assert.equal(s.phase, 'idle');
  assert.equal(s.peerAwayUntil, null);
  assert.equal(transition(run(registered), { type: 'link-lost' }).isIllegal, true, 'no session: nothing to resume');
});

test('a desk transfer: the running session shows the new agent and goes on; another session’s change is ignored', () => {
  const s = run(...running, { type: 'agent-changed', sessionId: ASK.sessionId, agentName: 'Zhang Min' });
  assert.deepEqual([s.phase, s.session?.agentName, s.session?.streamId], ['session', 'Zhang Min', run(...running).session?.streamId]);
  assert.equal(transition(run(...running), { type: 'agent-changed', sessionId: 'sess-other', agentName: 'X' }).isIllegal, true);
});

test('Stop while the link is down: back to the start screen at once; the same ID when the link returns (the relay resumed, then stopped, the session)', () => {
  let s = run(...running, { type: 'link-lost' }, { type: 'stopped' });
  assert.equal(s.phase, 'idle');
  assert.equal(s.session, null);
  assert.equal(s.notice?.key, 'session.youStopped');
  s = run(...running, { type: 'link-lost' }, { type: 'stopped' }, { type: 'registered', deviceId: s.deviceId ?? '', code: 'NEW123' });
  assert.equal(s.phase, 'idle');
  assert.equal(s.code, 'NEW123');
});

test('other agents in the session: the bar lists them with who controls; another session’s list is ignored', () => {
  const participants = [
    { agentId: 1, name: 'Ann', role: 'owner' as const },
    { agentId: 2, name: 'Olivia', role: 'monitor' as const },
    { agentId: 3, name: 'Ben', role: 'guest' as const },
  ];
  const s = run(...running, { type: 'others-changed', sessionId: ASK.sessionId, others: othersOf(participants, 3) });
  assert.deepEqual(s.session?.others, [
    { name: 'Olivia', role: 'monitor', isControlling: false },
    { name: 'Ben', role: 'guest', isControlling: true },
  ]);
  assert.equal(transition(run(...running), { type: 'others-changed', sessionId: 'sess-other', others: [] }).isIllegal, true);
});
