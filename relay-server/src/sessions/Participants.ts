/**
 * Agents taking part in a running session besides its own agent (capability `desk-multi`):
 * view-only monitors and guests (a supervisor who joined, a colleague who was invited), and
 * who holds the keyboard and mouse. The session's agent (its owner) stays its agent
 * (SessionManager knows only it); the participants ride along: the media forwarder gives each
 * a viewer (TrafficHandler hears `joined`/`left`), and ParticipantCtl decides what each may
 * send. One seat takes part in a session once, and never in its own.
 *
 * The controller is the owner unless the owner passed control to a guest; it goes back to the
 * owner when that guest leaves or the session changes agents.
 */
import { MAX_PARTICIPANTS, type Participant, type ParticipantRole } from '@beacon/shared/protocol';
import { ProtocolError } from '@beacon/shared/errors';
import { Emitter } from '@beacon/shared/client/lifecycle';
import type { ActiveSession, AgentParty, Party } from './Session.ts';

export type GuestRole = Exclude<ParticipantRole, 'owner'>;

export interface Participation {
  readonly party: AgentParty;
  readonly role: GuestRole;
  readonly joinedAt: number;
}

export type ParticipantsEvent = { type: 'joined'; sessionId: string; party: AgentParty } | { type: 'left'; sessionId: string; party: AgentParty };

interface Room {
  readonly list: Participation[];
  /** The guest holding the keyboard and mouse; null: the owner. */
  controller: AgentParty | null;
}

export class Participants {
  private readonly rooms = new Map<string, Room>();
  private readonly emitter = new Emitter<[ParticipantsEvent]>();

  onChange(listener: (e: ParticipantsEvent) => void): () => void {
    return this.emitter.on(listener);
  }

  /** The session's participants (not its owner), in the order they came. */
  of(sessionId: string): readonly Participation[] {
    return this.rooms.get(sessionId)?.list ?? [];
  }

  /** How `party` takes part in the session: `owner` (its agent), `monitor`, `guest`, or null. */
  roleOf(s: Pick<ActiveSession, 'id' | 'agent'>, party: Party): ParticipantRole | null {
    if (s.agent === party) return 'owner';
    return this.of(s.id).find((p) => p.party === party)?.role ?? null;
  }

  /** The party whose input reaches the customer now. */
  controllerOf(s: Pick<ActiveSession, 'id' | 'agent'>): AgentParty {
    return this.rooms.get(s.id)?.controller ?? s.agent;
  }

  /** Throws `conflict` (already in it, or its own session) or `too-many`. */
  add(s: ActiveSession, party: AgentParty, role: GuestRole, at: number): void {
    if (s.agent.agent.id === party.agent.id) throw new ProtocolError('conflict', 'the session is already this agent’s');
    const room = this.rooms.get(s.id) ?? { list: [], controller: null };
    if (room.list.some((p) => p.party.agent.id === party.agent.id)) throw new ProtocolError('conflict', 'this agent already takes part in the session');
    if (room.list.length >= MAX_PARTICIPANTS) throw new ProtocolError('too-many', `a session has at most ${MAX_PARTICIPANTS} participants besides its agent`);
    room.list.push({ party, role, joinedAt: at });
    this.rooms.set(s.id, room);
    this.emitter.fire({ type: 'joined', sessionId: s.id, party });
  }

  /** The party stops taking part (control, if it had it, goes back to the owner). False if it took no part. */
  remove(sessionId: string, party: Party): boolean {
    const room = this.rooms.get(sessionId);
    const i = room ? room.list.findIndex((p) => p.party === party) : -1;
    if (!room || i < 0) return false;
    const [gone] = room.list.splice(i, 1);
    if (room.controller === party) room.controller = null;
    if (room.list.length === 0) this.rooms.delete(sessionId);
    if (gone) this.emitter.fire({ type: 'left', sessionId, party: gone.party });
    return true;
  }

  /** The sessions the party takes part in (not as owner). */
  sessionsOf(party: Party): string[] {
    return [...this.rooms].filter(([, room]) => room.list.some((p) => p.party === party)).map(([id]) => id);
  }

  /** Control goes to this guest, or back to the owner (`to` null). Throws `not-allowed` for anyone but a guest. */
  passControl(s: ActiveSession, to: AgentParty | null): void {
    const room = this.rooms.get(s.id);
    if (to === null) {
      if (room) room.controller = null;
      return;
    }
    const p = room?.list.find((x) => x.party === to);
    if (!room || !p) throw new ProtocolError('not-found', 'that agent does not take part in the session');
    if (p.role !== 'guest') throw new ProtocolError('not-allowed', 'a monitor only watches; it cannot be given control');
    room.controller = to;
  }

  /** The session ended: everyone in it, now out of it (no `left` events: the session's media is gone). */
  sessionEnded(sessionId: string): readonly Participation[] {
    const list = this.of(sessionId);
    this.rooms.delete(sessionId);
    return list;
  }

  /** The session went on with another agent: control is the new owner's (the owner, if a participant, leaves the list). */
  agentChanged(s: ActiveSession): void {
    this.remove(s.id, s.agent);
    const room = this.rooms.get(s.id);
    if (room) room.controller = null;
  }

  /** The list as the parties are told it: the owner first. */
  view(s: ActiveSession): { participants: Participant[]; controllerId: number } {
    const owner: Participant = { agentId: s.agent.agent.id, name: s.agent.agent.displayName, role: 'owner' };
    const rest = this.of(s.id).map((p): Participant => ({ agentId: p.party.agent.id, name: p.party.agent.displayName, role: p.role }));
    return { participants: [owner, ...rest], controllerId: this.controllerOf(s).agent.id };
  }
}
