/**
 * A relay of a test cluster: the real relay process on a shared PostgreSQL and Redis, with its own
 * id and a public URL known before it starts (its own address: where agents are sent).
 */
import { freeTcpPort } from './freeTcpPort.ts';
import { startRelay, type RelayProcess } from './Relay.ts';

export interface ClusterStores {
  databaseUrl: string;
  redisUrl: string;
  /** BEACON_CLUSTER_SECRET, the same for every relay. */
  secret: string;
}

/** Relay `relay-<id>`; start the relays of one cluster one after the other (the first creates the schema). */
export async function startClusterRelay(id: string, stores: ClusterStores, env: Record<string, string> = {}): Promise<RelayProcess> {
  const port = await freeTcpPort();
  return startRelay({
    PORT: String(port),
    BEACON_DATABASE_URL: stores.databaseUrl,
    BEACON_REDIS_URL: stores.redisUrl,
    BEACON_RELAY_ID: `relay-${id}`,
    BEACON_PUBLIC_URL: `http://127.0.0.1:${port}`,
    BEACON_CLUSTER_SECRET: stores.secret,
    ...env,
  });
}
