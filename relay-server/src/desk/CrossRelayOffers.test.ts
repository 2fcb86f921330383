/**
 * Help requests across relays (capability `desk-cluster-offers`): two relays of a cluster on one
 * PostgreSQL database and one Redis. A customer on A asks for help while the only agent is at
 * the desk on B: the customer is told somebody is available, B's agent is offered it, a decline
 * on B moves it on to the next agent (on A) and, once everyone declined, back to B; accepting on
 * B sends the console to A with a ticket for that request only, and the session runs on A with
 * the customer's picture. A customer who leaves takes the offer back from B.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { AgentDeskList, AuditList, Seat } from '@beacon/shared/api';
import { fragmentFrame } from '@beacon/shared/framing';
import { KNOWN_CAPABILITIES } from '@beacon/shared/version';
import { loginAgent, NdcClient } from '../testing/NdcClient.ts';
import { TestApi } from '../testing/TestApi.ts';
import type { TestRelay } from '../testing/testRelay.ts';
import type { DeskOfferEvent, HelpRequestView } from '@beacon/shared/protocol';
import type { Logger } from '../platform/logger.ts';
import type { AgentParty } from '../sessions/Session.ts';
import { CrossRelayOffers } from './CrossRelayOffers.ts';
import { deskFixture } from './testing/deskFixture.ts';
import { startTwoRelays, type TwoRelays } from './testing/twoRelays.ts';
import { until } from '../testing/until.ts';

const CAPS = KNOWN_CAPABILITIES.filter((c) => c !== 'resume');
const HELP = { customerName: 'Li Na', description: 'the printer', groupId: null };
type Login = 'ann' | 'ben' | 'cy';

describe('help requests offered to agents on every relay', () => {
  let relays: TwoRelays | undefined;
  let a: TestRelay;
  let b: TestRelay;
  const clients: NdcClient[] = [];
  const tokens = {} as Record<Login, { a: string; b: string }>;
  let ownerOnA = '';
  const open = async (t: TestRelay, auth: { token?: string; ticket?: string }, role: 'agent' | 'customer' = 'agent', isRtc = true, capabilities = CAPS) => {
    const c = await NdcClient.open({ relayUrl: t.relay.url, role, capabilities, isRtc, timeoutMs: 15_000, ...auth });
    clients.push(c);
    return c;
  };
  /** An agent's console at the desk, available for one request (`isRtc`: it can also carry a session). */
  const atDesk = async (t: TestRelay, token: string, capabilities = CAPS, isRtc = false) => {
    const c = await open(t, { token }, 'agent', isRtc, capabilities);
    await c.next('desk-status', 10_000);
    c.send({ type: 'agent-availability', state: 'available', concurrencyLimit: 1 });
    await c.next('desk-status', 10_000, (m) => m.state === 'available');
    return c;
  };
  /** Until A's queue has taken in what B shares about `login` (A's seats view, then one more sync). */
  const seenOnA = async (login: Login, isOnline: boolean) => {
    const api = new TestApi(a.relay.url).as(ownerOnA);
    await until(async () => (await api.ok('GET', '/api/desk/agents', AgentDeskList)).agents.find((x) => x.seat.login === login)?.isOnline === isOnline, `${login} online=${isOnline} on A`, 15_000, 100);
    await new Promise((r) => setTimeout(r, 1500));
  };

  before(async () => {
    relays = await startTwoRelays();
    ({ a, b, ownerToken: ownerOnA } = relays);
    const owner = new TestApi(a.relay.url).as(ownerOnA);
    for (const login of ['ann', 'ben', 'cy'] as const) {
      await owner.ok('POST', '/api/seats', Seat, { login, displayName: login.toUpperCase(), password: `${login} password`, role: 'agent', groupIds: [], concurrencyLimit: 1 }, 201);
      tokens[login] = { a: (await loginAgent(a.relay.url, login, `${login} password`)).token, b: (await loginAgent(b.relay.url, login, `${login} password`)).token };
    }
  });
  after(() => relays?.close(clients));

  test('a console on B without the capability is never offered; a customer on A who leaves takes the offer back from B', async () => {
    const old = await atDesk(b, tokens.cy.b, CAPS.filter((c) => c !== 'desk-cluster-offers'));
    await seenOnA('cy', true);
    const early = await open(a, {}, 'customer', false);
    early.send({ type: 'help-request', requestId: 'h0', help: HELP });
    const first = await early.next('help-queued', 10_000, (m) => m.requestId === 'h0');
    assert.equal(first.isNobodyAvailable, true, 'nobody who can be offered it');
    early.send({ type: 'help-cancel', helpRequestId: first.helpRequestId });
    await early.next('help-ended', 10_000);
    old.close();
    await seenOnA('cy', false);

    const cy = await atDesk(b, tokens.cy.b);
    await seenOnA('cy', true);
    const customer = await open(a, {}, 'customer', false);
    customer.send({ type: 'help-request', requestId: 'h1', help: HELP });
    const queued = await customer.next('help-queued', 10_000, (m) => m.requestId === 'h1');
    assert.equal(queued.isNobodyAvailable, false);
    const offer = await cy.next('desk-offer', 10_000, (m) => m.request.id === queued.helpRequestId);
    assert.equal(offer.request.customerName, 'Li Na');
    customer.close();
    const gone = await cy.next('desk-offer-withdrawn', 10_000, (m) => m.helpRequestId === queued.helpRequestId);
    assert.equal(gone.reason, 'left');
    cy.close();
    await seenOnA('cy', false);
  });

  test('the only agent, on B, is offered a request from A; a decline moves it on; accepting on B runs the session on A', async () => {
    const ann = await atDesk(b, tokens.ann.b);
    await seenOnA('ann', true);
    const customer = await open(a, {}, 'customer');
    customer.send({ type: 'help-request', requestId: 'h2', help: HELP });
    const { helpRequestId, isNobodyAvailable } = await customer.next('help-queued', 10_000, (m) => m.requestId === 'h2');
    assert.equal(isNobodyAvailable, false, 'the agent on B counts');
    await ann.next('desk-offer', 10_000, (m) => m.request.id === helpRequestId);

    // Ben comes to A's desk; Ann declines on B: A offers it to Ben, then (everyone declined) to Ann again.
    const ben = await atDesk(a, tokens.ben.a);
    ann.send({ type: 'offer-decline', helpRequestId });
    assert.equal((await ann.next('desk-offer-withdrawn', 10_000, (m) => m.helpRequestId === helpRequestId)).reason, 'declined');
    await ben.next('desk-offer', 10_000, (m) => m.request.id === helpRequestId);
    ben.send({ type: 'offer-decline', helpRequestId });
    await ann.next('desk-offer', 10_000, (m) => m.request.id === helpRequestId);
    // Only the offered seat answers it.
    const cy = await open(b, { token: tokens.cy.b }, 'agent', false);
    cy.send({ type: 'offer-accept', requestId: 'not-mine', helpRequestId, control: true });
    assert.equal((await cy.next('error', 10_000, (m) => m.requestId === 'not-mine')).code, 'not-allowed');

    ann.send({ type: 'offer-accept', requestId: 'take', helpRequestId, control: true });
    const to = await ann.next('offer-redirect', 10_000, (m) => m.requestId === 'take');
    assert.deepEqual([to.url, to.helpRequestId], [a.relay.url, helpRequestId]);
    const forged = `${to.ticket.split('.')[0]}.${randomBytes(32).toString('base64url')}`;
    await assert.rejects(open(a, { ticket: forged }, 'agent', false), 'a forged ticket is refused');
    const taking = await open(a, { ticket: to.ticket });
    // The ticket is for that request only.
    taking.send({ type: 'offer-accept', requestId: 'other', helpRequestId: 'AAAAAAAAAAAAAAAAAAAA', control: true });
    assert.equal((await taking.next('error', 10_000, (m) => m.requestId === 'other')).code, 'forbidden');
    taking.send({ type: 'agent-availability', state: 'available', concurrencyLimit: 1 });
    assert.equal((await taking.next('error', 10_000)).code, 'forbidden');
    taking.send({ type: 'connect-request', requestId: 'by-code', deviceId: customer.device.deviceId, code: customer.device.code, permissions: { view: true, control: true } });
    assert.equal((await taking.next('error', 10_000, (m) => m.requestId === 'by-code')).code, 'forbidden');
    taking.send({ type: 'offer-accept', requestId: 'take', helpRequestId, control: true });
    assert.equal((await customer.next('help-assigned', 10_000)).agentName, 'ANN');
    const ask = await customer.next('consent-request', 10_000);
    customer.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
    const started = await taking.next('session-started', 10_000, (m) => m.sessionId === ask.sessionId);
    for (const f of fragmentFrame(new Uint8Array(2000).fill(9), { isKey: true, stream: started.streamId, seq: 0, captureTs: 1 })) customer.sendMedia(f);
    await until(() => taking.media.length > 0, 'the picture on the connection to A', 15_000, 100);
    assert.equal((await ann.next('desk-offer-withdrawn', 10_000, (m) => m.helpRequestId === helpRequestId)).reason, 'accepted');
    // A ticket opens one connection.
    await assert.rejects(open(a, { ticket: to.ticket }, 'agent', false));
    customer.close();
    taking.close();
    ann.close();
    ben.close();
    await seenOnA('ann', false);
  });

  test('a supervisor on A dispatches a waiting request to the agent at B\'s desk: its console is told who, takes it, and the session runs on A; audited on A', async () => {
    const api = new TestApi(a.relay.url).as(ownerOnA);
    // Busy: never offered anything by itself, but a supervisor may still give it a request.
    const cy = await atDesk(b, tokens.cy.b);
    await seenOnA('cy', true);
    const cyId = (await api.ok('GET', '/api/desk/agents', AgentDeskList)).agents.find((x) => x.seat.login === 'cy')?.seat.id ?? 0;
    // The request comes while A still takes cy for available: A may offer it, B answers "busy",
    // and A offers cy nothing more until it has B's newer view (no offers bouncing between them).
    cy.send({ type: 'agent-availability', state: 'busy', concurrencyLimit: 1 });
    await cy.next('desk-status', 10_000, (m) => m.state === 'busy');
    const customer = await open(a, {}, 'customer');
    customer.send({ type: 'help-request', requestId: 'h3', help: HELP });
    const { helpRequestId } = await customer.next('help-queued', 10_000, (m) => m.requestId === 'h3');
    await until(async () => (await api.ok('GET', '/api/desk/agents', AgentDeskList)).agents.find((x) => x.seat.login === 'cy')?.state === 'busy', 'cy busy on A');
    await new Promise((r) => setTimeout(r, 2500));
    assert.deepEqual(cy.inbox.pending().filter((m) => m.type.startsWith('desk-offer')), [], 'a busy seat is shown no offer, nor its withdrawal');

    const olivia = await open(a, { token: ownerOnA }, 'agent', false);
    const away = await open(a, { token: tokens.ben.a }, 'agent', false);
    away.send({ type: 'request-dispatch', requestId: 'not-a-supervisor', helpRequestId, agentId: cyId });
    assert.equal((await away.next('error', 10_000, (m) => m.requestId === 'not-a-supervisor')).code, 'forbidden');
    olivia.send({ type: 'request-dispatch', requestId: 'd1', helpRequestId, agentId: cyId });
    const offer = await cy.next('desk-offer', 10_000, (m) => m.request.id === helpRequestId);
    assert.equal(offer.dispatchedBy, 'Olivia', 'the console is told it was dispatched, and by whom');
    // The console takes it at once (AgentDesk), as a dispatch on its own relay opens the session.
    cy.send({ type: 'offer-accept', requestId: 'take-d', helpRequestId, control: true });
    const to = await cy.next('offer-redirect', 10_000, (m) => m.requestId === 'take-d');
    const taking = await open(a, { ticket: to.ticket });
    taking.send({ type: 'offer-accept', requestId: 'take-d', helpRequestId, control: true });
    assert.equal((await customer.next('help-assigned', 10_000)).agentName, 'CY');
    const ask = await customer.next('consent-request', 10_000);
    customer.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
    await taking.next('session-started', 10_000, (m) => m.sessionId === ask.sessionId);
    const entry = (await api.ok('GET', '/api/audit', AuditList)).entries.find((e) => e.action === 'request-dispatched');
    assert.deepEqual([entry?.actor?.login, entry?.target?.label, entry?.detail['helpRequestId']], ['olivia', 'CY', helpRequestId]);
    // A second dispatch of the now assigned request is refused.
    olivia.send({ type: 'request-dispatch', requestId: 'd2', helpRequestId, agentId: cyId });
    assert.equal((await olivia.next('error', 10_000, (m) => m.requestId === 'd2')).code, 'conflict');
    for (const c of [customer, taking, olivia, away, cy]) c.close();
  });

  test('an agent on A hands a running session on to the agent at B\'s desk: offered there as a transfer; a decline leaves it with him; accepted, it moves to her connection to A', async () => {
    const api = new TestApi(a.relay.url).as(ownerOnA);
    const ben = await atDesk(a, tokens.ben.a, CAPS, true);
    const customer = await open(a, {}, 'customer');
    customer.send({ type: 'help-request', requestId: 'h4', help: HELP });
    const { helpRequestId } = await customer.next('help-queued', 10_000, (m) => m.requestId === 'h4');
    await ben.next('desk-offer', 10_000, (m) => m.request.id === helpRequestId);
    ben.send({ type: 'offer-accept', requestId: 'b4', helpRequestId, control: true });
    const ask = await customer.next('consent-request', 10_000);
    customer.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
    const { sessionId } = await ben.next('session-started', 10_000, (m) => m.sessionId === ask.sessionId);

    const ann = await atDesk(b, tokens.ann.b);
    await seenOnA('ann', true);
    const annId = (await api.ok('GET', '/api/desk/agents', AgentDeskList)).agents.find((x) => x.seat.login === 'ann')?.seat.id ?? 0;
    ben.send({ type: 'session-transfer', requestId: 't1', sessionId, to: { kind: 'agent', agentId: annId }, note: 'the printer driver' });
    const offer = await ann.next('desk-offer', 10_000, (m) => m.request.id === helpRequestId);
    assert.deepEqual(offer.transfer, { fromAgentName: 'BEN', note: 'the printer driver' });
    assert.equal((await ben.next('transfer-status', 10_000, (m) => m.state === 'asking')).agentName, 'ANN', 'named as B shares her');
    ann.send({ type: 'transfer-decline', helpRequestId });
    assert.equal((await ann.next('desk-offer-withdrawn', 10_000, (m) => m.helpRequestId === helpRequestId)).reason, 'declined');
    assert.equal((await ben.next('transfer-status', 10_000, (m) => m.state === 'declined')).sessionId, sessionId, 'the session stays with Ben');

    ben.send({ type: 'session-transfer', requestId: 't2', sessionId, to: { kind: 'agent', agentId: annId }, note: '' });
    await ann.next('desk-offer', 10_000, (m) => m.request.id === helpRequestId);
    ann.send({ type: 'transfer-accept', requestId: 'tx', helpRequestId });
    const to = await ann.next('offer-redirect', 10_000, (m) => m.requestId === 'tx');
    assert.equal(to.url, a.relay.url);
    const taking = await open(a, { ticket: to.ticket });
    taking.send({ type: 'transfer-accept', requestId: 'tx', helpRequestId });
    await taking.next('session-started', 10_000, (m) => m.sessionId === sessionId);
    assert.equal((await ben.next('session-handed-over', 10_000, (m) => m.sessionId === sessionId)).agentName, 'ANN');
    assert.equal((await customer.next('session-agent-changed', 10_000)).agentName, 'ANN');
    assert.equal((await ann.next('desk-offer-withdrawn', 10_000, (m) => m.helpRequestId === helpRequestId)).reason, 'accepted');
    for (const c of [customer, taking, ann, ben]) c.close();
  });
});

/** The seat's relay on its own: a fake cluster channel, a queue on a hand-moved clock, one console of seat 5. */
function seatRelay() {
  const d = deskFixture();
  const published: DeskOfferEvent[] = [];
  const sent: { type: string }[] = [];
  const console5 = { agent: { id: 5, displayName: 'Ann' }, send: (m: { type: string }) => sent.push(m) } as unknown as AgentParty;
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;
  const channel = { relayId: 'relay-b', publish: (e: DeskOfferEvent) => published.push(e), redirect: async () => null };
  const offers = new CrossRelayOffers({ channel, queue: d.queue, view: () => assert.fail('no own requests'), consolesOf: (id) => (id === 5 ? [console5] : []), hasDeskConsole: (id) => id === 5, sessionAgentName: () => null, now: d.now, log });
  d.agents({ id: 5, limit: 2 });
  const request: HelpRequestView = { id: 'r'.repeat(16), groupId: null, customerName: 'Li Na', description: 'printer', deviceId: '123456789', createdAt: d.now(), state: 'offered', agentId: 5, offeredUntil: d.now() + 30_000, position: 0, estimatedWaitMs: null, transfer: null };
  const offer: DeskOfferEvent = { type: 'desk-cross-offer', from: 'relay-a', to: 'relay-b', agentId: 5, request, until: d.now() + 30_000 };
  return { d, published, sent, offers, offer, request };
}

describe('another relay\'s offer on the seat\'s relay', () => {
  test('held against the seat (nothing else is offered to it meanwhile) and shown; a second one is declined at once as busy', () => {
    const { d, published, sent, offers, offer, request } = seatRelay();
    offers.onEvent(offer);
    assert.deepEqual(sent.map((m) => m.type), ['desk-offer']);
    d.queue.create(d.request('own'));
    assert.equal(d.queue.request('own'.padEnd(16, '_')).state.kind, 'waiting', 'the seat has an offer pending');
    offers.onEvent({ ...offer, request: { ...request, id: 's'.repeat(16) } });
    assert.deepEqual(published.map((e) => [e.type, e.type === 'desk-cross-declined' && e.isBusy]), [['desk-cross-declined', true]]);
    assert.deepEqual(offers.shareSeats().map((a) => [a.id, a.desk?.offers]), [[5, 0]], 'the held offer is not shared as this relay\'s');
  });

  test('the seat goes away: the offer is reported declined, taken from its console, and the seat is free for this relay\'s requests', () => {
    const { d, published, sent, offers, offer } = seatRelay();
    offers.onEvent(offer);
    d.queue.setAgentState(5, 'away');
    offers.check();
    assert.deepEqual(published.map((e) => e.type), ['desk-cross-declined']);
    assert.deepEqual(sent.map((m) => m.type), ['desk-offer', 'desk-offer-withdrawn']);
    d.queue.setAgentState(5, 'available');
    d.queue.create(d.request('own'));
    assert.equal(d.queue.request('own'.padEnd(16, '_')).state.kind, 'offered');
  });

  test('only the offered seat may decline it; a withdraw from another relay than the offer\'s is not taken', () => {
    const { d, published, offers, offer, request } = seatRelay();
    offers.onEvent(offer);
    assert.throws(() => offers.decline(6, request.id), /not offered to this agent/);
    offers.onEvent({ type: 'desk-cross-withdraw', from: 'relay-c', to: 'relay-b', agentId: 5, helpRequestId: request.id, reason: 'left' });
    assert.equal(offers.isHeld(request.id), true);
    offers.decline(5, request.id);
    assert.deepEqual(published.map((e) => [e.type, e.type === 'desk-cross-declined' && e.isBusy]), [['desk-cross-declined', false]]);
    assert.equal(d.queue.agent(5).offers, 0);
  });

  test('a withdraw of an offer the seat never held (it answered busy) shows its consoles nothing', () => {
    const { sent, offers, offer, request } = seatRelay();
    offers.onEvent({ type: 'desk-cross-withdraw', from: 'relay-a', to: 'relay-b', agentId: 5, helpRequestId: request.id, reason: 'withdrawn' });
    assert.equal(sent.length, 0);
    offers.onEvent(offer);
    offers.onEvent({ type: 'desk-cross-withdraw', from: 'relay-a', to: 'relay-b', agentId: 5, helpRequestId: request.id, reason: 'left' });
    assert.deepEqual(sent.map((m) => m.type), ['desk-offer', 'desk-offer-withdrawn']);
  });
});

/** The owner's side: a queue on a hand-moved clock whose only seat (5) is at relay B's desk; its desk events are fed to the offers. */
function ownerRelay() {
  const d = deskFixture();
  const published: DeskOfferEvent[] = [];
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;
  const channel = { relayId: 'relay-a', publish: (e: DeskOfferEvent) => published.push(e), redirect: async () => null };
  const view = (r: { id: string; createdAt: number; deviceId: string }): HelpRequestView => ({ id: r.id, groupId: null, customerName: 'Li Na', description: 'printer', deviceId: r.deviceId, createdAt: r.createdAt, state: 'waiting', agentId: null, offeredUntil: null, position: 0, estimatedWaitMs: null, transfer: null });
  const offers = new CrossRelayOffers({ channel, queue: d.queue, view, consolesOf: () => [], hasDeskConsole: () => false, sessionAgentName: () => 'Ann', now: d.now, log });
  const seatAtB = new Map([[5, { load: 0, offers: 0, desk: { relayId: 'relay-b', state: 'available' as const, limit: 1, idleSince: 0, groupIds: [] } }]]);
  /** Feeds the queue's events to the offers (createDesk does this on a relay); returns `kind:request:agent` of each. */
  const pump = () => {
    const kinds: string[] = [];
    for (let e = d.events.shift(); e; e = d.events.shift()) {
      offers.onDeskEvent(e);
      kinds.push(`${e.kind}:${e.requestId.replace(/_+$/, '')}:${e.agentId ?? '-'}`);
    }
    return kinds;
  };
  return { d, published, offers, seatAtB, pump };
}

describe('the owner\'s side of an offer to a seat at another relay\'s desk', () => {
  test('a "busy" answer withdraws the offer without counting as the agent\'s decline, and the seat is offered nothing more until its relay\'s next share is taken in', () => {
    const { d, published, offers, seatAtB, pump } = ownerRelay();
    d.queue.syncElsewhere(seatAtB);
    d.queue.create(d.request('a'));
    assert.deepEqual(pump(), ['created:a:-', 'offered:a:5']);
    const offer = published.shift();
    assert.ok(offer?.type === 'desk-cross-offer');
    const busy: DeskOfferEvent = { type: 'desk-cross-declined', from: 'relay-b', to: 'relay-a', agentId: 5, helpRequestId: offer.request.id, until: offer.until, isBusy: true };
    offers.onEvent(busy);
    // Withdrawn here, not re-offered at once (the two relays would bounce it), nothing sent back to B.
    assert.deepEqual(pump(), ['offer-withdrawn:a:5']);
    assert.equal(published.length, 0, 'nothing sent back to B');
    assert.equal(d.queue.request(offer.request.id).declinedBy.has(5), false, 'not the agent\'s decline');
    offers.onEvent(busy);
    assert.deepEqual(pump(), [], 'a repeated answer is ignored');
    // B's next share: offered again.
    d.advance(1000);
    d.queue.syncElsewhere(seatAtB);
    assert.deepEqual(pump(), ['offered:a:5']);
    assert.equal(published[0]?.type, 'desk-cross-offer');
  });

  test('an answer to an older offer of the same request to the same seat is ignored', () => {
    const { d, published, offers, seatAtB, pump } = ownerRelay();
    d.queue.syncElsewhere(seatAtB);
    d.queue.create(d.request('a'));
    pump();
    const first = published.shift();
    assert.ok(first?.type === 'desk-cross-offer');
    // The offer times out and (the only seat: a new round) is offered again with a new deadline.
    d.advance(30_000);
    d.queue.tick();
    assert.deepEqual(pump(), ['offer-expired:a:5', 'offered:a:5']);
    offers.onEvent({ type: 'desk-cross-declined', from: 'relay-b', to: 'relay-a', agentId: 5, helpRequestId: first.request.id, until: first.until, isBusy: false });
    assert.deepEqual(pump(), []);
    assert.equal(d.queue.request(first.request.id).state.kind, 'offered');
  });
});
