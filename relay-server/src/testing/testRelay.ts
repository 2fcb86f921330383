/**
 * Starts a real relay in-process for tests and benchmarks: any free port on loopback, an
 * in-memory database, a captured log, and (unless `isSeeded: false`) an organisation with
 * one agent account.
 */
import { MemoryLogger } from '../platform/logger.ts';
import { startRelay, type RelayHandle, type RelayOptions } from '../RelayServer.ts';
import { loginAgent } from './NdcClient.ts';

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
  const relay = await startRelay({ port: 0, host: '127.0.0.1', dbFile: ':memory:', logger: log, ...relayOptions });
  if (isSeeded) await relay.seedAccount({ ...TEST_AGENT, orgName: TEST_ORG_NAME });
  return {
    relay,
    log,
    token: async () => (await loginAgent(relay.url, TEST_AGENT.login, TEST_AGENT.password)).token,
  };
}
