/**
 * A real relay with an owner (Olivia) and two agents (ANN, BEN) for the desk's WebSocket
 * tests, and real clients (node-datachannel) that are closed together.
 */
import { Seat } from '@beacon/shared/api';
import { loginAgent, NdcClient } from '../../testing/NdcClient.ts';
import { TestApi } from '../../testing/TestApi.ts';
import { startTestRelay, type TestRelay } from '../../testing/testRelay.ts';

export type AgentLogin = 'ann' | 'ben';

export interface DeskRelay {
  t: TestRelay;
  owner: TestApi;
  ownerToken: string;
  tokens: Record<AgentLogin, string>;
  ids: Record<AgentLogin, number>;
  open(role: 'agent' | 'customer', token?: string, capabilities?: string[]): Promise<NdcClient>;
  /** Closes every client opened so far, and waits for the relay to hear it. */
  closeAll(): Promise<void>;
  close(): Promise<void>;
}

export async function startDeskRelay(o: { concurrencyLimit: number; offerTimeoutSec?: number }): Promise<DeskRelay> {
  const t = await startTestRelay();
  await t.relay.services.desk.updateSettings({ offerTimeoutSec: o.offerTimeoutSec ?? 5 });
  await t.relay.seedAccount({ login: 'olivia', password: 'owner passphrase', displayName: 'Olivia', role: 'owner' });
  const ownerToken = (await loginAgent(t.relay.url, 'olivia', 'owner passphrase')).token;
  const owner = new TestApi(t.relay.url).as(ownerToken);
  const tokens = {} as Record<AgentLogin, string>;
  const ids = {} as Record<AgentLogin, number>;
  for (const login of ['ann', 'ben'] as const) {
    const seat = await owner.ok('POST', '/api/seats', Seat, { login, displayName: login.toUpperCase(), password: `${login} password`, role: 'agent', groupIds: [], concurrencyLimit: o.concurrencyLimit }, 201);
    ids[login] = seat.id;
    tokens[login] = (await loginAgent(t.relay.url, login, `${login} password`)).token;
  }
  const clients: NdcClient[] = [];
  const closeAll = async () => {
    for (const c of clients.splice(0)) c.close();
    await new Promise((r) => setTimeout(r, 200));
  };
  return {
    t,
    owner,
    ownerToken,
    tokens,
    ids,
    open: async (role, token, capabilities) => {
      const c = await NdcClient.open({ relayUrl: t.relay.url, role, ...(token ? { token } : {}), ...(capabilities ? { capabilities } : {}) });
      clients.push(c);
      return c;
    },
    closeAll,
    close: async () => {
      await closeAll();
      await t.relay.close();
    },
  };
}
