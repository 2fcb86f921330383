/**
 * Transferring a session opened with an ID and code (it serves no help request, so the queue's
 * Transfers.ts has nothing to move): its agent (or a supervisor, forcing it) offers it to one
 * agent at the desk, as a `session-invitation` with `handover` set (capability `desk-multi`);
 * the agent's answer (`invite-answer`) hands the running session over (sessions/Handover.ts,
 * as a desk transfer does: same session, stream, chat and consent) or leaves it where it was.
 * The session's agent hears `transfer-status` as for a desk transfer; an offer not answered in
 * INVITE_TIMEOUT_MS lapses (`declined`). Audited as `session-transferred`, and a forced one as
 * `transfer-forced`, like desk transfers.
 */
import type { NewAuditEntry } from '../accounts/AuditLog.ts';
import { handOver, type HandoverDeps } from '../sessions/Handover.ts';
import type { ActiveSession, AgentParty } from '../sessions/Session.ts';
import { DeskRefusedError } from './deskModel.ts';

export const HANDOVER_OFFER_MS = 60_000;

export interface CodeTransferDeps {
  handover: HandoverDeps;
  audit(e: NewAuditEntry): Promise<void>;
  multiConsolesOf(agentId: number): AgentParty[];
  /** Whether the connection speaks `desk-live` (the session's agent hears `transfer-status`). */
  speaksLive(p: AgentParty): boolean;
}

interface Offer {
  from: AgentParty;
  toAgentId: number;
  note: string;
  /** A supervisor forcing it; null: the session's own agent. */
  forcedBy: number | null;
  timer: ReturnType<typeof setTimeout>;
}

export class CodeSessionTransfer {
  /** Session ID -> its handover offer out now (one at a time). */
  private readonly offers = new Map<string, Offer>();

  constructor(private readonly d: CodeTransferDeps) {}

  /** Offers the running session to `toAgentId`; throws `not-allowed` (not at the desk), `conflict` (one is out) or `bad-message` (to its own agent). */
  offer(s: ActiveSession, toAgentId: number, note: string, forcedBy: number | null, label: string): void {
    if (toAgentId === s.agent.agent.id) throw new DeskRefusedError('bad-message', 'the session is already this agent’s');
    if (this.offers.has(s.id)) throw new DeskRefusedError('conflict', 'a transfer of this session is already pending');
    const consoles = this.d.multiConsolesOf(toAgentId);
    if (consoles.length === 0) throw new DeskRefusedError('not-allowed', 'the agent is not at the desk');
    const timer = setTimeout(() => this.lapse(s.id), HANDOVER_OFFER_MS);
    timer.unref?.();
    this.offers.set(s.id, { from: s.agent, toAgentId, note, forcedBy, timer });
    for (const c of consoles) c.send({ type: 'session-invitation', sessionId: s.id, fromAgentName: s.agent.agent.displayName, customerName: null, handover: { note } });
    this.status(s.agent, s.id, 'asking', consoles[0]?.agent.displayName ?? null);
    if (forcedBy !== null) void this.d.audit({ actorId: forcedBy, action: 'transfer-forced', target: { type: 'sessions', id: s.id, label }, detail: { toAgentId, note } });
  }

  /** The agent's answer, if the session's offer is theirs (true); false: no handover offer to them (an invitation, maybe). */
  answer(agent: AgentParty, s: ActiveSession | undefined, sessionId: string, isAccepted: boolean): boolean {
    const o = this.offers.get(sessionId);
    if (!o || o.toAgentId !== agent.agent.id) return false;
    this.drop(sessionId);
    if (!s || s.agent !== o.from) throw new DeskRefusedError('not-found', 'the session is no longer running with the agent who offered it');
    if (!isAccepted) {
      this.status(o.from, sessionId, 'declined', agent.agent.displayName);
      return true;
    }
    handOver(this.d.handover, sessionId, agent, { how: 'transfer', note: o.note, actorId: o.forcedBy });
    void this.d.audit({
      actorId: o.forcedBy ?? o.from.agent.id,
      action: 'session-transferred',
      target: { type: 'sessions', id: sessionId, label: s.deviceId },
      detail: { how: 'transfer', fromAgentId: o.from.agent.id, toAgentId: agent.agent.id, note: o.note, ...(o.forcedBy === null ? {} : { isForced: true }) },
    });
    return true;
  }

  /** The session ended or its agent changed: its offer goes. */
  forget(sessionId: string): void {
    this.drop(sessionId);
  }

  private lapse(sessionId: string): void {
    const o = this.offers.get(sessionId);
    if (!o) return;
    this.drop(sessionId);
    this.status(o.from, sessionId, 'declined', null);
  }

  private drop(sessionId: string): void {
    const o = this.offers.get(sessionId);
    if (o) clearTimeout(o.timer);
    this.offers.delete(sessionId);
  }

  private status(to: AgentParty, sessionId: string, state: 'asking' | 'declined', agentName: string | null): void {
    if (this.d.speaksLive(to)) to.send({ type: 'transfer-status', sessionId, state, agentName });
  }
}
