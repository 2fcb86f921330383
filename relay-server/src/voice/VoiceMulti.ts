/**
 * Voice with every agent of a session (capability `voice-multi`, shared/src/protocol/voiceMulti.ts):
 * while the session's two-party call runs (VoiceHandler), its participants (sessions/Participants.ts)
 * join it. A guest hears and speaks; a monitor only listens (the others see it in `voice-room`).
 * Each speaker's RTP is forwarded to each listener as is, on the line VoiceRoom gives it there.
 *
 * Authorization, held by the relay whatever a console shows: only an agent taking part in the
 * session as a guest or a monitor joins (the owner and the customer are in the call already);
 * a stranger is `forbidden`, a monitor unmuting itself is `forbidden`, and a monitor's audio
 * packets are dropped. Every refusal is logged here and answered by the ctl router.
 */
import { ProtocolError } from '@beacon/shared/errors';
import type { CtlFromRelay, Role, VoiceMemberId, VoiceMultiCtlToRelay } from '@beacon/shared/protocol';
import { MAX_LISTEN_LINES } from '@beacon/shared/protocol';
import { ThrottledLogger, type Logger } from '../platform/logger.ts';
import type { Participants } from '../sessions/Participants.ts';
import type { AgentParty, CustomerParty, LiveSession } from '../sessions/Session.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import { AudioLegs, type AudioPort } from './AudioLegs.ts';
import type { AudioLine } from './RtpRewriter.ts';
import type { VoiceRecordingTap } from './VoiceHandler.ts';
import { VoiceRoom, type RoomMember } from './VoiceRoom.ts';

/** What VoiceMulti reads of the two-party calls (VoiceHandler). */
export interface CallsView {
  /** The session's call is answered; its parties' mute. Null when no call runs. */
  activeCall(sessionId: string): { isMuted: Record<Role, boolean> } | null;
  /** The connection is in a two-party call (ringing or running), of any session. */
  isInCall(connId: string): boolean;
}

type Teller = { sendCtl(msg: CtlFromRelay): boolean };

const listenKey = (connId: string, line: number): string => `${connId}#${line}`;

export class VoiceMulti {
  private readonly rooms = new Map<string, VoiceRoom>();
  /** sessionId -> member -> the party to tell. */
  private readonly tellers = new Map<string, Map<VoiceMemberId, Teller>>();
  /** Listen lines of every client, keyed `connId#index`. */
  private readonly listenLegs: AudioLegs;
  private readonly strayLog: ThrottledLogger;
  private participants: Pick<Participants, 'roleOf' | 'onChange'> | null = null;

  constructor(
    private readonly sessions: Pick<SessionManager, 'get'>,
    private readonly calls: CallsView,
    /** The clients' voice lines (VoiceHandler's): a participant hears the customer there. */
    private readonly voiceLegs: AudioLegs,
    private readonly log: Logger,
    /** Where the participants' voices are recorded (the parties' are recorded by VoiceHandler). */
    private readonly recording: Pick<VoiceRecordingTap, 'participantVoice'> | null = null,
  ) {
    this.listenLegs = new AudioLegs(log, 'voice');
    this.strayLog = new ThrottledLogger(log);
  }

  /** Participants come and go; one who leaves the session leaves its call. */
  useParticipants(p: Pick<Participants, 'roleOf' | 'onChange'>): void {
    this.participants = p;
    p.onChange((e) => {
      if (e.type === 'left') this.leave(e.sessionId, e.party.agent.id, false);
    });
  }

  /** Throws ProtocolError (`forbidden`, `not-allowed`, `conflict`, `not-found`) for the caller to reply with. */
  handle(party: AgentParty | CustomerParty, msg: VoiceMultiCtlToRelay): void {
    if (!('agent' in party)) throw this.refused(party, msg.sessionId, 'forbidden', 'only an agent taking part in the session joins its call');
    if (msg.type === 'voice-leave') {
      if (!this.leave(msg.sessionId, party.agent.id, true)) throw new ProtocolError('not-allowed', 'you are not in this session’s call');
      return;
    }
    this.join(party, msg.sessionId);
  }

  /** Whether the party is in the session's call as a participant (its `voice-mute` is handled here). */
  isParticipant(party: AgentParty | CustomerParty, sessionId: string): boolean {
    const m = 'agent' in party ? this.rooms.get(sessionId)?.get(party.agent.id) : null;
    return !!m && (m.role === 'guest' || m.role === 'monitor');
  }

  /** A participant mutes or unmutes; a monitor may not unmute (it only listens). */
  mute(party: AgentParty, sessionId: string, isMuted: boolean): void {
    const room = this.rooms.get(sessionId);
    const m = room?.get(party.agent.id);
    if (!room || !m) throw new ProtocolError('not-allowed', 'you are not in this session’s call');
    if (m.isListenOnly && !isMuted) throw this.refused(party, sessionId, 'forbidden', 'a monitor listens only; it may not speak');
    if (room.setMuted(m.id, isMuted)) this.tellAll(sessionId);
  }

  /** The customer or the owner muted in the two-party call: the participants see it too. */
  partyMuted(sessionId: string, role: Role, isMuted: boolean): void {
    const room = this.rooms.get(sessionId);
    const m = room?.list.find((x) => x.role === (role === 'agent' ? 'owner' : 'customer'));
    if (room && m && room.setMuted(m.id, isMuted)) this.tellAll(sessionId);
  }

  /** The two-party call ended: the participants are out of it too (and told so). */
  callEnded(sessionId: string): void {
    const room = this.rooms.get(sessionId);
    const tellers = this.tellers.get(sessionId);
    this.rooms.delete(sessionId);
    this.tellers.delete(sessionId);
    if (!room || !tellers) return;
    for (const m of room.list) if (m.role === 'guest' || m.role === 'monitor') tellers.get(m.id)?.sendCtl(emptyRoom(sessionId));
    this.log.info('voice room closed', { sessionId });
  }

  /** A client's listen line `index` (0 = its third audio m-line) was negotiated. */
  setListenLeg(connId: string, index: number, line: AudioLine, port: AudioPort): void {
    if (index >= 0 && index < MAX_LISTEN_LINES) this.listenLegs.set(listenKey(connId, index), line, port);
  }

  connectionClosed(connId: string): void {
    for (let i = 0; i < MAX_LISTEN_LINES; i++) this.listenLegs.delete(listenKey(connId, i));
  }

  /** A packet of the customer or the owner (already forwarded between them): to the participants. */
  fromParty(sessionId: string, role: Role, packet: Uint8Array, fromPt: number): void {
    const room = this.rooms.get(sessionId);
    const m = room?.list.find((x) => x.role === (role === 'agent' ? 'owner' : 'customer'));
    if (room && m) this.forward(room, sessionId, m.id, packet, fromPt);
  }

  /** A packet from a connection in no two-party call: a participant's voice, if it is in a call. */
  fromConn(connId: string, packet: Uint8Array, fromPt: number): void {
    for (const [sessionId, room] of this.rooms) {
      const m = room.byConn(connId);
      if (!m) continue;
      if (m.isListenOnly) this.strayLog.warn('audio from a monitor dropped: it listens only', { sessionId, agentId: m.id });
      else if (!m.isMuted && typeof m.id === 'number') {
        this.recording?.participantVoice?.(sessionId, m.id, packet, fromPt);
        this.forward(room, sessionId, m.id, packet, fromPt);
      }
      return;
    }
  }

  private forward(room: VoiceRoom, sessionId: string, speaker: VoiceMemberId, packet: Uint8Array, fromPt: number): void {
    for (const r of room.routes(speaker)) {
      if (r.line === 'voice') this.voiceLegs.forward(packet, fromPt, r.connId, sessionId);
      else this.listenLegs.forward(packet, fromPt, listenKey(r.connId, r.line), sessionId);
    }
  }

  private join(party: AgentParty, sessionId: string): void {
    const s = this.sessions.get(sessionId);
    const role = s?.state === 'active' && this.participants ? this.participants.roleOf(s, party) : null;
    if (!s || s.state !== 'active' || role === null) throw this.refused(party, sessionId, 'forbidden', 'you take no part in that session');
    if (role === 'owner') throw new ProtocolError('conflict', 'the session’s agent is in its call already');
    const call = this.calls.activeCall(sessionId);
    if (!call) throw new ProtocolError('not-allowed', 'there is no running call in this session to join');
    if (this.calls.isInCall(party.connId) || this.roomOfConn(party.connId, sessionId)) {
      throw new ProtocolError('conflict', 'you are in a call in another session');
    }
    const room = this.roomFor(s, call.isMuted);
    const isListenOnly = role === 'monitor';
    room.add({ id: party.agent.id, name: party.agent.displayName, role, isMuted: isListenOnly, isListenOnly, connId: party.connId });
    this.tellers.get(sessionId)?.set(party.agent.id, party);
    this.tellAll(sessionId);
    this.log.info('joined the voice call', { sessionId, agentId: party.agent.id, role });
  }

  /** False if the agent was not in the call. */
  private leave(sessionId: string, agentId: number, tellIt: boolean): boolean {
    const room = this.rooms.get(sessionId);
    if (!room?.remove(agentId)) return false;
    const teller = this.tellers.get(sessionId)?.get(agentId);
    this.tellers.get(sessionId)?.delete(agentId);
    if (tellIt) teller?.sendCtl(emptyRoom(sessionId));
    this.tellAll(sessionId);
    this.log.info('left the voice call', { sessionId, agentId });
    return true;
  }

  private roomFor(s: Extract<LiveSession, { state: 'active' }>, isMuted: Record<Role, boolean>): VoiceRoom {
    const had = this.rooms.get(s.id);
    if (had) return had;
    const customer: RoomMember = { id: 'customer', name: 'customer', role: 'customer', isMuted: isMuted.customer, isListenOnly: false, connId: s.customer.connId };
    const owner: RoomMember = { id: s.agent.agent.id, name: s.agent.agent.displayName, role: 'owner', isMuted: isMuted.agent, isListenOnly: false, connId: s.agent.connId };
    const room = new VoiceRoom(customer, owner);
    this.rooms.set(s.id, room);
    this.tellers.set(s.id, new Map<VoiceMemberId, Teller>([['customer', s.customer], [owner.id, s.agent]]));
    return room;
  }

  private roomOfConn(connId: string, except: string): boolean {
    return [...this.rooms].some(([id, room]) => id !== except && room.byConn(connId) !== null);
  }

  /** Every member learns the call's members and which of its listen lines carries whom. */
  private tellAll(sessionId: string): void {
    const room = this.rooms.get(sessionId);
    const tellers = this.tellers.get(sessionId);
    if (!room || !tellers) return;
    const members = room.list.map(({ connId: _connId, ...m }) => m);
    for (const m of room.list) tellers.get(m.id)?.sendCtl({ type: 'voice-room', sessionId, members, lines: room.linesOf(m.id) });
  }

  private refused(party: AgentParty | CustomerParty, sessionId: string, code: 'forbidden', message: string): ProtocolError {
    this.log.warn('voice call refused', { sessionId, connId: party.connId, agentId: 'agent' in party ? party.agent.id : null, why: message });
    return new ProtocolError(code, message);
  }
}

function emptyRoom(sessionId: string): CtlFromRelay {
  return { type: 'voice-room', sessionId, members: [], lines: [] };
}
