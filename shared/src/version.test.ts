import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RelayToClient } from './protocol.ts';
import { mayCarry, MIN_PROTOCOL_VERSION, PROTOCOL_HISTORY, PROTOCOL_VERSION, negotiateVersion, sharedCapabilities } from './version.ts';

test('the history ends at the current version and names every version once', () => {
  assert.deepEqual(
    PROTOCOL_HISTORY.map((h) => h.v),
    Array.from({ length: PROTOCOL_VERSION }, (_, i) => i + 1),
  );
});

test('a connection speaks the lower version; a peer older than the minimum is refused', () => {
  assert.equal(negotiateVersion(PROTOCOL_VERSION + 3), PROTOCOL_VERSION);
  assert.equal(negotiateVersion(MIN_PROTOCOL_VERSION), MIN_PROTOCOL_VERSION);
  assert.equal(negotiateVersion(MIN_PROTOCOL_VERSION - 1), null);
  assert.equal(negotiateVersion(1.5), null);
});

test('features are used only when both sides list them; unknown names are ignored', () => {
  assert.deepEqual([...sharedCapabilities(['voice', 'collab'], ['collab', 'teleport'])], ['collab']);
  assert.deepEqual([...sharedCapabilities(['voice', 'collab'], [])], []);
});

test('a version 1 peer that sends no list speaks every version 1 feature', () => {
  assert.ok(sharedCapabilities(['voice', 'view-state'], undefined).has('voice'));
});

test('welcome is a union by role: a customer welcome without its device ID is refused', () => {
  const customer = { type: 'welcome', v: 2, role: 'customer', deviceId: '123456789', code: 'ABC234', codeExpiresAt: 1, capabilities: ['voice', 'future-thing'] };
  const parsed = RelayToClient.parse(customer);
  assert.ok(parsed.type === 'welcome' && parsed.role === 'customer' && parsed.deviceId === '123456789');
  assert.equal(RelayToClient.safeParse({ ...customer, deviceId: undefined }).success, false);
  assert.equal(RelayToClient.safeParse({ type: 'welcome', v: 2, role: 'agent' }).success, false);
});

test('a client leaves out what an older relay does not speak, and sends the rest', () => {
  const v1Relay = sharedCapabilities(['voice', 'collab', 'voice-sessions', 'view-state', 'quality-mode', 'rate-control'], undefined);
  assert.equal(mayCarry(v1Relay, 'receive-report'), false);
  assert.equal(mayCarry(v1Relay, 'stream-state'), false);
  assert.equal(mayCarry(v1Relay, 'voice-request'), true);
  assert.equal(mayCarry(v1Relay, 'ping'), true);
  const noVoice = sharedCapabilities(['voice', 'collab'], ['collab']);
  assert.equal(mayCarry(noVoice, 'voice-request'), false);
  assert.equal(mayCarry(noVoice, 'chat-send'), true);
});
