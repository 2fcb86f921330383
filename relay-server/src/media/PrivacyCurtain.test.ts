/**
 * The privacy curtain through a real relay (node-datachannel peers as customer, agents and a
 * supervisor): who may ask and answer (only the session's own agent asks, in a session with
 * control; its monitors and guests are refused; only the customer answers), that nothing goes up
 * without a yes, that the agent and every viewer hear each change, and the audit and event log
 * rows with who and why. The customer's consent dialog, the curtain page and the agent's toolbar
 * are tested end to end in tests/e2e/curtain.test.ts.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { NdcClient } from '../testing/NdcClient.ts';
import { cleanupNative } from '../platform/nativeHandles.ts';
import { startDeskRelay, type DeskRelay } from '../desk/testing/deskRelay.ts';

let r: DeskRelay;
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));
async function waitUntil(isDone: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 50 && !isDone(); i++) await settle();
  assert.ok(isDone(), what);
}

/** Ann takes a customer's help request (with control unless told) and the customer consents. */
async function annServes(control = true): Promise<{ ann: NdcClient; customer: NdcClient; sessionId: string }> {
  const ann = await r.open('agent', r.tokens.ann);
  const customer = await r.open('customer');
  await ann.next('desk-status');
  ann.send({ type: 'agent-availability', state: 'available', concurrencyLimit: 1 });
  await ann.next('desk-status', 5000, (m) => m.state === 'available');
  customer.send({ type: 'help-request', requestId: 'h1', help: { customerName: 'Li Na', description: 'payroll', groupId: null } });
  const { helpRequestId } = await customer.next('help-queued', 5000, (m) => m.requestId === 'h1');
  await ann.next('desk-offer', 5000, (m) => m.request.id === helpRequestId);
  ann.send({ type: 'offer-accept', requestId: 'take', helpRequestId, control });
  const ask = await customer.next('consent-request');
  customer.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
  await ann.next('session-started', 5000, (m) => m.sessionId === ask.sessionId);
  await customer.next('session-started');
  return { ann, customer, sessionId: ask.sessionId };
}

/** The agent asks, the customer says yes and raises the curtain; the agent hears it is on. */
async function raise(ann: NdcClient, customer: NdcClient, sessionId: string): Promise<void> {
  ann.sendCtl({ type: 'curtain-request', sessionId, up: true });
  assert.deepEqual(await customer.nextCtl('curtain-request'), { type: 'curtain-request', sessionId, up: true });
  customer.sendCtl({ type: 'curtain-answer', sessionId, granted: true });
  assert.equal((await ann.nextCtl('curtain-answer')).granted, true);
  customer.sendCtl({ type: 'curtain-state', sessionId, state: 'on', reason: 'consented' });
  assert.equal((await ann.nextCtl('curtain-state')).state, 'on');
}

before(async () => {
  r = await startDeskRelay({ concurrencyLimit: 1 });
});
afterEach(() => r.closeAll());
after(async () => {
  await r.close();
  await cleanupNative();
});

describe('privacy curtain', () => {
  test('the agent asks, the customer says yes and raises it, then lifts it; the agent and a watching supervisor are told', async () => {
    const { ann, customer, sessionId } = await annServes();
    const olivia = await r.open('agent', r.ownerToken);
    olivia.send({ type: 'session-monitor', requestId: 'm1', sessionId });
    await olivia.next('session-started', 5000, (m) => m.sessionId === sessionId);
    await raise(ann, customer, sessionId);
    assert.equal((await olivia.nextCtl('curtain-state')).state, 'on', 'the monitor sees the curtain is up');
    // A second ask while it is up is a conflict; one yes raises it once.
    ann.sendCtl({ type: 'curtain-request', sessionId, up: true });
    assert.equal((await ann.nextCtl('error', 5000, (m) => m.re?.type === 'curtain-request')).code, 'conflict');
    customer.sendCtl({ type: 'curtain-state', sessionId, state: 'off', reason: 'customer-lifted' });
    assert.deepEqual(await ann.nextCtl('curtain-state', 5000, (m) => m.state === 'off'), { type: 'curtain-state', sessionId, state: 'off', reason: 'customer-lifted' });
    await olivia.nextCtl('curtain-state', 5000, (m) => m.state === 'off');
    customer.sendCtl({ type: 'curtain-state', sessionId, state: 'on', reason: 'consented' });
    assert.equal((await customer.nextCtl('error')).code, 'not-allowed', 'up again only after another yes');
  });

  test('a viewer who joins, and an agent who takes the session over, learn at once that the curtain is up', async () => {
    const { ann, customer, sessionId } = await annServes();
    const olivia = await r.open('agent', r.ownerToken);
    olivia.send({ type: 'session-monitor', requestId: 'm1', sessionId });
    await olivia.next('session-started', 5000, (m) => m.sessionId === sessionId);
    await settle();
    assert.equal(olivia.ctlInbox.all.filter((m) => m.type === 'curtain-state').length, 0, 'nothing to tell while it is down');
    await raise(ann, customer, sessionId);
    await olivia.nextCtl('curtain-state', 5000, (m) => m.state === 'on');
    // An invited colleague joins while it is up: told on joining, not at the next change.
    const ben = await r.open('agent', r.tokens.ben);
    ann.send({ type: 'session-invite', requestId: 'i1', sessionId, agentId: r.ids.ben });
    await ben.next('session-invitation');
    ben.send({ type: 'invite-answer', requestId: 'a1', sessionId, isAccepted: true });
    await ben.next('session-started', 5000, (m) => m.sessionId === sessionId);
    assert.deepEqual(await ben.nextCtl('curtain-state'), { type: 'curtain-state', sessionId, state: 'on', reason: 'consented' });
    // The supervisor takes the session over: as its agent, told again (a new agent's console starts from nothing).
    const before = olivia.ctlInbox.all.filter((m) => m.type === 'curtain-state').length;
    olivia.send({ type: 'session-take-over', requestId: 't1', sessionId });
    await olivia.next('session-started', 5000, (m) => m.sessionId === sessionId && m.agentName === 'Olivia');
    await waitUntil(() => olivia.ctlInbox.all.filter((m) => m.type === 'curtain-state').length > before, 'the new agent hears the curtain is up');
    assert.equal(olivia.ctlInbox.all.filter((m) => m.type === 'curtain-state').at(-1)?.state, 'on');
    // The new agent may lower it: the curtain's state went with the session.
    olivia.sendCtl({ type: 'curtain-request', sessionId, up: false });
    assert.equal((await customer.nextCtl('curtain-request', 5000, (m) => !m.up)).up, false);
  });

  test('monitors and guests may not ask, even a guest given control; the customer may not ask, the agent may not answer', async () => {
    const { ann, customer, sessionId } = await annServes();
    const olivia = await r.open('agent', r.ownerToken);
    olivia.send({ type: 'session-monitor', requestId: 'm1', sessionId });
    await olivia.next('session-started', 5000, (m) => m.sessionId === sessionId);
    olivia.sendCtl({ type: 'curtain-request', sessionId, up: true });
    assert.equal((await olivia.nextCtl('error', 5000, (m) => m.re?.type === 'curtain-request')).code, 'forbidden');
    const ben = await r.open('agent', r.tokens.ben);
    ann.send({ type: 'session-invite', requestId: 'i1', sessionId, agentId: r.ids.ben });
    await ben.next('session-invitation');
    ben.send({ type: 'invite-answer', requestId: 'a1', sessionId, isAccepted: true });
    await ben.next('session-started', 5000, (m) => m.sessionId === sessionId);
    ann.send({ type: 'control-pass', requestId: 'p1', sessionId, agentId: r.ids.ben });
    await ben.next('session-participants', 5000, (m) => m.controllerId === r.ids.ben);
    ben.sendCtl({ type: 'curtain-request', sessionId, up: true });
    assert.equal((await ben.nextCtl('error', 5000, (m) => m.re?.type === 'curtain-request')).code, 'forbidden');
    customer.sendCtl({ type: 'curtain-request', sessionId, up: true });
    assert.equal((await customer.nextCtl('error')).code, 'forbidden');
    ann.sendCtl({ type: 'curtain-answer', sessionId, granted: true });
    assert.equal((await ann.nextCtl('error')).code, 'forbidden');
    customer.sendCtl({ type: 'curtain-answer', sessionId, granted: true });
    assert.equal((await customer.nextCtl('error')).code, 'not-allowed', 'nothing was asked');
    await settle();
    assert.equal(customer.ctlInbox.all.filter((m) => m.type === 'curtain-request').length, 0, 'no ask reached the customer');
  });

  test('a view-only session has no curtain; a PC that cannot hide a window says unavailable and the ask closes', async () => {
    const viewOnly = await annServes(false);
    viewOnly.ann.sendCtl({ type: 'curtain-request', sessionId: viewOnly.sessionId, up: true });
    assert.equal((await viewOnly.ann.nextCtl('error')).code, 'not-allowed');
    await r.closeAll();
    const { ann, customer, sessionId } = await annServes();
    ann.sendCtl({ type: 'curtain-request', sessionId, up: true });
    await customer.nextCtl('curtain-request');
    customer.sendCtl({ type: 'curtain-state', sessionId, state: 'unavailable', reason: 'unsupported' });
    assert.deepEqual(await ann.nextCtl('curtain-state'), { type: 'curtain-state', sessionId, state: 'unavailable', reason: 'unsupported' });
    customer.sendCtl({ type: 'curtain-answer', sessionId, granted: true });
    assert.equal((await customer.nextCtl('error')).code, 'not-allowed', 'the ask was closed by the answer unavailable');
    customer.sendCtl({ type: 'curtain-state', sessionId, state: 'on', reason: 'customer-lifted' });
    assert.equal((await customer.nextCtl('error')).code, 'bad-message', 'a reason that does not fit the state');
  });

  test('asks, answers and changes go in the audit log and the session’s event log, with who and why', async () => {
    const { ann, customer, sessionId } = await annServes();
    await raise(ann, customer, sessionId);
    customer.sendCtl({ type: 'curtain-state', sessionId, state: 'off', reason: 'agent-lifted' });
    assert.equal((await customer.nextCtl('error')).code, 'not-allowed', 'the agent did not ask to lower it');
    ann.sendCtl({ type: 'curtain-request', sessionId, up: false });
    assert.equal((await customer.nextCtl('curtain-request', 5000, (m) => !m.up)).up, false);
    customer.sendCtl({ type: 'curtain-state', sessionId, state: 'off', reason: 'agent-lifted' });
    await ann.nextCtl('curtain-state', 5000, (m) => m.state === 'off');
    await settle();
    const events = (await r.t.relay.services.events.forSession(sessionId)).filter((e) => e.kind.startsWith('curtain-'));
    assert.deepEqual(
      events.map((e) => [e.kind, e.actor.split(':')[0], e.detail.up ?? e.detail.granted ?? e.detail.reason]),
      [
        ['curtain-requested', 'agent', true],
        ['curtain-answered', 'customer', true],
        ['curtain-on', 'customer', 'consented'],
        ['curtain-requested', 'agent', false],
        ['curtain-off', 'agent', 'agent-lifted'],
      ],
    );
    const audit = (await r.t.relay.services.audit.list({ limit: 50 })).entries.filter((e) => e.target?.id === sessionId && e.action.startsWith('curtain-'));
    assert.deepEqual(audit.map((e) => e.action).sort(), ['curtain-answered', 'curtain-requested', 'curtain-requested']);
    assert.equal(audit.find((e) => e.action === 'curtain-requested')?.actor?.id, r.ids.ann, 'the asking seat is the actor');
  });
});
