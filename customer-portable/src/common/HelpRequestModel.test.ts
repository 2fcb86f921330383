/** The customer's help request steps: the form, the live place, the nobody-available path, the end. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INITIAL_HELP, helpTransition, waitMinutes, type HelpInput, type HelpState } from './HelpRequestModel.ts';

const ID = 'AbCdEfGhIjKlMnOp';
const run = (inputs: HelpInput[], from: HelpState = INITIAL_HELP) => inputs.reduce(helpTransition, from);

test('a request goes from the button to the queue, follows its place, and ends back at the button with a notice', () => {
  const queued = run([
    { type: 'link-up', speaksDesk: true },
    { type: 'open-form' },
    { type: 'sent', requestId: 'r1' },
    { type: 'relay', msg: { type: 'help-queued', requestId: 'r1', helpRequestId: ID, position: 2, estimatedWaitMs: 90_000, isNobodyAvailable: false } },
  ]);
  assert.deepEqual(queued, { step: 'waiting', helpRequestId: ID, position: 2, estimatedWaitMs: 90_000, isNobodyAvailable: false, isReminded: false, isWritingMessage: false });
  const moved = run([{ type: 'relay', msg: { type: 'help-queued', helpRequestId: ID, position: 0, estimatedWaitMs: 0, isNobodyAvailable: false } }], queued);
  assert.equal(moved.step === 'waiting' && moved.position, 0);
  // Another request's messages change nothing.
  assert.equal(run([{ type: 'relay', msg: { type: 'help-ended', helpRequestId: 'ZZZZZZZZZZZZZZZZ', state: 'left' } }], moved), moved);
  const assigned = run([{ type: 'relay', msg: { type: 'help-assigned', helpRequestId: ID, agentName: 'Alice' } }], moved);
  assert.deepEqual(assigned, { step: 'assigned', helpRequestId: ID, agentName: 'Alice' });
  assert.deepEqual(run([{ type: 'relay', msg: { type: 'help-ended', helpRequestId: ID, state: 'closed' } }], assigned), { step: 'idle', notice: 'closed' });
});

test('a refused request returns to the form; a relay without desk or a lost link hides the button', () => {
  assert.deepEqual(run([{ type: 'link-up', speaksDesk: true }, { type: 'open-form' }, { type: 'sent', requestId: 'r1' }, { type: 'refused', requestId: 'r1' }]), { step: 'form', notice: 'refused' });
  assert.deepEqual(run([{ type: 'link-up', speaksDesk: false }, { type: 'open-form' }]), { step: 'unavailable' });
  assert.deepEqual(run([{ type: 'link-up', speaksDesk: true }, { type: 'link-down' }]), { step: 'unavailable' });
});

test('nobody available: the customer writes a message; a reminder is answered; waits read in minutes', () => {
  const waiting = run([
    { type: 'link-up', speaksDesk: true },
    { type: 'open-form' },
    { type: 'sent', requestId: 'r1' },
    { type: 'relay', msg: { type: 'help-queued', requestId: 'r1', helpRequestId: ID, position: 0, estimatedWaitMs: null, isNobodyAvailable: true } },
    { type: 'write-message', isWriting: true },
    { type: 'relay', msg: { type: 'help-reminder', helpRequestId: ID } },
  ]);
  assert.ok(waiting.step === 'waiting' && waiting.isWritingMessage && waiting.isReminded);
  const answered = helpTransition(waiting, { type: 'still-here' });
  assert.ok(answered.step === 'waiting' && !answered.isReminded);
  assert.deepEqual([waitMinutes(null), waitMinutes(0), waitMinutes(61_000)], [null, 0, 2]);
});
