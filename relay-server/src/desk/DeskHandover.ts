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
import type { HandoverAgentToRelay, DeskRelayToAgent } from '@beacon/shared/protocol';
import type { AuditLog } from '../accounts/AuditLog.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { handOver, type HandoverDeps } from '../sessions/Handover.ts';
import type { AgentParty, Party } from '../sessions/Session.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import type { Desk } from './Desk.ts';
import { DeskRefusedError, type DeskEvent, type HelpRequest, type PendingTransfer } from './deskModel.ts';

export const HANDOVER_MESSAGE_TYPES: ReadonlySet<HandoverAgentToRelay['type']> = new Set<HandoverAgentToRelay['type']>(['session-transfer', 'transfer-accept', 'transfer-decline']);

/** What DeskLink knows about the consoles and sessions of the desk. */
export interface DeskConsoles {
  /** The seat's consoles that speak `desk-live`. */
  liveConsolesOf(agentId: number): AgentParty[];
  /** The help request a session serves, if any. */
  requestOfSession(sessionId: string): string | undefined;
  /** The session serving a help request, if one runs. */
  sessionOfRequest(requestId: string): string | undefined;
  sendToAgent(agentId: number, msg: DeskRelayToAgent): void;
  /** Whether the connection speaks `desk-live`. */
  speaksLive(p: Party): boolean;
}

export interface DeskHandoverDeps extends Omit<HandoverDeps, 'sessions' | 'speaksLive'> {
  desk: Desk;
  sessions: Pick<SessionManager, 'replaceAgent' | 'get'>;
  audit: Pick<AuditLog, 'append'>;
  now: Clock;
  log: Logger;
}

type TransferOffer = { agentId: number; fromAgentId: number };

export class DeskHandover {
  /** Help request ID -> the transfer offer out now. */
  private readonly offers = new Map<string, TransferOffer>();
  /** The console answering `transfer-accept` now: the session goes to that one. */
  private accepting: AgentParty | null = null;

  constructor(
    private readonly d: DeskHandoverDeps,
    private readonly consoles: DeskConsoles,
  ) {}

  async handle(agent: AgentParty, msg: HandoverAgentToRelay): Promise<void> {
    const q = this.d.desk.queue;
    switch (msg.type) {
      case 'session-transfer': {
        const r = this.ownRequest(agent, msg.sessionId);
        if (msg.to.kind === 'agent' && this.consoles.liveConsolesOf(msg.to.agentId).length === 0) throw new DeskRefusedError('not-allowed', 'the agent is not at the desk');
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
    this.status(r, t.fromAgentId, 'asking', this.consoles.liveConsolesOf(to)[0]?.agent.displayName ?? null);
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
    try {
      handOver({ ...this.d, speaksLive: (p) => this.consoles.speaksLive(p) }, sessionId, to, { how: 'transfer', note, actorId: e.actorId });
    } catch (err) {
      this.d.log.warn('transfer accepted but the session could not be handed over', { helpRequestId: r.id, sessionId, err });
      return;
    }
    void this.d.audit
      .append({ actorId: e.actorId ?? (typeof fromAgentId === 'number' ? fromAgentId : null), action: 'session-transferred', target: { type: 'sessions', id: sessionId, label: r.customerName }, detail: { helpRequestId: r.id, fromAgentId, toAgentId: toId, note } })
      .catch((err: unknown) => this.d.log.error('could not audit a transfer', { sessionId, err }));
  }
}
