/**
 * A real relay with an owner (Olivia) and two agents (ANN, BEN) for the desk's WebSocket
 * tests, and real clients (node-datachannel) that are closed together.
 */
import type { HelpRequestBody, ResumeClaim } from '@beacon/shared/protocol';
import { Seat } from '@beacon/shared/api';
import type { Clock } from '../../platform/clock.ts';
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
  open(role: 'agent' | 'customer', token?: string, capabilities?: string[], resume?: ResumeClaim[]): Promise<NdcClient>;
  /** Closes every client opened so far, and waits for the relay to hear it. */
  closeAll(): Promise<void>;
  close(): Promise<void>;
}

/** `now`: the relay's clock (default: the real one); `resumeGraceMs`: how long a dropped link is waited for. */
export async function startDeskRelay(o: { concurrencyLimit: number; offerTimeoutSec?: number; now?: Clock; resumeGraceMs?: number }): Promise<DeskRelay> {
  const t = await startTestRelay({ ...(o.now ? { now: o.now } : {}), ...(o.resumeGraceMs ? { resumeGraceMs: o.resumeGraceMs } : {}) });
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
    open: async (role, token, capabilities, resume) => {
      const c = await NdcClient.open({ relayUrl: t.relay.url, role, ...(token ? { token } : {}), ...(capabilities ? { capabilities } : {}), ...(resume ? { resume } : {}) });
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

/** `agent` takes a customer's request (the others at the desk are busy) and the customer consents; returns the running session. */
export async function serveRequest(agent: NdcClient, customer: NdcClient, help: HelpRequestBody, busy: NdcClient[] = []) {
  for (const b of busy) {
    await b.next('desk-status');
    b.send({ type: 'agent-availability', state: 'busy', concurrencyLimit: 1 });
    await b.next('desk-status', 5000, (m) => m.state === 'busy');
  }
  await agent.next('desk-status');
  agent.send({ type: 'agent-availability', state: 'available', concurrencyLimit: 1 });
  await agent.next('desk-status', 5000, (m) => m.state === 'available');
  customer.send({ type: 'help-request', requestId: 'h1', help });
  const { helpRequestId } = await customer.next('help-queued', 5000, (m) => m.requestId === 'h1');
  await agent.next('desk-offer', 5000, (m) => m.request.id === helpRequestId);
  agent.send({ type: 'offer-accept', requestId: 'take', helpRequestId, control: true });
  const ask = await customer.next('consent-request');
  customer.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
  const started = await agent.next('session-started', 5000, (m) => m.sessionId === ask.sessionId);
  await customer.next('session-started');
  return { helpRequestId, sessionId: ask.sessionId, streamId: started.streamId };
}
