/** The desk's wire shapes: what a customer may send and what clients are told. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeskAgentToRelay, DeskCustomerToRelay, DeskRelayToAgent, DeskRelayToCustomer, HelpRequestBody } from './desk.ts';

const ID = 'AbCdEfGhIjKlMnOp';

test('a help request is trimmed and bounded; an unknown queue state or a guessable ID is refused', () => {
  const body = HelpRequestBody.parse({ customerName: '  王芳 ', description: 'printer offline', groupId: null });
  assert.deepEqual(body, { customerName: '王芳', description: 'printer offline', groupId: null });
  assert.equal(HelpRequestBody.safeParse({ customerName: ' ', description: '', groupId: null }).success, false);
  assert.equal(DeskCustomerToRelay.safeParse({ type: 'help-cancel', helpRequestId: '1' }).success, false);
  assert.equal(DeskCustomerToRelay.safeParse({ type: 'help-request', requestId: 'r1', help: body }).success, true);
  assert.equal(DeskRelayToCustomer.safeParse({ type: 'help-ended', helpRequestId: ID, state: 'waiting' }).success, false);
  assert.equal(DeskRelayToCustomer.safeParse({ type: 'help-queued', helpRequestId: ID, position: 3, estimatedWaitMs: null, isNobodyAvailable: true }).success, true);

  assert.equal(DeskAgentToRelay.safeParse({ type: 'agent-availability', state: 'available', concurrencyLimit: 51 }).success, false);
  assert.equal(DeskAgentToRelay.safeParse({ type: 'offer-accept', requestId: 'r', helpRequestId: ID, control: true }).success, true);
  assert.equal(DeskRelayToAgent.safeParse({ type: 'desk-offer-withdrawn', helpRequestId: ID, reason: 'accepted' }).success, true);
});
