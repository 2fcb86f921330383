/**
 * Routes traffic inside live sessions: ctl messages between agent and customer (with the
 * permission checks), and the customer's media fragments to the session's forwarder.
 */
import { ProtocolError } from '@beacon/shared/errors';
import { FramingError, readHeader, type FrameHeader } from '@beacon/shared/framing';
import type { InputEvent } from '@beacon/shared/input';
import type { CtlToRelay, StreamConfig } from '@beacon/shared/protocol';
import { ThrottledLogger, type Logger } from '../platform/logger.ts';
import type { AgentParty, CustomerParty, Session, SessionManager } from '../sessions/SessionManager.ts';

/** A tap on a session's traffic (the recorder); it must return quickly and never throw. */
export interface TrafficTap {
  media(s: Session, fragment: Uint8Array, header: FrameHeader): void;
  streamConfig(s: Session, config: StreamConfig): void;
  input(s: Session, event: InputEvent): void;
}

export class TrafficHandler {
  /** One throttle per customer, so a noisy peer cannot hide another's problems from the log. */
  private readonly mediaLogs = new WeakMap<CustomerParty, ThrottledLogger>();
  /** Fragments that matched no active session or carried the wrong stream ID. */
  droppedFragments = 0;

  constructor(
    private readonly sessions: SessionManager,
    private readonly log: Logger,
    private readonly tap: TrafficTap | null = null,
  ) {}

  private mediaLog(customer: CustomerParty): ThrottledLogger {
    let l = this.mediaLogs.get(customer);
    if (!l) {
      l = new ThrottledLogger(this.log);
      this.mediaLogs.set(customer, l);
    }
    return l;
  }

  /** Throws ProtocolError (`not-found`, `not-allowed`, `forbidden`) for the caller to reply with. */
  agentCtl(agent: AgentParty, msg: CtlToRelay): void {
    switch (msg.type) {
      case 'input': {
        const s = this.sessions.owned(agent, msg.sessionId);
        this.refuseVoiceOnly(s, msg.type);
        if (s.state !== 'active' || !s.permissions.control) {
          throw new ProtocolError('not-allowed', 'this session has no control permission');
        }
        s.customer.sendCtl(msg);
        this.tap?.input(s, msg.event);
        return;
      }
      case 'keyframe-request': {
        // Throttled with the relay's own requests: keyframes are the most expensive thing to ask for.
        const s = this.activeOwned(agent, msg.sessionId);
        this.refuseVoiceOnly(s, msg.type);
        if (s.forwarder) s.forwarder.requestKeyframe();
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
        s.forwarder?.setVisible(agent.connId, msg.isVisible);
        return;
      }
      case 'quality-mode': {
        // The customer changes how it captures and encodes; nobody else's session may be touched.
        const s = this.activeOwned(agent, msg.sessionId);
        this.refuseVoiceOnly(s, msg.type);
        s.customer.sendCtl(msg);
        return;
      }
      case 'stream-config':
      case 'pong':
        throw new ProtocolError('forbidden', `an agent may not send ${msg.type}`);
    }
  }

  customerCtl(customer: CustomerParty, msg: CtlToRelay): void {
    switch (msg.type) {
      case 'stream-config': {
        const s = this.activeOwned(customer, msg.sessionId);
        this.refuseVoiceOnly(s, msg.type);
        // Cached so a viewer whose channel opens later (or who joins later) can start decoding.
        s.streamConfig = msg.config;
        s.agent.sendCtl(msg);
        this.tap?.streamConfig(s, msg.config);
        return;
      }
      case 'pong': {
        const s = this.activeOwned(customer, msg.sessionId);
        s.agent.sendCtl(msg);
        return;
      }
      case 'input':
      case 'keyframe-request':
      case 'ping':
      case 'view-state':
      case 'quality-mode':
        throw new ProtocolError('forbidden', `a customer may not send ${msg.type}`);
    }
  }

  /** An agent's ctl channel opened: hand it the stream parameters of its running sessions. */
  agentCtlOpened(agent: AgentParty): void {
    for (const s of this.sessions.sessionsOf(agent)) {
      if (s.state === 'active' && s.streamConfig) {
        s.agent.sendCtl({ type: 'stream-config', sessionId: s.id, config: s.streamConfig });
      }
    }
  }

  /** One fragment from a customer. Malformed or stray fragments are dropped, never fatal. */
  customerMedia(customer: CustomerParty, fragment: Buffer): void {
    const s = this.sessions.forDevice(customer.deviceId);
    if (!s || s.state !== 'active' || s.customer !== customer || !s.forwarder) {
      this.droppedFragments++;
      // Voice sessions have no forwarder: a client sending screen media in one is worth a line.
      if (s?.mode === 'voice') this.mediaLog(customer).warn('media fragment in a voice-only session dropped', { deviceId: customer.deviceId });
      return;
    }
    let header;
    try {
      header = readHeader(fragment);
    } catch (err) {
      this.droppedFragments++;
      if (err instanceof FramingError) {
        this.mediaLog(customer).warn('bad media fragment dropped', { deviceId: customer.deviceId, err: err.message });
        return;
      }
      throw err;
    }
    if (header.stream !== s.streamId) {
      this.droppedFragments++;
      this.mediaLog(customer).warn('media fragment for another stream dropped', { deviceId: customer.deviceId, stream: header.stream });
      return;
    }
    s.forwarder.push(fragment, header);
    // After forwarding: the viewers never wait for the recording.
    this.tap?.media(s, fragment, header);
  }

  /** A voice-only session has no screen: nothing that would show or move one may pass. */
  private refuseVoiceOnly(s: Session, what: string): void {
    if (s.mode === 'voice') throw new ProtocolError('not-allowed', `${what}: this is a voice-only session, without a screen`);
  }

  private activeOwned(party: AgentParty | CustomerParty, sessionId: string): Session {
    const s = this.sessions.owned(party, sessionId);
    if (s.state !== 'active') throw new ProtocolError('not-found', 'that session is not running');
    return s;
  }
}
