/**
 * Seats for load: the relay limits how many sessions one seat may hold at once (at most
 * 50), so benchmarks that need more sign in as the owner and use the real seat API to raise
 * limits or make more seats. Run the relay with `BEACON_AGENT_ROLE=owner` for this.
 */
import { Seat } from '@beacon/shared/api';
import { parseJson } from '@beacon/shared/parse';
import { loginAgent } from '../../relay-server/src/testing/NdcClient.ts';
import { AGENT } from '../harness/Relay.ts';

/** The relay environment that makes the harness's agent account the owner. */
export const OWNER_ENV = { BEACON_AGENT_ROLE: 'owner' } as const;
export const MAX_SEAT_SESSIONS = 50;
const SEAT_PASSWORD = 'bench load seat pw';

async function api(relayUrl: string, token: string, method: string, path: string, body: unknown): Promise<Seat> {
  const res = await fetch(new URL(path, relayUrl), {
    method,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  const r = parseJson(Seat, text, `${method} ${path}`);
  if (!r.ok) throw r.error;
  return r.value;
}

/** Signs in as the harness's owner and lets that seat hold `limit` sessions. */
export async function ownerTokenWithLimit(relayUrl: string, limit: number): Promise<string> {
  const owner = await loginAgent(relayUrl, AGENT.login, AGENT.password);
  await api(relayUrl, owner.token, 'PATCH', `/api/seats/${owner.agent.id}`, { concurrencyLimit: limit });
  return owner.token;
}

/** Creates a fresh agent seat that may hold `limit` sessions, and returns its token. */
export async function newSeatToken(relayUrl: string, ownerToken: string, login: string, limit: number): Promise<string> {
  await api(relayUrl, ownerToken, 'POST', '/api/seats', { login, displayName: login, password: SEAT_PASSWORD, role: 'agent', concurrencyLimit: limit });
  return (await loginAgent(relayUrl, login, SEAT_PASSWORD)).token;
}
