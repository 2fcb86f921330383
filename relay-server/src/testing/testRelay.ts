/**
 * Starts a real relay in-process for tests and benchmarks: any free port on loopback, an
 * in-memory database (with BEACON_TEST_DATABASE=postgres a fresh PostgreSQL database, unless
 * the test gives its own file or data folder; with BEACON_TEST_RECORDINGS=s3 recordings in a
 * throwaway bucket, S3Server.ts), a captured log, and (unless `isSeeded: false`)
 * an organisation with one agent account.
 */
import { MemoryLogger } from '../platform/logger.ts';
import { startRelay, type RelayHandle, type RelayOptions } from '../RelayServer.ts';
import { after, afterEach, before } from 'node:test';
import { cleanupNative } from '../platform/nativeHandles.ts';
import { loginAgent, NdcClient } from './NdcClient.ts';
import { createTestPostgresDatabase, isPostgresTest } from './testDatabase.ts';

/** BEACON_TEST_RECORDINGS=s3: recordings in a throwaway bucket (S3Server.ts, loaded only then). */
const isS3RecordingsTest = process.env['BEACON_TEST_RECORDINGS'] === 's3';

export const TEST_AGENT = { login: 'alice', password: 'correct horse battery', displayName: 'Alice Chen' } as const;

export interface TestRelay {
  relay: RelayHandle;
  log: MemoryLogger;
  /** Signs in another time and returns a fresh token for TEST_AGENT. */
  token(): Promise<string>;
}

export const TEST_ORG_NAME = 'Acme AV Support';

export async function startTestRelay(options: RelayOptions & { isSeeded?: boolean } = {}): Promise<TestRelay> {
  const log = new MemoryLogger();
  const { isSeeded = true, ...relayOptions } = options;
  const pg = isPostgresTest && !options.dbFile && !options.dataDir && !options.databaseUrl ? await createTestPostgresDatabase() : null;
  const s3 = isS3RecordingsTest && !options.recordingsS3 ? (await (await import('./S3Server.ts')).sharedS3Server()).settings() : null;
  const started = await startRelay({ port: 0, host: '127.0.0.1', dbFile: ':memory:', logger: log, ...(pg ? { databaseUrl: pg.url } : {}), ...(s3 ? { recordingsS3: s3 } : {}), ...relayOptions });
  const relay: RelayHandle = pg ? { ...started, close: () => started.close().then(() => pg.drop()) } : started;
  if (isSeeded) await relay.seedAccount({ ...TEST_AGENT, orgName: TEST_ORG_NAME });
  return {
    relay,
    log,
    token: async () => (await loginAgent(relay.url, TEST_AGENT.login, TEST_AGENT.password)).token,
  };
}

/** A test suite's relay and the node-datachannel clients its tests open. */
export interface RelaySuite {
  /** The running relay (started before the suite's first test). */
  readonly t: () => TestRelay;
  /**
   * Opens a client of `role` (agents signed in as TEST_AGENT) that says it speaks
   * `capabilities` (default: all this version knows); it is closed after the test that opened it.
   */
  open(role: 'agent' | 'customer', capabilities?: string[]): Promise<NdcClient>;
}

/**
 * Registers the hooks a relay test suite needs: one relay for the suite, each test's clients
 * closed after it (a seat's concurrency limit counts them), and everything stopped at the end.
 */
export function useRelaySuite(options: () => RelayOptions = () => ({}), cleanup: () => void = () => {}): RelaySuite {
  let t: TestRelay | null = null;
  const clients: NdcClient[] = [];
  before(async () => {
    t = await startTestRelay(options());
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await new Promise((r) => setTimeout(r, 100));
  });
  after(async () => {
    for (const c of clients.splice(0)) c.close();
    await t?.relay.close();
    await cleanupNative();
    cleanup();
  });
  const relay = (): TestRelay => {
    if (!t) throw new Error('the suite relay is not started yet');
    return t;
  };
  return {
    t: relay,
    async open(role, capabilities) {
      const c = await NdcClient.open({ relayUrl: relay().relay.url, role, ...(capabilities ? { capabilities } : {}), ...(role === 'agent' ? { token: await relay().token() } : {}) });
      clients.push(c);
      return c;
    },
  };
}
