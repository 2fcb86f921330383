/**
 * Supervisors across relays (capability `desk-cluster`): two relays of a cluster on one
 * PostgreSQL database and one Redis. An agent on A runs a session with a customer on A; a
 * supervisor signed in on B sees it in the live list, asks to monitor it and is sent to A with
 * a ticket bound to that session; A lets the supervisor watch (the picture, the agent told),
 * audits it, and refuses anything else on that connection. Then the supervisor takes the session
 * over the same way; an agent who is not a supervisor is refused on B, and a ticket opens one
 * connection only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AgentDeskList, AuditList, DeskQueueResponse, Seat, SeatList } from '@beacon/shared/api';
import { fragmentFrame } from '@beacon/shared/framing';
import { KNOWN_CAPABILITIES } from '@beacon/shared/version';
import { loginAgent, NdcClient, openSession } from '../testing/NdcClient.ts';
import { TestApi } from '../testing/TestApi.ts';
import type { TestRelay } from '../testing/testRelay.ts';
import { until } from '../testing/until.ts';
import { startTwoRelays, type TwoRelays } from './testing/twoRelays.ts';

const CAPS = KNOWN_CAPABILITIES.filter((c) => c !== 'resume');
const permissions = { view: true, control: true } as const;

describe('supervisors across two relays', () => {
  let relays: TwoRelays | undefined;
  let a: TestRelay;
  let b: TestRelay;
  const clients: NdcClient[] = [];
  const tokens: Record<'olivia' | 'ann', { a: string; b: string }> = { olivia: { a: '', b: '' }, ann: { a: '', b: '' } };
  const open = async (t: TestRelay, auth: { token?: string; ticket?: string }, role: 'agent' | 'customer' = 'agent', isRtc = true) => {
    const c = await NdcClient.open({ relayUrl: t.relay.url, role, capabilities: CAPS, isRtc, timeoutMs: 15_000, ...auth });
    clients.push(c);
    return c;
  };

  before(async () => {
    relays = await startTwoRelays();
    ({ a, b } = relays);
    const owner = new TestApi(a.relay.url).as(relays.ownerToken);
    await owner.ok('POST', '/api/seats', Seat, { login: 'ann', displayName: 'ANN', password: 'ann password', role: 'agent', groupIds: [], concurrencyLimit: 2 }, 201);
    for (const [login, password] of [['olivia', 'owner passphrase'], ['ann', 'ann password']] as const) {
      tokens[login] = { a: (await loginAgent(a.relay.url, login, password)).token, b: (await loginAgent(b.relay.url, login, password)).token };
    }
  });
  after(() => relays?.close(clients));

  test('a supervisor on B monitors, then takes over, a session A holds; A performs and audits it', async () => {
    const customer = await open(a, {}, 'customer');
    const ann = await open(a, { token: tokens.ann.a });
    const { sessionId, streamId } = await openSession(ann, customer, permissions, 15_000);
    const olivia = await open(b, { token: tokens.olivia.b }, 'agent', false);
    assert.ok(olivia.welcome.capabilities?.includes('desk-cluster'));
    await olivia.next('desk-sessions', 15_000, (m) => m.sessions.some((s) => s.sessionId === sessionId));

    olivia.send({ type: 'session-monitor', requestId: 'watch', sessionId });
    const to = await olivia.next('supervise-redirect', 10_000, (m) => m.requestId === 'watch');
    assert.deepEqual([to.url, to.sessionId, to.action], [a.relay.url, sessionId, 'session-monitor']);
    const watching = await open(a, { ticket: to.ticket });
    watching.send({ type: 'session-monitor', requestId: 'watch', sessionId });
    const started = await watching.next('session-started', 10_000, (m) => m.sessionId === sessionId);
    assert.deepEqual([started.streamId, started.permissions.control], [streamId, false]);
    const told = await ann.next('session-participants', 10_000, (m) => m.participants.length === 2);
    assert.deepEqual(told.participants.map((p) => [p.name, p.role]), [['ANN', 'owner'], ['Olivia', 'monitor']]);
    for (const f of fragmentFrame(new Uint8Array(2000).fill(7), { isKey: true, stream: streamId, seq: 0, captureTs: 1 })) customer.sendMedia(f);
    await until(() => watching.media.length > 0, 'the picture on the monitoring connection');

    // The ticket is for that session and those actions only; it is never offered the desk.
    watching.send({ type: 'agent-availability', state: 'available', concurrencyLimit: 1 });
    assert.equal((await watching.next('error', 5000)).code, 'forbidden');
    watching.send({ type: 'session-join', requestId: 'other', sessionId: 'not-this-one' });
    assert.equal((await watching.next('error', 5000, (m) => m.requestId === 'other')).code, 'forbidden');
    assert.ok(!watching.inbox.all.some((m) => m.type === 'desk-status' || m.type === 'desk-queue'));
    // A ticket opens one connection.
    await assert.rejects(open(a, { ticket: to.ticket }, 'agent', false));

    const audit = await new TestApi(a.relay.url).as(tokens.olivia.a).ok('GET', '/api/audit', AuditList);
    assert.ok(audit.entries.some((e) => e.action === 'session-monitored'), 'A audited the monitoring');

    // Take-over: the monitor leaves, then asks B again; A hands the session over.
    watching.send({ type: 'session-leave', sessionId });
    await watching.next('session-ended', 5000, (m) => m.sessionId === sessionId);
    olivia.send({ type: 'session-take-over', requestId: 'take', sessionId });
    const take = await olivia.next('supervise-redirect', 10_000, (m) => m.requestId === 'take');
    assert.equal(take.action, 'session-take-over');
    const owning = await open(a, { ticket: take.ticket });
    owning.send({ type: 'session-take-over', requestId: 'take', sessionId });
    const mine = await owning.next('session-started', 10_000, (m) => m.sessionId === sessionId);
    assert.equal(mine.permissions.control, true);
    assert.equal((await ann.next('session-handed-over', 10_000)).how, 'take-over');
    assert.equal((await customer.next('session-agent-changed', 10_000)).agentName, 'Olivia');
  });

  test('a supervisor on B sees the request waiting on A, and the seats view and the desk count the sessions A holds', async () => {
    const ann = await open(a, { token: tokens.ann.a });
    const customer = await open(a, {}, 'customer');
    const { sessionId } = await openSession(ann, customer, permissions, 15_000);
    const waiting = await open(a, {}, 'customer', false);
    waiting.send({ type: 'help-request', requestId: 'h1', help: { customerName: 'Li Na', description: 'no sound', groupId: null } });
    const { helpRequestId } = await waiting.next('help-queued', 10_000, (m) => m.requestId === 'h1');

    const olivia = await open(b, { token: tokens.olivia.b }, 'agent', false);
    await olivia.next('desk-queue', 15_000, (m) => m.requests.some((r) => r.id === helpRequestId));
    const onB = new TestApi(b.relay.url).as(tokens.olivia.b);
    const queue = await onB.ok('GET', '/api/desk/queue', DeskQueueResponse);
    assert.equal(queue.requests.find((r) => r.id === helpRequestId)?.customerName, 'Li Na');
    assert.ok((queue.queues.find((q) => q.groupId === null)?.waiting ?? 0) >= 1, 'counted in its queue');
    const annOnB = (await onB.ok('GET', '/api/seats', SeatList)).seats.find((x) => x.login === 'ann');
    assert.ok(annOnB?.currentSessions.some((x) => x.id === sessionId), 'the seats view on B lists the session A holds');
    assert.ok(annOnB?.isOnline);
    const desk = await onB.ok('GET', '/api/desk/agents', AgentDeskList);
    assert.equal(desk.agents.find((x) => x.seat.login === 'ann')?.isOnline, true, 'at the desk on A: online for B\'s supervisors');
    // An agent on B, not a supervisor, sees only B's own queue.
    const annOnBDesk = await new TestApi(b.relay.url).as(tokens.ann.b).ok('GET', '/api/desk/queue', DeskQueueResponse);
    assert.ok(!annOnBDesk.requests.some((r) => r.id === helpRequestId));
  });

  test('an agent who is not a supervisor is refused on its own relay; a session nobody holds is not found', async () => {
    const customer = await open(a, {}, 'customer');
    const owner = await open(a, { token: tokens.olivia.a });
    const { sessionId } = await openSession(owner, customer, permissions, 15_000);
    const ann = await open(b, { token: tokens.ann.b }, 'agent', false);
    ann.send({ type: 'session-monitor', requestId: 'nope', sessionId });
    assert.equal((await ann.next('error', 10_000, (m) => m.requestId === 'nope')).code, 'forbidden');
    const olivia = await open(b, { token: tokens.olivia.b }, 'agent', false);
    olivia.send({ type: 'session-monitor', requestId: 'gone', sessionId: 'no-such-session' });
    assert.equal((await olivia.next('error', 10_000, (m) => m.requestId === 'gone')).code, 'not-found');
  });
});
