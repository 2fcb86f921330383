/**
 * The desk under load: 100 agents and 1000 requests in a seeded simulation
 * (testing/DeskSimulation.ts). Every request ends (assigned and closed, or the customer left);
 * no assignment takes an agent past their limit and nobody holds two offers; each offer goes
 * to the longest-idle free agent who has not declined in this round; a decliner is asked
 * again only once every eligible agent has declined; and the wait estimate is measured
 * against the waits the requests had.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DeskAgent, DeskEvent } from './deskModel.ts';
import type { DeskQueue } from './DeskQueue.ts';
import { hasSpareCapacity, isEligible } from './pickAgent.ts';
import { DeskSimulation } from './testing/DeskSimulation.ts';
import { median } from './WaitEstimate.ts';

const SETUP = { seed: 12, agents: 100, requests: 1000, groups: 4, meanArrivalSec: 1.6, offerTimeoutSec: 20 };

interface Findings {
  seconds: number;
  violations: string[];
  /** Offers made to someone who had declined the request in the same round (justified or not). */
  repeatOffers: number;
  declinedThenAssignedElsewhere: number;
}

function watch(sim: DeskSimulation): Findings {
  const f: Findings = { seconds: 0, violations: [], repeatOffers: 0, declinedThenAssignedElsewhere: 0 };
  const declinedThisRound = new Map<string, Set<number>>();
  const declinedEver = new Map<string, Set<number>>();
  sim.onEvent((e, q) => {
    if (e.kind === 'assigned' || e.kind === 'transfer-accepted') checkLimit(q.agent(e.agentId ?? 0), e, f);
    if (e.kind === 'declined' || e.kind === 'offer-expired') {
      for (const m of [declinedThisRound, declinedEver]) m.set(e.requestId, (m.get(e.requestId) ?? new Set()).add(e.agentId ?? 0));
    }
    if (e.kind === 'assigned' && declinedEver.get(e.requestId)?.size && !declinedEver.get(e.requestId)?.has(e.agentId ?? 0)) f.declinedThenAssignedElsewhere++;
    if (e.kind === 'offered') checkOffer(q, e, declinedThisRound, f);
  });
  return f;
}

function checkLimit(a: DeskAgent, e: DeskEvent, f: Findings): void {
  if (a.load > a.limit) f.violations.push(`${e.kind} ${e.requestId} took agent ${a.id} to ${a.load} over limit ${a.limit}`);
}

/** The offered agent was the longest idle of the free agents who had not declined; a repeat offer only after all eligible declined. */
function checkOffer(q: DeskQueue, e: DeskEvent, declined: Map<string, Set<number>>, f: Findings): void {
  const r = q.request(e.requestId);
  const chosen = q.agent(e.agentId ?? 0);
  const mine = declined.get(e.requestId) ?? new Set<number>();
  const eligible = q.agents().filter((a) => isEligible(a, r.groupId));
  if (chosen.offers !== 1) f.violations.push(`agent ${chosen.id} holds ${chosen.offers} offers`);
  if (mine.has(chosen.id)) {
    f.repeatOffers++;
    if (!eligible.every((a) => mine.has(a.id))) f.violations.push(`${e.requestId} offered again to decliner ${chosen.id} while others had not declined`);
    mine.clear();
  }
  for (const b of eligible) {
    if (b === chosen || mine.has(b.id) || !hasSpareCapacity(b)) continue;
    if (b.idleSince < chosen.idleSince || (b.idleSince === chosen.idleSince && b.id < chosen.id)) {
      f.violations.push(`${e.requestId} offered to ${chosen.id} (idle since ${chosen.idleSince}) before ${b.id} (idle since ${b.idleSince})`);
    }
  }
}

const sim = new DeskSimulation(SETUP);
const findings = watch(sim);
findings.seconds = sim.run(6 * 3600);

/** Estimate against actual wait (ms) of every assigned request that had an estimate. */
function estimateErrors(): { errors: number[]; waits: number[] } {
  const errors: number[] = [];
  const waits: number[] = [];
  for (const r of sim.records.values()) {
    if (r.assignedAt === null || r.estimateMs === null) continue;
    waits.push(r.assignedAt - r.createdAt);
    errors.push(Math.abs(r.assignedAt - r.createdAt - r.estimateMs));
  }
  return { errors, waits };
}
const { errors, waits } = estimateErrors();
const medianWait = median(waits) ?? 0;
const medianError = median(errors) ?? 0;
/** The error of telling everyone the median wait, known only afterwards: what any useful estimate must beat. */
const hindsightError = median(waits.map((w) => Math.abs(w - medianWait))) ?? 0;

describe(`a simulated desk: ${SETUP.agents} agents, ${SETUP.requests} requests`, () => {
  test('every request is eventually assigned and closed, or its customer leaves; nothing stays open', () => {
    const ends = [...sim.records.values()].map((r) => r.endedAs);
    assert.equal(sim.records.size, SETUP.requests);
    assert.deepEqual(ends.filter((e) => e !== 'closed' && e !== 'left'), []);
    assert.equal(sim.queue.requests().length, 0);
    for (const a of sim.queue.agents()) assert.deepEqual([a.id, a.load, a.offers], [a.id, 0, 0]);
  });

  test('no assignment takes an agent past their limit, nobody holds two offers, and every offer goes to the longest-idle free agent', () => {
    assert.deepEqual(findings.violations.slice(0, 5), []);
    assert.ok((sim.eventCounts.get('offered') ?? 0) >= SETUP.requests);
  });

  test('declines and time-outs move the request on; a decliner is asked again only after every eligible agent declined', () => {
    const declines = sim.eventCounts.get('declined') ?? 0;
    const timeouts = sim.eventCounts.get('offer-expired') ?? 0;
    assert.ok(declines > 50 && timeouts > 30, `declines ${declines}, time-outs ${timeouts}`);
    assert.ok(findings.declinedThenAssignedElsewhere > 0.5 * (declines + timeouts), `${findings.declinedThenAssignedElsewhere} went to another agent`);
    assert.ok((sim.eventCounts.get('transfer-accepted') ?? 0) > 0 && (sim.eventCounts.get('offer-withdrawn') ?? 0) > 0);
  });

  /*
   * The bound: a third of the error of the best constant answer (the median wait, which only
   * hindsight knows). A constant cannot follow the queue as it builds and drains; an estimate
   * that does not beat it by a wide margin tells the customer nothing. The median wait must
   * also be long (minutes), so the estimate is judged on a queue that really built up.
   */
  test(`the wait estimate is off by ${Math.round(medianError / 1000)} s (median absolute error) for a median wait of ${Math.round(medianWait / 1000)} s; a constant answer is off by ${Math.round(hindsightError / 1000)} s`, () => {
    assert.ok(waits.length > 900, `${waits.length} requests had an estimate and were assigned`);
    assert.ok(medianWait > 120_000, `the queue built up: median wait ${medianWait} ms`);
    assert.ok(medianError < hindsightError / 3, `median error ${medianError} ms, constant ${hindsightError} ms`);
  });
});
