/**
 * Several agents in one running session over the WebSocket (capability `desk-multi`): a
 * supervisor monitors (view only) or joins a session, its agent invites a colleague at the
 * desk, passes the keyboard and mouse to a guest and takes them back, and anyone but the owner
 * leaves. Participants (sessions/Participants.ts) holds who takes part; ParticipantCtl decides
 * what each may send. This side checks who may ask, tells each party (the joiner gets the
 * session's `session-started`, without control for a monitor, and the chat so far; the owner,
 * the participants and the customer get `session-participants`), puts each step on the
 * session's timeline, and audits monitoring, joining and invitations.
 */
import type { ChatMessage } from '@beacon/shared/collab';
import type { MultiAgentToRelay, RelayToClient } from '@beacon/shared/protocol';
import type { AuditLog, NewAuditEntry } from '../accounts/AuditLog.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { EventLog } from '../sessions/EventLog.ts';
import { startedFor } from '../sessions/Handover.ts';
import type { GuestRole, Participants } from '../sessions/Participants.ts';
import { agentActor, type ActiveSession, type AgentParty, type Party, type SessionEnding } from '../sessions/Session.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import { CodeSessionTransfer } from './CodeSessionTransfer.ts';
import { isSupervisor } from './DeskSupervision.ts';
import { DeskRefusedError } from './deskModel.ts';

/** An invitation not answered in this long lapses (the inviter may ask again). */
export const INVITE_TIMEOUT_MS = 60_000;

export const MULTI_MESSAGE_TYPES: ReadonlySet<MultiAgentToRelay['type']> = new Set<MultiAgentToRelay['type']>([
  'session-monitor',
  'session-join',
  'session-invite',
  'invite-answer',
  'session-leave',
  'control-pass',
]);

export interface DeskMultiDeps {
  participants: Participants;
  sessions: Pick<SessionManager, 'get' | 'onSessionEvent' | 'replaceAgent' | 'participantResume'>;
  events: Pick<EventLog, 'append'>;
  audit: Pick<AuditLog, 'append'>;
  chatOf(sessionId: string): Promise<readonly ChatMessage[]>;
  log: Logger;
  now: Clock;
  /** The seat's consoles that speak `desk-multi`. */
  multiConsolesOf(agentId: number): AgentParty[];
  speaksMulti(p: Party): boolean;
  speaksLive(p: Party): boolean;
  /** The name the customer gave in its help request, if the session serves one. */
  customerNameOf(sessionId: string): string | null;
}

interface Invitation {
  from: AgentParty;
  until: number;
}

export class DeskMulti {
  /** `sessionId agentId` -> the invitation out to that seat. */
  private readonly invitations = new Map<string, Invitation>();
  /** Per session: the newest chat message its participants were sent. */
  private readonly chatSent = new Map<string, number>();
  /** Per session: who of its participants wrote which message (the stored chat does not keep it). */
  private readonly chatRoles = new Map<string, Map<number, GuestRole>>();
  private readonly stops: (() => void)[] = [];
  private readonly codeTransfers: CodeSessionTransfer;

  constructor(private readonly d: DeskMultiDeps) {
    this.codeTransfers = new CodeSessionTransfer({
      handover: { sessions: d.sessions, events: d.events, chatOf: d.chatOf, speaksLive: (p) => d.speaksLive(p), log: d.log },
      audit: (e) => this.audit(e),
      multiConsolesOf: (id) => d.multiConsolesOf(id),
      speaksLive: (p) => d.speaksLive(p),
    });
    this.stops.push(
      d.sessions.onSessionEvent((e) => {
        if (e.type === 'ended' || e.type === 'agent-changed') this.codeTransfers.forget(e.session.id);
        if (e.type === 'ended') this.sessionEnded(e.session.id, e.session.ending);
        else if (e.type === 'agent-changed') this.agentChanged(e.session);
      }),
      d.sessions.participantResume.onRejoin((party, sessionId, role) => this.rejoin(party, sessionId, role)),
    );
  }

  close(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  async handle(agent: AgentParty, msg: MultiAgentToRelay): Promise<void> {
    switch (msg.type) {
      case 'session-monitor':
      case 'session-join': {
        if (!isSupervisor(agent)) throw new DeskRefusedError('forbidden', 'only supervisors may do this');
        const s = this.running(msg.sessionId);
        const role = msg.type === 'session-monitor' ? 'monitor' : 'guest';
        this.join(s, agent, role, null);
        return this.audit({ actorId: agent.agent.id, action: role === 'monitor' ? 'session-monitored' : 'session-joined', target: this.target(s), detail: { ownerId: s.agent.agent.id } });
      }
      case 'session-invite':
        return this.invite(agent, msg.sessionId, msg.agentId);
      case 'invite-answer':
        return this.answer(agent, msg.sessionId, msg.isAccepted);
      case 'session-leave': {
        if (!this.d.participants.remove(msg.sessionId, agent)) throw new DeskRefusedError('not-found', 'this agent takes no part in that session');
        this.d.sessions.participantResume.participantLeft(msg.sessionId, agent.agent.id);
        agent.send({ type: 'session-ended', sessionId: msg.sessionId, reason: 'agent-ended' });
        const s = this.d.sessions.get(msg.sessionId);
        if (s?.state === 'active') this.stepDone(s, agent, 'participant-left', {});
        return;
      }
      case 'control-pass':
        return this.passControl(agent, msg.sessionId, msg.agentId);
    }
  }

  /**
   * The connection closed: it leaves every session it took part in. After a broken link
   * (`isLinkLoss`) a participant that can resume keeps its seat for the grace period (`away`).
   */
  partyGone(party: AgentParty, isLinkLoss = false): void {
    const seats = this.d.sessions.participantResume;
    for (const id of this.d.participants.sessionsOf(party)) {
      this.d.participants.remove(id, party);
      const isAway = isLinkLoss && seats.participantAway(id, party.agent.id);
      if (!isAway) seats.participantLeft(id, party.agent.id);
      const s = this.d.sessions.get(id);
      if (s?.state === 'active') this.stepDone(s, party, 'participant-left', { reason: isAway ? 'away' : 'disconnected' });
    }
    for (const [key, inv] of this.invitations) if (inv.from === party) this.invitations.delete(key);
  }

  private running(sessionId: string): ActiveSession {
    const s = this.d.sessions.get(sessionId);
    if (s?.state !== 'active') throw new DeskRefusedError('not-found', 'no such running session');
    if (s.mode !== 'screen') throw new DeskRefusedError('not-allowed', 'a voice-only session has no picture to share');
    return s;
  }

  private async invite(agent: AgentParty, sessionId: string, agentId: number): Promise<void> {
    const s = this.running(sessionId);
    if (s.agent !== agent) throw new DeskRefusedError('not-found', 'no such session for this connection');
    if (agentId === agent.agent.id) throw new DeskRefusedError('conflict', 'the session is already this agent’s');
    const consoles = this.d.multiConsolesOf(agentId);
    if (consoles.length === 0) throw new DeskRefusedError('not-allowed', 'the agent is not at the desk');
    this.invitations.set(`${sessionId} ${agentId}`, { from: agent, until: this.d.now() + INVITE_TIMEOUT_MS });
    for (const c of consoles) c.send({ type: 'session-invitation', sessionId, fromAgentName: agent.agent.displayName, customerName: this.d.customerNameOf(sessionId) });
    await this.audit({ actorId: agent.agent.id, action: 'session-invited', target: this.target(s), detail: { agentId, label: consoles[0]?.agent.displayName ?? '' } });
  }

  /**
   * A session opened with an ID and code is offered to another agent (by its agent, or a
   * supervisor forcing it): CodeSessionTransfer.ts.
   */
  transferCodeSession(sessionId: string, toAgentId: number, note: string, forcedBy: number | null): void {
    const s = this.running(sessionId);
    this.codeTransfers.offer(s, toAgentId, note, forcedBy, this.d.customerNameOf(s.id) ?? s.deviceId);
  }

  private async answer(agent: AgentParty, sessionId: string, isAccepted: boolean): Promise<void> {
    const live = this.d.sessions.get(sessionId);
    if (this.codeTransfers.answer(agent, live?.state === 'active' ? live : undefined, sessionId, isAccepted)) return;
    const key = `${sessionId} ${agent.agent.id}`;
    const inv = this.invitations.get(key);
    this.invitations.delete(key);
    if (!inv || inv.until < this.d.now()) throw new DeskRefusedError('not-found', 'no such invitation (it may have lapsed)');
    const s = this.running(sessionId);
    if (isAccepted) this.join(s, agent, 'guest', inv.from.agent.id);
    if (this.d.speaksMulti(inv.from)) inv.from.send({ type: 'invite-answered', sessionId, agentName: agent.agent.displayName, isAccepted });
    if (isAccepted) await this.audit({ actorId: agent.agent.id, action: 'session-joined', target: this.target(s), detail: { ownerId: s.agent.agent.id, invitedBy: inv.from.agent.id } });
  }

  private join(s: ActiveSession, agent: AgentParty, role: GuestRole, invitedBy: number | null): void {
    this.d.participants.add(s, agent, role, this.d.now());
    const started = startedFor(s, this.d.sessions.participantResume.participantJoined(s.id, agent, role).resumeSecret);
    agent.send(role === 'monitor' && started.type === 'session-started' ? { ...started, permissions: { ...started.permissions, control: false } } : started);
    this.stepDone(s, agent, 'participant-joined', { role, ...(invitedBy === null ? {} : { invitedBy }) });
    void this.replayChat(s.id, agent);
  }

  /** A participant's console came back after a dropped link and claimed its seat: it takes part again, as before. */
  private rejoin(party: AgentParty, sessionId: string, role: GuestRole): void {
    const s = this.d.sessions.get(sessionId);
    if (s?.state !== 'active' || !this.d.speaksMulti(party) || !this.takesSeat(s, party, role)) {
      this.d.sessions.participantResume.participantLeft(sessionId, party.agent.id);
      party.send({ type: 'resume-refused', sessionId });
      return;
    }
    party.send({ type: 'session-resumed', sessionId, streamId: s.streamId });
    this.stepDone(s, party, 'participant-joined', { role, isResumed: true });
  }

  /** The seat's party in the session is this one now (an older connection of the seat not yet seen gone leaves it). */
  private takesSeat(s: ActiveSession, party: AgentParty, role: GuestRole): boolean {
    const stale = this.d.participants.of(s.id).find((p) => p.party.agent.id === party.agent.id && p.party !== party);
    if (stale) this.d.participants.remove(s.id, stale.party);
    try {
      this.d.participants.add(s, party, role, this.d.now());
      return true;
    } catch {
      return false;
    }
  }

  private passControl(agent: AgentParty, sessionId: string, toId: number): void {
    const s = this.running(sessionId);
    if (s.agent !== agent) throw new DeskRefusedError('forbidden', 'only the session’s own agent passes control');
    if (!s.permissions.control) throw new DeskRefusedError('not-allowed', 'this session has no control permission');
    const to = toId === agent.agent.id ? null : this.d.participants.of(s.id).find((p) => p.party.agent.id === toId)?.party;
    if (to === undefined) throw new DeskRefusedError('not-found', 'that agent does not take part in the session');
    this.d.participants.passControl(s, to);
    this.stepDone(s, agent, 'control-passed', { toAgentId: toId });
  }

  /** A step is on the timeline and everyone in the session hears the new list. */
  private stepDone(s: ActiveSession, actor: AgentParty, kind: 'participant-joined' | 'participant-left' | 'control-passed', detail: Record<string, unknown>): void {
    void this.d.events.append({ sessionId: s.id, deviceId: s.deviceId, kind, actor: agentActor(actor.agent), detail: { agentId: actor.agent.id, name: actor.agent.displayName, ...detail } });
    this.d.log.info('session participants changed', { sessionId: s.id, kind, agentId: actor.agent.id, ...detail });
    this.tellAll(s);
  }

  private tellAll(s: ActiveSession): void {
    const msg: RelayToClient = { type: 'session-participants', sessionId: s.id, ...this.d.participants.view(s) };
    for (const p of [s.agent, s.customer, ...this.d.participants.of(s.id).map((x) => x.party)]) if (this.d.speaksMulti(p)) p.send(msg);
  }

  private sessionEnded(sessionId: string, ending: SessionEnding): void {
    const reason = ending === 'denied' || ending === 'consent-timeout' || ending === 'unrecorded' ? 'agent-ended' : ending;
    this.chatSent.delete(sessionId);
    this.chatRoles.delete(sessionId);
    for (const key of this.invitations.keys()) if (key.startsWith(`${sessionId} `)) this.invitations.delete(key);
    for (const p of this.d.participants.sessionEnded(sessionId)) {
      p.party.send({ type: 'session-ended', sessionId, reason });
    }
  }

  private agentChanged(s: ActiveSession): void {
    this.d.sessions.participantResume.participantLeft(s.id, s.agent.agent.id);
    if (this.d.participants.of(s.id).length === 0) return;
    this.d.participants.agentChanged(s);
    this.tellAll(s);
  }

  /** A chat message was sent in the session: its participants read it too (with who of them wrote it). */
  chatSentIn(sessionId: string, message?: ChatMessage): void {
    if (this.d.participants.of(sessionId).length === 0) return;
    if (message?.senderRole) this.chatRoles.set(sessionId, (this.chatRoles.get(sessionId) ?? new Map<number, GuestRole>()).set(message.id, message.senderRole));
    void this.d.chatOf(sessionId).then(
      (all) => {
        const after = this.chatSent.get(sessionId) ?? 0;
        const fresh = all.filter((m) => m.id > after);
        if (fresh.length === 0) return;
        this.chatSent.set(sessionId, Math.max(...fresh.map((m) => m.id)));
        for (const p of this.d.participants.of(sessionId)) for (const message of fresh) p.party.sendCtl({ type: 'chat', sessionId, message: this.withRole(message) });
      },
      (err: unknown) => this.d.log.warn('could not pass the chat to the participants', { sessionId, err }),
    );
  }

  private withRole(m: ChatMessage): ChatMessage {
    const role = this.chatRoles.get(m.sessionId)?.get(m.id);
    return role ? { ...m, senderRole: role } : m;
  }

  /** A participant starts with what was said before it came. */
  private async replayChat(sessionId: string, to: AgentParty): Promise<void> {
    try {
      const all = await this.d.chatOf(sessionId);
      for (const message of all) to.sendCtl({ type: 'chat', sessionId, message: this.withRole(message) });
      const last = all.at(-1);
      if (last) this.chatSent.set(sessionId, Math.max(this.chatSent.get(sessionId) ?? 0, last.id));
    } catch (err) {
      this.d.log.warn('could not replay the chat to a participant', { sessionId, err });
    }
  }

  private target(s: ActiveSession) {
    return { type: 'sessions' as const, id: s.id, label: this.d.customerNameOf(s.id) ?? s.deviceId };
  }

  private async audit(e: NewAuditEntry): Promise<void> {
    try {
      await this.d.audit.append(e);
    } catch (err) {
      this.d.log.error('could not audit a session participation', { action: e.action, err });
    }
  }
}
