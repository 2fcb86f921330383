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
 */
import { ProtocolError } from '@beacon/shared/errors';
import type { CameraCtl, ShownSource, VideoSource } from '@beacon/shared/protocol';
import { agentActor, customerActor, type ActiveSession, type AgentParty, type LiveSession } from '../sessions/Session.ts';
import { ConsentedFeature, type ConsentedFeatureDeps } from './ConsentedFeature.ts';

export type CameraGuideDeps = ConsentedFeatureDeps<'camera-requested' | 'camera-answered'>;

interface Guide {
  /** What the customer's picture shows now. */
  shown: ShownSource;
  /** The agent's open ask. */
  ask: VideoSource | null;
  /** What the customer last said yes to (the session's own consent was to the screen). */
  granted: VideoSource;
}

export class CameraGuide extends ConsentedFeature<Guide, CameraCtl, 'camera-requested' | 'camera-answered'> {
  constructor(d: CameraGuideDeps) {
    super(d, 'camera');
  }

  /** Whether the session's picture is the customer's screen (remote input is refused otherwise). */
  isScreenShown(sessionId: string): boolean {
    return (this.peekState(sessionId)?.shown ?? 'screen') === 'screen';
  }

  /** Throws `not-allowed` when the session's picture is not the screen. */
  checkInput(sessionId: string): void {
    if (!this.isScreenShown(sessionId)) throw new ProtocolError('not-allowed', 'input: the picture is not the customer\'s screen');
  }

  protected initial(): Guide {
    return { shown: 'screen', ask: null, granted: 'screen' };
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
