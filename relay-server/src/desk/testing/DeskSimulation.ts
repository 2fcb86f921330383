/**
 * A seeded, deterministic simulation of a busy desk on a one-second clock: agents in
 * overlapping groups with limits 1–3 who accept, decline or ignore offers, go away and come
 * back; customers who arrive in a rush, some of whom give up; sessions that end after a
 * random handle time, a few handed to another group midway. It drives DeskQueue only
 * through its public moves and records what happened, for DeskSimulation.test.ts to judge.
 */
import type { DeskEvent } from '../deskModel.ts';
import type { DeskQueue } from '../DeskQueue.ts';
import { deskFixture, type DeskFixture } from './deskFixture.ts';

/** mulberry32: a small seeded PRNG, so every run is the same run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SimulationSetup {
  seed: number;
  agents: number;
  requests: number;
  groups: number;
  /** Mean seconds between arrivals. */
  meanArrivalSec: number;
  offerTimeoutSec: number;
}

export interface SimRequestRecord {
  createdAt: number;
  estimateMs: number | null;
  assignedAt: number | null;
  endedAs: string | null;
}

type Action = () => void;

export class DeskSimulation {
  readonly fixture: DeskFixture;
  readonly records = new Map<string, SimRequestRecord>();
  readonly eventCounts = new Map<string, number>();
  private readonly random: () => number;
  private readonly schedule = new Map<number, Action[]>();
  private readonly listeners: ((e: DeskEvent, q: DeskQueue) => void)[] = [];
  private second = 0;

  constructor(private readonly s: SimulationSetup) {
    this.random = seededRandom(s.seed);
    this.fixture = deskFixture({ offerTimeoutMs: s.offerTimeoutSec * 1000, defaultHandleMs: 600_000, window: 50, start: 0 });
  }

  /** Called for every event, right after the queue emitted it (the queue's state is as the event left it). */
  onEvent(listener: (e: DeskEvent, q: DeskQueue) => void): void {
    this.listeners.push(listener);
  }

  get queue(): DeskQueue {
    return this.fixture.queue;
  }

  /** Runs until every request has ended or `maxSeconds` pass; returns the seconds simulated. */
  run(maxSeconds: number): number {
    this.seedAgents();
    this.seedArrivals();
    for (this.second = 0; this.second < maxSeconds; this.second++) {
      if (this.second > 0) this.fixture.advance(1000);
      for (const act of this.schedule.get(this.second) ?? []) act();
      this.schedule.delete(this.second);
      this.queue.tick();
      this.dispatchEvents();
      if (this.records.size === this.s.requests && [...this.records.values()].every((r) => r.endedAs !== null)) return this.second;
    }
    return this.second;
  }

  private at(second: number, act: Action): void {
    const list = this.schedule.get(second) ?? [];
    list.push(() => {
      act();
      this.dispatchEvents();
    });
    this.schedule.set(second, list);
  }

  private uniform(lo: number, hi: number): number {
    return lo + Math.floor(this.random() * (hi - lo + 1));
  }

  private seedAgents(): void {
    for (let id = 1; id <= this.s.agents; id++) {
      const first = 1 + (id % this.s.groups);
      const groupIds = this.random() < 0.4 ? [first, 1 + ((id + 1) % this.s.groups)] : [first];
      this.queue.upsertAgent({ id, groupIds, state: this.random() < 0.1 ? 'away' : 'available', limit: this.uniform(1, 3) });
      this.queue.setOnline(id, this.random() > 0.05);
      // Some step away for a while and come back; some change their limit.
      if (this.random() < 0.2) {
        const from = this.uniform(300, 2400);
        this.at(from, () => this.queue.setAgentState(id, 'away'));
        this.at(from + this.uniform(120, 900), () => this.queue.setAgentState(id, 'available'));
      }
      if (this.random() < 0.1) this.at(this.uniform(60, 1800), () => this.queue.setLimit(id, this.uniform(0, 3)));
    }
    this.dispatchEvents();
  }

  private seedArrivals(): void {
    let t = 0;
    for (let i = 0; i < this.s.requests; i++) {
      t += Math.max(0, Math.round(-Math.log(1 - this.random()) * this.s.meanArrivalSec));
      const requestId = `sim${String(i).padStart(5, '0')}`.padEnd(16, '_');
      const groupId = this.random() < 0.25 ? null : this.uniform(1, this.s.groups);
      const patience = this.random() < 0.08 ? this.uniform(30, 600) : null;
      this.at(t, () => {
        const r = this.queue.create({ id: requestId, groupId, customerName: `Customer ${i}`, phone: null, description: '', deviceId: '123456789' });
        this.records.set(requestId, { createdAt: r.createdAt, estimateMs: r.estimateMs, assignedAt: null, endedAs: null });
        if (patience !== null) this.at(t + patience, () => this.giveUp(requestId));
      });
    }
  }

  private giveUp(requestId: string): void {
    const r = this.queue.findRequest(requestId);
    if (r && r.state.kind !== 'assigned') this.queue.end(requestId, 'left');
  }

  /** Hands the events emitted so far to listeners and to the agents' and customers' reactions. */
  private dispatchEvents(): void {
    for (const e of this.fixture.events.splice(0)) {
      this.eventCounts.set(e.kind, (this.eventCounts.get(e.kind) ?? 0) + 1);
      for (const l of this.listeners) l(e, this.queue);
      this.react(e);
    }
  }

  private react(e: DeskEvent): void {
    const rec = this.records.get(e.requestId);
    if (e.kind === 'offered' && e.agentId !== null) this.answerOffer(e.requestId, e.agentId);
    if (e.kind === 'transfer-offered' && e.agentId !== null) this.answerTransfer(e.requestId, e.agentId);
    if (e.kind === 'assigned' && rec) {
      rec.assignedAt = e.at;
      this.at(this.second + 120 + Math.round(-Math.log(1 - this.random()) * 360), () => this.closeIfOpen(e.requestId));
      if (this.random() < 0.05) this.at(this.second + 60, () => this.transferToGroup(e.requestId));
    }
    if ((e.kind === 'closed' || e.kind === 'left' || e.kind === 'expired' || e.kind === 'messaged') && rec) rec.endedAs = e.kind;
  }

  /** 80% accept after 2–10 s, 12% decline after 1–5 s, 8% never answer (the offer times out). */
  private answerOffer(requestId: string, agentId: number): void {
    const p = this.random();
    if (p >= 0.92) return;
    const isAccept = p < 0.8;
    this.at(this.second + (isAccept ? this.uniform(2, 10) : this.uniform(1, 5)), () => {
      const r = this.queue.findRequest(requestId);
      if (r?.state.kind !== 'offered' || r.state.agentId !== agentId) return;
      if (isAccept) this.queue.accept(requestId, agentId);
      else this.queue.decline(requestId, agentId);
    });
  }

  private answerTransfer(requestId: string, agentId: number): void {
    const isAccept = this.random() < 0.6;
    this.at(this.second + this.uniform(2, 8), () => {
      const r = this.queue.findRequest(requestId);
      if (r?.state.kind !== 'assigned' || r.state.transfer?.offeredTo !== agentId) return;
      if (isAccept) this.queue.acceptTransfer(requestId, agentId);
      else this.queue.declineTransfer(requestId, agentId);
    });
  }

  private transferToGroup(requestId: string): void {
    const r = this.queue.findRequest(requestId);
    if (r?.state.kind !== 'assigned' || r.state.transfer) return;
    this.queue.requestTransfer(requestId, r.state.agentId, { kind: 'group', groupId: this.uniform(1, this.s.groups) }, 'simulated', r.state.agentId);
  }

  private closeIfOpen(requestId: string): void {
    const r = this.queue.findRequest(requestId);
    if (r?.state.kind === 'assigned') this.queue.close(requestId);
  }
}
