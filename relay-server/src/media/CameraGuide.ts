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
import type { CameraCtl, CtlFromRelay, ShownSource, VideoSource } from '@beacon/shared/protocol';
import type { Logger } from '../platform/logger.ts';
import type { EventKind } from '../sessions/EventLog.ts';
import { agentActor, customerActor, type ActiveSession, type AgentParty, type CustomerParty, type LiveSession } from '../sessions/Session.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';

/** The audit log entries this feature writes (accounts/AuditLog.ts takes them). */
export interface CameraAuditEntry {
  actorId: number | null;
  action: 'camera-requested' | 'camera-answered';
  target: { type: 'sessions'; id: string; label: string };
  detail: Record<string, unknown>;
}

export interface CameraGuideDeps {
  sessions: SessionManager;
  events: { append(e: { sessionId: string | null; deviceId: string; kind: EventKind; actor: string; detail?: Record<string, unknown> }): Promise<unknown> };
  audit: { append(e: CameraAuditEntry): Promise<unknown> } | null;
  log: Logger;
  /** Who else watches a session (monitors, guests): they are told what the picture shows. */
  viewersOf?: (sessionId: string) => readonly { sendCtl(msg: CtlFromRelay): void }[];
}

interface Guide {
  /** What the customer's picture shows now. */
  shown: ShownSource;
  /** The agent's open ask. */
  ask: VideoSource | null;
  /** What the customer last said yes to (the session's own consent was to the screen). */
  granted: VideoSource;
}

type Party = AgentParty | CustomerParty;

export class CameraGuide {
  private readonly guides = new Map<string, Guide>();

  constructor(private readonly d: CameraGuideDeps) {
    d.sessions.onSessionEvent((e) => {
      if (e.type === 'ended') this.guides.delete(e.session.id);
      // The new agent sees the picture as it is (an open ask stays open: the customer answers whoever has the session).
      else if (e.type === 'agent-changed') this.tellSource(e.session, e.session.agent);
    });
  }

  handle(party: Party, msg: CameraCtl): void {
    const s = this.d.sessions.owned(party, msg.sessionId);
    if (s.state !== 'active') throw new ProtocolError('not-found', 'that session is not running');
    if (s.mode !== 'screen') throw new ProtocolError('not-allowed', `${msg.type}: this is a voice-only session, without a picture`);
    const g = this.guideOf(s.id);
    if (s.agent === party) this.fromAgent(s, g, msg);
    else this.fromCustomer(s, g, msg);
  }

  /** Whether the session's picture is the customer's screen (remote input is refused otherwise). */
  isScreenShown(sessionId: string): boolean {
    return (this.guides.get(sessionId)?.shown ?? 'screen') === 'screen';
  }

  /** Throws `not-allowed` when the session's picture is not the screen. */
  checkInput(sessionId: string): void {
    if (!this.isScreenShown(sessionId)) throw new ProtocolError('not-allowed', 'input: the picture is not the customer\'s screen');
  }

  /** An agent's ctl channel opened (a reload, a resumed link): it is told what its sessions' pictures show. */
  agentCtlOpened(agent: AgentParty): void {
    for (const s of this.d.sessions.sessionsOf(agent)) if (s.state === 'active') this.tellSource(s, agent);
  }

  private fromAgent(s: ActiveSession, g: Guide, msg: CameraCtl): void {
    if (msg.type !== 'camera-request') throw new ProtocolError('forbidden', `an agent may not send ${msg.type}`);
    if (g.shown === msg.source) throw new ProtocolError('conflict', `the picture already shows the ${msg.source}`);
    g.ask = msg.source;
    s.customer.sendCtl(msg);
    this.record(s, 'camera-requested', agentActor(s.agent.agent), { source: msg.source });
    this.audit(s, { actorId: s.agent.agent.id, action: 'camera-requested', detail: { source: msg.source } });
  }

  private fromCustomer(s: ActiveSession, g: Guide, msg: CameraCtl): void {
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
        s.agent.sendCtl(msg);
        for (const v of this.d.viewersOf?.(s.id) ?? []) v.sendCtl(msg);
        this.record(s, 'camera-source', customerActor(s.deviceId), { source: msg.source });
        this.d.log.info('picture source changed', { sessionId: s.id, source: msg.source });
        return;
      }
    }
  }

  private guideOf(sessionId: string): Guide {
    let g = this.guides.get(sessionId);
    if (!g) {
      g = { shown: 'screen', ask: null, granted: 'screen' };
      this.guides.set(sessionId, g);
    }
    return g;
  }

  private tellSource(s: LiveSession, to: AgentParty): void {
    const g = this.guides.get(s.id);
    if (g && g.shown !== 'screen') to.sendCtl({ type: 'camera-source', sessionId: s.id, source: g.shown });
  }

  private record(s: ActiveSession, kind: EventKind, actor: string, detail: Record<string, unknown>): void {
    void this.d.events.append({ sessionId: s.id, deviceId: s.deviceId, kind, actor, detail }).catch((err: unknown) => this.d.log.error('could not log a camera event', { kind, err }));
  }

  private audit(s: ActiveSession, e: Omit<CameraAuditEntry, 'target'>): void {
    const entry: CameraAuditEntry = { ...e, target: { type: 'sessions', id: s.id, label: s.deviceId } };
    void this.d.audit?.append(entry).catch((err: unknown) => this.d.log.error('could not audit a camera ask', { action: e.action, err }));
  }
}
