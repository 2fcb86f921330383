/**
 * Handing an assigned request to another agent or group. The first agent keeps the request
 * (and the customer sees nothing) until the other accepts; then the load moves with it.
 *
 * - To an agent: that agent is offered it (they must be online, not away, and have room);
 *   a decline or time-out ends the transfer (`transfer-failed`) and the first agent keeps it.
 * - To a group: its agents are offered it in turn like a queued request (pickAgent.ts),
 *   never the first agent; once every eligible agent has declined, or none is at the desk,
 *   the transfer fails. A group transfer does not start a second round: the first agent
 *   still has the customer, so asking the same people again only delays them.
 */
import type { Clock } from '../platform/clock.ts';
import { DeskRefusedError, type DeskAgent, type DeskEventKind, type HelpRequest, type PendingTransfer, type TransferTarget } from './deskModel.ts';
import { hasSpareCapacity, isEligible, pickAgent, seatView } from './pickAgent.ts';

export interface TransfersDeps {
  now: Clock;
  offerTimeoutMs: () => number;
  agents: ReadonlyMap<number, DeskAgent>;
  agent(id: number): DeskAgent;
  emit(kind: DeskEventKind, r: HelpRequest, agentId: number | null, detail?: Record<string, unknown>, actorId?: number | null): void;
}

function pendingOf(r: HelpRequest): PendingTransfer | null {
  return r.state.kind === 'assigned' ? r.state.transfer : null;
}

export class Transfers {
  constructor(private readonly d: TransfersDeps) {}

  request(r: HelpRequest, byAgentId: number, to: TransferTarget, note: string, actorId: number): void {
    if (r.state.kind !== 'assigned' || r.state.agentId !== byAgentId) throw new DeskRefusedError('not-allowed', 'only the assigned agent’s request can be transferred');
    if (r.state.transfer) throw new DeskRefusedError('conflict', 'a transfer of this request is already pending');
    if (to.kind === 'agent') this.checkTarget(to.agentId, byAgentId);
    const t: PendingTransfer = { fromAgentId: byAgentId, to, note, actorId, offeredTo: null, until: null, declinedBy: new Set() };
    r.state.transfer = t;
    this.d.emit('transfer-requested', r, byAgentId, { to, note }, actorId === byAgentId ? null : actorId);
    if (to.kind === 'agent') this.offer(r, t, this.d.agent(to.agentId));
  }

  accept(r: HelpRequest, agentId: number): void {
    const t = pendingOf(r);
    if (!t || t.offeredTo !== agentId || r.state.kind !== 'assigned') throw new DeskRefusedError('not-allowed', 'no transfer of this request is offered to this agent');
    const from = this.d.agent(t.fromAgentId);
    const to = this.d.agent(agentId);
    to.offers--;
    to.load++;
    to.idleSince = this.d.now();
    from.load--;
    from.idleSince = this.d.now();
    r.state = { kind: 'assigned', agentId, since: r.state.since, transfer: null };
    this.d.emit('transfer-accepted', r, agentId, { fromAgentId: t.fromAgentId, note: t.note }, t.actorId === t.fromAgentId ? null : t.actorId);
  }

  /**
   * A supervisor takes an assigned request over at once (no offer, no capacity check): any
   * pending transfer ends, the load moves, and `transfer-accepted` says it was `forced`.
   */
  force(r: HelpRequest, toAgentId: number, actorId: number): void {
    if (r.state.kind !== 'assigned') throw new DeskRefusedError('conflict', 'only an assigned request is taken over');
    if (r.state.agentId === toAgentId) throw new DeskRefusedError('conflict', 'the request is already this agent’s');
    const to = this.d.agents.get(toAgentId);
    if (!to?.isOnline) throw new DeskRefusedError('not-allowed', 'the agent is not at the desk');
    this.cancel(r);
    const from = this.d.agent(r.state.agentId);
    from.load--;
    from.idleSince = this.d.now();
    to.load++;
    r.state = { kind: 'assigned', agentId: toAgentId, since: r.state.since, transfer: null };
    this.d.emit('transfer-accepted', r, toAgentId, { fromAgentId: from.id, note: '', isForced: true }, actorId);
  }

  /** A decline, a time-out or a withdrawn offer (the agent left the desk). */
  decline(r: HelpRequest, agentId: number, why: 'declined' | 'timeout' | 'withdrawn'): void {
    const t = pendingOf(r);
    if (!t || t.offeredTo !== agentId) throw new DeskRefusedError('not-allowed', 'no transfer of this request is offered to this agent');
    this.d.agent(agentId).offers--;
    t.offeredTo = null;
    t.until = null;
    t.declinedBy.add(agentId);
    this.d.emit('transfer-declined', r, agentId, { why });
    if (t.to.kind === 'agent') this.fail(r, 'declined');
  }

  expire(r: HelpRequest): void {
    const t = pendingOf(r);
    if (t?.offeredTo != null && t.until !== null && t.until <= this.d.now()) this.decline(r, t.offeredTo, 'timeout');
  }

  /** Closing the request ends its pending transfer silently. */
  cancel(r: HelpRequest): void {
    const t = pendingOf(r);
    if (!t || r.state.kind !== 'assigned') return;
    if (t.offeredTo !== null) this.d.agent(t.offeredTo).offers--;
    r.state.transfer = null;
  }

  /** Offers each pending group transfer nobody is being asked about to the group's next agent. */
  assignPending(open: Iterable<HelpRequest>): void {
    for (const r of open) {
      const t = pendingOf(r);
      if (!t || t.to.kind !== 'group' || t.offeredTo !== null) continue;
      const groupId = t.to.groupId;
      // Every seat as the cluster sees it: one at another relay's desk is offered it there (CrossRelayOffers).
      const eligible = [...this.d.agents.values()].map(seatView).filter((a) => a.id !== t.fromAgentId && isEligible(a, groupId));
      if (eligible.length === 0 || eligible.every((a) => t.declinedBy.has(a.id))) {
        this.fail(r, eligible.length === 0 ? 'nobody-available' : 'declined');
        continue;
      }
      const a = pickAgent(eligible, groupId, t.declinedBy, t.fromAgentId);
      if (a) this.offer(r, t, this.d.agent(a.id));
    }
  }

  private checkTarget(agentId: number, fromAgentId: number): void {
    if (agentId === fromAgentId) throw new DeskRefusedError('bad-message', 'a request cannot be transferred to its own agent');
    // As the whole cluster sees the seat: at this desk or at another relay's that takes offers from here (CrossRelayOffers).
    const agent = this.d.agents.get(agentId);
    const a = agent ? seatView(agent) : undefined;
    if (!a || !a.isOnline || a.state === 'away') throw new DeskRefusedError('not-allowed', 'the agent is not at the desk');
    if (!hasSpareCapacity(a)) throw new DeskRefusedError('concurrency-limit', 'the agent has no spare capacity');
  }

  private offer(r: HelpRequest, t: PendingTransfer, a: DeskAgent): void {
    a.offers++;
    t.offeredTo = a.id;
    t.until = this.d.now() + this.d.offerTimeoutMs();
    this.d.emit('transfer-offered', r, a.id, { until: t.until });
  }

  private fail(r: HelpRequest, why: 'declined' | 'nobody-available'): void {
    if (r.state.kind !== 'assigned') return;
    r.state.transfer = null;
    this.d.emit('transfer-failed', r, r.state.agentId, { why });
  }
}
