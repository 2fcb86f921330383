/**
 * The desk queue move by move: who is offered what and when, declines and time-outs, limits
 * and desk states, dispatch, leaving, "nobody available", and transfers to an agent or group.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deskFixture } from './testing/deskFixture.ts';

const id = (s: string) => s.padEnd(16, '_');

describe('auto-assignment', () => {
  test('the oldest waiting request goes to the available agent of its group who has been idle longest', () => {
    const d = deskFixture();
    d.agents({ id: 1, groupIds: [7] });
    d.advance(1000);
    d.agents({ id: 2, groupIds: [7] }, { id: 3, groupIds: [8] });
    d.drain();
    d.queue.create(d.request('a', 7));
    d.queue.create(d.request('b', 7));
    d.queue.create(d.request('c', 7));
    // Agent 1 became idle first; agent 3 is in another group; c waits (both have one offer pending).
    assert.deepEqual(d.drain(), ['created:a:-', 'offered:a:1', 'created:b:-', 'offered:b:2', 'created:c:-']);
    assert.equal(d.queue.position(id('c')), 2);
  });

  test('an accepted request raises the load; an agent at the limit is offered nothing more until a session closes', () => {
    const d = deskFixture({ defaultHandleMs: 60_000 });
    d.agents({ id: 1, limit: 2 });
    d.queue.create(d.request('a'));
    d.queue.accept(id('a'), 1);
    d.queue.create(d.request('b'));
    d.queue.accept(id('b'), 1);
    d.queue.create(d.request('c'));
    assert.deepEqual([d.queue.agent(1).load, d.queue.request(id('c')).state.kind], [2, 'waiting']);
    d.advance(90_000);
    d.queue.close(id('a'));
    assert.deepEqual(d.queue.request(id('c')).state, { kind: 'offered', agentId: 1, until: d.now() + 30_000 });
    assert.deepEqual([d.queue.agent(1).load, d.handleTimes.median()], [1, 90_000]);
  });

  test('a declined offer goes to the next agent, and the decliner is not asked again while someone else (even a full agent) has not declined', () => {
    const d = deskFixture();
    d.agents({ id: 1 }, { id: 2 });
    d.queue.create(d.request('x'));
    d.queue.accept(id('x'), 1); // agent 1 is full now
    d.queue.create(d.request('a'));
    d.drain();
    d.queue.decline(id('a'), 2);
    // Agent 1 has not declined it: the request waits for them rather than going back to 2.
    assert.deepEqual(d.drain(), ['declined:a:2']);
    d.advance(1000);
    d.queue.close(id('x'));
    assert.deepEqual(d.drain(), ['closed:x:1', 'offered:a:1']);
    d.queue.decline(id('a'), 1);
    // Everyone eligible declined: a new round starts, longest idle first (2 has been idle since the start).
    assert.deepEqual(d.drain(), ['declined:a:1', 'offered:a:2']);
  });

  test('an offer not answered in time counts as a decline and moves on', () => {
    const d = deskFixture({ offerTimeoutMs: 20_000 });
    d.agents({ id: 1 }, { id: 2 });
    d.queue.create(d.request('a'));
    d.drain();
    assert.equal(d.queue.nextDeadline(), d.now() + 20_000);
    d.advance(19_999);
    d.queue.tick();
    assert.deepEqual(d.drain(), []);
    d.advance(1);
    d.queue.tick();
    assert.deepEqual(d.drain(), ['offer-expired:a:1', 'offered:a:2']);
    assert.throws(() => d.queue.accept(id('a'), 1), { code: 'not-allowed' });
  });

  test('busy, away, offline and limit 0 get no offers; leaving the desk withdraws a pending offer', () => {
    const d = deskFixture();
    d.agents({ id: 1, state: 'busy' }, { id: 2, state: 'away' }, { id: 3, limit: 0 }, { id: 4 });
    d.queue.setOnline(4, false);
    d.queue.create(d.request('a'));
    assert.equal(d.queue.request(id('a')).state.kind, 'waiting');
    d.queue.setOnline(4, true);
    assert.deepEqual(d.queue.request(id('a')).state.kind, 'offered');
    d.drain();
    d.queue.setAgentState(4, 'away');
    assert.deepEqual(d.drain(), ['offer-withdrawn:a:4']);
    d.queue.setLimit(3, 1);
    assert.deepEqual(d.drain(), ['offered:a:3']);
  });

  test('lowering the limit below the load plus a pending offer withdraws the offer, so accepting can never pass the limit', () => {
    const d = deskFixture();
    d.agents({ id: 1, limit: 2 });
    d.queue.create(d.request('a'));
    d.queue.accept(id('a'), 1);
    d.queue.create(d.request('b'));
    d.drain();
    d.queue.setLimit(1, 1);
    assert.deepEqual(d.drain(), ['offer-withdrawn:b:1']);
    assert.throws(() => d.queue.accept(id('b'), 1), { code: 'not-allowed' });
    assert.deepEqual([d.queue.agent(1).load, d.queue.agent(1).offers], [1, 0]);
  });

  test('a customer leaving frees the offer; nobody available means no agent of the group online or all away', () => {
    const d = deskFixture();
    assert.equal(d.queue.isNobodyAvailable(null), true);
    d.agents({ id: 1, groupIds: [5], state: 'busy' }, { id: 2, groupIds: [6], state: 'away' });
    assert.deepEqual([d.queue.isNobodyAvailable(5), d.queue.isNobodyAvailable(6), d.queue.isNobodyAvailable(null)], [false, true, false]);
    d.queue.setAgentState(1, 'available');
    d.queue.create(d.request('a', 5));
    d.queue.end(id('a'), 'left');
    assert.deepEqual([d.queue.agent(1).offers, d.queue.findRequest(id('a'))], [0, undefined]);
    assert.throws(() => d.queue.accept(id('a'), 1), { code: 'not-found' });
  });
});

describe('dispatch by a supervisor', () => {
  test('assigns a waiting or offered request to the chosen agent at once, within that agent’s limit', () => {
    const d = deskFixture();
    d.agents({ id: 1 }, { id: 2, groupIds: [9], state: 'busy' }, { id: 3, state: 'away' });
    d.queue.create(d.request('a'));
    d.drain();
    d.queue.dispatch(id('a'), 2, 99);
    assert.deepEqual(d.drain(), ['offer-withdrawn:a:1', 'dispatched:a:2', 'assigned:a:2']);
    assert.equal(d.events.length, 0);
    d.queue.create(d.request('b'));
    assert.throws(() => d.queue.dispatch(id('b'), 2, 99), { code: 'concurrency-limit' });
    assert.throws(() => d.queue.dispatch(id('b'), 3, 99), { code: 'not-allowed' });
    assert.throws(() => d.queue.dispatch(id('a'), 1, 99), { code: 'conflict' });
  });
});

describe('transfers', () => {
  function assigned() {
    const d = deskFixture();
    d.agents({ id: 1, groupIds: [5] }, { id: 2, groupIds: [5] }, { id: 3, groupIds: [5] }, { id: 4, groupIds: [6] });
    d.queue.create(d.request('a'));
    d.queue.accept(id('a'), 1);
    d.drain();
    return d;
  }

  test('to an agent: the first agent keeps it until the other accepts, then the load moves', () => {
    const d = assigned();
    d.queue.requestTransfer(id('a'), 1, { kind: 'agent', agentId: 4 }, 'needs a network engineer', 1);
    assert.deepEqual(d.drain(), ['transfer-requested:a:1', 'transfer-offered:a:4']);
    assert.deepEqual([d.queue.agent(1).load, d.queue.agent(4).offers], [1, 1]);
    assert.throws(() => d.queue.requestTransfer(id('a'), 1, { kind: 'group', groupId: 5 }, '', 1), { code: 'conflict' });
    d.queue.acceptTransfer(id('a'), 4);
    assert.deepEqual(d.drain(), ['transfer-accepted:a:4']);
    assert.deepEqual([d.queue.agent(1).load, d.queue.agent(4).load, d.queue.agent(4).offers], [0, 1, 0]);
    const state = d.queue.request(id('a')).state;
    assert.equal(state.kind === 'assigned' ? state.agentId : null, 4);
  });

  test('to an agent who declines or does not answer: it fails and stays with the first agent', () => {
    const d = assigned();
    d.queue.requestTransfer(id('a'), 1, { kind: 'agent', agentId: 2 }, '', 1);
    d.advance(30_000);
    d.queue.tick();
    assert.deepEqual(d.drain().slice(-2), ['transfer-declined:a:2', 'transfer-failed:a:1']);
    assert.deepEqual([d.queue.agent(1).load, d.queue.agent(2).offers], [1, 0]);
    assert.throws(() => d.queue.requestTransfer(id('a'), 2, { kind: 'agent', agentId: 3 }, '', 2), { code: 'not-allowed' });
  });

  test('to a group: its agents in turn, never the first agent; when all declined, it fails', () => {
    const d = assigned();
    d.queue.requestTransfer(id('a'), 1, { kind: 'group', groupId: 5 }, '', 1);
    assert.deepEqual(d.drain(), ['transfer-requested:a:1', 'transfer-offered:a:2']);
    d.queue.declineTransfer(id('a'), 2);
    assert.deepEqual(d.drain(), ['transfer-declined:a:2', 'transfer-offered:a:3']);
    d.queue.declineTransfer(id('a'), 3);
    assert.deepEqual(d.drain(), ['transfer-declined:a:3', 'transfer-failed:a:1']);
    d.queue.requestTransfer(id('a'), 1, { kind: 'group', groupId: 6 }, '', 1);
    d.queue.acceptTransfer(id('a'), 4);
    assert.deepEqual(d.drain().at(-1), 'transfer-accepted:a:4');
  });

  test('a forced transfer by a supervisor names the supervisor; closing a request drops its pending transfer', () => {
    const d = assigned();
    d.queue.requestTransfer(id('a'), 1, { kind: 'agent', agentId: 2 }, 'force', 99);
    assert.equal(d.events[0]?.actorId, 99);
    d.queue.close(id('a'));
    assert.deepEqual([d.queue.agent(2).offers, d.queue.agent(1).load], [0, 0]);
  });
});

describe('seats at other relays\' desks', () => {
  const elsewhere = (o: { load?: number; offers?: number; idleSince?: number; groupIds?: number[]; state?: 'available' | 'away' } = {}) => ({
    load: o.load ?? 0,
    offers: o.offers ?? 0,
    desk: { relayId: 'relay-b', state: o.state ?? ('available' as const), limit: 1, idleSince: o.idleSince ?? 0, groupIds: o.groupIds ?? [] },
  });

  test('a seat at another relay\'s desk counts for "nobody available" and is offered in longest-idle order; its load there counts', () => {
    const d = deskFixture();
    d.advance(1000);
    d.queue.syncElsewhere(new Map([[5, elsewhere({ idleSince: 500, groupIds: [7] })]]));
    assert.equal(d.queue.isNobodyAvailable(7), false);
    assert.equal(d.queue.isNobodyAvailable(8), true, 'not in that group');
    d.agents({ id: 1, groupIds: [7] });
    d.drain();
    d.queue.create(d.request('a', 7));
    // Seat 5 (idle since 500 on relay B) before agent 1 (idle since 1000 here).
    assert.deepEqual(d.drain(), ['created:a:-', 'offered:a:5']);
    d.queue.decline(id('a'), 5);
    assert.deepEqual(d.drain(), ['declined:a:5', 'offered:a:1']);
    // Full on B: seat 5 is not offered the next request, which waits.
    d.queue.syncElsewhere(new Map([[5, elsewhere({ load: 1, idleSince: 500, groupIds: [7] })]]));
    d.queue.create(d.request('b', 7));
    assert.deepEqual(d.drain(), ['created:b:-']);
  });

  test('a running session can be handed to a seat at another relay\'s desk; the offer stays while the seat is offline here', () => {
    const d = deskFixture();
    d.agents({ id: 1 });
    d.queue.create(d.request('a'));
    d.queue.accept(id('a'), 1);
    assert.throws(() => d.queue.requestTransfer(id('a'), 1, { kind: 'agent', agentId: 5 }, '', 1), { code: 'not-allowed' }, 'not at any desk yet');
    d.queue.syncElsewhere(new Map([[5, elsewhere()]]));
    d.drain();
    d.queue.requestTransfer(id('a'), 1, { kind: 'agent', agentId: 5 }, '', 1);
    assert.deepEqual(d.drain(), ['transfer-requested:a:1', 'transfer-offered:a:5']);
    // Its seat's profile is read again here (its ticket's connection comes to take it): still offered.
    d.queue.upsertAgent({ id: 5, groupIds: [], state: 'available', limit: 1 });
    assert.deepEqual(d.drain(), []);
    d.queue.acceptTransfer(id('a'), 5);
    assert.deepEqual(d.drain(), ['transfer-accepted:a:5']);
    assert.deepEqual([d.queue.agent(1).load, d.queue.agent(5).load], [0, 1]);
  });

  test('a seat that leaves the other relay\'s desk loses the offer pending from here', () => {
    const d = deskFixture();
    d.queue.syncElsewhere(new Map([[5, elsewhere()]]));
    d.queue.create(d.request('a'));
    d.drain();
    d.queue.syncElsewhere(new Map());
    assert.deepEqual(d.drain(), ['offer-withdrawn:a:5']);
    assert.equal(d.queue.request(id('a')).state.kind, 'waiting');
    assert.equal(d.queue.isNobodyAvailable(null), true);
  });
});
