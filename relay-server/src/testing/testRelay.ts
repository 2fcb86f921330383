/**
 * Starts a real relay in-process for tests and benchmarks: any free port on loopback, an
 * in-memory database, a captured log, and one agent account.
 */
import { MemoryLogger } from '../log.ts';
import { startRelay, type RelayHandle, type RelayOptions } from '../RelayServer.ts';
import { loginAgent } from './NdcClient.ts';

export const TEST_AGENT = { login: 'alice', password: 'correct horse battery', displayName: 'Alice Chen' } as const;

export interface TestRelay {
  relay: RelayHandle;
  log: MemoryLogger;
  /** Signs in another time and returns a fresh token for TEST_AGENT. */
  token(): Promise<string>;
}

export async function startTestRelay(options: RelayOptions = {}): Promise<TestRelay> {
  const log = new MemoryLogger();
  const relay = await startRelay({ port: 0, host: '127.0.0.1', dbFile: ':memory:', logger: log, ...options });
  await relay.auth.upsertAgent(TEST_AGENT.login, TEST_AGENT.password, TEST_AGENT.displayName);
  return {
    relay,
    log,
    token: async () => (await loginAgent(relay.url, TEST_AGENT.login, TEST_AGENT.password)).token,
  };
}
