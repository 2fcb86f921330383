/**
 * Video guidance (capability `camera`, see shared/protocol/camera.ts): the agent asks for the
 * customer's camera instead of the screen, or the screen again; the customer says yes or no to
 * each ask, and tells what the picture shows. The media itself needs nothing here: the camera
 * goes into the customer's one encoder, so the forwarder and the recorder take its frames as
 * they take the screen's.
 *
 * What is checked: only the session's own agent asks (a new ask replaces an open one, so an
 * ask a customer never answers does not block the next); only the customer answers, and only
 * the open ask; the customer shows `camera` or `screen` only after a
 * yes to it; while the picture is not the screen, remote input is refused (a click on a
 * picture of a printer must not land on the desktop). Every ask and answer is in the audit log
 * and the session's event log; every change of what is shown, in the event log.
 * Throws ProtocolError for the caller to answer with.
 *
 * A session that starts on the camera (capability `camera-first`, `firstSource`) starts with the
 * camera agreed to and nothing shown; until the customer says yes to the screen, the agent's
 * screen-bound messages (input, clipboard, monitor choice) are refused: the consent was for the
 * camera only.
 */
import { ProtocolError } from '@beacon/shared/errors';
import type { CameraCtl, ShownSource, VideoSource } from '@beacon/shared/protocol';
import { agentActor, customerActor, type ActiveSession, type AgentParty, type LiveSession } from '../sessions/Session.ts';
import { ConsentedFeature, type ConsentedFeatureDeps, type Party } from './ConsentedFeature.ts';

/** The agent's ctl messages that act on the customer's computer, refused before the screen was agreed to. */
const SCREEN_BOUND: ReadonlySet<string> = new Set(['input', 'clipboard-send', 'clipboard-fetch', 'clipboard-image', 'monitor-select']);

export type CameraGuideDeps = ConsentedFeatureDeps<'camera-requested' | 'camera-answered'>;

interface Guide {
  /** What the customer's picture shows now. */
  shown: ShownSource;
  /** The agent's open ask. */
  ask: VideoSource | null;
  /** What the customer last said yes to (the session's own consent was to the screen, or to the camera: `camera-first`). */
  granted: VideoSource;
  /** The customer agreed to show the screen at some point (at the session's start, or to a later ask). */
  hasScreenConsent: boolean;
}

/** A `camera-first` session's start: the camera agreed to, nothing shown until the customer's camera-source. */
const CAMERA_FIRST: Pick<Guide, 'shown' | 'granted' | 'hasScreenConsent'> = { shown: 'off', granted: 'camera', hasScreenConsent: false };

export class CameraGuide extends ConsentedFeature<Guide, CameraCtl, 'camera-requested' | 'camera-answered'> {
  constructor(d: CameraGuideDeps) {
    super(d, 'camera');
    d.sessions.onSessionEvent((e) => {
      if (e.type === 'started' && e.session.firstSource === 'camera') Object.assign(this.stateOf(e.session.id), CAMERA_FIRST);
    });
  }

  /** Whether the session's picture is the customer's screen (remote input is refused otherwise). */
  isScreenShown(sessionId: string): boolean {
    const g = this.peekState(sessionId);
    if (g) return g.shown === 'screen';
    return this.d.sessions.get(sessionId)?.firstSource !== 'camera';
  }

  /** Throws `not-allowed` when the session's picture is not the screen. */
  checkInput(sessionId: string): void {
    if (!this.isScreenShown(sessionId)) throw new ProtocolError('not-allowed', 'input: the picture is not the customer\'s screen');
  }

  /**
   * Before a ctl message of `party` goes to the session's traffic: the agent's input only while
   * the screen is shown, and nothing that acts on the computer before the customer agreed to the
   * screen. Another session's party is left to the traffic handler (which answers `not-found`).
   */
  checkCtl(party: Party, msg: { type: string; sessionId: string }): void {
    if (!SCREEN_BOUND.has(msg.type) || 'deviceId' in party) return;
    const s = this.d.sessions.get(msg.sessionId);
    if (!s || (s.agent !== party && !(this.d.viewersOf?.(s.id) ?? []).some((v) => v === party))) return;
    if (!this.hasScreenConsent(s.id)) throw new ProtocolError('not-allowed', `${msg.type}: the customer agreed to the camera only, not the screen`);
    if (msg.type === 'input') this.checkInput(s.id);
  }

  /** Whether the customer agreed to show the screen in this session (false for a `camera-first` one until a yes to it). */
  hasScreenConsent(sessionId: string): boolean {
    const g = this.peekState(sessionId);
    if (g) return g.hasScreenConsent;
    return this.d.sessions.get(sessionId)?.firstSource !== 'camera';
  }

  protected initial(): Guide {
    return { shown: 'screen', ask: null, granted: 'screen', hasScreenConsent: true };
  }

  protected fromAgent(s: ActiveSession, g: Guide, msg: CameraCtl): void {
    if (msg.type !== 'camera-request') throw new ProtocolError('forbidden', `an agent may not send ${msg.type}`);
    if (g.shown === msg.source) throw new ProtocolError('conflict', `the picture already shows the ${msg.source}`);
    g.ask = msg.source;
    s.customer.sendCtl(msg);
    this.record(s, 'camera-requested', agentActor(s.agent.agent), { source: msg.source });
    this.audit(s, { actorId: s.agent.agent.id, action: 'camera-requested', detail: { source: msg.source } });
  }

  protected fromCustomer(s: ActiveSession, g: Guide, msg: CameraCtl): void {
    switch (msg.type) {
      case 'camera-request':
        throw new ProtocolError('forbidden', 'a customer may not send camera-request');
      case 'camera-answer': {
        if (g.ask !== msg.source) throw new ProtocolError('not-allowed', `there is no ask for the ${msg.source} to answer`);
        g.ask = null;
        if (msg.granted) g.granted = msg.source;
        if (msg.granted && msg.source === 'screen') g.hasScreenConsent = true;
        s.agent.sendCtl(msg);
        this.record(s, 'camera-answered', customerActor(s.deviceId), { source: msg.source, granted: msg.granted });
        this.audit(s, { actorId: null, action: 'camera-answered', detail: { source: msg.source, granted: msg.granted, agentId: s.agent.agent.id } });
        return;
      }
      case 'camera-source': {
        if (msg.source !== 'off' && g.granted !== msg.source) throw new ProtocolError('not-allowed', `the customer did not agree to show the ${msg.source}`);
        if (g.shown === msg.source) return;
        g.shown = msg.source;
        this.tellAll(s, msg);
        this.record(s, 'camera-source', customerActor(s.deviceId), { source: msg.source });
        this.d.log.info('picture source changed', { sessionId: s.id, source: msg.source });
        return;
      }
    }
  }

  protected tellState(s: LiveSession, to: AgentParty): void {
    const g = this.peekState(s.id);
    if (g && g.shown !== 'screen') to.sendCtl({ type: 'camera-source', sessionId: s.id, source: g.shown });
  }
}
