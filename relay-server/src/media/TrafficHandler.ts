/**
 * Screen traffic inside live sessions: ctl messages between agent and customer (with the
 * permission checks), and the customer's media fragments to the session's forwarder. The
 * forwarder of a screen session lives here from its start to its end (session events).
 */
import { ProtocolError } from '@beacon/shared/errors';
import { FramingError, readHeader, type FrameHeader } from '@beacon/shared/framing';
import type { InputEvent } from '@beacon/shared/input';
import type { CtlToRelay, StreamConfig } from '@beacon/shared/protocol';
import type { ClipboardRelay } from './ClipboardRelay.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { ActiveSession, AgentParty, CustomerParty, EndedSession, LiveSession } from '../sessions/Session.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import { MediaCheck } from './MediaCheck.ts';
import { MediaForwarder, type ForwarderStats } from './MediaForwarder.ts';
import { MonitorRelay } from './MonitorRelay.ts';
import type { Participants, ParticipantsEvent } from '../sessions/Participants.ts';
import { checkOwnerInput, participantCtl, pointerMoved, type ParticipantViewer } from '../sessions/ParticipantCtl.ts';

/** A tap on a session's traffic (the recorder); it must return quickly and never throw. */
export interface TrafficTap {
  media(s: ActiveSession, fragment: Uint8Array, header: FrameHeader): void;
  streamConfig(s: ActiveSession, config: StreamConfig): void;
  input(s: ActiveSession, event: InputEvent): void;
}

/** A running screen session's media state. */
interface Screen {
  forwarder: MediaForwarder;
  /** The latest stream parameters, for a viewer whose channel opens later. */
  streamConfig: StreamConfig | null;
}

export class TrafficHandler {
  /** Per customer (so a noisy peer cannot hide another's problems): fragment order and throttled refusals. */
  private readonly mediaChecks = new WeakMap<CustomerParty, MediaCheck>();
  private readonly screens = new Map<string, Screen>();
  private readonly monitors = new MonitorRelay();
  /** Agents taking part besides each session's own (capability `desk-multi`); null: none ever do. */
  private participants: Participants | null = null;
  /** Fragments that matched no active session or carried the wrong stream ID. */
  droppedFragments = 0;

  constructor(
    private readonly sessions: SessionManager,
    private readonly log: Logger,
    private readonly tap: TrafficTap | null = null,
    private readonly now: Clock = Date.now,
    /** Clipboard text on request; without it clipboard messages are refused. */
    private readonly clipboard: ClipboardRelay | null = null,
  ) {
    sessions.onSessionEvent((e) => {
      if (e.type === 'started') {
        this.sessionStarted(e.session);
        this.clipboard?.sessionStarted(e.session);
      }
      else if (e.type === 'ended') {
        this.sessionEnded(e.session);
        this.clipboard?.sessionEnded(e.session.id);
        this.monitors.sessionEnded(e.session.id);
      }
      else if (e.type === 'back') {
        this.partyBack(e.session, e.who);
        this.clipboard?.tellPolicy(e.session, e.who);
      }
      else if (e.type === 'agent-changed') {
        this.agentChanged(e.session, e.from);
        this.clipboard?.tellPolicy(e.session, 'agent');
      }
    });
  }

  /** Participants get a viewer of the session's picture while they take part, and their ctl is held to their role. */
  useParticipants(p: Participants): void {
    this.participants = p;
    p.onChange((e) => this.participantChanged(e));
  }

  private participantChanged(e: ParticipantsEvent): void {
    const screen = this.screens.get(e.sessionId);
    const s = this.sessions.get(e.sessionId);
    if (!screen || s?.state !== 'active') return;
    if (e.type === 'left') {
      // A participant who became the session's agent (a take-over) keeps its viewer.
      if (s.agent !== e.party) screen.forwarder.removeViewer(e.party.connId);
      return;
    }
    screen.forwarder.addViewer(e.party.connId, e.party.mediaSink);
    if (screen.streamConfig) e.party.sendCtl({ type: 'stream-config', sessionId: s.id, config: screen.streamConfig });
    screen.forwarder.requestKeyframe();
  }

  /** Whether the agent takes part in the session without owning it; its message is then handled here (or refused). */
  private asParticipant(agent: AgentParty, msg: CtlToRelay): boolean {
    const p = this.participants;
    const s = p ? this.sessions.get(msg.sessionId) : undefined;
    if (!p || s?.state !== 'active' || s.agent === agent) return false;
    const role = p.roleOf(s, agent);
    if (role === null || role === 'owner') return false;
    participantCtl(p, this.participantViewer(), s, agent, role, msg);
    return true;
  }

  private participantViewer(): ParticipantViewer {
    return {
      requestKeyframe: (id) => this.requestKeyframe(id),
      setVisible: (id, connId, isVisible) => void this.screens.get(id)?.forwarder.setVisible(connId, isVisible),
      inputSent: (s, msg) => this.tap?.input(s, msg.event),
    };
  }

  /** Forwarding counters of a running screen session, or null. */
  mediaStats(sessionId: string): ForwarderStats | null {
    return this.screens.get(sessionId)?.forwarder.stats() ?? null;
  }

  /** Asks the customer of a running screen session for a keyframe (throttled with the viewers' own requests). */
  requestKeyframe(sessionId: string): void {
    this.screens.get(sessionId)?.forwarder.requestKeyframe();
  }

  private sessionStarted(s: ActiveSession): void {
    // A voice session has no screen: without a forwarder, its media fragments are dropped.
    if (s.mode !== 'screen') return;
    const forwarder = new MediaForwarder({ now: this.now, requestKeyframe: () => s.customer.sendCtl({ type: 'keyframe-request', sessionId: s.id }) });
    this.screens.set(s.id, { forwarder, streamConfig: null });
    forwarder.addViewer(s.agent.connId, s.agent.mediaSink);
  }

  private sessionEnded(s: EndedSession): void {
    const screen = this.screens.get(s.id);
    if (!screen) return;
    this.screens.delete(s.id);
    screen.forwarder.removeViewer(s.agent.connId);
    this.log.info('screen forwarding ended', { sessionId: s.id, media: screen.forwarder.stats() });
  }

  /**
   * A side came back on a new link: the agent's viewer starts again from a keyframe (what it
   * had half-received went with the old link), and a returning customer is asked for one.
   */
  private partyBack(s: ActiveSession, who: 'agent' | 'customer'): void {
    const screen = this.screens.get(s.id);
    if (!screen) return;
    if (who === 'agent') {
      screen.forwarder.removeViewer(s.agent.connId);
      screen.forwarder.addViewer(s.agent.connId, s.agent.mediaSink);
    }
    // (A returning agent is handed the stream parameters when its ctl opens: agentCtlOpened.)
    screen.forwarder.requestKeyframe();
  }

  /** Another agent has the session now: its viewer replaces the old one's, from a keyframe, with the stream parameters. */
  private agentChanged(s: ActiveSession, from: AgentParty): void {
    const screen = this.screens.get(s.id);
    if (!screen) return;
    screen.forwarder.removeViewer(from.connId);
    screen.forwarder.addViewer(s.agent.connId, s.agent.mediaSink);
    if (screen.streamConfig) s.agent.sendCtl({ type: 'stream-config', sessionId: s.id, config: screen.streamConfig });
    screen.forwarder.requestKeyframe();
  }

  private mediaCheck(customer: CustomerParty): MediaCheck {
    let c = this.mediaChecks.get(customer);
    if (!c) {
      c = new MediaCheck(this.log, (m) => customer.sendCtl(m), this.now);
      this.mediaChecks.set(customer, c);
    }
    return c;
  }

  /** Throws ProtocolError (`not-found`, `not-allowed`, `forbidden`) for the caller to reply with. */
  agentCtl(agent: AgentParty, msg: CtlToRelay): void {
    if (this.asParticipant(agent, msg)) return;
    switch (msg.type) {
      case 'input': {
        const s = this.sessions.owned(agent, msg.sessionId);
        this.refuseVoiceOnly(s, msg.type);
        if (s.state !== 'active' || !s.permissions.control) {
          throw new ProtocolError('not-allowed', 'this session has no control permission');
        }
        if (this.participants) checkOwnerInput(this.participants, s, agent);
        s.customer.sendCtl(msg);
        this.tap?.input(s, msg.event);
        return;
      }
      case 'keyframe-request': {
        // Throttled with the relay's own requests: keyframes are the most expensive thing to ask for.
        const s = this.activeOwned(agent, msg.sessionId);
        this.refuseVoiceOnly(s, msg.type);
        const screen = this.screens.get(s.id);
        if (screen) screen.forwarder.requestKeyframe();
        else s.customer.sendCtl(msg);
        return;
      }
      case 'ping': {
        const s = this.activeOwned(agent, msg.sessionId);
        s.customer.sendCtl(msg);
        return;
      }
      case 'view-state': {
        // Only the session's own viewer: another agent's tab says nothing about this one's screen.
        const s = this.activeOwned(agent, msg.sessionId);
        this.refuseVoiceOnly(s, msg.type);
        this.screens.get(s.id)?.forwarder.setVisible(agent.connId, msg.isVisible);
        return;
      }
      case 'quality-mode': {
        // The customer changes how it captures and encodes; nobody else's session may be touched.
        const s = this.activeOwned(agent, msg.sessionId);
        this.refuseVoiceOnly(s, msg.type);
        s.customer.sendCtl(msg);
        return;
      }
      case 'receive-report': {
        // The customer's rate control follows its own agent's link (see MediaForwarder for other viewers).
        const s = this.activeOwned(agent, msg.sessionId);
        this.refuseVoiceOnly(s, msg.type);
        s.customer.sendCtl(msg);
        return;
      }
      case 'clipboard-send':
      case 'clipboard-fetch':
      case 'clipboard-image':
      case 'clipboard-unavailable': {
        const s = this.activeOwned(agent, msg.sessionId);
        this.refuseVoiceOnly(s, msg.type);
        this.clipboardRelay().fromAgent(s, msg);
        return;
      }
      case 'monitor-list':
      case 'monitor-select': {
        const s = this.activeOwned(agent, msg.sessionId);
        this.refuseVoiceOnly(s, msg.type);
        this.monitors.fromAgent(s, msg);
        return;
      }
      case 'pointer': {
        const s = this.activeOwned(agent, msg.sessionId);
        if (this.participants) pointerMoved(this.participants, s, agent, msg);
        return;
      }
      case 'stream-config':
      case 'pong':
      case 'stream-state':
        throw new ProtocolError('forbidden', `an agent may not send ${msg.type}`);
    }
  }

  private clipboardRelay(): ClipboardRelay {
    if (!this.clipboard) throw new ProtocolError('forbidden', 'this relay passes no clipboard text');
    return this.clipboard;
  }

  customerCtl(customer: CustomerParty, msg: CtlToRelay): void {
    switch (msg.type) {
      case 'stream-config': {
        const s = this.activeOwned(customer, msg.sessionId);
        this.refuseVoiceOnly(s, msg.type);
        // Cached so a viewer whose channel opens later (or who joins later) can start decoding.
        const screen = this.screens.get(s.id);
        if (screen) screen.streamConfig = msg.config;
        s.agent.sendCtl(msg);
        for (const p of this.participants?.of(s.id) ?? []) p.party.sendCtl(msg);
        this.tap?.streamConfig(s, msg.config);
        return;
      }
      case 'pong':
      case 'stream-state': {
        const s = this.activeOwned(customer, msg.sessionId);
        s.agent.sendCtl(msg);
        return;
      }
      case 'clipboard-send':
      case 'clipboard-fetch':
      case 'clipboard-image':
      case 'clipboard-unavailable': {
        const s = this.activeOwned(customer, msg.sessionId);
        this.clipboardRelay().fromCustomer(s, msg);
        return;
      }
      case 'monitor-list':
      case 'monitor-select': {
        const s = this.activeOwned(customer, msg.sessionId);
        this.refuseVoiceOnly(s, msg.type);
        this.monitors.fromCustomer(s, msg);
        return;
      }
      case 'input':
      case 'keyframe-request':
      case 'ping':
      case 'view-state':
      case 'quality-mode':
      case 'receive-report':
      case 'pointer':
        throw new ProtocolError('forbidden', `a customer may not send ${msg.type}`);
    }
  }

  /** An agent's ctl channel opened: hand it the stream parameters of its running sessions. */
  agentCtlOpened(agent: AgentParty): void {
    for (const s of this.sessions.sessionsOf(agent)) {
      const config = this.screens.get(s.id)?.streamConfig;
      if (s.state === 'active' && config) {
        s.agent.sendCtl({ type: 'stream-config', sessionId: s.id, config });
      }
      const monitors = s.state === 'active' ? this.monitors.listOf(s.id) : null;
      if (monitors) s.agent.sendCtl(monitors);
    }
  }

  /**
   * One fragment from a customer. A malformed one, one for another stream, one out of order
   * (see MediaCheck) or one in a voice-only session is dropped, never fatal, and the customer is
   * told with a throttled ctl `error`. Fragments with no running session (the last ones in
   * flight when a session ends) are dropped silently.
   */
  customerMedia(customer: CustomerParty, fragment: Buffer): void {
    const s = this.sessions.forDevice(customer.deviceId);
    const screen = s ? this.screens.get(s.id) : undefined;
    const at = { deviceId: customer.deviceId };
    if (!s || s.state !== 'active' || s.customer !== customer || !screen) {
      this.droppedFragments++;
      // Voice sessions have no forwarder: a client sending screen media in one is told so.
      if (s?.mode === 'voice') this.mediaCheck(customer).refuse('not-allowed', 'this is a voice-only session, without a screen', at);
      return;
    }
    let header;
    try {
      header = readHeader(fragment);
    } catch (err) {
      if (!(err instanceof FramingError)) throw err;
      this.droppedFragments++;
      return this.mediaCheck(customer).refuse('bad-message', `malformed: ${err.message}`, at);
    }
    const check = this.mediaCheck(customer);
    if (header.stream !== s.streamId) {
      this.droppedFragments++;
      return check.refuse('bad-message', `stream ${header.stream} is not this session's ${s.streamId}`, at, header.seq);
    }
    const verdict = check.order.accept(header);
    if (verdict !== 'ok') {
      this.droppedFragments++;
      if (verdict === 'awaiting-key') return;
      // The deltas after a broken frame cannot be decoded either: the stream resumes at a keyframe.
      screen.forwarder.requestKeyframe();
      return check.refuse('bad-message', `fragment ${header.fragIndex}/${header.fragCount} of frame ${header.seq} does not continue its frame in order`, at, header.seq);
    }
    screen.forwarder.push(fragment, header);
    // After forwarding: the viewers never wait for the recording.
    this.tap?.media(s, fragment, header);
  }

  /** A voice-only session has no screen: nothing that would show or move one may pass. */
  private refuseVoiceOnly(s: LiveSession, what: string): void {
    if (s.mode === 'voice') throw new ProtocolError('not-allowed', `${what}: this is a voice-only session, without a screen`);
  }

  private activeOwned(party: AgentParty | CustomerParty, sessionId: string): ActiveSession {
    const s = this.sessions.owned(party, sessionId);
    if (s.state !== 'active') throw new ProtocolError('not-found', 'that session is not running');
    return s;
  }
}
