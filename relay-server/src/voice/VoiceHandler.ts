/**
 * Voice calls inside sessions: the call control messages (request, accept, decline, end,
 * mute) with their authorization, and the forwarding of each party's audio RTP to the
 * other party's audio track while, and only while, a call is accepted.
 *
 * One audio track per client connection (its peer connection has one audio m-line), so an
 * agent with several sessions talks in one of them at a time.
 */
import { ProtocolError } from '@beacon/shared/errors';
import type { Role, VoiceCtlToRelay } from '@beacon/shared/protocol';
import type { Logger } from '../platform/logger.ts';
import { AudioLegs, type AudioPort, type AudioStats } from './AudioLegs.ts';
import type { AudioLine } from './RtpRewriter.ts';
import type { EventLog } from '../sessions/EventLog.ts';
import { agentActor, customerActor, endedBy, type AgentParty, type CustomerParty, type LiveSession, type SessionEnding } from '../sessions/Session.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import type { SoundHandler } from './SoundHandler.ts';
import { VoiceMulti, type CallsView } from './VoiceMulti.ts';

export type VoiceCtl = VoiceCtlToRelay;

export type { AudioPort };

interface Call {
  sessionId: string;
  deviceId: string;
  state: 'ringing' | 'active';
  /** When it was answered (relay clock), for the call's length in the event log. */
  answeredAt: number | null;
  agentActor: string;
  caller: Role;
  agentConn: string;
  customerConn: string;
  isMuted: Record<Role, boolean>;
}

type Party = AgentParty | CustomerParty;

/** Where the voice of a call is recorded (recording/Recorder.ts); must return quickly and never throw. */
export interface VoiceRecordingTap {
  voice(sessionId: string, role: Role, packet: Uint8Array, opusPayloadType: number): void;
  /** A participant's voice in a call with several agents (`voice-multi`). */
  participantVoice?(sessionId: string, agentId: number, packet: Uint8Array, opusPayloadType: number): void;
}

export type VoiceStats = AudioStats;

export class VoiceHandler {
  private readonly legs: AudioLegs;
  private readonly calls = new Map<string, Call>();
  /** connId -> the session whose call (ringing or active) it is in. */
  private readonly callOf = new Map<string, string>();
  /** Remote sound, which travels like voice on a second audio line (capability `remote-sound`). */
  sound: SoundHandler | null = null;
  /** The session's participants in its call (capability `voice-multi`). */
  readonly multi: VoiceMulti;

  constructor(
    private readonly sessions: SessionManager,
    private readonly log: Logger,
    private readonly recording: VoiceRecordingTap | null = null,
    /** Calls answered and ended go in the session's event log, so the recording timeline shows them. */
    private readonly events: EventLog | null = null,
    private readonly now: () => number = Date.now,
  ) {
    this.legs = new AudioLegs(log, 'voice');
    this.multi = new VoiceMulti(sessions, this.callsView(), this.legs, log, recording);
    sessions.onSessionEvent((e) => {
      if (e.type === 'ending') this.sessionEnding(e.session, e.ending);
      else if (e.type === 'away') this.partyAway(e.session, e.who);
      // The call was the old agent's: it ends for the customer as if that agent's link went.
      else if (e.type === 'agent-changed') this.partyAway(e.session, 'agent');
    });
  }

  /** Throws ProtocolError (`not-found`, `not-allowed`, `conflict`) for the caller to reply with. */
  handle(party: Party, msg: VoiceCtl): void {
    if (msg.type === 'voice-mute' && 'agent' in party && this.multi.isParticipant(party, msg.sessionId)) return this.multi.mute(party, msg.sessionId, msg.isMuted);
    const s = this.sessions.owned(party, msg.sessionId);
    if (s.state !== 'active') throw new ProtocolError('not-found', 'that session is not running');
    const role: Role = s.agent === party ? 'agent' : 'customer';
    const other = role === 'agent' ? s.customer : s.agent;
    const call = this.liveCall(s.id);
    switch (msg.type) {
      case 'voice-request': {
        if (call) throw new ProtocolError('conflict', 'a call is already ringing or running in this session');
        for (const p of [s.agent, s.customer]) {
          if (this.callOfConn(p.connId)) throw new ProtocolError('conflict', 'one side is already in a call in another session');
        }
        const fresh: Call = {
          sessionId: s.id,
          deviceId: s.deviceId,
          state: 'ringing',
          answeredAt: null,
          agentActor: agentActor(s.agent.agent),
          caller: role,
          agentConn: s.agent.connId,
          customerConn: s.customer.connId,
          isMuted: { agent: false, customer: false },
        };
        this.calls.set(s.id, fresh);
        this.callOf.set(fresh.agentConn, s.id);
        this.callOf.set(fresh.customerConn, s.id);
        other.sendCtl({ type: 'voice-request', sessionId: s.id, from: role });
        this.log.info('voice call requested', { sessionId: s.id, from: role });
        return;
      }
      case 'voice-accept':
      case 'voice-decline': {
        if (!call || call.state !== 'ringing' || call.caller === role) throw new ProtocolError('not-allowed', 'there is no call from the other side to answer');
        if (msg.type === 'voice-accept') {
          call.state = 'active';
          call.answeredAt = this.now();
          this.event(call, 'voice-started', call.caller, {});
        } else this.drop(call);
        other.sendCtl({ type: msg.type, sessionId: s.id, from: role });
        this.log.info(msg.type === 'voice-accept' ? 'voice call accepted' : 'voice call declined', { sessionId: s.id, by: role });
        return;
      }
      case 'voice-end': {
        if (!call) throw new ProtocolError('not-allowed', 'there is no call in this session');
        this.drop(call, role, 'hung-up');
        other.sendCtl({ type: 'voice-end', sessionId: s.id, from: role });
        this.log.info('voice call ended', { sessionId: s.id, by: role });
        return;
      }
      case 'voice-mute': {
        if (!call || call.state !== 'active') throw new ProtocolError('not-allowed', 'there is no running call in this session');
        call.isMuted[role] = msg.isMuted;
        this.multi.partyMuted(s.id, role, msg.isMuted);
        other.sendCtl({ type: 'voice-mute', sessionId: s.id, from: role, isMuted: msg.isMuted });
        return;
      }
    }
  }

  /** A client's audio m-line was negotiated (or renegotiated). */
  setLeg(connId: string, line: AudioLine, port: AudioPort): void {
    this.legs.set(connId, line, port);
  }

  get stats(): VoiceStats {
    return this.legs.stats;
  }

  /** One RTP or RTCP packet from a client's audio track. Never throws; stray packets are dropped. */
  audioFrom(connId: string, packet: Buffer): void {
    const fromPt = this.legs.payloadTypeOf(connId);
    const sessionId = this.callOf.get(connId);
    const call = sessionId ? this.liveCall(sessionId) : null;
    if (fromPt !== null && !call) return this.multi.fromConn(connId, packet, fromPt);
    if (fromPt === null || !call || call.state !== 'active') return;
    const fromRole: Role = call.agentConn === connId ? 'agent' : 'customer';
    // The muted side's packets are dropped here too: muting must silence the call even if a client keeps sending.
    if (call.isMuted[fromRole]) return;
    // Recorded as spoken, whether or not the other side's track can take it right now.
    this.recording?.voice(call.sessionId, fromRole, packet, fromPt);
    this.legs.forward(packet, fromPt, fromRole === 'agent' ? call.customerConn : call.agentConn, call.sessionId);
    this.multi.fromParty(call.sessionId, fromRole, packet, fromPt);
  }

  /** The connection is gone: its audio leg is forgotten (its calls end with its sessions). */
  connectionClosed(connId: string): void {
    this.legs.delete(connId);
    this.multi.connectionClosed(connId);
    this.sound?.connectionClosed(connId);
  }

  /**
   * The session is ending: so does its call, logged before the session's own end. When one
   * side disconnected, the side still there hears the call end first.
   */
  private sessionEnding(s: LiveSession, ending: SessionEnding): void {
    const call = this.calls.get(s.id);
    if (!call) return;
    const by = endedBy(ending);
    const isDisconnect = ending === 'agent-disconnected' || ending === 'customer-disconnected';
    this.drop(call, by, isDisconnect ? 'disconnected' : 'session-ended');
    if (isDisconnect && by !== 'relay' && s.state === 'active') {
      (by === 'agent' ? s.customer : s.agent).sendCtl({ type: 'voice-end', sessionId: s.id, from: by });
    }
  }

  /**
   * One side's link dropped (the session waits for it): its audio went with that link, so the
   * call ends, and the side still there hears it end. Either side may call again after a resume.
   */
  private partyAway(s: LiveSession, who: Role): void {
    const call = this.calls.get(s.id);
    if (!call) return;
    this.drop(call, who, 'disconnected');
    (who === 'agent' ? s.customer : s.agent).sendCtl({ type: 'voice-end', sessionId: s.id, from: who });
  }

  /** The call of a session that is still running; calls of ended sessions are dropped on sight. */
  private liveCall(sessionId: string): Call | null {
    const call = this.calls.get(sessionId);
    if (!call) return null;
    const s = this.sessions.get(sessionId);
    if (!s || s.state !== 'active') {
      this.drop(call, 'relay', 'session-ended');
      return null;
    }
    return call;
  }

  private callOfConn(connId: string): Call | null {
    const sessionId = this.callOf.get(connId);
    return sessionId ? this.liveCall(sessionId) : null;
  }

  /** Forgets the call; a call that was answered is logged as ended, by whom and after how long. */
  private drop(call: Call, by?: Role | 'relay', reason?: 'hung-up' | 'disconnected' | 'session-ended'): void {
    if (call.answeredAt !== null && by && reason) {
      this.event(call, 'voice-ended', by, { reason, durationMs: Math.max(0, this.now() - call.answeredAt) });
      call.answeredAt = null;
    }
    if (this.calls.get(call.sessionId) === call) {
      this.calls.delete(call.sessionId);
      this.multi.callEnded(call.sessionId);
    }
    for (const c of [call.agentConn, call.customerConn]) {
      if (this.callOf.get(c) === call.sessionId) this.callOf.delete(c);
    }
  }

  private callsView(): CallsView {
    return {
      activeCall: (sessionId) => {
        const call = this.liveCall(sessionId);
        return call?.state === 'active' ? { isMuted: call.isMuted } : null;
      },
      isInCall: (connId) => this.callOfConn(connId) !== null,
    };
  }

  /** `detail.by`: who started (voice-started) or ended (voice-ended) the call. */
  private event(call: Call, kind: 'voice-started' | 'voice-ended', by: Role | 'relay', detail: Record<string, unknown>): void {
    const actor = by === 'agent' ? call.agentActor : by === 'customer' ? customerActor(call.deviceId) : 'relay';
    void this.events?.append({ sessionId: call.sessionId, deviceId: call.deviceId, kind, actor, detail: { by, ...detail } });
  }
}
