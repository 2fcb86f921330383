import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtocolError } from '@beacon/shared/errors';
import { CLIPBOARD_FETCH_TIMEOUT_MS } from './ClipboardRelay.ts';
import { stage } from './clipboardStage.ts';

const refusedWith = (code: string) => (err: unknown) => err instanceof ProtocolError && err.code === code;

test('the agent’s text reaches the customer and the log keeps its length, not the text', () => {
  const { s, relay, toCustomer, events } = stage();
  relay.fromAgent(s, { type: 'clipboard-send', sessionId: 'S1', text: 'secret path' });
  assert.deepEqual(toCustomer, [{ type: 'clipboard-send', sessionId: 'S1', text: 'secret path' }]);
  assert.equal(events.length, 1);
  assert.deepEqual(events[0]!.detail, { direction: 'to-customer', kind: 'text', chars: 11 });
  assert.equal(events[0]!.actor, 'agent:alice');
  assert.doesNotMatch(JSON.stringify(events), /secret/);
});

test('without control the agent may neither send nor fetch', () => {
  const { s, relay, toCustomer } = stage(false);
  assert.throws(() => relay.fromAgent(s, { type: 'clipboard-send', sessionId: 'S1', text: 'x' }), refusedWith('not-allowed'));
  assert.throws(() => relay.fromAgent(s, { type: 'clipboard-fetch', sessionId: 'S1' }), refusedWith('not-allowed'));
  assert.equal(toCustomer.length, 0);
});

test('the customer’s text goes to the agent only in answer to a fetch, once', () => {
  const { s, relay, toAgent, events } = stage();
  const answer = { type: 'clipboard-send', sessionId: 'S1', text: 'from the PC' } as const;
  assert.throws(() => relay.fromCustomer(s, answer), refusedWith('forbidden'), 'unasked');
  relay.fromAgent(s, { type: 'clipboard-fetch', sessionId: 'S1' });
  relay.fromCustomer(s, answer);
  assert.deepEqual(toAgent, [answer]);
  assert.deepEqual(events.map((e) => e.detail), [{ direction: 'to-agent', kind: 'text', chars: 11 }]);
  assert.throws(() => relay.fromCustomer(s, answer), refusedWith('forbidden'), 'a second answer to one fetch');
});

test('a fetch answered too late, or after the session ended, is refused', () => {
  const { s, relay, advance } = stage();
  const answer = { type: 'clipboard-send', sessionId: 'S1', text: 'late' } as const;
  relay.fromAgent(s, { type: 'clipboard-fetch', sessionId: 'S1' });
  advance(CLIPBOARD_FETCH_TIMEOUT_MS + 1);
  assert.throws(() => relay.fromCustomer(s, answer), refusedWith('forbidden'));
  relay.fromAgent(s, { type: 'clipboard-fetch', sessionId: 'S1' });
  relay.sessionEnded('S1');
  assert.throws(() => relay.fromCustomer(s, answer), refusedWith('forbidden'));
});

test('the customer says why it could not; the roles’ own messages are refused from the other side', () => {
  const { s, relay, toAgent } = stage();
  relay.fromAgent(s, { type: 'clipboard-fetch', sessionId: 'S1' });
  relay.fromCustomer(s, { type: 'clipboard-unavailable', sessionId: 'S1', op: 'read', problem: 'empty' });
  assert.deepEqual(toAgent, [{ type: 'clipboard-unavailable', sessionId: 'S1', op: 'read', problem: 'empty' }]);
  assert.throws(() => relay.fromCustomer(s, { type: 'clipboard-fetch', sessionId: 'S1' }), refusedWith('forbidden'));
  assert.throws(() => relay.fromAgent(s, { type: 'clipboard-unavailable', sessionId: 'S1', op: 'read', problem: 'empty' }), refusedWith('forbidden'));
});
