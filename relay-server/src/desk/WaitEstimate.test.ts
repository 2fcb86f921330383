/** The wait estimate's formula on hand-made desks, the handle-time window, and the percentiles the statistics use. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DeskAgent } from './deskModel.ts';
import { deskFixture } from './testing/deskFixture.ts';
import { capacityOf, competingAhead, estimateWait, HandleTimes, median, percentile } from './WaitEstimate.ts';

const agent = (id: number, groupIds: number[], limit: number, load = 0): DeskAgent => ({ id, groupIds, state: 'available', limit, load, offers: 0, idleSince: 0, isOnline: true });

describe('the formula', () => {
  test('nobody available is null; a request that fits in the free slots waits 0; beyond them, k slots to free at S per h', () => {
    assert.equal(estimateWait(0, { slots: 0, free: 0 }, 60_000), null);
    assert.equal(estimateWait(2, { slots: 6, free: 3 }, 60_000), 0);
    // 4 ahead, 1 free: the 4th slot to open is for it; 6 slots free up one every 10 s.
    assert.equal(estimateWait(4, { slots: 6, free: 1 }, 60_000), 40_000);
  });

  test('capacity counts online, available agents of the group only', () => {
    const agents = [agent(1, [5], 3, 1), agent(2, [6], 2), { ...agent(3, [5], 2), state: 'away' as const }, { ...agent(4, [5], 2), isOnline: false }];
    assert.deepEqual(capacityOf(agents, 5), { slots: 3, free: 2 });
    assert.deepEqual(capacityOf(agents, null), { slots: 5, free: 4 });
  });

  test('requests ahead count by the share of their slots this queue shares: own group 1, disjoint 0, org-wide by share', () => {
    const agents = [agent(1, [5], 2), agent(2, [5, 6], 2), agent(3, [6], 4)];
    assert.equal(competingAhead(agents, 5, [5, 5]), 2);
    assert.equal(competingAhead(agents, 5, [7]), 0);
    // Group 6 has 6 slots, 2 of them (agent 2) also serve group 5; the org's queue has 8, 4 of them group 5's.
    assert.equal(competingAhead(agents, 5, [6, null]), 2 / 6 + 4 / 8);
    assert.equal(competingAhead(agents, null, [6, 5, null]), 3);
  });

  test('the queue tells a new request its estimate from the requests ahead and records it', () => {
    const d = deskFixture({ defaultHandleMs: 300_000 });
    d.agents({ id: 1, limit: 2 }, { id: 2, limit: 1 });
    const made = ['a', 'b', 'c', 'd', 'e'].map((x) => d.queue.create(d.request(x)));
    // a, b, c fill the 3 slots (offered); d is the first to wait for a slot: 1 × 300 s / 3.
    assert.deepEqual(made.map((r) => r.estimateMs), [0, 0, 0, 100_000, 200_000]);
    assert.equal(d.queue.estimate(made[4]!.id), 200_000);
    d.queue.setAgentState(1, 'away');
    d.queue.setAgentState(2, 'away');
    assert.equal(d.queue.estimate(made[4]!.id), null);
  });
});

describe('handle times', () => {
  test('the window keeps the most recent sessions, and falls back to the default while empty', () => {
    const h = new HandleTimes(3, () => 42);
    assert.equal(h.median(), 42);
    for (const ms of [1000, 9000, 2000, 3000]) h.add(ms);
    assert.deepEqual([h.count, h.median()], [3, 3000]);
    h.resize(2);
    assert.equal(h.median(), 2500);
  });

  test('median and p90 interpolate between ranks', () => {
    assert.equal(median([]), null);
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9), 91);
  });
});
