import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RelayToClient } from '@beacon/shared/protocol';
import { INITIAL_CONSOLE, consoleReducer, type ConsoleAction, type ConsoleState } from './ConsoleModel.ts';

const SID_A = 'sessionAAAAAAAAA';
const SID_B = 'sessionBBBBBBBBB';
const relay = (msg: RelayToClient): ConsoleAction => ({ type: 'relay', msg });
const run = (actions: ConsoleAction[], from: ConsoleState = INITIAL_CONSOLE) => actions.reduce(consoleReducer, from);

const connectA: ConsoleAction[] = [
  { type: 'connect-sent', requestId: 'r1', deviceId: '123456789', control: true },
  relay({ type: 'session-pending', requestId: 'r1', sessionId: SID_A, deviceId: '123456789' }),
];
const startA = relay({
  type: 'session-started', sessionId: SID_A, deviceId: '123456789', agentName: 'Alice', permissions: { view: true, control: true }, streamId: 7,
});

test('a pending session opens a tab in the waiting state and shows it', () => {
  const s = run(connectA);
  assert.equal(s.sessions.length, 1);
  assert.equal(s.sessions[0]?.state, 'pending');
  assert.equal(s.sessions[0]?.requestedControl, true);
  assert.equal(s.selectedId, SID_A);
  assert.equal(s.isConnecting, false);
});

test('an error for our request shows its translated message and frees the form', () => {
  const s = run([
    { type: 'connect-sent', requestId: 'r1', deviceId: '123456789', control: true },
    relay({ type: 'error', code: 'wrong-code', message: 'nope', requestId: 'r1' }),
  ]);
  assert.equal(s.errorKey, 'errors.wrong-code');
  assert.equal(s.isConnecting, false);
  assert.equal(s.sessions.length, 0);
  // The next attempt clears it.
  assert.equal(consoleReducer(s, { type: 'connect-sent', requestId: 'r2', deviceId: '1', control: false }).errorKey, null);
});

test('started sessions carry their stream and the control the customer granted', () => {
  const s = run([...connectA, startA]);
  assert.deepEqual(
    { state: s.sessions[0]?.state, streamId: s.sessions[0]?.streamId, hasControl: s.sessions[0]?.hasControl },
    { state: 'active', streamId: 7, hasControl: true },
  );
  const viewOnly = run([
    ...connectA,
    relay({ type: 'session-started', sessionId: SID_A, deviceId: '123456789', agentName: 'Alice', permissions: { view: true, control: false }, streamId: 7 }),
  ]);
  assert.equal(viewOnly.sessions[0]?.hasControl, false);
});

test('a voice-only request opens a voice tab, and stays one when the customer accepts', () => {
  const pending = run([
    { type: 'connect-sent', requestId: 'r1', deviceId: '123456789', control: false, mode: 'voice' },
    relay({ type: 'session-pending', requestId: 'r1', sessionId: SID_A, deviceId: '123456789' }),
  ]);
  assert.equal(pending.sessions[0]?.mode, 'voice');
  const started = consoleReducer(
    pending,
    relay({ type: 'session-started', sessionId: SID_A, deviceId: '123456789', agentName: 'Alice', permissions: { view: false, control: false }, streamId: 7, mode: 'voice' }),
  );
  assert.deepEqual({ state: started.sessions[0]?.state, mode: started.sessions[0]?.mode, hasControl: started.sessions[0]?.hasControl }, { state: 'active', mode: 'voice', hasControl: false });
  // A relay that does not say the mode started a screen session.
  assert.equal(run([...connectA, startA]).sessions[0]?.mode, 'screen');
});

test('denied and ended sessions say why, and the first reason wins', () => {
  const denied = run([...connectA, relay({ type: 'session-denied', sessionId: SID_A, code: 'consent-timeout' })]);
  assert.equal(denied.sessions[0]?.state, 'ended');
  assert.equal(denied.sessions[0]?.messageKey, 'errors.consent-timeout');
  const after = consoleReducer(denied, relay({ type: 'session-ended', sessionId: SID_A, reason: 'agent-ended' }));
  assert.equal(after.sessions[0]?.messageKey, 'errors.consent-timeout');

  const ended = run([...connectA, startA, relay({ type: 'session-ended', sessionId: SID_A, reason: 'customer-stopped' })]);
  assert.equal(ended.sessions[0]?.messageKey, 'ended.customer-stopped');
  // A late session-started does not revive an ended tab.
  assert.equal(consoleReducer(ended, startA).sessions[0]?.state, 'ended');
});

test('losing the relay ends every live tab with relay-unreachable', () => {
  const s = run([
    ...connectA,
    startA,
    { type: 'connect-sent', requestId: 'r2', deviceId: '987654321', control: false },
    relay({ type: 'session-pending', requestId: 'r2', sessionId: SID_B, deviceId: '987654321' }),
    { type: 'relay-lost' },
  ]);
  assert.deepEqual(s.sessions.map((x) => [x.state, x.messageKey]), [
    ['ended', 'errors.relay-unreachable'],
    ['ended', 'errors.relay-unreachable'],
  ]);
  assert.equal(s.errorKey, 'errors.relay-unreachable');
  assert.equal(consoleReducer(s, { type: 'relay-restored' }).errorKey, null);
});

test('several sessions live side by side; closing a tab shows its neighbour', () => {
  let s = run([
    ...connectA,
    startA,
    { type: 'connect-sent', requestId: 'r2', deviceId: '987654321', control: false },
    relay({ type: 'session-pending', requestId: 'r2', sessionId: SID_B, deviceId: '987654321' }),
  ]);
  assert.equal(s.sessions.length, 2);
  assert.equal(s.selectedId, SID_B);
  s = consoleReducer(s, { type: 'select', sessionId: SID_A });
  assert.equal(s.selectedId, SID_A);
  s = consoleReducer(s, { type: 'select', sessionId: 'no-such-session' });
  assert.equal(s.selectedId, SID_A);
  s = consoleReducer(s, { type: 'close-tab', sessionId: SID_A });
  assert.deepEqual(s.sessions.map((x) => x.sessionId), [SID_B]);
  assert.equal(s.selectedId, SID_B);
  s = consoleReducer(s, { type: 'close-tab', sessionId: SID_B });
  assert.equal(s.selectedId, null);
});

test('errors without a request id go to the banner; ctl errors too', () => {
  const s = consoleReducer(INITIAL_CONSOLE, relay({ type: 'error', code: 'not-found', message: 'x' }));
  assert.equal(s.errorKey, 'errors.not-found');
  assert.equal(consoleReducer(s, { type: 'dismiss-error' }).errorKey, null);
  assert.equal(consoleReducer(INITIAL_CONSOLE, { type: 'ctl-error', code: 'not-allowed' }).errorKey, 'errors.not-allowed');
});

test('a request the relay never answers frees the form with a message', () => {
  const sent: ConsoleAction = { type: 'connect-sent', requestId: 'r1', deviceId: '123456789', control: true };
  const s = run([sent, { type: 'request-expired', requestId: 'r1' }]);
  assert.equal(s.isConnecting, false);
  assert.equal(s.errorKey, 'errors.relay-unreachable');
  // Expiry after the answer came changes nothing.
  const answered = run([...connectA, { type: 'request-expired', requestId: 'r1' }]);
  assert.equal(answered.errorKey, null);
  assert.equal(answered.sessions[0]?.state, 'pending');
});

test('the customer picked in the connect form follows the request to its tab, and can be changed later', () => {
  const s = run([
    { type: 'connect-sent', requestId: 'r9', deviceId: '123456789', control: true, customer: { id: 4, name: 'Studio 9' } },
    relay({ type: 'session-pending', requestId: 'r9', sessionId: SID_A, deviceId: '123456789' }),
  ]);
  assert.deepEqual(s.sessions[0]?.customer, { id: 4, name: 'Studio 9' });
  const changed = consoleReducer(s, { type: 'set-customer', sessionId: SID_A, customer: { id: 5, name: 'Other' } });
  assert.deepEqual(changed.sessions[0]?.customer, { id: 5, name: 'Other' });
  assert.equal(consoleReducer(changed, { type: 'set-customer', sessionId: SID_A, customer: null }).sessions[0]?.customer, null);
  const plain = run(connectA);
  assert.equal(plain.sessions[0]?.customer, null, 'no customer picked: none shown');
});

test('a lost link keeps the sessions that wait to be resumed running; the others end', () => {
  const s = run([
    ...connectA,
    startA,
    { type: 'connect-sent', requestId: 'r2', deviceId: '987654321', control: false },
    relay({ type: 'session-pending', requestId: 'r2', sessionId: SID_B, deviceId: '987654321' }),
    { type: 'relay-lost', keep: [SID_A] },
  ]);
  assert.deepEqual(s.sessions.map((x) => x.state), ['active', 'ended']);
});

test('the customer away shows a deadline on its tab until it is back or the session ends', () => {
  const away = run([...connectA, startA, { type: 'peer-away', sessionId: SID_A, until: 99_000 }]);
  assert.equal(away.sessions[0]?.awayUntil, 99_000);
  assert.equal(consoleReducer(away, { type: 'peer-back', sessionId: SID_A }).sessions[0]?.awayUntil, undefined);
  const lost = consoleReducer(away, relay({ type: 'session-ended', sessionId: SID_A, reason: 'network-lost' }));
  assert.equal(lost.sessions[0]?.awayUntil, undefined);
  assert.equal(lost.sessions[0]?.messageKey, 'ended.network-lost');
});

test('a session whose link to another relay dropped says so on its tab until that link is back', () => {
  const away = run([...connectA, startA, { type: 'links-away', sessionIds: [SID_A, 'not-a-tab'] }]);
  assert.equal(away.sessions[0]?.isRelinking, true);
  assert.equal(consoleReducer(away, { type: 'links-back', sessionIds: [SID_A] }).sessions[0]?.isRelinking, undefined);
  const ended = run([...connectA, relay({ type: 'session-ended', sessionId: SID_A, reason: 'network-lost' }), { type: 'links-away', sessionIds: [SID_A] }]);
  assert.equal(ended.sessions[0]?.isRelinking, undefined, 'an ended tab is not marked');
});

test('a session handed to another agent ends here, saying so; one handed to us opens a running tab', () => {
  const s = run([...connectA, startA, relay({ type: 'session-handed-over', sessionId: SID_A, agentName: 'BEN', how: 'transfer' })]);
  assert.deepEqual([s.sessions[0]?.state, s.sessions[0]?.messageKey], ['ended', 'transfer.handedOver']);
  const taken = run([...connectA, startA, relay({ type: 'session-handed-over', sessionId: SID_A, agentName: 'OLIVIA', how: 'take-over' })]);
  assert.equal(taken.sessions[0]?.messageKey, 'transfer.takenOver');
  // Whoever took it (a supervisor, or a group member from a no-reply alert) is named, not assumed to be a supervisor.
  assert.deepEqual(taken.sessions[0]?.messageValues, { name: 'OLIVIA' });
  const ours = run([relay({ type: 'session-started', sessionId: SID_B, deviceId: '123456789', agentName: 'BEN', permissions: { view: true, control: true }, streamId: 9 })]);
  assert.deepEqual([ours.sessions[0]?.state, ours.sessions[0]?.hasControl, ours.selectedId], ['active', true, SID_B]);
});
