/**
 * Several relays as one: the shared state (Redis when BEACON_REDIS_URL is set, this process's
 * memory otherwise) and, in a cluster, this relay's Cluster and the link its client
 * connections use. Events relays publish to each other are handled here.
 */
import type { DeskOfferEvent } from '@beacon/shared/protocol';
import type { AgentAuth } from '../accounts/AgentAuth.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { MemoryState } from '../platform/shared/MemoryState.ts';
import { RedisState } from '../platform/shared/RedisState.ts';
import type { SharedState } from '../platform/shared/SharedState.ts';
import type { DeviceRegistry } from '../sessions/DeviceRegistry.ts';
import { SessionFailover, type FailoverSessions } from './SessionFailover.ts';
import { Cluster } from './Cluster.ts';
import { clusterLink, type ClusterLink } from './ClusterLink.ts';

export interface ClusterOptions {
  /** BEACON_REDIS_URL. */
  redisUrl: string;
  /** BEACON_RELAY_ID. */
  relayId: string;
  /** BEACON_PUBLIC_URL; absent (tests): the relay's own URL. */
  publicUrl?: string;
  /** BEACON_CLUSTER_SECRET. */
  secret: string;
  /** Put before every Redis key (tests give each cluster its own). */
  keyPrefix?: string;
}

export interface SharedFeature {
  readonly state: SharedState;
  /** This relay's id ('local' on its own). */
  readonly relayId: string;
  /** Null on a relay of its own. */
  readonly cluster: Cluster | null;
  readonly publicUrl?: string;
}

export async function openShared(o: ClusterOptions | undefined, log: Logger, now: Clock): Promise<SharedFeature> {
  if (!o) return { state: new MemoryState(now), relayId: 'local', cluster: null };
  const state = await RedisState.open(o.redisUrl, { now, prefix: o.keyPrefix, onError: (err) => log.error('redis error', { err }) });
  const cluster = new Cluster({ relayId: o.relayId, secret: o.secret }, state, log, now);
  return { state, relayId: o.relayId, cluster, ...(o.publicUrl ? { publicUrl: o.publicUrl } : {}) };
}

/** The link client connections use (undefined on a relay of its own); revocations here are told to the others. */
export function clusterLinkOf(shared: SharedFeature, d: { registry: DeviceRegistry; auth: AgentAuth; sessions: FailoverSessions; log: Logger; now: Clock }): ClusterLink | undefined {
  const { cluster } = shared;
  if (!cluster) return undefined;
  d.auth.revoked = (tokenHash, reason) => cluster.publish({ type: 'token-revoked', tokenHash, reason, from: cluster.id.relayId });
  const failover = new SessionFailover({ cluster, state: shared.state, sessions: d.sessions, registry: d.registry, log: d.log, now: d.now });
  return clusterLink(cluster, d.registry, d.auth, failover);
}

/** Once the relay listens: it announces itself (at BEACON_PUBLIC_URL, or `ownUrl`) and hears the others. */
export async function joinCluster(shared: SharedFeature, ownUrl: string, log: Logger, auth: AgentAuth, onDeskOffer: (e: DeskOfferEvent) => void = () => undefined): Promise<void> {
  const { cluster } = shared;
  if (!cluster) return;
  const publicUrl = shared.publicUrl ?? ownUrl;
  await cluster.start(publicUrl, (e) => {
    if (e.type === 'token-revoked') auth.signOutConnections(e.tokenHash, e.reason);
    else onDeskOffer(e);
  });
  log.info('relay joined its cluster', { relayId: cluster.id.relayId, publicUrl });
}

export async function closeShared(shared: SharedFeature): Promise<void> {
  await shared.cluster?.close();
  await shared.state.close();
}
