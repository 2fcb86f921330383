/**
 * What the features share in which the session's agent asks and the customer answers each ask
 * in its own dialog (video guidance: media/CameraGuide.ts; the privacy curtain:
 * media/PrivacyCurtain.ts): a state per running session, dropped when the session ends; who
 * may ask (only the session's own agent: its monitors and guests are refused, anyone else is told
 * there is no such session); telling the agent and every viewer what changed, and a viewer who
 * joins or an agent who takes the session over what it is now; and writing each
 * ask, answer and change to the session's event log and the audit log without ever failing the
 * message that caused it (a log that cannot be written is logged, the feature goes on).
 */
import { ProtocolError } from '@beacon/shared/errors';
import type { AuditAction } from '@beacon/shared/api';
import type { CtlFromRelay } from '@beacon/shared/protocol';
import type { Logger } from '../platform/logger.ts';
import type { EventKind } from '../sessions/EventLog.ts';
import type { ActiveSession, AgentParty, CustomerParty, LiveSession } from '../sessions/Session.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import type { SessionsFeature } from '../sessions/createSessions.ts';

/** An audit log entry about a session (accounts/AuditLog.ts takes it). */
export interface SessionAuditEntry<A extends AuditAction = AuditAction> {
  actorId: number | null;
  action: A;
  target: { type: 'sessions'; id: string; label: string };
  detail: Record<string, unknown>;
}

export interface ConsentedFeatureDeps<A extends AuditAction = AuditAction> {
  sessions: SessionManager;
  events: { append(e: { sessionId: string | null; deviceId: string; kind: EventKind; actor: string; detail?: Record<string, unknown> }): Promise<unknown> };
  audit: { append(e: SessionAuditEntry<A>): Promise<unknown> } | null;
  log: Logger;
  /** Who else watches a session (monitors, guests): they are told what changed, and may not ask. */
  viewersOf?: (sessionId: string) => readonly { sendCtl(msg: CtlFromRelay): void }[];
  /** Subscribes to viewers joining a running session (a monitor, an invited guest, one back after a drop): each is told the state then. */
  onViewerJoined?: (listener: (sessionId: string, viewer: AgentParty) => void) => unknown;
}

export type Party = AgentParty | CustomerParty;

/** What a feature's `createX` is given: the sessions feature instead of its parts. */
export interface ConsentedFeatureWiring<A extends AuditAction> extends Pick<ConsentedFeatureDeps<A>, 'audit' | 'log' | 'viewersOf' | 'onViewerJoined'> {
  sessions: SessionsFeature;
}

/** The deps a ConsentedFeature is made with, from what the composition root has. */
export function consentedDeps<A extends AuditAction>(d: ConsentedFeatureWiring<A>): ConsentedFeatureDeps<A> {
  const { viewersOf, onViewerJoined } = d;
  return { sessions: d.sessions.manager, events: d.sessions.events, audit: d.audit, log: d.log, ...(viewersOf ? { viewersOf } : {}), ...(onViewerJoined ? { onViewerJoined } : {}) };
}

export abstract class ConsentedFeature<S, M extends { type: string; sessionId: string }, A extends AuditAction = AuditAction> {
  private readonly states = new Map<string, S>();

  constructor(
    protected readonly d: ConsentedFeatureDeps<A>,
    /** How log lines name the feature ("camera", "curtain"). */
    private readonly name: string,
  ) {
    d.sessions.onSessionEvent((e) => {
      if (e.type === 'ended') this.states.delete(e.session.id);
      // The new agent sees the state as it is (an open ask stays open: the customer answers whoever has the session).
      else if (e.type === 'agent-changed') this.tellState(e.session, e.session.agent);
    });
    // A viewer who joins sees the state as it is, not only from the next change on.
    d.onViewerJoined?.((sessionId, viewer) => {
      const s = d.sessions.get(sessionId);
      if (s?.state === 'active') this.tellState(s, viewer);
    });
  }

  /** One of the feature's messages from a session's agent or customer (throws ProtocolError for the caller to answer with). */
  handle(party: Party, msg: M): void {
    const s = this.runningSession(party, msg.sessionId, msg.type);
    const st = this.stateOf(s.id);
    if (s.agent === party) this.fromAgent(s, st, msg);
    else this.fromCustomer(s, st, msg);
  }

  /** An agent's ctl channel opened (a reload, a resumed link): it is told its running sessions' state. */
  agentCtlOpened(agent: AgentParty): void {
    for (const s of this.d.sessions.sessionsOf(agent)) if (s.state === 'active') this.tellState(s, agent);
  }

  protected abstract fromAgent(s: ActiveSession, state: S, msg: M): void;
  protected abstract fromCustomer(s: ActiveSession, state: S, msg: M): void;

  /** A fresh state for a session that has none yet. */
  protected abstract initial(): S;

  /** Tells `to` the session's state, if it is not the initial one. */
  protected abstract tellState(s: LiveSession, to: AgentParty): void;

  /**
   * The running screen session `party` may send `type` in: its agent's or its customer's.
   * A monitor or guest of it is refused (`forbidden`), anyone else told there is no such session.
   */
  protected runningSession(party: Party, sessionId: string, type: string): ActiveSession {
    if ((this.d.viewersOf?.(sessionId) ?? []).some((v) => v === party)) throw new ProtocolError('forbidden', `${type}: only the session's own agent may ask`);
    const s = this.d.sessions.owned(party, sessionId);
    if (s.state !== 'active') throw new ProtocolError('not-found', 'that session is not running');
    if (s.mode !== 'screen') throw new ProtocolError('not-allowed', `${type}: this is a voice-only session, without a picture`);
    return s;
  }

  protected stateOf(sessionId: string): S {
    let st = this.states.get(sessionId);
    if (!st) {
      st = this.initial();
      this.states.set(sessionId, st);
    }
    return st;
  }

  protected peekState(sessionId: string): S | undefined {
    return this.states.get(sessionId);
  }

  /** The session's agent and every viewer get `msg`. */
  protected tellAll(s: ActiveSession, msg: CtlFromRelay): void {
    s.agent.sendCtl(msg);
    for (const v of this.d.viewersOf?.(s.id) ?? []) v.sendCtl(msg);
  }

  protected record(s: ActiveSession, kind: EventKind, actor: string, detail: Record<string, unknown>): void {
    void this.d.events.append({ sessionId: s.id, deviceId: s.deviceId, kind, actor, detail }).catch((err: unknown) => this.d.log.error(`could not log a ${this.name} event`, { kind, err }));
  }

  protected audit(s: ActiveSession, e: Omit<SessionAuditEntry<A>, 'target'>): void {
    const entry: SessionAuditEntry<A> = { ...e, target: { type: 'sessions', id: s.id, label: s.deviceId } };
    void this.d.audit?.append(entry).catch((err: unknown) => this.d.log.error(`could not audit a ${this.name} ask`, { action: e.action, err }));
  }
}
