/**
 * Desk sessions changing hands over the WebSocket (capability `desk-live`): an agent transfers
 * their running desk session to another agent or a group with a note; the other is offered it
 * (`desk-offer` with `transfer` set) and accepts or declines. The queue's Transfers.ts keeps
 * the rules (one pending transfer, capacity, group rounds, time-out); this side checks who may
 * ask, tells each console what changed, and once accepted hands the running session over
 * (sessions/Handover.ts): the customer sees the new name and nothing else is interrupted.
 * A decline or time-out leaves the session with the first agent (`transfer-status`).
 *
 * Only consoles that speak `desk-live` are offered a transfer. A transfer accepted elsewhere
 * (the HTTP API) hands the session to one of the new agent's consoles that does.
 */
import type { HandoverAgentToRelay, DeskRelayToAgent, SharedDeskAgent } from '@beacon/shared/protocol';
import type { AuditLog } from '../accounts/AuditLog.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { handOver, type HandoverDeps } from '../sessions/Handover.ts';
import type { AgentParty, Party } from '../sessions/Session.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import type { Desk } from './Desk.ts';
import { DeskRefusedError, type DeskEvent, type HelpRequest, type PendingTransfer } from './deskModel.ts';
import { DeskSupervision } from './DeskSupervision.ts';
import type { LiveElsewhere } from './LiveElsewhere.ts';

export const HANDOVER_MESSAGE_TYPES: ReadonlySet<HandoverAgentToRelay['type']> = new Set<HandoverAgentToRelay['type']>([
  'session-transfer',
  'transfer-accept',
  'transfer-decline',
  'session-take-over',
  'session-force-transfer',
  'request-dispatch',
]);

/** What DeskLink knows about the consoles and sessions of the desk. */
export interface DeskConsoles {
  /** The seat's consoles that speak `desk-live`. */
  liveConsolesOf(agentId: number): AgentParty[];
  /** The help request a session serves, if any. */
  requestOfSession(sessionId: string): string | undefined;
  /** The session serving a help request, if one runs. */
  sessionOfRequest(requestId: string): string | undefined;
  sendToAgent(agentId: number, msg: DeskRelayToAgent): void;
  /** Every console that speaks `desk-live`. */
  liveConsoles(): AgentParty[];
  /** Opens the request's session from this console, as an accepted offer does. */
  openSession(agent: AgentParty, r: HelpRequest, requestId: string, control: boolean): Promise<void>;
  /** Whether the connection speaks `desk-live`. */
  speaksLive(p: Party): boolean;
  /** Offers a session opened with an ID and code to an agent (CodeSessionTransfer.ts); `forcedBy`: the supervisor. */
  transferCodeSession(sessionId: string, toAgentId: number, note: string, forcedBy: number | null): void;
}

export interface DeskHandoverDeps extends Omit<HandoverDeps, 'sessions' | 'speaksLive'> {
  desk: Desk;
  sessions: Pick<SessionManager, 'replaceAgent' | 'get' | 'stats'>;
  audit: Pick<AuditLog, 'append'>;
  now: Clock;
  log: Logger;
  /** The other relays' running sessions, for supervisors (LiveElsewhere.ts). */
  elsewhere?: LiveElsewhere;
  /** The seats here as the other relays' queues need them (CrossRelayOffers.shareSeats); absent: id and load only. */
  shareSeats?: () => SharedDeskAgent[];
  /** In a cluster: a seat's name (DeskSupervision.dispatchElsewhere). */
  seatName?: (agentId: number) => Promise<string | null>;
}

type TransferOffer = { agentId: number; fromAgentId: number };

export class DeskHandover {
  /** Help request ID -> the transfer offer out now. */
  private readonly offers = new Map<string, TransferOffer>();
  /** The console answering `transfer-accept` now: the session goes to that one. */
  private accepting: AgentParty | null = null;
  private readonly supervision: DeskSupervision;

  constructor(
    private readonly d: DeskHandoverDeps,
    private readonly consoles: DeskConsoles,
  ) {
    this.supervision = new DeskSupervision({
      desk: d.desk,
      sessions: d.sessions,
      audit: d.audit,
      log: d.log,
      liveConsolesOf: (id) => consoles.liveConsolesOf(id),
      liveConsoles: () => consoles.liveConsoles(),
      isReachable: (id) => this.isReachable(id),
      requestOfSession: (id) => consoles.requestOfSession(id),
      openSession: (agent, r, requestId, control) => consoles.openSession(agent, r, requestId, control),
      takeOver: (supervisor, sessionId) => this.takeOver(supervisor, sessionId),
      transferCodeSession: (sessionId, toAgentId, note, forcedBy) => consoles.transferCodeSession(sessionId, toAgentId, note, forcedBy),
      ...(d.elsewhere ? { elsewhere: d.elsewhere } : {}),
      ...(d.shareSeats ? { shareSeats: d.shareSeats } : {}),
      ...(d.seatName ? { seatName: d.seatName } : {}),
    });
  }

  /** Sends supervisors the running sessions, where they changed. */
  refresh(): void {
    this.supervision.refresh();
  }

  /**
   * A supervisor takes a running session over: a desk session's request moves to them too
   * (`transfer-accepted`, forced, which hands the session over); any other session is handed
   * over directly. Also from a no-reply alert (DeskAlerts), by a member of the agent's group.
   */
  takeOver(supervisor: AgentParty, sessionId: string): void {
    const s = this.d.sessions.get(sessionId);
    if (s?.state !== 'active') throw new DeskRefusedError('not-found', 'no such running session');
    if (s.agent.agent.id === supervisor.agent.id) throw new DeskRefusedError('conflict', 'the session is already this agent’s');
    const requestId = this.consoles.requestOfSession(sessionId);
    if (requestId !== undefined && this.d.desk.queue.findRequest(requestId)) {
      this.accepting = supervisor;
      try {
        this.d.desk.queue.takeOver(requestId, supervisor.agent.id, supervisor.agent.id);
      } finally {
        this.accepting = null;
      }
      return;
    }
    const from = handOver(this.handoverDeps(), sessionId, supervisor, { how: 'take-over', note: '', actorId: supervisor.agent.id });
    this.auditHandover(supervisor.agent.id, sessionId, '', { how: 'take-over', fromAgentId: from.agent.id, toAgentId: supervisor.agent.id, note: '' });
  }

  private handoverDeps() {
    return { ...this.d, speaksLive: (p: Party) => this.consoles.speaksLive(p) };
  }

  private auditHandover(actorId: number | null, sessionId: string, label: string, detail: Record<string, unknown>): void {
    void this.d.audit
      .append({ actorId, action: 'session-transferred', target: { type: 'sessions', id: sessionId, label }, detail })
      .catch((err: unknown) => this.d.log.error('could not audit a handover', { sessionId, err }));
  }

  async handle(agent: AgentParty, msg: HandoverAgentToRelay): Promise<void> {
    const q = this.d.desk.queue;
    switch (msg.type) {
      case 'session-take-over':
      case 'session-force-transfer':
      case 'request-dispatch':
        return this.supervision.handle(agent, msg);
      case 'session-transfer': {
        if (this.isCodeSessionOf(agent, msg.sessionId)) {
          if (msg.to.kind !== 'agent') throw new DeskRefusedError('not-allowed', 'a session opened with an ID and code goes to an agent, not a group');
          return this.consoles.transferCodeSession(msg.sessionId, msg.to.agentId, msg.note, null);
        }
        const r = this.ownRequest(agent, msg.sessionId);
        if (msg.to.kind === 'agent' && !this.isReachable(msg.to.agentId)) throw new DeskRefusedError('not-allowed', 'the agent is not at the desk');
        q.requestTransfer(r.id, agent.agent.id, msg.to, msg.note, agent.agent.id);
        return;
      }
      case 'transfer-accept': {
        this.accepting = agent;
        try {
          q.acceptTransfer(msg.helpRequestId, agent.agent.id);
        } finally {
          this.accepting = null;
        }
        return;
      }
      case 'transfer-decline':
        return q.declineTransfer(msg.helpRequestId, agent.agent.id);
    }
  }

  /** An agent a transfer can be offered to: a console here that speaks `desk-live`, or at another relay's desk that takes offers from here. */
  private isReachable(agentId: number): boolean {
    return this.consoles.liveConsolesOf(agentId).length > 0 || this.d.desk.queue.isAtDeskElsewhere(agentId);
  }

  /** A running session of this agent that serves no help request (opened with an ID and code). */
  private isCodeSessionOf(agent: AgentParty, sessionId: string): boolean {
    const s = this.d.sessions.get(sessionId);
    return s?.state === 'active' && s.agent === agent && this.consoles.requestOfSession(sessionId) === undefined;
  }

  /** The request of a running session this agent has; `not-found` otherwise (others' sessions are not revealed). */
  private ownRequest(agent: AgentParty, sessionId: string): HelpRequest {
    const s = this.d.sessions.get(sessionId);
    const requestId = this.consoles.requestOfSession(sessionId);
    const r = requestId === undefined ? undefined : this.d.desk.queue.findRequest(requestId);
    if (!s || s.agent !== agent || !r) throw new DeskRefusedError('not-found', 'no such desk session for this connection');
    if (s.state !== 'active') throw new DeskRefusedError('not-allowed', 'only a running session is transferred');
    return r;
  }

  onDeskEvent(e: DeskEvent): void {
    const r = this.d.desk.queue.findRequest(e.requestId);
    const t = r?.state.kind === 'assigned' ? r.state.transfer : null;
    switch (e.kind) {
      case 'transfer-offered':
        if (r && t && t.offeredTo !== null && t.until !== null) this.offer(r, t);
        return;
      case 'transfer-declined':
        this.withdraw(e.requestId, e.detail['why'] === 'timeout' ? 'expired' : 'declined');
        return;
      case 'transfer-failed':
        if (r && r.state.kind === 'assigned') this.status(r, r.state.agentId, e.detail['why'] === 'nobody-available' ? 'nobody-available' : 'declined', null);
        return;
      case 'transfer-accepted':
        this.withdraw(e.requestId, 'accepted');
        if (r) this.accepted(r, e);
        return;
      case 'closed':
        this.withdraw(e.requestId, 'left');
        return;
      default:
    }
  }

  private offer(r: HelpRequest, t: PendingTransfer): void {
    const to = t.offeredTo ?? 0;
    const from = this.consoles.liveConsolesOf(t.fromAgentId)[0];
    this.offers.set(r.id, { agentId: to, fromAgentId: t.fromAgentId });
    const until = t.until ?? this.d.now();
    const transfer = { fromAgentName: from?.agent.displayName ?? '?', note: t.note };
    this.consoles.sendToAgent(to, { type: 'desk-offer', request: this.d.desk.view(r), until, forMs: Math.max(0, Math.round(until - this.d.now())), transfer });
    // An agent at another relay's desk only: named as that relay shares it.
    const name = this.consoles.liveConsolesOf(to)[0]?.agent.displayName ?? this.d.desk.queue.findAgent(to)?.elsewhere?.desk?.name ?? null;
    this.status(r, t.fromAgentId, 'asking', name);
  }

  private withdraw(requestId: string, reason: 'accepted' | 'declined' | 'expired' | 'left'): void {
    const o = this.offers.get(requestId);
    if (!o) return;
    this.offers.delete(requestId);
    this.consoles.sendToAgent(o.agentId, { type: 'desk-offer-withdrawn', helpRequestId: requestId, reason });
  }

  private status(r: HelpRequest, agentId: number, state: 'asking' | 'declined' | 'nobody-available', agentName: string | null): void {
    const sessionId = this.consoles.sessionOfRequest(r.id);
    if (sessionId) for (const p of this.consoles.liveConsolesOf(agentId)) p.send({ type: 'transfer-status', sessionId, state, agentName });
  }

  /** The queue moved the request to its new agent: the running session follows, and it is audited. */
  private accepted(r: HelpRequest, e: DeskEvent): void {
    const sessionId = this.consoles.sessionOfRequest(r.id);
    const toId = e.agentId ?? 0;
    const to = this.accepting?.agent.id === toId ? this.accepting : this.consoles.liveConsolesOf(toId)[0];
    if (!sessionId || !to) {
      this.d.log.warn('transfer accepted without a session or console to hand over', { helpRequestId: r.id, sessionId, toAgentId: toId });
      return;
    }
    const note = typeof e.detail['note'] === 'string' ? e.detail['note'] : '';
    const fromAgentId = e.detail['fromAgentId'];
    const how = e.detail['isForced'] === true ? 'take-over' : 'transfer';
    try {
      handOver(this.handoverDeps(), sessionId, to, { how, note, actorId: e.actorId });
    } catch (err) {
      this.d.log.warn('transfer accepted but the session could not be handed over', { helpRequestId: r.id, sessionId, err });
      return;
    }
    const actorId = e.actorId ?? (typeof fromAgentId === 'number' ? fromAgentId : null);
    this.auditHandover(actorId, sessionId, r.customerName, { how, helpRequestId: r.id, fromAgentId, toAgentId: toId, note });
  }
}
