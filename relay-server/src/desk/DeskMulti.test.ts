/**
 * Several agents in one running session (capability `desk-multi`) on a real relay with real
 * clients: the relay, not the console, keeps a monitor's hands off the customer's PC, lets only
 * the controller's input through, and lets only the session's own agent pass control and take
 * it back; pointers go between agents and never to the customer; it is audited and on the
 * timeline.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AuditList } from '@beacon/shared/api';
import { ChatHistory } from '@beacon/shared/collab';
import { fragmentFrame } from '@beacon/shared/framing';
import { KNOWN_CAPABILITIES } from '@beacon/shared/version';
import type { NdcClient } from '../testing/NdcClient.ts';
import { serveRequest, startDeskRelay, type DeskRelay } from './testing/deskRelay.ts';
import { until } from '../testing/until.ts';

let r: DeskRelay;
const HELP = { customerName: 'Li Na', description: 'no sound', groupId: null };
const move = (x: number) => ({ kind: 'mouse-move' as const, x, y: 5 });

const annServes = (ann: NdcClient, customer: NdcClient, busy: NdcClient[] = []) => serveRequest(ann, customer, HELP, busy);

/** The next input the customer receives is the one at `x` (nothing refused reached it before). */
async function customerGetsInputAt(customer: NdcClient, x: number) {
  const got = await customer.nextCtl('input');
  assert.equal(got.event.kind === 'mouse-move' ? got.event.x : null, x);
}

before(async () => {
  r = await startDeskRelay({ concurrencyLimit: 1 });
});
after(() => r.close());

describe('several agents in one session', () => {
  test('a monitor sees the picture and chat but nothing it sends reaches the customer; the agent and the customer are told', async () => {
    const olivia = await open(r.ownerToken);
    await olivia.next('desk-status');
    olivia.send({ type: 'agent-availability', state: 'busy', concurrencyLimit: 1 });
    await olivia.next('desk-status', 5000, (m) => m.state === 'busy');
    const ann = await open(r.tokens.ann);
    const customer = await r.open('customer');
    const { sessionId, streamId } = await annServes(ann, customer);
    customer.sendCtl({ type: 'chat-send', sessionId, text: 'before the supervisor came' });
    await ann.nextCtl('chat');

    ann.send({ type: 'session-monitor', requestId: 'm0', sessionId });
    assert.equal((await ann.next('error', 5000, (m) => m.requestId === 'm0')).code, 'forbidden', 'agents do not supervise');
    olivia.send({ type: 'session-monitor', requestId: 'm1', sessionId });
    const started = await olivia.next('session-started', 5000, (m) => m.sessionId === sessionId);
    assert.deepEqual([started.streamId, started.permissions.control], [streamId, false]);
    const told = await ann.next('session-participants');
    assert.deepEqual(told.participants.map((p) => [p.name, p.role]), [['ANN', 'owner'], ['Olivia', 'monitor']]);
    assert.equal(told.controllerId, r.ids.ann);
    assert.deepEqual((await customer.next('session-participants')).participants.map((p) => p.name), ['ANN', 'Olivia']);
    assert.equal((await olivia.nextCtl('chat')).message.text, 'before the supervisor came');
    // The monitor writes in the chat under its name, labelled as such, to everyone in the session.
    olivia.sendCtl({ type: 'chat-send', sessionId, text: 'Olivia, team lead, here' });
    const isOlivias = (m: { message: { text: string } }) => m.message.text.startsWith('Olivia');
    const toCustomer = (await customer.nextCtl('chat', 5000, isOlivias)).message;
    assert.deepEqual([toCustomer.from, toCustomer.senderName, toCustomer.senderRole], ['agent', 'Olivia', 'monitor']);
    assert.equal((await ann.nextCtl('chat', 5000, isOlivias)).message.senderRole, 'monitor');
    assert.equal((await olivia.nextCtl('chat', 5000, isOlivias)).message.senderRole, 'monitor', 'the sender’s own copy');
    // Stored with its role: the history after a reload still labels it.
    let history = (await r.owner.ok('GET', `/api/sessions/${sessionId}/chat`, ChatHistory)).messages;
    for (let i = 0; i < 50 && history.length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      history = (await r.owner.ok('GET', `/api/sessions/${sessionId}/chat`, ChatHistory)).messages;
    }
    assert.deepEqual(history.map((m) => [m.text, m.senderRole ?? null]), [['before the supervisor came', null], ['Olivia, team lead, here', 'monitor']]);

    for (const f of fragmentFrame(new Uint8Array(2000).fill(7), { isKey: true, stream: streamId, seq: 0, captureTs: 1 })) customer.sendMedia(f);
    await until(() => olivia.media.length > 0, 'the monitor receives the picture');

    olivia.sendCtl({ type: 'input', sessionId, event: move(1) });
    assert.equal((await olivia.nextCtl('error', 5000, (m) => m.re?.type === 'input')).code, 'forbidden');
    olivia.sendCtl({ type: 'clipboard-send', sessionId, text: 'rm -rf' });
    assert.equal((await olivia.nextCtl('error', 5000, (m) => m.re?.type === 'clipboard-send')).code, 'forbidden');
    olivia.sendCtl({ type: 'monitor-select', sessionId, monitor: 'all' });
    assert.equal((await olivia.nextCtl('error', 5000, (m) => m.re?.type === 'monitor-select')).code, 'forbidden');
    olivia.sendCtl({ type: 'ping', sessionId, t: 42 });
    assert.equal((await olivia.nextCtl('pong')).t, 42, 'its picture’s pings are answered by the relay');
    ann.sendCtl({ type: 'input', sessionId, event: move(2) });
    await customerGetsInputAt(customer, 2);
    assert.ok(!customer.ctlInbox.all.some((m) => m.type === 'clipboard-send'));

    olivia.send({ type: 'session-leave', sessionId });
    assert.equal((await olivia.next('session-ended', 5000, (m) => m.sessionId === sessionId)).reason, 'agent-ended');
    assert.deepEqual((await ann.next('session-participants', 5000, (m) => m.participants.length === 1)).participants.map((p) => p.role), ['owner']);
    await r.t.relay.flush();
    const audit = (await r.owner.ok('GET', '/api/audit', AuditList)).entries.find((e) => e.action === 'session-monitored');
    assert.deepEqual([audit?.actor?.login, audit?.target?.id], ['olivia', sessionId]);
    ann.send({ type: 'session-end', sessionId });
    await r.closeAll();
  });

  test('an invited colleague joins; only the controller’s input passes; the owner passes control and takes it back; pointers go between agents', async () => {
    const ann = await open(r.tokens.ann);
    const ben = await open(r.tokens.ben);
    const customer = await r.open('customer');
    const { sessionId } = await annServes(ann, customer, [ben]);
    ben.sendCtl({ type: 'chat-send', sessionId, text: 'not in it yet' });
    assert.equal((await ben.nextCtl('error', 5000, (m) => m.re?.type === 'chat-send')).code, 'not-found', 'a seat taking no part does not write');
    ben.send({ type: 'session-invite', requestId: 'i0', sessionId, agentId: r.ids.ann });
    assert.equal((await ben.next('error', 5000, (m) => m.requestId === 'i0')).code, 'not-found', 'only the session’s agent invites');
    ann.send({ type: 'session-invite', requestId: 'i1', sessionId, agentId: r.ids.ben });
    assert.equal((await ben.next('session-invitation')).fromAgentName, 'ANN');
    ben.send({ type: 'invite-answer', requestId: 'a1', sessionId, isAccepted: true });
    assert.equal((await ben.next('session-started', 5000, (m) => m.sessionId === sessionId)).permissions.control, true);
    assert.deepEqual(await ann.next('invite-answered'), { type: 'invite-answered', sessionId, agentName: 'BEN', isAccepted: true });
    await ann.next('session-participants', 5000, (m) => m.participants.some((p) => p.role === 'guest'));
    // Ben hears the same list (Ann in control); taken now, so that the wait for control coming
    // back to Ann below cannot be met by this one.
    await ben.next('session-participants', 5000, (m) => m.participants.some((p) => p.role === 'guest') && m.controllerId === r.ids.ann);

    ben.sendCtl({ type: 'chat-send', sessionId, text: 'Ben joining' });
    const guestLine = (await customer.nextCtl('chat', 5000, (m) => m.message.text === 'Ben joining')).message;
    assert.deepEqual([guestLine.senderName, guestLine.senderRole], ['BEN', 'guest']);

    ben.sendCtl({ type: 'input', sessionId, event: move(10) });
    assert.equal((await ben.nextCtl('error', 5000, (m) => m.re?.type === 'input')).code, 'not-allowed', 'a guest without control');
    ben.send({ type: 'control-pass', requestId: 'p0', sessionId, agentId: r.ids.ben });
    assert.equal((await ben.next('error', 5000, (m) => m.requestId === 'p0')).code, 'forbidden', 'only the owner passes control');
    ann.send({ type: 'control-pass', requestId: 'p1', sessionId, agentId: r.ids.ben });
    assert.equal((await ben.next('session-participants', 5000, (m) => m.controllerId === r.ids.ben)).sessionId, sessionId);
    ann.sendCtl({ type: 'input', sessionId, event: move(11) });
    assert.equal((await ann.nextCtl('error', 5000, (m) => m.re?.type === 'input')).code, 'not-allowed', 'the owner passed it');
    ben.sendCtl({ type: 'input', sessionId, event: move(12) });
    await customerGetsInputAt(customer, 12);

    ben.sendCtl({ type: 'pointer', sessionId, at: { x: 30, y: 40 } });
    assert.deepEqual(await ann.nextCtl('peer-pointer'), { type: 'peer-pointer', sessionId, agentId: r.ids.ben, name: 'BEN', at: { x: 30, y: 40 } });
    customer.sendCtl({ type: 'pointer', sessionId, at: null });
    assert.equal((await customer.nextCtl('error', 5000, (m) => m.re?.type === 'pointer')).code, 'forbidden');

    ann.send({ type: 'control-pass', requestId: 'p2', sessionId, agentId: r.ids.ann });
    await ben.next('session-participants', 5000, (m) => m.controllerId === r.ids.ann);
    ben.sendCtl({ type: 'input', sessionId, event: move(13) });
    assert.equal((await ben.nextCtl('error', 5000, (m) => m.re?.type === 'input' && m.code === 'not-allowed')).code, 'not-allowed', 'taken back');
    ann.sendCtl({ type: 'input', sessionId, event: move(14) });
    await customerGetsInputAt(customer, 14);
    assert.ok(!customer.ctlInbox.all.some((m) => m.type === 'peer-pointer'), 'pointers never reach the customer');

    ann.send({ type: 'session-end', sessionId });
    assert.equal((await ben.next('session-ended', 5000, (m) => m.sessionId === sessionId)).reason, 'agent-ended');
    await r.t.relay.flush();
    const kinds = (await r.t.relay.services.events.forSession(sessionId)).map((e) => e.kind);
    assert.deepEqual(kinds.filter((k) => k === 'participant-joined' || k === 'control-passed'), ['participant-joined', 'control-passed', 'control-passed']);
    await r.closeAll();
  });

  test('a console without desk-multi is refused, and a declined invitation leaves the session as it was', async () => {
    const ann = await open(r.tokens.ann);
    const ben = await open(r.tokens.ben);
    const customer = await r.open('customer');
    const { sessionId } = await annServes(ann, customer, [ben]);
    const old = await r.open('agent', r.ownerToken, KNOWN_CAPABILITIES.filter((c) => c !== 'desk-multi'));
    old.send({ type: 'session-monitor', requestId: 'o1', sessionId });
    assert.equal((await old.next('error', 5000, (m) => m.requestId === 'o1')).code, 'forbidden');
    ann.send({ type: 'session-invite', requestId: 'i1', sessionId, agentId: r.ids.ben });
    await ben.next('session-invitation');
    ben.send({ type: 'invite-answer', requestId: 'a1', sessionId, isAccepted: false });
    assert.equal((await ann.next('invite-answered')).isAccepted, false);
    ben.send({ type: 'invite-answer', requestId: 'a2', sessionId, isAccepted: true });
    assert.equal((await ben.next('error', 5000, (m) => m.requestId === 'a2')).code, 'not-found', 'an answered invitation is gone');
    ben.sendCtl({ type: 'input', sessionId, event: move(1) });
    assert.equal((await ben.nextCtl('error', 5000, (m) => m.re?.type === 'input')).code, 'not-found', 'not in the session');
    await r.closeAll();
  });
});

/** Ann opens a session on the customer's PC with its ID and code (no help request). */
async function annConnectsByCode(ann: NdcClient, customer: NdcClient): Promise<string> {
  ann.send({ type: 'connect-request', requestId: 'c1', deviceId: customer.device.deviceId, code: customer.device.code, permissions: { view: true, control: true } });
  const ask = await customer.next('consent-request');
  customer.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
  await ann.next('session-started', 5000, (m) => m.sessionId === ask.sessionId);
  return ask.sessionId;
}

describe('transferring a session opened with an ID and code', () => {
  test('its agent offers it to a colleague, who takes it over: the same session goes on; a supervisor forces one, declined', async () => {
    const ann = await open(r.tokens.ann);
    const ben = await open(r.tokens.ben);
    const olivia = await open(r.ownerToken);
    const customer = await r.open('customer');
    const sessionId = await annConnectsByCode(ann, customer);
    ann.send({ type: 'session-transfer', requestId: 't0', sessionId, to: { kind: 'group', groupId: 1 }, note: '' });
    assert.equal((await ann.next('error', 5000, (m) => m.requestId === 't0')).code, 'not-allowed', 'to an agent only');
    ann.send({ type: 'session-transfer', requestId: 't1', sessionId, to: { kind: 'agent', agentId: r.ids.ben }, note: 'driver issue' });
    const offer = await ben.next('session-invitation');
    assert.deepEqual([offer.sessionId, offer.fromAgentName, offer.handover], [sessionId, 'ANN', { note: 'driver issue' }]);
    assert.deepEqual(await ann.next('transfer-status'), { type: 'transfer-status', sessionId, state: 'asking', agentName: 'BEN' });
    ben.send({ type: 'invite-answer', requestId: 'a1', sessionId, isAccepted: true });
    assert.equal((await ben.next('session-started', 5000, (m) => m.sessionId === sessionId)).agentName, 'BEN');
    assert.equal((await ann.next('session-handed-over')).how, 'transfer');
    assert.equal((await customer.next('session-agent-changed')).agentName, 'BEN');

    // A supervisor forces it on to Ann, who declines: it stays with Ben, who is told.
    olivia.send({ type: 'session-force-transfer', requestId: 'f1', sessionId, agentId: r.ids.ann, note: '' });
    assert.ok((await ann.next('session-invitation', 5000, (m) => m.handover !== undefined)).sessionId === sessionId);
    ann.send({ type: 'invite-answer', requestId: 'a2', sessionId, isAccepted: false });
    assert.equal((await ben.next('transfer-status', 5000, (m) => m.state === 'declined')).agentName, 'ANN');
    await r.t.relay.flush();
    const entries = (await r.owner.ok('GET', '/api/audit', AuditList)).entries;
    assert.ok(entries.some((e) => e.action === 'session-transferred' && e.target?.id === sessionId && e.detail['toAgentId'] === r.ids.ben));
    assert.ok(entries.some((e) => e.action === 'transfer-forced' && e.target?.id === sessionId && e.actor?.login === 'olivia'));
    assert.equal((await r.t.relay.services.sessionStore.get(sessionId))?.agentId, r.ids.ben, 'the log names Ben');
    await r.closeAll();
  });
});

function open(token: string): Promise<NdcClient> {
  return r.open('agent', token);
}

