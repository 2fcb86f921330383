/**
 * What a client connection asks of the cluster: whether an agent's `connect-request` belongs
 * to another relay (then it is answered with `relay-redirect`, or an error for a client that
 * does not speak `relay-cluster`), and who an agent presenting a ticket is.
 */
import type { ConnectRequest } from '../sessions/SessionManager.ts';
import type { DeviceRegistry } from '../sessions/DeviceRegistry.ts';
import type { AgentAuth, TokenGrant } from '../accounts/AgentAuth.ts';
import type { RelayToClient, ResumeClaim, Role, SuperviseScope, TakeScope } from '@beacon/shared/protocol';
import type { Cluster } from './Cluster.ts';
import type { SessionFailover } from './SessionFailover.ts';
import { TICKET_LIFETIME_MS } from './RelayTicket.ts';

export interface ClusterLink {
  /** The answer to a connect-request for a device another relay holds; null when it is this relay's to handle. */
  routeConnect(req: ConnectRequest, tokenHash: string, speaksCluster: boolean): Promise<RelayToClient | null>;
  /** The sign-in behind a ticket signed for this relay and not used before, with the one device it may ask for; or null. */
  grantOf(ticket: string): Promise<TicketGrant | null>;
  /** `hello.resume` claims for sessions this relay does not run: taken over if their relay died, or the `resume-redirect` to send (SessionFailover.ts). */
  takeOver(role: Role, claims: readonly ResumeClaim[], grant: TokenGrant | null, speaksFailover: boolean): Promise<RelayToClient | null>;
}

/** `supervise`: a supervisor's ticket for one session (desk/SupervisionRoute.ts); `take`: for taking one help request (desk/CrossRelayOffers.ts). */
export type TicketGrant = TokenGrant & { deviceId: string; supervise?: SuperviseScope; take?: TakeScope };

export function clusterLink(cluster: Cluster, registry: DeviceRegistry, auth: AgentAuth, failover: SessionFailover): ClusterLink {
  // Counted where every relay sees it: a ticket opens one connection, once, on whichever relay it is shown.
  const used = cluster.state.limiter('relay-ticket-used', { max: 1, windowMs: TICKET_LIFETIME_MS });
  return {
    takeOver: (role, claims, grant, speaksFailover) => failover.takeOver(role, claims, grant, speaksFailover),
    async routeConnect(req, tokenHash, speaksCluster) {
      const owner = await registry.owner(req.deviceId);
      if (owner === null || owner === cluster.id.relayId) return null;
      const to = await cluster.redirect(owner, req.deviceId, tokenHash);
      // The relay holding it is gone: this relay answers (unknown-device), counted as a miss.
      if (!to) return null;
      if (!speaksCluster) return { type: 'error', code: 'unknown-device', message: `the device is connected to another relay (${to.url}); this app cannot follow it there`, requestId: req.requestId };
      return { type: 'relay-redirect', requestId: req.requestId, deviceId: req.deviceId, ...to };
    },
    async grantOf(ticket) {
      const t = cluster.acceptTicket(ticket);
      if (!t || (await used.record(ticket.slice(ticket.indexOf('.') + 1))) > 1) return null;
      const grant = await auth.verifyTokenHash(t.tokenHash);
      return grant ? { ...grant, deviceId: t.deviceId, ...(t.supervise ? { supervise: t.supervise } : {}), ...(t.take ? { take: t.take } : {}) } : null;
    },
  };
}
