/**
 * Two relays of a cluster on one throwaway PostgreSQL database and one Redis, with an owner
 * (Olivia) seeded on A, for the desk's tests across relays; closed with the clients a test opened.
 */
import { randomBytes } from 'node:crypto';
import { cleanupNative } from '../../platform/nativeHandles.ts';
import { loginAgent, type NdcClient } from '../../testing/NdcClient.ts';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../../testing/testDatabase.ts';
import { testRedisUrl } from '../../testing/testSharedState.ts';
import { startTestRelay, type TestRelay } from '../../testing/testRelay.ts';

export const OWNER = { login: 'olivia', password: 'owner passphrase', displayName: 'Olivia' } as const;

export interface TwoRelays {
  a: TestRelay;
  b: TestRelay;
  /** Olivia's sign-in token on A. */
  ownerToken: string;
  /** Closes `clients`, lets the relays hear them go (presence, the desk), then stops both relays and drops the database. */
  close(clients: readonly NdcClient[]): Promise<void>;
}

export async function startTwoRelays(): Promise<TwoRelays> {
  const db: TestPostgresDatabase = await createTestPostgresDatabase();
  const cluster = { redisUrl: await testRedisUrl(), secret: randomBytes(32).toString('hex'), keyPrefix: `test:${randomBytes(6).toString('hex')}:` };
  const a = await startTestRelay({ databaseUrl: db.url, cluster: { ...cluster, relayId: 'relay-a' } });
  const b = await startTestRelay({ databaseUrl: db.url, cluster: { ...cluster, relayId: 'relay-b' } });
  await a.relay.seedAccount({ ...OWNER, role: 'owner' });
  const ownerToken = (await loginAgent(a.relay.url, OWNER.login, OWNER.password)).token;
  return {
    a,
    b,
    ownerToken,
    close: async (clients) => {
      for (const c of clients) c.close();
      await new Promise((r) => setTimeout(r, 500));
      await b.relay.close();
      await a.relay.close();
      await db.drop();
      await cleanupNative();
    },
  };
}
