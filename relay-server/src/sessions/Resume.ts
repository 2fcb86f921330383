/**
 * Sessions that outlive a dropped link (capability `resume`). When a party that holds a resume
 * secret loses its connection, its running session is not ended: that side is `away`, the other
 * side is told (`peer-away`, with the time left), and a grace timer runs. A new connection that
 * names the session and the secret in `hello.resume` takes the same party back (same device ID,
 * permissions and stream); once its data channels are open that side is `back` again and the
 * other side is told (`peer-back`). If the grace period runs out the session ends
 * `network-lost`.
 *
 * Invariants: a secret is 32 random bytes, sent to its party only (in `session-started`), never
 * logged, compared in constant time; a secret works only for its own side of its own session.
 * Every drop and return is on the session's timeline (`drop`, `resume` events). A session that
 * ended while a side was away is remembered for one grace period, so the returning side hears
 * how it ended instead of a bare refusal.
 *
 * Participants (a guest or monitor besides the session's agent, capability `desk-multi`) come
 * back too: one whose console speaks `resume` gets its own secret in its `session-started`;
 * when its link drops it leaves the session's list but keeps its seat for the grace period, and
 * a new connection of the same seat that claims it rejoins with the same role (DeskMulti hears
 * `onRejoin`); it is told `session-resumed`. The session does not wait for a participant.
 */
import { randomBytes } from 'node:crypto';
import type { EndReason } from '@beacon/shared/errors';
import type { ResumeClaim, Role, RelayToClient } from '@beacon/shared/protocol';
import { Emitter } from '@beacon/shared/client/lifecycle';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { constantTimeEqual } from './DeviceRegistry.ts';
import type { EventLog } from './EventLog.ts';
import { agentActor, carriesSession, customerActor, type ActiveSession, type AgentParty, type CustomerParty, type LiveSession, type Party, type SessionEnding, type SessionEvent } from './Session.ts';

/** How long a session waits for a party whose link dropped, without an organisation (its setting decides; BEACON_RESUME_GRACE_S caps it). */
export const RESUME_GRACE_MS = 60_000;

/**
 * The grace period of the relay's sessions: the organisation's `resumeGraceSeconds` (default
 * 60 s), or {@link RESUME_GRACE_MS} before the organisation exists; never above the relay's
 * cap (BEACON_RESUME_GRACE_S), when it has one.
 */
export function graceMsOf(orgGraceSeconds: number | undefined, capMs: number | undefined): number {
  const ms = orgGraceSeconds === undefined ? RESUME_GRACE_MS : orgGraceSeconds * 1000;
  return capMs === undefined ? ms : Math.min(ms, capMs);
}

/**
 * Close reasons of a connection that mean its link broke: a socket gone without a close frame
 * (or closed by a client saying it will resume), silence, or a newer connection of the same
 * party. Not a goodbye (a close frame), a sign-out, a refusal, a shutdown, or a peer connection
 * that failed while the socket still carried: a real network cut silences the socket too.
 */
const LINK_LOSSES = ['socket-lost', 'socket-error', 'keepalive-timeout', 'link-silent', 'superseded'];
export const isLinkLoss = (closeReason: string): boolean => LINK_LOSSES.includes(closeReason);

interface Away {
  readonly since: number;
  readonly deadline: number;
  readonly timer: NodeJS.Timeout;
  /** A new connection took the party back; it is `back` once its channels open. */
  isReturning: boolean;
}

type GuestRole = 'guest' | 'monitor';

/** A participant's seat: its secret and role, and while its link is down, until when it may come back. */
interface Seat {
  readonly role: GuestRole;
  readonly secret: string;
  awayUntil: number | null;
}

interface Held {
  readonly secrets: Record<Role, string | null>;
  readonly away: Partial<Record<Role, Away>>;
  /** Participants' seats, by seat ID. */
  readonly seats: Map<number, Seat>;
}

/** What DeskMulti uses of participants coming back. */
export interface ParticipantResume {
  participantJoined(sessionId: string, party: AgentParty, role: GuestRole): { resumeSecret?: string };
  participantLeft(sessionId: string, agentId: number): void;
  participantAway(sessionId: string, agentId: number): boolean;
  onRejoin(listener: (party: AgentParty, sessionId: string, role: GuestRole) => void): () => void;
}

export interface ResumeDeps {
  now: Clock;
  log: Logger;
  events: EventLog;
  /** The grace period, read when a party drops (the organisation's setting may change). */
  graceMs: number | (() => number);
  live(sessionId: string): LiveSession | undefined;
  /** Ends the session (SessionManager.finish). */
  end(s: LiveSession, ending: SessionEnding): void;
  fire(e: SessionEvent): void;
}

/** What a returning party's claims came to. */
export interface ResumeOutcome {
  /** The party the new connection carries from now on (null: none of the claims held). */
  party: AgentParty | CustomerParty | null;
  resumed: ActiveSession[];
  /** Said back to the party after its welcome, in order. */
  replies: RelayToClient[];
  /** Sessions it takes part in as a participant and rejoins. */
  rejoining?: { sessionId: string; role: GuestRole }[];
}

const sideOf = (s: LiveSession, party: Party): Role | null => (s.agent === party ? 'agent' : s.customer === party ? 'customer' : null);
const otherSide = (who: Role): Role => (who === 'agent' ? 'customer' : 'agent');
const partyOf = (s: LiveSession, who: Role): AgentParty | CustomerParty => (who === 'agent' ? s.agent : s.customer);

export class Resume implements ParticipantResume {
  private readonly held = new Map<string, Held>();
  private readonly rejoins = new Emitter<[party: AgentParty, sessionId: string, role: GuestRole]>();
  /** Sessions that ended lately: their secrets and how they ended, for a side that comes back late. */
  private readonly recentlyEnded = new Map<string, { secrets: Held['secrets']; reason: EndReason | null; until: number }>();

  constructor(private readonly d: ResumeDeps) {}

  private grace(): number {
    return typeof this.d.graceMs === 'function' ? this.d.graceMs() : this.d.graceMs;
  }

  /** At the start: a secret for each side whose connection speaks `resume`; the field to add to its `session-started`. */
  begin(s: ActiveSession): Record<Role, { resumeSecret?: string }> {
    const secret = (p: Party) => (p.speaksResume() ? randomBytes(32).toString('base64url') : null);
    const secrets = { agent: secret(s.agent), customer: secret(s.customer) };
    this.held.set(s.id, { secrets, away: {}, seats: new Map() });
    const field = (v: string | null) => (v ? { resumeSecret: v } : {});
    return { agent: field(secrets.agent), customer: field(secrets.customer) };
  }

  /** Whether the party holds this session through a lost link (then it is marked away here). */
  holdAway(s: LiveSession, party: Party): boolean {
    const held = this.held.get(s.id);
    const who = sideOf(s, party);
    if (s.state !== 'active' || !held || !who || !held.secrets[who]) return false;
    const prior = held.away[who];
    if (prior) clearTimeout(prior.timer);
    const since = this.d.now();
    const graceMs = this.grace();
    const timer = setTimeout(() => this.expire(s.id, who), graceMs);
    timer.unref?.();
    held.away[who] = { since, deadline: since + graceMs, timer, isReturning: false };
    this.event(s, who, 'drop', { graceMs });
    partyOf(s, otherSide(who)).send({ type: 'peer-away', sessionId: s.id, who, remainingMs: graceMs });
    this.d.log.info('session party away', { sessionId: s.id, who, graceMs });
    this.d.fire({ type: 'away', session: s, who });
    return true;
  }

  /** Whether any live session still waits for this party to come back. */
  isWaitingFor(party: Party): boolean {
    for (const [id, held] of this.held) {
      const s = this.d.live(id);
      const who = s ? sideOf(s, party) : null;
      if (who && held.away[who]) return true;
    }
    return false;
  }

  /**
   * A new connection's claims. Each needs the right secret for its side and, for an agent, the
   * same seat; all must name the same party (one connection carries one party). Refusals say
   * nothing about why, and nothing is logged of the secret.
   */
  claim(role: Role, claims: readonly ResumeClaim[], agentId: number | null): ResumeOutcome {
    const out: ResumeOutcome = { party: null, resumed: [], replies: [] };
    for (const c of claims) {
      const s = this.d.live(c.sessionId);
      const secret = s?.state === 'active' ? this.held.get(s.id)?.secrets[role] : null;
      const isSeat = role === 'customer' || (s !== undefined && s.agent.agent.id === agentId);
      const party = s ? partyOf(s, role) : null;
      if (s?.state === 'active' && secret && isSeat && constantTimeEqual(secret, c.secret) && (out.party === null || out.party === party)) {
        out.party = party;
        out.resumed.push(s);
        continue;
      }
      const seat = role === 'agent' ? this.seatClaimed(s, agentId, c.secret) : null;
      if (s && seat) {
        (out.rejoining ??= []).push({ sessionId: s.id, role: seat.role });
        continue;
      }
      const ended = this.recentlyEnded.get(c.sessionId);
      const endedSecret = ended?.secrets[role];
      if (ended && ended.reason && endedSecret && constantTimeEqual(endedSecret, c.secret)) {
        out.replies.push({ type: 'session-ended', sessionId: c.sessionId, reason: ended.reason });
      } else out.replies.push({ type: 'resume-refused', sessionId: c.sessionId });
    }
    return out;
  }

  /** The party is carried by a new connection: it hears its sessions are back, and who is still away. */
  returned(party: Party, sessions: readonly ActiveSession[]): void {
    for (const s of sessions) {
      const who = sideOf(s, party);
      const held = this.held.get(s.id);
      if (!who || !held) continue;
      const away = held.away[who];
      if (away) away.isReturning = true;
      party.send({ type: 'session-resumed', sessionId: s.id, streamId: s.streamId });
      const other = held.away[otherSide(who)];
      if (other) party.send({ type: 'peer-away', sessionId: s.id, who: otherSide(who), remainingMs: Math.max(0, Math.round(other.deadline - this.d.now())) });
      this.linkReady(s, party);
    }
  }

  /* ---------- participants ---------- */

  /** A participant whose console speaks `resume` gets a secret for its `session-started`. */
  participantJoined(sessionId: string, party: AgentParty, role: GuestRole): { resumeSecret?: string } {
    const held = this.held.get(sessionId);
    if (!held || !party.speaksResume()) return {};
    const secret = randomBytes(32).toString('base64url');
    held.seats.set(party.agent.id, { role, secret, awayUntil: null });
    return { resumeSecret: secret };
  }

  /** The participant left for good (it said so, its link closed cleanly, or it became the agent): its secret stops working. */
  participantLeft(sessionId: string, agentId: number): void {
    this.held.get(sessionId)?.seats.delete(agentId);
  }

  /** Its link dropped: the seat is kept for the grace period (false: it has none). */
  participantAway(sessionId: string, agentId: number): boolean {
    const seat = this.held.get(sessionId)?.seats.get(agentId);
    if (!seat) return false;
    seat.awayUntil = this.d.now() + this.grace();
    return true;
  }

  onRejoin(listener: (party: AgentParty, sessionId: string, role: GuestRole) => void): () => void {
    return this.rejoins.on(listener);
  }

  /** After `returned`: each participant seat claimed is taken again by the party that now carries it. */
  rejoin(party: Party, outcome: ResumeOutcome): void {
    if (!('agent' in party)) return;
    const agent = party as AgentParty;
    for (const r of outcome.rejoining ?? []) {
      const seat = this.held.get(r.sessionId)?.seats.get(agent.agent.id);
      if (seat) seat.awayUntil = null;
      this.rejoins.fire(agent, r.sessionId, r.role);
    }
  }

  /** The seat of this agent in a running session, if it has not run out of time and the secret is its own. */
  private seatClaimed(s: LiveSession | undefined, agentId: number | null, secret: string): Seat | null {
    const seat = s?.state === 'active' && agentId !== null ? this.held.get(s.id)?.seats.get(agentId) : undefined;
    // A seat whose old link is not yet seen gone (awayUntil null) may be claimed too, as a side's may.
    if (!seat || (seat.awayUntil !== null && seat.awayUntil < this.d.now())) return null;
    return constantTimeEqual(seat.secret, secret) ? seat : null;
  }

  /** The party's data channels opened: a returning side whose link now carries the session is back. */
  linkReady(s: LiveSession, party: Party): void {
    const who = sideOf(s, party);
    const held = this.held.get(s.id);
    const away = who ? held?.away[who] : undefined;
    if (s.state !== 'active' || !who || !held || !away?.isReturning) return;
    if (!carriesSession(party, s.mode)) return;
    clearTimeout(away.timer);
    delete held.away[who];
    const awayMs = Math.round(this.d.now() - away.since);
    this.event(s, who, 'resume', { awayMs });
    partyOf(s, otherSide(who)).send({ type: 'peer-back', sessionId: s.id, who });
    this.d.log.info('session party back', { sessionId: s.id, who, awayMs });
    this.d.fire({ type: 'back', session: s, who });
  }

  /** The session has a new agent: the old agent's secret stops working, the new one gets its own (if it speaks `resume`). */
  agentReplaced(s: ActiveSession): { resumeSecret?: string } {
    const held = this.held.get(s.id);
    if (!held) return {};
    const away = held.away.agent;
    if (away) clearTimeout(away.timer);
    delete held.away.agent;
    const secret = s.agent.speaksResume() ? randomBytes(32).toString('base64url') : null;
    this.held.set(s.id, { ...held, secrets: { ...held.secrets, agent: secret } });
    return secret ? { resumeSecret: secret } : {};
  }

  /** The session is over (any ending): timers stop; a side still away can still learn how it ended. */
  ended(sessionId: string, reason: SessionEnding): void {
    const held = this.held.get(sessionId);
    if (!held) return;
    this.held.delete(sessionId);
    for (const a of Object.values(held.away)) clearTimeout(a.timer);
    const now = this.d.now();
    for (const [id, e] of this.recentlyEnded) if (e.until < now) this.recentlyEnded.delete(id);
    const wasEndReason = reason !== 'denied' && reason !== 'consent-timeout' && reason !== 'unrecorded';
    this.recentlyEnded.set(sessionId, { secrets: held.secrets, reason: wasEndReason ? reason : null, until: now + this.grace() });
  }

  private expire(sessionId: string, who: Role): void {
    const s = this.d.live(sessionId);
    if (!s || !this.held.get(sessionId)?.away[who]) return;
    this.d.log.info('session party did not come back in time', { sessionId, who });
    this.d.end(s, 'network-lost');
  }

  private event(s: ActiveSession, who: Role, kind: 'drop' | 'resume', detail: Record<string, unknown>): void {
    const actor = who === 'agent' ? agentActor(s.agent.agent) : customerActor(s.deviceId);
    void this.d.events.append({ sessionId: s.id, deviceId: s.deviceId, kind, actor, detail: { who, ...detail } });
  }
}
