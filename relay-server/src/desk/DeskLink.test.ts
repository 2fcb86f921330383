/**
 * The desk over the WebSocket on a real relay, with real clients (node-datachannel): a
 * customer asks for help and is told its place; available agents are offered it in turn; an
 * accepted offer opens the usual pending session and consent; leaving, messages, stored
 * availability, and a peer that did not list `desk`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DeskMessagesResponse } from '@beacon/shared/api';
import { KNOWN_CAPABILITIES } from '@beacon/shared/version';
import type { Desk } from './Desk.ts';
import type { NdcClient } from '../testing/NdcClient.ts';
import { startDeskRelay, type DeskRelay } from './testing/deskRelay.ts';

let r: DeskRelay;
let desk: Desk;
const HELP = { customerName: '王芳', phone: '+86 10 1234 5678', description: 'printer offline', groupId: null };
const open: DeskRelay['open'] = (...args) => r.open(...args);
const closeAll = () => r.closeAll();

/** The first of these agents to be offered a request (the other's inbox is left as it is). */
async function offeredOneOf(...agents: NdcClient[]): Promise<{ a: NdcClient; o: Awaited<ReturnType<NdcClient['next']>> & { type: 'desk-offer' } }> {
  const end = Date.now() + 5000;
  for (;;) {
    const a = agents.find((x) => x.inbox.pending().some((m) => m.type === 'desk-offer'));
    if (a) return { a, o: await a.next('desk-offer') };
    if (Date.now() > end) throw new Error('no agent was offered the request');
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => {
  r = await startDeskRelay({ concurrencyLimit: 2 });
  desk = r.t.relay.services.desk;
});
after(() => r.close());

describe('the desk over the WebSocket', () => {
  test('nobody available: the customer is told so and leaves a message the back-office lists', async () => {
    const customer = await open('customer');
    customer.send({ type: 'help-request', requestId: 'h1', help: HELP });
    const queued = await customer.next('help-queued', 5000, (m) => m.requestId === 'h1');
    assert.deepEqual([queued.position, queued.estimatedWaitMs, queued.isNobodyAvailable], [0, null, true]);
    customer.send({ type: 'help-request', requestId: 'h2', help: HELP });
    assert.equal((await customer.next('error', 5000, (m) => m.requestId === 'h2')).code, 'conflict');
    customer.send({ type: 'help-leave-message', helpRequestId: queued.helpRequestId, text: 'Please call me after 3 pm' });
    assert.equal((await customer.next('help-ended')).state, 'messaged');
    await r.t.relay.flush();
    const { messages } = await r.owner.ok('GET', '/api/desk/messages', DeskMessagesResponse);
    assert.deepEqual(messages.map((m) => [m.customerName, m.phone, m.description, m.text]), [['王芳', '+86 10 1234 5678', 'printer offline', 'Please call me after 3 pm']]);
    await closeAll();
  });

  test('an agent’s availability is stored and told back; the queue and offers follow it', async () => {
    const ann = await open('agent', r.tokens.ann);
    const status = await ann.next('desk-status');
    assert.deepEqual([status.state, status.concurrencyLimit, status.maxConcurrencyLimit], ['available', 2, 2]);
    ann.send({ type: 'agent-availability', state: 'away', concurrencyLimit: 1 });
    assert.deepEqual((await ann.next('desk-status', 5000, (m) => m.state === 'away')).concurrencyLimit, 1);
    ann.send({ type: 'agent-availability', state: 'available', concurrencyLimit: 3 });
    assert.equal((await ann.next('error')).code, 'bad-message', 'above the seat’s limit');
    ann.close();
    // A reload: the stored state comes back.
    const again = await open('agent', r.tokens.ann);
    assert.equal((await again.next('desk-status')).state, 'away');
    again.send({ type: 'agent-availability', state: 'available', concurrencyLimit: 1 });
    await again.next('desk-status', 5000, (m) => m.state === 'available');
    await closeAll();
  });

  test('a declined offer goes to the next agent; the accepted one opens the usual consent; the session’s end closes the request', async () => {
    const ann = await open('agent', r.tokens.ann);
    const ben = await open('agent', r.tokens.ben);
    for (const a of [ann, ben]) {
      await a.next('desk-status');
      a.send({ type: 'agent-availability', state: 'available', concurrencyLimit: 1 });
      await a.next('desk-status', 5000, (m) => m.state === 'available' && m.concurrencyLimit === 1);
    }
    await new Promise((r) => setTimeout(r, 100)); // both at the desk (Presence is asynchronous)
    const customer = await open('customer');
    customer.send({ type: 'help-request', requestId: 'h3', help: { ...HELP, phone: undefined } });
    const queued = await customer.next('help-queued', 5000, (m) => m.requestId === 'h3');
    assert.equal(queued.isNobodyAvailable, false);
    const id = queued.helpRequestId;
    // Whoever is offered it first declines; the other one gets it.
    const first = await offeredOneOf(ann, ben);
    assert.deepEqual([first.o.request.customerName, first.o.request.description], ['王芳', 'printer offline']);
    const second = first.a === ann ? ben : ann;
    first.a.send({ type: 'offer-decline', helpRequestId: id });
    assert.equal((await first.a.next('desk-offer-withdrawn')).reason, 'declined');
    const offer = await second.next('desk-offer');
    assert.equal(offer.request.id, id);
    const queueView = await second.next('desk-queue', 5000, (m) => m.requests.some((r) => r.id === id && r.state === 'offered'));
    assert.equal(queueView.requests.length, 1);

    second.send({ type: 'offer-accept', requestId: 'take-1', helpRequestId: id, control: true });
    const pending = await second.next('session-pending', 5000, (m) => m.requestId === 'take-1');
    assert.equal((await customer.next('help-assigned')).agentName, second === ann ? 'ANN' : 'BEN');
    const ask = await customer.next('consent-request', 5000, (m) => m.sessionId === pending.sessionId);
    assert.deepEqual(ask.permissions, { view: true, control: true });
    customer.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
    await second.next('session-started', 5000, (m) => m.sessionId === pending.sessionId);
    assert.equal(desk.queue.request(id).state.kind, 'assigned');
    second.send({ type: 'session-end', sessionId: pending.sessionId });
    assert.equal((await customer.next('help-ended')).state, 'closed');
    assert.equal(desk.queue.findRequest(id), undefined);
    await closeAll();
  });

  test('a customer who leaves the queue, or goes away, takes the offer with them', async () => {
    const ann = await open('agent', r.tokens.ann);
    await ann.next('desk-status');
    await new Promise((r) => setTimeout(r, 100));
    const customer = await open('customer');
    customer.send({ type: 'help-request', requestId: 'h4', help: HELP });
    const { helpRequestId } = await customer.next('help-queued', 5000, (m) => m.requestId === 'h4');
    await ann.next('desk-offer');
    customer.send({ type: 'help-cancel', helpRequestId });
    assert.equal((await ann.next('desk-offer-withdrawn')).reason, 'left');
    assert.equal((await customer.next('help-ended')).state, 'left');

    const other = await open('customer');
    other.send({ type: 'help-request', requestId: 'h5', help: HELP });
    await ann.next('desk-offer');
    other.close();
    assert.equal((await ann.next('desk-offer-withdrawn', 5000)).reason, 'left');
    await closeAll();
  });

  test('a peer that did not list desk is never sent desk messages and may not send them', async () => {
    const old = KNOWN_CAPABILITIES.filter((c) => c !== 'desk');
    const agent = await open('agent', await r.t.token(), old);
    const customer = await open('customer', undefined, old);
    customer.send({ type: 'help-request', requestId: 'h6', help: HELP });
    assert.equal((await customer.next('error', 5000, (m) => m.requestId === undefined)).code, 'forbidden');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(agent.inbox.all.filter((m) => m.type.startsWith('desk-')), []);
    await closeAll();
  });
});
