/**
 * Two relays of one cluster (one PostgreSQL database, one Redis): an agent signed in on B who
 * asks for a device held by A is sent to A with a ticket, and A takes the ticket for a sign-in;
 * forged, expired and foreign tickets are refused; a token revoked on B signs the agent out on A.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { KNOWN_CAPABILITIES, PROTOCOL_VERSION } from '@beacon/shared/version';
import type { RelayToClient } from '@beacon/shared/protocol';
import { RawSocket } from '../testing/RawSocket.ts';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../testing/testDatabase.ts';
import { testRedisUrl } from '../testing/testSharedState.ts';
import { loginAgent } from '../testing/NdcClient.ts';
import { startTestRelay, TEST_ORG_NAME, type TestRelay } from '../testing/testRelay.ts';
import { signTicket } from './RelayTicket.ts';

const SECRET = randomBytes(32).toString('hex');

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; !(await check()); ) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
/** Without the desk: its queue messages would come between the ones these tests read. */
const CAPS = KNOWN_CAPABILITIES.filter((c) => !c.startsWith('desk'));

function hello(s: RawSocket, role: 'agent' | 'customer', auth: { token?: string; ticket?: string } = {}, capabilities: readonly string[] = CAPS): void {
  s.json({ type: 'hello', v: PROTOCOL_VERSION, role, capabilities, ...auth });
}

function of<T extends RelayToClient['type']>(m: RelayToClient, type: T): Extract<RelayToClient, { type: T }> {
  assert.equal(m.type, type, JSON.stringify(m));
  return m as Extract<RelayToClient, { type: T }>;
}

const permissions = { view: true, control: true } as const;

describe('two relays of a cluster', () => {
  let db: TestPostgresDatabase;
  let a: TestRelay;
  let b: TestRelay;
  const sockets: RawSocket[] = [];
  const open = async (t: TestRelay) => {
    const s = await RawSocket.open(t.relay.url);
    sockets.push(s);
    return s;
  };
  /** A customer connected to `t`, and its welcome. */
  const customerOn = async (t: TestRelay) => {
    const customer = await open(t);
    hello(customer, 'customer');
    const welcome = of(await customer.nth(1), 'welcome');
    if (welcome.role !== 'customer') throw new Error('customer welcome expected');
    return { customer, welcome };
  };
  before(async () => {
    db = await createTestPostgresDatabase();
    const cluster = { redisUrl: await testRedisUrl(), secret: SECRET, keyPrefix: `test:${randomBytes(6).toString('hex')}:` };
    a = await startTestRelay({ databaseUrl: db.url, cluster: { ...cluster, relayId: 'relay-a' } });
    b = await startTestRelay({ databaseUrl: db.url, cluster: { ...cluster, relayId: 'relay-b' } });
  });
  after(async () => {
    for (const s of sockets) s.close();
    await b?.relay.close();
    await a?.relay.close();
    await db?.drop();
  });

  test('an agent on B is sent to A for A\'s device, and A takes the ticket for its sign-in', async () => {
    const customer = await open(a);
    hello(customer, 'customer');
    const welcome = of(await customer.nth(1), 'welcome');
    assert.equal(welcome.role, 'customer');
    if (welcome.role !== 'customer') return;
    const agentB = await open(b);
    hello(agentB, 'agent', { token: await b.token() });
    of(await agentB.nth(1), 'welcome');
    agentB.json({ type: 'connect-request', requestId: 'r1', deviceId: welcome.deviceId, code: welcome.code, permissions });
    const redirect = of(await agentB.nth(2), 'relay-redirect');
    assert.equal(redirect.url, a.relay.url);
    assert.equal(redirect.requestId, 'r1');
    assert.equal(b.relay.stats().sessions.length, 0, 'B opened nothing');
    const agentA = await open(a);
    hello(agentA, 'agent', { ticket: redirect.ticket });
    const w = of(await agentA.nth(1), 'welcome');
    assert.equal(w.role === 'agent' && w.agent.login, 'alice');
    agentA.json({ type: 'connect-request', requestId: 'r2', deviceId: welcome.deviceId, code: welcome.code, permissions });
    of(await agentA.nth(2), 'session-pending');
    of(await customer.nth(2), 'code-update'); // the code is spent
    of(await customer.nth(3), 'consent-request');
  });

  test('a ticket opens one connection, once, and that connection asks for its device only and has no desk', async () => {
    const { customer, welcome } = await customerOn(a);
    const agentB = await open(b);
    hello(agentB, 'agent', { token: await b.token() });
    await agentB.nth(1);
    agentB.json({ type: 'connect-request', requestId: 'once', deviceId: welcome.deviceId, code: welcome.code, permissions });
    const { ticket } = of(await agentB.nth(2), 'relay-redirect');
    const first = await open(a);
    hello(first, 'agent', { ticket }, KNOWN_CAPABILITIES);
    of(await first.nth(1), 'welcome');
    const again = await open(a);
    hello(again, 'agent', { ticket });
    assert.equal(of(await again.nth(1), 'error').code, 'unauthorized', 'a used ticket is refused');
    first.json({ type: 'connect-request', requestId: 'other', deviceId: '123456789', code: 'ABCDEF', permissions });
    const refused = of(await first.nth(2), 'error');
    assert.equal(refused.code, 'forbidden', 'not the device of the ticket');
    assert.equal(refused.requestId, 'other');
  });

  test('a client without relay-cluster is told the device is elsewhere; forged, foreign and expired tickets are refused', async () => {
    const { customer, welcome } = await customerOn(a);
    const old = await open(b);
    hello(old, 'agent', { token: await b.token() }, CAPS.filter((c) => c !== 'relay-cluster'));
    await old.nth(1);
    old.json({ type: 'connect-request', requestId: 'r3', deviceId: welcome.deviceId, code: welcome.code, permissions });
    const refused = of(await old.nth(2), 'error');
    assert.equal(refused.code, 'unknown-device');
    const tokenHash = 'a'.repeat(64);
    const bad = [
      signTicket('another secret', { relay: 'relay-a', deviceId: welcome.deviceId, tokenHash, expiresAt: Date.now() + 30_000 }),
      signTicket(SECRET, { relay: 'relay-b', deviceId: welcome.deviceId, tokenHash, expiresAt: Date.now() + 30_000 }),
      signTicket(SECRET, { relay: 'relay-a', deviceId: welcome.deviceId, tokenHash, expiresAt: Date.now() - 1 }),
    ];
    for (const ticket of bad) {
      const s = await open(a);
      hello(s, 'agent', { ticket });
      assert.equal(of(await s.nth(1), 'error').code, 'unauthorized');
    }
  });

  test('the seats view on A shows an agent whose console is on B as online, until it closes', async () => {
    await a.relay.seedAccount({ login: 'boss', password: 'boss password 1', displayName: 'Boss', role: 'admin', orgName: TEST_ORG_NAME });
    const { token } = await loginAgent(a.relay.url, 'boss', 'boss password 1');
    const online = async () => {
      const res = await fetch(new URL('/api/seats', a.relay.url), { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { seats: { login: string; isOnline: boolean }[] };
      return body.seats.find((s) => s.login === 'alice')?.isOnline;
    };
    for (const s of sockets.splice(0)) s.close(); // the earlier tests' consoles
    await waitUntil(async () => (await online()) === false);
    const agentB = await open(b);
    hello(agentB, 'agent', { token: await b.token() });
    await agentB.nth(1);
    await waitUntil(async () => (await online()) === true);
    agentB.close();
    await waitUntil(async () => (await online()) === false);
  });

  test('a token revoked on B signs out the agent that followed a ticket to A', async () => {
    const { customer, welcome } = await customerOn(a);
    const token = await b.token();
    const agentB = await open(b);
    hello(agentB, 'agent', { token });
    await agentB.nth(1);
    agentB.json({ type: 'connect-request', requestId: 'r4', deviceId: welcome.deviceId, code: welcome.code, permissions });
    const redirect = of(await agentB.nth(2), 'relay-redirect');
    const agentA = await open(a);
    hello(agentA, 'agent', { ticket: redirect.ticket });
    await agentA.nth(1);
    const res = await fetch(new URL('/api/logout', b.relay.url), { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    assert.ok(res.ok, `logout answered ${res.status}`);
    of(await agentA.nth(2), 'signed-out');
  });
});

describe('sign-in limits of two relays on one Redis', () => {
  test('wrong passwords on A and B add up: the pair is refused on both after 5', async () => {
    const db = await createTestPostgresDatabase();
    const cluster = { redisUrl: await testRedisUrl(), secret: SECRET, keyPrefix: `test:${randomBytes(6).toString('hex')}:` };
    const a = await startTestRelay({ databaseUrl: db.url, cluster: { ...cluster, relayId: 'relay-a' } });
    const b = await startTestRelay({ databaseUrl: db.url, cluster: { ...cluster, relayId: 'relay-b' } });
    const attempt = (t: TestRelay, password: string) =>
      fetch(new URL('/api/login', t.relay.url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: 'alice', password }) }).then((r) => r.status);
    try {
      for (const t of [a, a, a, b, b]) assert.equal(await attempt(t, 'wrong password'), 401);
      assert.equal(await attempt(a, 'still wrong'), 429);
      assert.equal(await attempt(b, 'still wrong'), 429);
    } finally {
      await b.relay.close();
      await a.relay.close();
      await db.drop();
    }
  });
});
