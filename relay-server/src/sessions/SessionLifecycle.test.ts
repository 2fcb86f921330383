/**
 * The session state machine on its own: SessionManager over an in-memory database with fake
 * parties (no sockets, no WebRTC). Every way in and out of each state, what each side is
 * told, what the row says, and the session events features hear, once each and in order.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { EndReason } from '@beacon/shared/errors';
import type { CtlFromRelay, RelayToClient } from '@beacon/shared/protocol';
import type { Database } from '../platform/Database.ts';
import { openTestDatabase } from '../testing/testDatabase.ts';
import { MemoryLogger } from '../platform/logger.ts';
import { DeviceRegistry } from './DeviceRegistry.ts';
import { EventLog } from './EventLog.ts';
import type { AgentParty, CustomerParty, SessionEvent } from './Session.ts';
import { SessionManager } from './SessionManager.ts';
import { SessionStore } from './SessionStore.ts';

const PERMISSIONS = { view: true, control: true } as const;

interface Fake {
  sent: RelayToClient[];
  ctl: CtlFromRelay[];
  /** Which data channels the fake client has open (both, unless a test says otherwise). */
  open: { ctl: boolean; media: boolean };
}

function fakeParty(connId: string): Fake & Omit<AgentParty, 'agent'> {
  const sent: RelayToClient[] = [];
  const ctl: CtlFromRelay[] = [];
  const open = { ctl: true, media: true };
  return {
    connId,
    address: '127.0.0.1',
    sent,
    ctl,
    open,
    send: (m) => void sent.push(m),
    sendCtl: (m) => ctl.push(m) > 0,
    mediaSink: { isOpen: () => false, bufferedAmount: () => 0, send: () => false },
    channels: () => ({ ...open }),
    maxCtlBytes: () => 256 * 1024,
    speaksResume: () => false,
    isAttached: () => true,
  };
}

let db: Database;
let store: SessionStore;
let manager: SessionManager;
let heard: SessionEvent[];
let agent: Fake & AgentParty;
let customer: Fake & CustomerParty;
let code: string;

async function setUp(consentTimeoutMs = 60_000, linkWaitMs = 60_000): Promise<void> {
  db = await openTestDatabase();
  const log = new MemoryLogger();
  await db.run("INSERT INTO agents (id, login, display_name, password_hash, created_at, role, concurrency_limit) VALUES (1, 'alice', 'Alice', 'x', 0, 'agent', 5)");
  const registry = new DeviceRegistry(db, log);
  store = new SessionStore(db, log);
  manager = new SessionManager(registry, store, new EventLog(db, log), log, { consentTimeoutMs, linkWaitMs });
  heard = [];
  manager.onSessionEvent((e) => heard.push(e));
  const device = await registry.register('127.0.0.1');
  code = device.code;
  agent = { ...fakeParty('agent-conn'), agent: { id: 1, login: 'alice', displayName: 'Alice', role: 'agent' } };
  customer = { ...fakeParty('customer-conn'), deviceId: device.deviceId };
  manager.addCustomer(customer);
}

/** Asks for a session and returns its ID once the customer has been asked. */
async function request(): Promise<string> {
  await manager.connectRequest(agent, { type: 'connect-request', requestId: 'r1', deviceId: customer.deviceId, code, permissions: PERMISSIONS });
  const pending = agent.sent.find((m) => m.type === 'session-pending');
  assert.ok(pending && pending.type === 'session-pending', JSON.stringify(agent.sent));
  return pending.sessionId;
}

const types = (): string[] => heard.map((e) => e.type);
const last = <T extends RelayToClient['type']>(f: Fake, type: T) => f.sent.filter((m): m is Extract<RelayToClient, { type: T }> => m.type === type).at(-1);

async function outcome(id: string): Promise<string | undefined> {
  await db.barrier();
  return (await store.get(id))?.outcome;
}

describe('session lifecycle', () => {
  beforeEach(() => setUp());
  afterEach(() => db.close());

  test('a request is pending: the customer is asked, nothing started, no event yet', async () => {
    const id = await request();
    assert.equal(manager.get(id)?.state, 'pending');
    const asked = last(customer, 'consent-request');
    assert.equal(asked?.sessionId, id);
    assert.equal(asked?.agentName, 'Alice');
    assert.deepEqual(types(), []);
    assert.equal(await outcome(id), 'pending');
  });

  test('pending -> active on consent: both sides get the stream ID, started is heard once', async () => {
    const id = await request();
    manager.consentReply(customer, id, true);
    const s = manager.get(id);
    assert.equal(s?.state, 'active');
    assert.ok(s?.state === 'active' && s.streamId >= 1);
    assert.equal(last(agent, 'session-started')?.streamId, s.streamId);
    assert.equal(last(customer, 'session-started')?.streamId, s.streamId);
    assert.deepEqual(types(), ['started']);
    assert.equal(heard[0]?.session.id, id);
    assert.equal(await outcome(id), 'active');
    assert.throws(() => manager.consentReply(customer, id, true), { code: 'not-found' });
  });

  test('pending -> ended on a no: the agent hears denied, the session is gone', async () => {
    const id = await request();
    manager.consentReply(customer, id, false);
    assert.equal(manager.get(id), undefined);
    assert.equal(last(agent, 'session-denied')?.code, 'denied');
    assert.deepEqual(types(), ['ending', 'ended']);
    const ended = heard[1];
    assert.ok(ended?.type === 'ended' && ended.session.ending === 'denied' && ended.session.startedAt === null);
    assert.equal(await outcome(id), 'denied');
  });

  test('pending -> ended when the customer presses Stop before answering: that is a no', async () => {
    const id = await request();
    manager.customerStop(customer, id);
    assert.equal(last(agent, 'session-denied')?.code, 'denied');
    assert.equal(await outcome(id), 'denied');
  });

  test('pending -> ended on a disconnect: both sides that knew of it hear it ended, the row says dropped', async () => {
    const id = await request();
    manager.partyGone(customer, 'customer-disconnected');
    assert.equal(last(agent, 'session-ended')?.reason, 'customer-disconnected');
    assert.deepEqual(types(), ['ending', 'ended']);
    assert.equal(await outcome(id), 'dropped');
    assert.equal(manager.forDevice(customer.deviceId), undefined);
  });

  const reasons: [EndReason, (id: string) => void, string][] = [
    ['agent-ended', (id) => manager.agentEnd(agent, id), 'completed'],
    ['customer-stopped', (id) => manager.customerStop(customer, id), 'customer-stopped'],
    ['customer-disconnected', () => manager.partyGone(customer, 'customer-disconnected'), 'dropped'],
    ['agent-disconnected', () => manager.partyGone(agent, 'agent-disconnected'), 'dropped'],
    ['relay-shutdown', () => manager.endAll('relay-shutdown'), 'dropped'],
  ];
  for (const [reason, end, expected] of reasons) {
    test(`active -> ended (${reason}): both sides told, row ${expected}, events started, ending, ended`, async () => {
      const id = await request();
      manager.consentReply(customer, id, true);
      end(id);
      assert.equal(manager.get(id), undefined);
      assert.equal(last(agent, 'session-ended')?.reason, reason);
      assert.equal(last(customer, 'session-ended')?.reason, reason);
      assert.deepEqual(types(), ['started', 'ending', 'ended']);
      const [ending, ended] = [heard[1], heard[2]];
      assert.ok(ending?.type === 'ending' && ending.ending === reason && ending.session.state === 'active');
      assert.ok(ended?.type === 'ended' && ended.session.ending === reason && ended.session.startedAt !== null);
      assert.equal(await outcome(id), expected);
    });
  }

  test('ending a session twice does nothing the second time', async () => {
    const id = await request();
    manager.consentReply(customer, id, true);
    manager.agentEnd(agent, id);
    const told = agent.sent.length;
    manager.endAll('relay-shutdown');
    manager.partyGone(customer, 'customer-disconnected');
    assert.throws(() => manager.agentEnd(agent, id), { code: 'not-found' });
    assert.deepEqual(types(), ['started', 'ending', 'ended']);
    assert.equal(agent.sent.length, told);
    assert.equal((await store.get(id))?.endReason, 'agent-ended');
  });

  test('a listener that throws does not stop the lifecycle or the other listeners', async () => {
    manager.onSessionEvent(() => {
      throw new Error('broken feature');
    });
    const after: string[] = [];
    manager.onSessionEvent((e) => after.push(e.type));
    const id = await request();
    manager.consentReply(customer, id, true);
    manager.agentEnd(agent, id);
    assert.deepEqual(after, ['started', 'ending', 'ended']);
    assert.equal(last(customer, 'session-ended')?.reason, 'agent-ended');
  });
});

describe('session lifecycle: consent timeout', () => {
  beforeEach(() => setUp(30));
  afterEach(() => db.close());

  test('pending -> ended when the customer does not answer in time', async () => {
    const id = await request();
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(manager.get(id), undefined);
    assert.equal(last(agent, 'session-denied')?.code, 'consent-timeout');
    assert.deepEqual(types(), ['ending', 'ended']);
    assert.equal(await outcome(id), 'consent-timeout');
    assert.throws(() => manager.consentReply(customer, id, true), { code: 'not-found' });
  });
});

describe('session lifecycle: the customer link', () => {
  const LINK_WAIT_MS = 40;
  beforeEach(() => setUp(60_000, LINK_WAIT_MS));
  afterEach(() => db.close());

  test('consent without any open channel does not start the session; it ends link-failed for both, and is on record', async () => {
    customer.open.ctl = false;
    customer.open.media = false;
    const id = await request();
    manager.consentReply(customer, id, true);
    assert.equal(last(agent, 'session-started'), undefined);
    assert.equal(manager.get(id)?.state, 'pending');
    assert.throws(() => manager.consentReply(customer, id, true), { code: 'not-found' }, 'a second yes is not a new answer');
    await new Promise((r) => setTimeout(r, LINK_WAIT_MS * 3));
    assert.equal(manager.get(id), undefined);
    assert.equal(last(agent, 'session-ended')?.reason, 'link-failed');
    assert.equal(last(customer, 'session-ended')?.reason, 'link-failed');
    assert.equal(last(customer, 'session-started'), undefined);
    assert.deepEqual(types(), ['ending', 'ended']);
    assert.equal(await outcome(id), 'dropped');
    assert.equal((await store.get(id))?.endReason, 'link-failed');
  });

  test('a screen session needs the media channel too: ctl alone is not enough', async () => {
    customer.open.media = false;
    const id = await request();
    manager.consentReply(customer, id, true);
    assert.equal(last(agent, 'session-started'), undefined);
    await new Promise((r) => setTimeout(r, LINK_WAIT_MS * 3));
    assert.equal(last(agent, 'session-ended')?.reason, 'link-failed');
  });

  test('a voice-only session needs only ctl', async () => {
    customer.open.media = false;
    await manager.connectRequest(agent, { type: 'connect-request', requestId: 'v1', deviceId: customer.deviceId, code, permissions: { view: false, control: false }, mode: 'voice' });
    const pending = last(agent, 'session-pending');
    assert.ok(pending);
    manager.consentReply(customer, pending.sessionId, true);
    assert.equal(last(agent, 'session-started')?.mode, 'voice');
  });

  test('a consented session starts as soon as the missing channel opens', async () => {
    customer.open.media = false;
    const id = await request();
    manager.consentReply(customer, id, true);
    manager.channelsOpened(customer); // still without media: nothing happens
    assert.equal(last(agent, 'session-started'), undefined);
    customer.open.media = true;
    manager.channelsOpened(customer);
    assert.equal(last(agent, 'session-started')?.sessionId, id);
    assert.equal(last(customer, 'session-started')?.sessionId, id);
    await new Promise((r) => setTimeout(r, LINK_WAIT_MS * 3));
    assert.equal(manager.get(id)?.state, 'active', 'the link timer was cleared');
    assert.deepEqual(types(), ['started']);
  });

  test('the customer may still stop a session that waits for its link', async () => {
    customer.open.ctl = false;
    const id = await request();
    manager.consentReply(customer, id, true);
    manager.customerStop(customer, id);
    assert.equal(last(agent, 'session-denied')?.code, 'denied');
  });
});
