/** No-reply timers: who owes the next message decides the alert, each alert fires once per silence, a live session spares the customer. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dueAlerts, nextAlertAt, type ConversationTimes } from './noReply.ts';

const T = { agentNoReplySec: 300, customerReminderSec: 300, customerEndSec: 480 };
const MIN = 60_000;
const base: ConversationTimes = { phase: 'assigned', createdAt: 0, assignedAt: MIN, lastAgentMessageAt: null, lastCustomerMessageAt: null, isRemoteSessionLive: false, handled: {} };
const kinds = (c: ConversationTimes, now: number) => dueAlerts(c, T, now).map((a) => `${a.kind}@${a.anchor / MIN}`);

describe('no-reply alerts', () => {
  test('an agent who has not answered since the assignment or the customer’s last message alerts the group after 5 minutes', () => {
    assert.deepEqual(kinds(base, 6 * MIN - 1), []);
    assert.deepEqual(kinds(base, 6 * MIN), ['agent-no-reply@1']);
    const asked = { ...base, lastAgentMessageAt: 2 * MIN, lastCustomerMessageAt: 3 * MIN };
    assert.deepEqual(kinds(asked, 7 * MIN), []);
    assert.deepEqual(kinds(asked, 8 * MIN), ['agent-no-reply@3']);
    assert.equal(nextAlertAt(asked, T), 8 * MIN);
  });

  test('an alert fires once per silence; a new message re-arms it', () => {
    const alerted = { ...base, handled: { 'agent-no-reply': MIN } };
    assert.deepEqual(kinds(alerted, 30 * MIN), []);
    assert.equal(nextAlertAt(alerted, T), null);
    assert.deepEqual(kinds({ ...alerted, lastCustomerMessageAt: 10 * MIN }, 15 * MIN), ['agent-no-reply@10']);
  });

  test('a customer silent after the agent spoke is reminded at 5 minutes and ended at 8, unless a remote session is live', () => {
    const waitingOnCustomer = { ...base, lastAgentMessageAt: 2 * MIN };
    assert.deepEqual(kinds(waitingOnCustomer, 7 * MIN), ['customer-reminder@2']);
    assert.deepEqual(kinds({ ...waitingOnCustomer, handled: { 'customer-reminder': 2 * MIN } }, 10 * MIN), ['customer-timeout@2']);
    assert.equal(nextAlertAt({ ...waitingOnCustomer, handled: { 'customer-reminder': 2 * MIN } }, T), 10 * MIN);
    assert.deepEqual(kinds({ ...waitingOnCustomer, isRemoteSessionLive: true }, 60 * MIN), []);
    assert.equal(nextAlertAt({ ...waitingOnCustomer, isRemoteSessionLive: true }, T), null);
  });

  test('a waiting customer counts silence from the request or their last message', () => {
    const waiting: ConversationTimes = { ...base, phase: 'waiting', assignedAt: null };
    assert.deepEqual(kinds(waiting, 5 * MIN), ['customer-reminder@0']);
    assert.deepEqual(kinds(waiting, 8 * MIN), ['customer-reminder@0', 'customer-timeout@0']);
    assert.deepEqual(kinds({ ...waiting, lastCustomerMessageAt: 4 * MIN }, 8 * MIN), []);
  });
});
