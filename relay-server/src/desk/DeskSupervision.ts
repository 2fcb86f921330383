/**
 * Supervisors at the desk (capability `desk-live`; managers, admins and owners: the
 * `desk.supervise` permission): the live list of running sessions (`desk-sessions`, pushed
 * when it changes; the waiting requests are in their `desk-queue`), taking a session over,
 * forcing a transfer of someone's session to an agent, and dispatching a waiting request to
 * an agent. Each action is in the audit log with the supervisor as actor (and, for desk
 * requests, in `desk_events`).
 */
import { randomBytes } from 'node:crypto';
import type { HandoverAgentToRelay, HelpRequestView, LiveDeskSession, RelayToClient, SharedDeskAgent } from '@beacon/shared/protocol';
import { authorize } from '../accounts/Policy.ts';
import type { AuditLog, NewAuditEntry } from '../accounts/AuditLog.ts';
import type { Logger } from '../platform/logger.ts';
import type { AgentParty, Party } from '../sessions/Session.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import type { Desk } from './Desk.ts';
import { DeskRefusedError, type HelpRequest } from './deskModel.ts';
import type { LiveElsewhere } from './LiveElsewhere.ts';

export type SupervisorMessage = Extract<HandoverAgentToRelay, { type: 'session-take-over' | 'session-force-transfer' | 'request-dispatch' }>;

export interface SupervisionDeps {
  desk: Desk;
  sessions: Pick<SessionManager, 'get' | 'stats'>;
  audit: Pick<AuditLog, 'append'>;
  log: Logger;
  /** Consoles that speak `desk-live`, of one seat or of every seat. */
  liveConsolesOf(agentId: number): AgentParty[];
  liveConsoles(): AgentParty[];
  /** Whether a transfer can be offered to the agent (DeskHandover.isReachable). */
  isReachable(agentId: number): boolean;
  requestOfSession(sessionId: string): string | undefined;
  /** Opens the request's session from this console, as an accepted offer does. */
  openSession(agent: AgentParty, r: HelpRequest, requestId: string, control: boolean): Promise<void>;
  /** Hands the running session to the supervisor now (DeskHandover). */
  takeOver(supervisor: AgentParty, sessionId: string): void;
  /** Offers a session opened with an ID and code to an agent (CodeSessionTransfer.ts). */
  transferCodeSession(sessionId: string, toAgentId: number, note: string, forcedBy: number): void;
  /** The other relays' running sessions (LiveElsewhere.ts); absent: this relay's only. */
  elsewhere?: Pick<LiveElsewhere, 'share' | 'merged'>;
  /** The seats here as the other relays' queues need them (CrossRelayOffers.shareSeats). */
  shareSeats?: () => SharedDeskAgent[];
  /** In a cluster: a seat's name, for the audit of a dispatch to a seat at another relay's desk (absent: no such dispatch). */
  seatName?: (agentId: number) => Promise<string | null>;
}

export function isSupervisor(p: AgentParty): boolean {
  const { id, login, displayName, role } = p.agent;
  return role !== undefined && authorize({ id, login, displayName, role, groupIds: [] }, 'desk.supervise', null);
}

export class DeskSupervision {
  /** What each supervisor's console was last sent, so only changes go out. */
  private readonly lastSent = new WeakMap<Party, string>();

  constructor(private readonly d: SupervisionDeps) {}

  async handle(supervisor: AgentParty, msg: SupervisorMessage): Promise<void> {
    if (!isSupervisor(supervisor)) throw new DeskRefusedError('forbidden', 'only supervisors may do this');
    const actorId = supervisor.agent.id;
    switch (msg.type) {
      case 'session-take-over': {
        this.d.takeOver(supervisor, msg.sessionId);
        return;
      }
      case 'session-force-transfer': {
        if (this.d.requestOfSession(msg.sessionId) === undefined) return this.d.transferCodeSession(msg.sessionId, msg.agentId, msg.note, actorId);
        const r = this.requestOf(msg.sessionId);
        if (r.state.kind !== 'assigned') throw new DeskRefusedError('conflict', 'the request is not assigned');
        if (!this.d.isReachable(msg.agentId)) throw new DeskRefusedError('not-allowed', 'the agent is not at the desk');
        this.d.desk.queue.requestTransfer(r.id, r.state.agentId, { kind: 'agent', agentId: msg.agentId }, msg.note, actorId);
        return this.audit({ actorId, action: 'transfer-forced', target: { type: 'sessions', id: msg.sessionId, label: r.customerName }, detail: { helpRequestId: r.id, toAgentId: msg.agentId, note: msg.note } });
      }
      case 'request-dispatch': {
        const agent = this.d.liveConsolesOf(msg.agentId)[0];
        if (!agent) return this.dispatchElsewhere(supervisor, msg.helpRequestId, msg.agentId);
        const r = this.d.desk.queue.dispatch(msg.helpRequestId, msg.agentId, actorId);
        await this.audit({ actorId, action: 'request-dispatched', target: { type: 'seat', id: msg.agentId, label: agent.agent.displayName }, detail: { helpRequestId: r.id, customerName: r.customerName } });
        return this.d.openSession(agent, r, randomBytes(12).toString('hex'), true);
      }
    }
  }

  /** The seat's desk is on another relay only: the request is offered there as dispatched (CrossRelayOffers), and its console takes it. */
  private async dispatchElsewhere(supervisor: AgentParty, helpRequestId: string, agentId: number): Promise<void> {
    if (!this.d.seatName) throw new DeskRefusedError('not-allowed', 'the agent is not at the desk');
    const actorId = supervisor.agent.id;
    const r = this.d.desk.queue.dispatchElsewhere(helpRequestId, agentId, actorId, supervisor.agent.displayName);
    const label = (await this.d.seatName(agentId)) ?? `#${agentId}`;
    await this.audit({ actorId, action: 'request-dispatched', target: { type: 'seat', id: agentId, label }, detail: { helpRequestId: r.id, customerName: r.customerName, atAnotherRelay: true } });
  }

  private requestOf(sessionId: string): HelpRequest {
    const id = this.d.requestOfSession(sessionId);
    const r = id === undefined ? undefined : this.d.desk.queue.findRequest(id);
    if (!r || this.d.sessions.get(sessionId)?.state !== 'active') throw new DeskRefusedError('not-found', 'no such running desk session');
    return r;
  }

  private async audit(e: NewAuditEntry): Promise<void> {
    try {
      await this.d.audit.append(e);
    } catch (err) {
      this.d.log.error('could not audit a supervisor action', { action: e.action, err });
    }
  }

  /** Sends every supervisor's console the running sessions (every relay's), where they changed; shares this relay's. */
  refresh(): void {
    const { elsewhere } = this.d;
    const own = elsewhere ? this.list() : null;
    if (own) elsewhere?.share(own, this.deskShare());
    const supervisors = this.d.liveConsoles().filter(isSupervisor);
    if (supervisors.length === 0) return;
    const msg: RelayToClient = { type: 'desk-sessions', sessions: own && elsewhere ? elsewhere.merged(own) : this.list() };
    const text = JSON.stringify(msg);
    for (const p of supervisors) {
      if (this.lastSent.get(p) === text) continue;
      this.lastSent.set(p, text);
      p.send(msg);
    }
  }

  /** This relay's open requests and the seats at its desk, for the other relays' supervisors. */
  private deskShare(): { requests: HelpRequestView[]; agents: SharedDeskAgent[] } {
    const q = this.d.desk.queue;
    const agents = this.d.shareSeats?.() ?? q.agents().flatMap((a) => (a.isOnline ? [{ id: a.id, load: a.load }] : []));
    return { requests: q.requests().map((r) => this.d.desk.view(r)), agents };
  }

  private list(): LiveDeskSession[] {
    const out: LiveDeskSession[] = [];
    for (const { id } of this.d.sessions.stats()) {
      const s = this.d.sessions.get(id);
      if (s?.state !== 'active') continue;
      const requestId = this.d.requestOfSession(id) ?? null;
      const r = requestId === null ? undefined : this.d.desk.queue.findRequest(requestId);
      out.push({ sessionId: id, deviceId: s.deviceId, helpRequestId: requestId, customerName: r?.customerName ?? null, agentId: s.agent.agent.id, agentName: s.agent.agent.displayName, startedAt: Math.round(s.startedAt) });
    }
    return out.sort((a, b) => a.startedAt - b.startedAt).slice(0, 500);
  }
}
