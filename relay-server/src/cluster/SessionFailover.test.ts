/**
 * SessionFailover on its own (what only the clusterFailover e2e covered): three relays' session
 * managers on one database and one shared state (memory, with a clock the test moves). Relay A
 * runs a session and renews its holder entry; while it does, another relay sends the claim to
 * A (`resume-redirect`) and takes nothing. Once A stops renewing (it "died") and its entry ran
 * out, a right claim is taken over by exactly one of two relays claiming together, with the
 * same stream; a wrong secret or another seat takes nothing. A claim after the grace ends the
 * session `network-lost` on the relay that took it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { RelayToClient } from '@beacon/shared/protocol';
import type { TokenGrant } from '../accounts/AgentAuth.ts';
import type { Database } from '../platform/Database.ts';
import { MemoryLogger } from '../platform/logger.ts';
import { MemoryState } from '../platform/shared/MemoryState.ts';
import { openTestDatabase } from '../testing/testDatabase.ts';
import { DeviceRegistry } from '../sessions/DeviceRegistry.ts';
import { EventLog } from '../sessions/EventLog.ts';
import type { AgentParty, CustomerParty, SessionEvent } from '../sessions/Session.ts';
import { SessionManager } from '../sessions/SessionManager.ts';
import { SessionStore } from '../sessions/SessionStore.ts';
import { Cluster } from './Cluster.ts';
import { HOLD_TTL_MS, SessionFailover } from './SessionFailover.ts';

const GRACE_MS = 60_000;
const ALICE = { id: 1, login: 'alice', displayName: 'Alice', role: 'agent' } as const;

interface Relay {
  id: string;
  cluster: Cluster;
  registry: DeviceRegistry;
  manager: SessionManager;
  failover: SessionFailover;
  heard: SessionEvent[];
}

function fakeParty(connId: string): Omit<AgentParty, 'agent'> & { sent: RelayToClient[] } {
  const sent: RelayToClient[] = [];
  return {
    connId,
    address: '127.0.0.1',
    sent,
    send: (m) => void sent.push(m),
    sendCtl: () => true,
    mediaSink: { isOpen: () => false, bufferedAmount: () => 0, send: () => false },
    channels: () => ({ ctl: true, media: true }),
    maxCtlBytes: () => 256 * 1024,
    speaksResume: () => true,
    isAttached: () => true,
  };
}

const grantOf = (agent: TokenGrant['agent']): TokenGrant => ({ agent, tokenHash: 'h'.repeat(64), expiresAt: Date.now() + 3_600_000 }) as TokenGrant;

let clock: { t: number };
let db: Database;
let state: MemoryState;
let relays: Record<'a' | 'b' | 'c', Relay>;

async function relay(id: string): Promise<Relay> {
  const log = new MemoryLogger();
  const now = () => clock.t;
  const registry = new DeviceRegistry(db, log, { now, state, relayId: id });
  const manager = new SessionManager(registry, new SessionStore(db, log), new EventLog(db, log), log, { now, resumeGraceMs: GRACE_MS });
  const cluster = new Cluster({ relayId: id, secret: 'cluster secret' }, state, log, now);
  await state.put(`relay-url:${id}`, `http://${id}.test`, 3_600_000);
  const failover = new SessionFailover({ cluster, state, sessions: manager, registry: { adopt: async () => undefined }, log, now });
  const heard: SessionEvent[] = [];
  manager.onSessionEvent((e) => heard.push(e));
  return { id, cluster, registry, manager, failover, heard };
}

/** A session running on A, and each side's resume secret. */
async function sessionOnA(): Promise<{ sessionId: string; streamId: number; secrets: Record<'agent' | 'customer', string> }> {
  const device = await relays.a.registry.register('127.0.0.1');
  const agent: AgentParty & { sent: RelayToClient[] } = { ...fakeParty('agent-conn'), agent: ALICE };
  const customer: CustomerParty & { sent: RelayToClient[] } = { ...fakeParty('customer-conn'), deviceId: device.deviceId };
  const { manager } = relays.a;
  manager.addCustomer(customer);
  await manager.connectRequest(agent, { type: 'connect-request', requestId: 'r1', deviceId: device.deviceId, code: device.code, permissions: { view: true, control: true } });
  const pending = agent.sent.find((m) => m.type === 'session-pending');
  assert.ok(pending?.type === 'session-pending', JSON.stringify(agent.sent));
  manager.consentReply(customer, pending.sessionId, true);
  const secretOf = (p: { sent: RelayToClient[] }) => {
    const started = p.sent.find((m) => m.type === 'session-started');
    assert.ok(started?.type === 'session-started' && started.resumeSecret);
    return started.resumeSecret;
  };
  const s = manager.get(pending.sessionId);
  assert.ok(s?.state === 'active');
  return { sessionId: s.id, streamId: s.streamId, secrets: { agent: secretOf(agent), customer: secretOf(customer) } };
}

const holderOf = (sessionId: string) => state.get(`session-holder:${sessionId}`);
const aliveAtOf = async (sessionId: string) => (JSON.parse((await state.get(`session-record:${sessionId}`)) ?? '{}') as { aliveAt?: number }).aliveAt;
/** Relay A dies: it renews nothing from now on (its renewer stops, as a killed process's would). */
const killA = () => relays.a.cluster.close();

describe('SessionFailover', () => {
  beforeEach(async () => {
    clock = { t: 10_000_000 };
    db = await openTestDatabase();
    await db.run("INSERT INTO agents (id, login, display_name, password_hash, created_at, role, concurrency_limit) VALUES (1, 'alice', 'Alice', 'x', 0, 'agent', 5)");
    await db.run("INSERT INTO agents (id, login, display_name, password_hash, created_at, role, concurrency_limit) VALUES (2, 'bob', 'Bob', 'x', 0, 'agent', 5)");
    state = new MemoryState(() => clock.t);
    relays = { a: await relay('relay-a'), b: await relay('relay-b'), c: await relay('relay-c') };
  });
  afterEach(async () => {
    for (const r of Object.values(relays)) await r.cluster.close();
    await db.close();
  });

  test('the holder renews its entry; while it does, another relay sends the claim there and takes nothing', async () => {
    const { sessionId, secrets } = await sessionOnA();
    assert.equal(await holderOf(sessionId), 'relay-a');
    const startedAt = clock.t;
    clock.t += HOLD_TTL_MS - 2000;
    // The renewal runs on the relay's own timer (every 3 s): the record then says A was alive now.
    for (let i = 0; i < 100 && (await aliveAtOf(sessionId)) !== clock.t; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await aliveAtOf(sessionId), clock.t, 'A renewed its record');
    clock.t = startedAt + HOLD_TTL_MS + 5000; // past the first entry's time: only a renewal keeps it
    assert.equal(await holderOf(sessionId), 'relay-a', 'A still holds the session');
    const redirect = await relays.b.failover.takeOver('customer', [{ sessionId, secret: secrets.customer }], null, true);
    assert.equal(redirect?.type, 'resume-redirect');
    assert.ok(redirect?.type === 'resume-redirect' && redirect.url === 'http://relay-a.test' && redirect.ticket === undefined, 'a customer gets A\'s URL, no ticket');
    const forAgent = await relays.b.failover.takeOver('agent', [{ sessionId, secret: secrets.agent }], grantOf(ALICE), true);
    assert.ok(forAgent?.type === 'resume-redirect' && forAgent.ticket, 'an agent gets a ticket for A');
    assert.equal(await relays.b.failover.takeOver('customer', [{ sessionId, secret: secrets.customer }], null, false), null, 'a client without relay-failover is not redirected');
    assert.equal(relays.b.manager.get(sessionId), undefined, 'B took nothing');
  });

  test('after the holder died: a wrong secret or another seat takes nothing; one of two relays claiming together takes the session over', async () => {
    const { sessionId, streamId, secrets } = await sessionOnA();
    await killA();
    clock.t += HOLD_TTL_MS + 1;
    assert.equal(await holderOf(sessionId), null, 'A\'s entry ran out');
    assert.equal(await relays.b.failover.takeOver('customer', [{ sessionId, secret: randomBytes(32).toString('base64url') }], null, true), null);
    const bob = { ...ALICE, id: 2, login: 'bob', displayName: 'Bob' };
    assert.equal(await relays.b.failover.takeOver('agent', [{ sessionId, secret: secrets.agent }], grantOf(bob), true), null);
    assert.equal(relays.b.manager.get(sessionId), undefined, 'nothing taken over by a wrong claim');
    assert.equal(await holderOf(sessionId), null, 'nor claimed');

    const [onB, onC] = await Promise.all([
      relays.b.failover.takeOver('customer', [{ sessionId, secret: secrets.customer }], null, true),
      relays.c.failover.takeOver('agent', [{ sessionId, secret: secrets.agent }], grantOf(ALICE), true),
    ]);
    const winner = await holderOf(sessionId);
    assert.ok(winner === 'relay-b' || winner === 'relay-c', `one holder: ${winner}`);
    const [won, lost] = winner === 'relay-b' ? [relays.b, relays.c] : [relays.c, relays.b];
    const s = won.manager.get(sessionId);
    assert.ok(s?.state === 'active' && s.streamId === streamId, 'the winner runs the session, same stream');
    assert.equal(lost.manager.get(sessionId), undefined, 'the other took nothing');
    const answerOfLoser = winner === 'relay-b' ? onC : onB;
    assert.ok(answerOfLoser?.type === 'resume-redirect' && answerOfLoser.url === `http://${winner}.test`, 'the loser sends its client to the winner');
    assert.equal(winner === 'relay-b' ? onB : onC, null, 'the winner goes on with the ordinary resume');
    assert.ok(won.heard.some((e) => e.type === 'started' && e.isAdopted), 'features hear the take-over');
  });

  test('a claim after the grace ran out (counted from the dead relay\'s last renewal) ends the session network-lost', async () => {
    const { sessionId, secrets } = await sessionOnA();
    await killA();
    clock.t += GRACE_MS + 1;
    assert.equal(await relays.b.failover.takeOver('customer', [{ sessionId, secret: secrets.customer }], null, true), null);
    assert.equal(relays.b.manager.get(sessionId), undefined, 'the session is over');
    const ended = relays.b.heard.find((e) => e.type === 'ended');
    assert.ok(ended?.type === 'ended' && ended.session.id === sessionId && ended.session.ending === 'network-lost', JSON.stringify(ended?.session));
    assert.equal(await holderOf(sessionId), null, 'and its entries are gone');
  });
});
