/**
 * Supervisors across relays (capability `desk-cluster`). On the supervisor's relay: a
 * `session-monitor`, `session-join` or `session-take-over` for a session another relay holds
 * (its live list says which, LiveElsewhere.ts) is answered with `supervise-redirect`, a ticket
 * signed for that relay and bound to the session and the action. On the holding relay: the
 * connection that ticket opened may act on that session only (the action, then leaving it,
 * passing control or taking it over); the action itself is performed and audited there, by
 * DeskMulti and DeskSupervision, as for a supervisor signed in there.
 */
import type { RelayToClient, SuperviseAction, SuperviseScope } from '@beacon/shared/protocol';
import type { Logger } from '../platform/logger.ts';
import type { AgentParty, CustomerParty } from '../sessions/Session.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import type { DeskMessage } from './DeskLink.ts';
import { isSupervisor } from './DeskSupervision.ts';
import type { LiveElsewhere } from './LiveElsewhere.ts';

/** What the connection a desk message arrived on knows of its sign-in. */
export interface SupervisingConnection {
  /** The SHA-256 of the agent's token (null: a customer). */
  tokenHash: string | null;
  /** Opened with a supervisor's ticket: the one session it may act on. */
  scope: SuperviseScope | null;
  /** Both sides listed `desk-cluster`. */
  speaksDeskCluster: boolean;
}

/** This relay's cluster (cluster/Cluster.ts): where relay `relayId` is, and a ticket it accepts; null if that relay is gone. */
export interface SupervisionTickets {
  redirect(relayId: string, deviceId: string, tokenHash: string, supervise: SuperviseScope): Promise<{ url: string; ticket: string; expiresAt: number } | null>;
}

export interface SupervisionRouteDeps {
  cluster: SupervisionTickets;
  sessions: Pick<SessionManager, 'get'>;
  elsewhere: Pick<LiveElsewhere, 'holderOf'>;
  log: Logger;
}

const ACTIONS: ReadonlySet<string> = new Set<SuperviseAction>(['session-monitor', 'session-join', 'session-take-over']);
/** What a ticketed connection may send about its session besides the action it was issued for. */
const FOLLOW_UPS: ReadonlySet<string> = new Set<DeskMessage['type']>(['session-leave', 'control-pass', 'session-take-over']);

function isAction(msg: DeskMessage): msg is Extract<DeskMessage, { type: SuperviseAction }> {
  return ACTIONS.has(msg.type);
}

export class SupervisionRoute {
  constructor(private readonly d: SupervisionRouteDeps) {}

  /** The answer to send instead of handling `msg` here (a redirect, or a refusal on a ticketed connection); null: handle it here. */
  async route(party: AgentParty | CustomerParty, msg: DeskMessage, c: SupervisingConnection): Promise<RelayToClient | null> {
    if (c.scope) return this.withinScope(msg, c.scope);
    if (!('agent' in party) || !isAction(msg) || !c.speaksDeskCluster || c.tokenHash === null) return null;
    // Held here, or by no relay known: answered here (as on one relay). Not a supervisor: refused here.
    if (this.d.sessions.get(msg.sessionId) || !isSupervisor(party)) return null;
    const holder = this.d.elsewhere.holderOf(msg.sessionId);
    const supervise = { sessionId: msg.sessionId, action: msg.type };
    const to = holder ? await this.d.cluster.redirect(holder.relayId, holder.deviceId, c.tokenHash, supervise) : null;
    if (!holder || !to) return null;
    this.d.log.info('supervisor sent to the relay that holds the session', { agentId: party.agent.id, sessionId: msg.sessionId, action: msg.type, relayId: holder.relayId });
    return { type: 'supervise-redirect', requestId: msg.requestId, ...supervise, ...to };
  }

  private withinScope(msg: DeskMessage, scope: SuperviseScope): RelayToClient | null {
    const isAllowed = 'sessionId' in msg && msg.sessionId === scope.sessionId && (msg.type === scope.action || FOLLOW_UPS.has(msg.type));
    if (isAllowed) return null;
    const message = `this connection was opened with a supervisor's ticket for session ${scope.sessionId}`;
    return { type: 'error', code: 'forbidden', message, ...('requestId' in msg ? { requestId: msg.requestId } : {}) };
  }
}
