/**
 * One organisation's service desk as pure state: open help requests (FIFO within each queue)
 * and the agents at the desk. Auto-assignment offers each waiting request, oldest first, to
 * the agent pickAgent.ts chooses; an offer is answered (accept, decline) or times out after
 * `offerTimeoutMs`, and a decline or time-out moves the request on. Supervisors dispatch a
 * request to a chosen agent; an assigned request can be transferred to an agent or a group,
 * staying with its agent until another accepts.
 *
 * No sockets, no timers, no database: time comes from the injected clock, the owner calls
 * `tick()` when `nextDeadline()` passes, and every change is told to `onEvent` (Desk.ts
 * stores it). Invariants the simulation checks: an agent's load never exceeds their limit,
 * an agent has at most one pending offer, and only this class moves a request's state.
 */
import type { AgentDeskState } from '@beacon/shared/api';
import type { Clock } from '../platform/clock.ts';
import { DeskRefusedError, type DeskAgent, type ElsewhereSeat, type DeskEvent, type DeskEventKind, type HelpRequest, type NewHelpRequest, type TransferTarget } from './deskModel.ts';
import { hasSpareCapacity, isEligible, pickAgent, seatView } from './pickAgent.ts';
import { Transfers } from './Transfers.ts';
import { capacityOf, competingAhead, estimateWait, type HandleTimes } from './WaitEstimate.ts';

export interface DeskQueueOptions {
  now: Clock;
  /** Read on every offer, so a settings change applies to the next one. */
  offerTimeoutMs: () => number;
  handleTimes: HandleTimes;
  onEvent: (e: DeskEvent) => void;
}

export interface AgentProfile {
  id: number;
  groupIds: readonly number[];
  state: AgentDeskState;
  limit: number;
}

type Terminal = 'left' | 'expired' | 'messaged';

export class DeskQueue {
  /** Open requests only, in creation order (Map keeps insertion order): FIFO. */
  private readonly open = new Map<string, HelpRequest>();
  private readonly agentsById = new Map<number, DeskAgent>();
  private readonly transfers: Transfers;

  constructor(private readonly o: DeskQueueOptions) {
    this.transfers = new Transfers({
      now: o.now,
      offerTimeoutMs: o.offerTimeoutMs,
      agents: this.agentsById,
      agent: (id) => this.agent(id),
      emit: (kind, r, agentId, detail, actorId) => this.emit(kind, r, agentId, detail, actorId),
    });
  }

  /* ---------- agents ---------- */

  /** Adds an agent (offline until `setOnline`) or updates their groups, state and limit. */
  upsertAgent(p: AgentProfile): DeskAgent {
    let a = this.agentsById.get(p.id);
    if (!a) {
      a = { id: p.id, groupIds: p.groupIds, state: p.state, limit: p.limit, load: 0, offers: 0, idleSince: this.o.now(), isOnline: false };
      this.agentsById.set(p.id, a);
      return a;
    }
    a.groupIds = p.groupIds;
    this.changeAgent(a, () => {
      a.state = p.state;
      a.limit = p.limit;
    });
    return a;
  }

  setOnline(agentId: number, isOnline: boolean): void {
    const a = this.agent(agentId);
    this.changeAgent(a, () => (a.isOnline = isOnline));
  }

  setAgentState(agentId: number, state: AgentDeskState): void {
    const a = this.agent(agentId);
    this.changeAgent(a, () => (a.state = state));
  }

  setLimit(agentId: number, limit: number): void {
    const a = this.agent(agentId);
    this.changeAgent(a, () => (a.limit = limit));
  }

  agent(agentId: number): DeskAgent {
    const a = this.agentsById.get(agentId);
    if (!a) throw new DeskRefusedError('not-found', `agent ${agentId} is not at the desk`);
    return a;
  }

  findAgent(agentId: number): DeskAgent | undefined {
    return this.agentsById.get(agentId);
  }

  agents(): DeskAgent[] {
    return [...this.agentsById.values()];
  }

  /**
   * Applies a change. An agent who stops taking offers, or whose limit no longer leaves room
   * for the pending one, loses it; one who goes away or offline also loses a transfer offered
   * to them; one who starts taking offers counts as idle from now.
   */
  private changeAgent(a: DeskAgent, change: () => void): void {
    const wasEligible = isEligible(a, null);
    change();
    const isNowEligible = isEligible(a, null);
    const isOverLimit = a.load + a.offers > a.limit;
    if ((wasEligible && !isNowEligible) || isOverLimit) this.withdrawOffersTo(a, false);
    // At another relay's desk (a transfer offered there), the seat is still at the desk though offline here.
    const v = seatView(a);
    if (!v.isOnline || v.state === 'away' || isOverLimit) this.withdrawOffersTo(a, true);
    if (!wasEligible && isNowEligible) a.idleSince = this.o.now();
    this.assign();
  }

  /**
   * The seats at the other relays' desks (LiveElsewhere.seats), taken in every second: a seat at
   * a desk elsewhere only is added (offline here) so it can be offered requests; one that left
   * every desk, or stopped taking offers, loses the offer pending from here.
   */
  syncElsewhere(seats: ReadonlyMap<number, ElsewhereSeat>): void {
    for (const [id, e] of seats) {
      if (this.agentsById.has(id) || !e.desk) continue;
      this.agentsById.set(id, { id, groupIds: e.desk.groupIds, state: e.desk.state, limit: e.desk.limit, load: 0, offers: 0, idleSince: e.desk.idleSince, isOnline: false });
    }
    for (const a of this.agentsById.values()) {
      const wasEligible = isEligible(seatView(a), null);
      a.elsewhere = seats.get(a.id) ?? null;
      delete a.isBusyElsewhere;
      if (wasEligible && !isEligible(seatView(a), null)) this.withdrawOffersTo(a, false);
    }
    this.assign();
  }

  /** The seat is at another relay's desk that takes offers from here (a transfer to it goes there). */
  isAtDeskElsewhere(agentId: number): boolean {
    return !!this.agentsById.get(agentId)?.elsewhere?.desk;
  }

  /** Another relay offered one of its requests to this seat (an offer pending here too: nothing else is offered to it meanwhile). */
  holdOffer(agentId: number): void {
    this.agent(agentId).offers++;
  }

  /** That offer is answered or gone. */
  releaseOffer(agentId: number): void {
    const a = this.agent(agentId);
    a.offers = Math.max(0, a.offers - 1);
    this.assign();
  }

  private withdrawOffersTo(a: DeskAgent, isTransfer: boolean): void {
    for (const r of this.open.values()) {
      if (!isTransfer && r.state.kind === 'offered' && r.state.agentId === a.id) {
        this.emit('offer-withdrawn', r, a.id);
        this.backToQueue(r, a);
      }
      if (isTransfer && r.state.kind === 'assigned' && r.state.transfer?.offeredTo === a.id) this.transfers.decline(r, a.id, 'withdrawn');
    }
  }

  /* ---------- requests ---------- */

  create(input: NewHelpRequest): HelpRequest {
    if (this.open.has(input.id)) throw new DeskRefusedError('conflict', 'a request with this ID exists');
    const r: HelpRequest = { ...input, createdAt: this.o.now(), state: { kind: 'waiting' }, declinedBy: new Set(), estimateMs: null };
    this.open.set(r.id, r);
    r.estimateMs = this.estimate(r.id);
    this.emit('created', r, null, { estimateMs: r.estimateMs, groupId: r.groupId });
    this.assign();
    return r;
  }

  accept(requestId: string, agentId: number): HelpRequest {
    const r = this.request(requestId);
    if (r.state.kind !== 'offered' || r.state.agentId !== agentId) throw new DeskRefusedError('not-allowed', 'the request is not offered to this agent');
    const a = this.agent(agentId);
    a.offers--;
    this.assignTo(r, a);
    this.assign();
    return r;
  }

  decline(requestId: string, agentId: number): void {
    const r = this.request(requestId);
    if (r.state.kind !== 'offered' || r.state.agentId !== agentId) throw new DeskRefusedError('not-allowed', 'the request is not offered to this agent');
    this.emit('declined', r, agentId);
    r.declinedBy.add(agentId);
    this.backToQueue(r, this.agent(agentId));
    this.assign();
  }

  /**
   * The seat's desk is on another relay, and that relay answered the offer "busy" (its seat could
   * not take it; this relay's view of it was behind): the offer is withdrawn without counting as
   * the agent's decline, and the seat is offered nothing more from here until the next
   * syncElsewhere.
   */
  withdrawBusy(requestId: string, agentId: number): void {
    const r = this.request(requestId);
    if (r.state.kind !== 'offered' || r.state.agentId !== agentId) throw new DeskRefusedError('not-allowed', 'the request is not offered to this agent');
    const a = this.agent(agentId);
    this.emit('offer-withdrawn', r, agentId, { isBusyElsewhere: true });
    a.isBusyElsewhere = true;
    this.backToQueue(r, a);
    this.assign();
  }

  /** A supervisor assigns a waiting (or offered) request to an agent at once, within that agent's limit. */
  dispatch(requestId: string, agentId: number, actorId: number): HelpRequest {
    const r = this.request(requestId);
    if (r.state.kind === 'assigned') throw new DeskRefusedError('conflict', 'the request is already assigned; transfer it instead');
    const a = this.agent(agentId);
    if (!a.isOnline || a.state === 'away') throw new DeskRefusedError('not-allowed', 'the agent is not at the desk');
    if (a.load + a.offers >= a.limit) throw new DeskRefusedError('concurrency-limit', 'the agent has no spare capacity');
    if (r.state.kind === 'offered') {
      this.emit('offer-withdrawn', r, r.state.agentId, {}, actorId);
      this.agent(r.state.agentId).offers--;
    }
    this.emit('dispatched', r, agentId, {}, actorId);
    this.assignTo(r, a);
    this.assign();
    return r;
  }

  /**
   * A supervisor gives a waiting (or offered) request to a seat whose desk is on another relay
   * only (capability `desk-cluster-offers`): it is offered to that seat, marked as dispatched by
   * `byName` (CrossRelayOffers sends it there; its console takes it at once), within the seat's
   * limit counted over every relay. Declined or unanswered, it goes back to the queue.
   */
  dispatchElsewhere(requestId: string, agentId: number, actorId: number, byName: string): HelpRequest {
    const r = this.request(requestId);
    if (r.state.kind === 'assigned') throw new DeskRefusedError('conflict', 'the request is already assigned; transfer it instead');
    const a = this.agentsById.get(agentId);
    const v = a ? seatView(a) : null;
    if (!a || !v || a.isOnline || !a.elsewhere?.desk || !v.isOnline || v.state === 'away') throw new DeskRefusedError('not-allowed', 'the agent is not at a desk');
    if (!hasSpareCapacity(v) || v.load >= v.limit) throw new DeskRefusedError('concurrency-limit', 'the agent has no spare capacity');
    if (r.state.kind === 'offered') {
      this.emit('offer-withdrawn', r, r.state.agentId, {}, actorId);
      this.agent(r.state.agentId).offers--;
    }
    a.offers++;
    r.state = { kind: 'offered', agentId: a.id, until: this.o.now() + this.o.offerTimeoutMs() };
    this.emit('offered', r, a.id, { until: r.state.until, dispatchedBy: byName }, actorId);
    this.assign();
    return r;
  }

  /** The customer left the queue, the request ended unanswered, or the customer left a message instead. */
  end(requestId: string, kind: Terminal, detail: Record<string, unknown> = {}): void {
    const r = this.request(requestId);
    if (r.state.kind === 'assigned') throw new DeskRefusedError('conflict', 'an assigned request is closed, not left');
    if (r.state.kind === 'offered') this.agent(r.state.agentId).offers--;
    this.finish(r, kind, null, detail);
    this.assign();
  }

  /** The assigned agent's session with the customer ended: the handle time joins the window. */
  close(requestId: string, detail: Record<string, unknown> = {}): void {
    const r = this.request(requestId);
    if (r.state.kind !== 'assigned') throw new DeskRefusedError('conflict', 'only an assigned request is closed');
    const a = this.agent(r.state.agentId);
    this.transfers.cancel(r);
    a.load--;
    a.idleSince = this.o.now();
    this.o.handleTimes.add(this.o.now() - r.state.since);
    this.finish(r, 'closed', a.id, { handleMs: this.o.now() - r.state.since, ...detail });
    this.assign();
  }

  requestTransfer(requestId: string, byAgentId: number, to: TransferTarget, note: string, actorId: number): void {
    this.transfers.request(this.request(requestId), byAgentId, to, note, actorId);
    this.assign();
  }

  acceptTransfer(requestId: string, agentId: number): void {
    this.transfers.accept(this.request(requestId), agentId);
    this.assign();
  }

  /** A supervisor takes the assigned request over (Transfers.force). */
  takeOver(requestId: string, agentId: number, actorId: number): void {
    this.transfers.force(this.request(requestId), agentId, actorId);
    this.assign();
  }

  declineTransfer(requestId: string, agentId: number): void {
    this.transfers.decline(this.request(requestId), agentId, 'declined');
    this.assign();
  }

  /** Expires offers past their deadline (a time-out counts as a decline), then assigns. */
  tick(): void {
    const now = this.o.now();
    for (const r of this.open.values()) {
      if (r.state.kind === 'offered' && r.state.until <= now) {
        const agentId = r.state.agentId;
        this.emit('offer-expired', r, agentId);
        r.declinedBy.add(agentId);
        this.backToQueue(r, this.agent(agentId));
      } else if (r.state.kind === 'assigned') this.transfers.expire(r);
    }
    this.assign();
  }

  /** When `tick()` next has something to do (the earliest offer deadline), or null. */
  nextDeadline(): number | null {
    let next: number | null = null;
    for (const r of this.open.values()) {
      const until = r.state.kind === 'offered' ? r.state.until : r.state.kind === 'assigned' ? (r.state.transfer?.until ?? null) : null;
      if (until !== null && (next === null || until < next)) next = until;
    }
    return next;
  }

  /* ---------- views ---------- */

  request(requestId: string): HelpRequest {
    const r = this.open.get(requestId);
    if (!r) throw new DeskRefusedError('not-found', 'no such open help request');
    return r;
  }

  findRequest(requestId: string): HelpRequest | undefined {
    return this.open.get(requestId);
  }

  /** Open requests, oldest first. */
  requests(): HelpRequest[] {
    return [...this.open.values()];
  }

  /** Requests of the same queue before this one that are still waiting or being offered; null once assigned. */
  position(requestId: string): number | null {
    const r = this.request(requestId);
    if (r.state.kind === 'assigned') return null;
    let ahead = 0;
    for (const o of this.open.values()) {
      if (o === r) return ahead;
      if (o.groupId === r.groupId && o.state.kind !== 'assigned') ahead++;
    }
    return ahead;
  }

  /** The wait estimate from now (WaitEstimate.ts); null when nobody can take it, 0 once offered or assigned. */
  estimate(requestId: string): number | null {
    const r = this.request(requestId);
    if (r.state.kind !== 'waiting') return 0;
    const aheadGroups: (number | null)[] = [];
    for (const o of this.open.values()) {
      if (o === r) break;
      if (o.state.kind !== 'assigned') aheadGroups.push(o.groupId);
    }
    const agents = this.views();
    return estimateWait(competingAhead(agents, r.groupId, aheadGroups), capacityOf(agents, r.groupId), this.o.handleTimes.median());
  }

  /** No agent of the group is online (on any relay), or every one online is away: the customer may leave a message. */
  isNobodyAvailable(groupId: number | null): boolean {
    for (const a of this.views()) if (a.isOnline && a.state !== 'away' && (groupId === null || a.groupIds.includes(groupId))) return false;
    return true;
  }

  /* ---------- moves ---------- */

  /** Offers every waiting request (oldest first) and pending group transfer to the next agent. */
  private assign(): void {
    this.transfers.assignPending(this.open.values());
    const views = this.views();
    for (const r of this.open.values()) {
      if (!views.some((v) => isEligible(v, null) && hasSpareCapacity(v))) return;
      if (r.state.kind !== 'waiting') continue;
      const picked = pickAgent(views, r.groupId, r.declinedBy);
      if (!picked) continue;
      const a = this.agent(picked.id);
      a.offers++;
      if (picked !== a) picked.offers++;
      r.state = { kind: 'offered', agentId: a.id, until: this.o.now() + this.o.offerTimeoutMs() };
      this.emit('offered', r, a.id, { until: r.state.until });
    }
  }

  /** Every seat as the whole cluster sees it (pickAgent.seatView); one its desk's relay just called busy has an offer pending there, as far as this relay knows. */
  private views(): DeskAgent[] {
    return [...this.agentsById.values()].map((a) => {
      const v = seatView(a);
      return a.isBusyElsewhere ? { ...v, offers: v.offers + 1 } : v;
    });
  }

  private backToQueue(r: HelpRequest, a: DeskAgent): void {
    a.offers--;
    r.state = { kind: 'waiting' };
  }

  private assignTo(r: HelpRequest, a: DeskAgent): void {
    a.load++;
    a.idleSince = this.o.now();
    r.state = { kind: 'assigned', agentId: a.id, since: this.o.now(), transfer: null };
    this.emit('assigned', r, a.id, { waitMs: this.o.now() - r.createdAt });
  }

  private finish(r: HelpRequest, kind: Terminal | 'closed', agentId: number | null, detail: Record<string, unknown>): void {
    r.state = { kind, at: this.o.now(), agentId };
    this.open.delete(r.id);
    this.emit(kind, r, agentId, detail);
  }

  private emit(kind: DeskEventKind, r: HelpRequest, agentId: number | null, detail: Record<string, unknown> = {}, actorId: number | null = null): void {
    this.o.onEvent({ kind, requestId: r.id, at: this.o.now(), agentId, actorId, detail });
  }
}
