/**
 * Remote sound (capability `remote-sound`, shared/src/protocol/sound.ts): the session's agent
 * asks to hear the customer PC's sound, the customer consents, and while it is on the relay
 * forwards the RTP of the customer's sound line to the agent's sound line and records it as
 * a track of its own. Either side stops it; a dropped link or the session's end stops it too.
 *
 * Authorization: only the session's own agent asks, and only in a screen session whose
 * permissions let it view (a voice-only session grants nothing on the PC). Only the customer
 * answers. Every start and stop is in the session's event log (`sound-started`, `sound-ended`).
 */
import { ProtocolError } from '@beacon/shared/errors';
import type { Role, SoundCtlToRelay, SoundOffReason } from '@beacon/shared/protocol';
import type { Logger } from '../platform/logger.ts';
import type { EventLog } from '../sessions/EventLog.ts';
import { agentActor, customerActor, type AgentParty, type CustomerParty, type LiveSession } from '../sessions/Session.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import { AudioLegs, type AudioPort, type AudioStats } from './AudioLegs.ts';
import type { AudioLine } from './RtpRewriter.ts';

/** Where the sound is recorded (recording/Recorder.ts); must return quickly and never throw. */
export interface SoundRecordingTap {
  sound(sessionId: string, packet: Uint8Array, opusPayloadType: number): void;
}

interface Share {
  sessionId: string;
  deviceId: string;
  state: 'asking' | 'on';
  agentActor: string;
  agentConn: string;
  customerConn: string;
  startedAt: number | null;
}

type Party = AgentParty | CustomerParty;

export class SoundHandler {
  private readonly legs: AudioLegs;
  private readonly shares = new Map<string, Share>();
  /** customer connId -> the session whose sound it sends. */
  private readonly shareOfCustomer = new Map<string, string>();

  constructor(
    private readonly sessions: SessionManager,
    private readonly log: Logger,
    private readonly recording: SoundRecordingTap | null = null,
    private readonly events: EventLog | null = null,
    private readonly now: () => number = Date.now,
  ) {
    this.legs = new AudioLegs(log, 'sound');
    sessions.onSessionEvent((e) => {
      if (e.type === 'ending') this.stop(e.session.id, 'relay', 'disconnected', false);
      else if (e.type === 'away' || e.type === 'agent-changed') this.stop(e.session.id, 'relay', 'disconnected', true);
    });
  }

  /** Throws ProtocolError (`not-found`, `not-allowed`, `conflict`) for the caller to reply with. */
  handle(party: Party, msg: SoundCtlToRelay): void {
    const s = this.sessions.owned(party, msg.sessionId);
    if (s.state !== 'active') throw new ProtocolError('not-found', 'that session is not running');
    const role: Role = s.agent === party ? 'agent' : 'customer';
    const share = this.shares.get(s.id);
    switch (msg.type) {
      case 'sound-request':
        return this.request(s, role, share);
      case 'sound-answer': {
        if (role !== 'customer' || !share || share.state !== 'asking') throw new ProtocolError('not-allowed', 'there is no request for the PC’s sound to answer');
        if (!msg.accept) return this.stop(s.id, 'customer', 'declined', true);
        share.state = 'on';
        share.startedAt = this.now();
        this.shareOfCustomer.set(share.customerConn, s.id);
        this.event(share, 'sound-started', 'agent', {});
        this.tellBoth(s, { state: 'on', by: 'customer' });
        this.log.info('remote sound on', { sessionId: s.id });
        return;
      }
      case 'sound-stop':
        if (!share) throw new ProtocolError('not-allowed', 'the PC’s sound is not shared in this session');
        return this.stop(s.id, role, msg.reason === 'unavailable' && role === 'customer' ? 'unavailable' : 'stopped', true);
    }
  }

  private request(s: LiveSession, role: Role, share: Share | undefined): void {
    if (role !== 'agent') throw new ProtocolError('not-allowed', 'only the session’s agent asks for the PC’s sound');
    if (s.mode !== 'screen' || !s.permissions.view) throw new ProtocolError('not-allowed', 'this session does not let the agent view the PC');
    if (share) throw new ProtocolError('conflict', 'the PC’s sound is already asked for or on');
    // The agent's link has one sound line: one session's sound at a time.
    for (const other of this.shares.values()) {
      if (other.agentConn === s.agent.connId) throw new ProtocolError('conflict', 'you already hear another session’s sound');
    }
    const fresh: Share = {
      sessionId: s.id,
      deviceId: s.deviceId,
      state: 'asking',
      agentActor: agentActor(s.agent.agent),
      agentConn: s.agent.connId,
      customerConn: s.customer.connId,
      startedAt: null,
    };
    // A customer app without `remote-sound` is never sent the request (sendCtl says so): refused at once.
    if (!s.customer.sendCtl({ type: 'sound-request', sessionId: s.id })) throw new ProtocolError('not-allowed', 'the customer’s app cannot share its sound');
    this.shares.set(s.id, fresh);
    s.agent.sendCtl({ type: 'sound-state', sessionId: s.id, state: 'asking' });
    this.log.info('remote sound requested', { sessionId: s.id });
  }

  /** A client's sound m-line was negotiated (or renegotiated). */
  setLeg(connId: string, line: AudioLine, port: AudioPort): void {
    this.legs.set(connId, line, port);
  }

  get stats(): AudioStats {
    return this.legs.stats;
  }

  /** One RTP or RTCP packet from a client's sound track. Never throws; anything but a sharing customer's is dropped. */
  soundFrom(connId: string, packet: Buffer): void {
    const sessionId = this.shareOfCustomer.get(connId);
    const share = sessionId ? this.shares.get(sessionId) : undefined;
    const fromPt = this.legs.payloadTypeOf(connId);
    if (!share || share.state !== 'on' || share.customerConn !== connId || fromPt === null) return;
    this.recording?.sound(share.sessionId, packet, fromPt);
    this.legs.forward(packet, fromPt, share.agentConn, share.sessionId);
  }

  connectionClosed(connId: string): void {
    this.legs.delete(connId);
  }

  /** Whether the session's sound is on (for tests and stats). */
  isOn(sessionId: string): boolean {
    return this.shares.get(sessionId)?.state === 'on';
  }

  /** Forgets the session's share, logs its end if it was on, and tells the parties still there. */
  private stop(sessionId: string, by: Role | 'relay', reason: SoundOffReason, tell: boolean): void {
    const share = this.shares.get(sessionId);
    if (!share) return;
    this.shares.delete(sessionId);
    if (this.shareOfCustomer.get(share.customerConn) === sessionId) this.shareOfCustomer.delete(share.customerConn);
    if (share.startedAt !== null) {
      this.event(share, 'sound-ended', by, { reason, durationMs: Math.max(0, this.now() - share.startedAt) });
    }
    const s = this.sessions.get(sessionId);
    if (tell && s && s.state === 'active') this.tellBoth(s, { state: 'off', ...(by === 'relay' ? {} : { by }), reason });
    this.log.info('remote sound off', { sessionId, by, reason });
  }

  private tellBoth(s: LiveSession, m: { state: 'off' | 'on'; by?: Role; reason?: SoundOffReason }): void {
    for (const p of [s.agent, s.customer]) p.sendCtl({ type: 'sound-state', sessionId: s.id, ...m });
  }

  private event(share: Share, kind: 'sound-started' | 'sound-ended', by: Role | 'relay', detail: Record<string, unknown>): void {
    const actor = by === 'agent' ? share.agentActor : by === 'customer' ? customerActor(share.deviceId) : 'relay';
    void this.events?.append({ sessionId: share.sessionId, deviceId: share.deviceId, kind, actor, detail: { by, ...detail } });
  }
}
