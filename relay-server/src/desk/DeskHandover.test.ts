/**
 * Transfers of running desk sessions over the WebSocket (capability `desk-live`) on a real relay
 * with real clients: a declined transfer leaves the session with its agent; an accepted one
 * hands it over whole (same session, stream and chat; the customer hears the new name and is
 * not asked again), and it is audited and on the timeline. Others' sessions and peers without
 * the capability are refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AuditList } from '@beacon/shared/api';
import { KNOWN_CAPABILITIES } from '@beacon/shared/version';
import type { NdcClient } from '../testing/NdcClient.ts';
import { startDeskRelay, type DeskRelay } from './testing/deskRelay.ts';

let r: DeskRelay;
const HELP = { customerName: 'Wang Fang', description: 'printer offline', groupId: null };
const open: DeskRelay['open'] = (...args) => r.open(...args);
const closeAll = () => r.closeAll();

/** Ann takes a customer's request (Ben is busy meanwhile) and the customer consents; returns the running session. */
async function annServes(ann: NdcClient, ben: NdcClient, customer: NdcClient) {
  for (const [a, state] of [[ann, 'available'], [ben, 'busy']] as const) {
    await a.next('desk-status');
    a.send({ type: 'agent-availability', state, concurrencyLimit: 1 });
    await a.next('desk-status', 5000, (m) => m.state === state);
  }
  await new Promise((r) => setTimeout(r, 100));
  customer.send({ type: 'help-request', requestId: 'h1', help: HELP });
  const { helpRequestId } = await customer.next('help-queued', 5000, (m) => m.requestId === 'h1');
  await ann.next('desk-offer');
  ann.send({ type: 'offer-accept', requestId: 'take', helpRequestId, control: true });
  const ask = await customer.next('consent-request');
  customer.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
  const started = await ann.next('session-started', 5000, (m) => m.sessionId === ask.sessionId);
  await customer.next('session-started');
  // Ben is available again, for transfers (a busy agent still takes them within the limit).
  ben.send({ type: 'agent-availability', state: 'available', concurrencyLimit: 1 });
  await ben.next('desk-status', 5000, (m) => m.state === 'available');
  return { helpRequestId, sessionId: ask.sessionId, streamId: started.streamId };
}

before(async () => {
  r = await startDeskRelay({ concurrencyLimit: 1 });
});
after(() => r.close());

describe('transferring a running desk session', () => {
  test('declined: it stays; accepted: the same session goes on with the new agent, chat and all', async () => {
    const ann = await open('agent', r.tokens.ann);
    const ben = await open('agent', r.tokens.ben);
    const customer = await open('customer');
    const { helpRequestId, sessionId, streamId } = await annServes(ann, ben, customer);
    customer.sendCtl({ type: 'chat-send', sessionId, text: 'it says paper jam' });
    await ann.nextCtl('chat', 5000, (m) => m.message.text === 'it says paper jam');

    ann.send({ type: 'session-transfer', requestId: 'tr1', sessionId, to: { kind: 'agent', agentId: r.ids.ben }, note: 'printer expert' });
    const offer = await ben.next('desk-offer', 5000, (m) => m.transfer !== null);
    assert.deepEqual(offer.transfer, { fromAgentName: 'ANN', note: 'printer expert' });
    assert.deepEqual(await ann.next('transfer-status'), { type: 'transfer-status', sessionId, state: 'asking', agentName: 'BEN' });
    ben.send({ type: 'transfer-decline', helpRequestId });
    assert.equal((await ann.next('transfer-status', 5000, (m) => m.state !== 'asking')).state, 'declined');
    assert.equal((await ben.next('desk-offer-withdrawn')).reason, 'declined');

    ann.send({ type: 'session-transfer', requestId: 'tr2', sessionId, to: { kind: 'agent', agentId: r.ids.ben }, note: 'second try' });
    await ben.next('desk-offer', 5000, (m) => m.transfer?.note === 'second try');
    ben.send({ type: 'transfer-accept', requestId: 'acc', helpRequestId });
    const started = await ben.next('session-started', 5000, (m) => m.sessionId === sessionId);
    assert.deepEqual([started.streamId, started.agentName, started.permissions.control], [streamId, 'BEN', true]);
    assert.equal((await ben.nextCtl('chat', 5000, (m) => m.sessionId === sessionId)).message.text, 'it says paper jam', 'the chat so far');
    assert.deepEqual(await ann.next('session-handed-over'), { type: 'session-handed-over', sessionId, agentName: 'BEN', how: 'transfer' });
    assert.deepEqual(await customer.next('session-agent-changed'), { type: 'session-agent-changed', sessionId, agentName: 'BEN' });
    assert.ok(!customer.inbox.all.some((m) => m.type === 'consent-request' && m.sessionId === sessionId && m.agentName === 'BEN'), 'no new consent');

    // The session is Ben's now: Ann's messages for it are refused, Ben's chat reaches the customer.
    ann.send({ type: 'session-end', sessionId });
    assert.equal((await ann.next('error', 5000, (m) => m.code === 'not-found')).code, 'not-found');
    ben.sendCtl({ type: 'chat-send', sessionId, text: 'on it' });
    assert.equal((await customer.nextCtl('chat', 5000, (m) => m.message.text === 'on it')).message.senderName, 'BEN');
    const state = r.t.relay.services.desk.queue.request(helpRequestId).state;
    assert.equal(state.kind === 'assigned' ? state.agentId : null, r.ids.ben, 'the desk has it as Ben’s');

    await r.t.relay.flush();
    const audit = (await r.owner.ok('GET', '/api/audit', AuditList)).entries.find((e) => e.action === 'session-transferred');
    assert.deepEqual([audit?.target?.id, audit?.detail['toAgentId'], audit?.detail['note']], [sessionId, r.ids.ben, 'second try']);
    const events = await r.t.relay.services.events.forSession(sessionId);
    assert.ok(events.some((e) => e.kind === 'agent-changed'), 'on the timeline');
    assert.equal((await r.t.relay.services.sessionStore.get(sessionId))?.agentId, r.ids.ben, 'the session log names who has it now');
    ben.send({ type: 'session-end', sessionId });
    assert.equal((await customer.next('help-ended')).state, 'closed');
    await closeAll();
  });

  test('the session’s chat answers the request; a transfer of someone else’s session, or from a console without desk-live, is refused', async () => {
    const ann = await open('agent', r.tokens.ann);
    const ben = await open('agent', r.tokens.ben);
    const customer = await open('customer');
    const { sessionId, helpRequestId } = await annServes(ann, ben, customer);
    // The session's chat is the request's conversation: Ann's first message is its first response (no no-reply alert).
    const firstResponse = new Promise<number | null>((resolve) => {
      const stop = r.t.relay.services.desk.subscribe((e) => {
        if (e.kind === 'first-response' && e.requestId === helpRequestId) {
          stop();
          resolve(e.agentId);
        }
      });
    });
    ann.sendCtl({ type: 'chat-send', sessionId, text: 'Hello, Ann here' });
    assert.equal(await firstResponse, r.ids.ann);
    ben.send({ type: 'session-transfer', requestId: 'x1', sessionId, to: { kind: 'agent', agentId: r.ids.ben }, note: '' });
    assert.equal((await ben.next('error', 5000, (m) => m.requestId === 'x1')).code, 'not-found');
    const old = await open('agent', r.tokens.ann, KNOWN_CAPABILITIES.filter((c) => c !== 'desk-live'));
    old.send({ type: 'session-transfer', requestId: 'x2', sessionId, to: { kind: 'agent', agentId: r.ids.ben }, note: '' });
    assert.equal((await old.next('error', 5000, (m) => m.requestId === 'x2')).code, 'forbidden');
    ann.send({ type: 'session-transfer', requestId: 'x3', sessionId, to: { kind: 'agent', agentId: r.ids.ann }, note: '' });
    assert.equal((await ann.next('error', 5000, (m) => m.requestId === 'x3')).code, 'bad-message', 'not to oneself');
    await closeAll();
  });

  test('a supervisor sees running sessions, forces a transfer, takes a session over and dispatches a waiting request; each is audited', async () => {
    const olivia = await open('agent', r.ownerToken);
    await olivia.next('desk-status');
    olivia.send({ type: 'agent-availability', state: 'busy', concurrencyLimit: 1 });
    await olivia.next('desk-status', 5000, (m) => m.state === 'busy');
    const ann = await open('agent', r.tokens.ann);
    const ben = await open('agent', r.tokens.ben);
    const customer = await open('customer');
    const { sessionId, helpRequestId } = await annServes(ann, ben, customer);
    const listed = await olivia.next('desk-sessions', 5000, (m) => m.sessions.some((x) => x.sessionId === sessionId));
    assert.deepEqual(listed.sessions.map((x) => [x.agentName, x.customerName, x.helpRequestId]), [['ANN', HELP.customerName, helpRequestId]]);
    ann.send({ type: 'session-take-over', requestId: 'no', sessionId });
    assert.equal((await ann.next('error', 5000, (m) => m.requestId === 'no')).code, 'forbidden', 'agents do not supervise');

    olivia.send({ type: 'session-force-transfer', requestId: 'f1', sessionId, agentId: r.ids.ben, note: 'Ben knows projectors' });
    const offer = await ben.next('desk-offer', 5000, (m) => m.transfer !== null);
    assert.deepEqual(offer.transfer, { fromAgentName: 'ANN', note: 'Ben knows projectors' });
    ben.send({ type: 'transfer-accept', requestId: 'acc', helpRequestId });
    await ben.next('session-started', 5000, (m) => m.sessionId === sessionId);
    assert.equal((await ann.next('session-handed-over')).how, 'transfer');

    olivia.send({ type: 'session-take-over', requestId: 't1', sessionId });
    assert.equal((await olivia.next('session-started', 5000, (m) => m.sessionId === sessionId)).agentName, 'Olivia');
    assert.deepEqual(await ben.next('session-handed-over'), { type: 'session-handed-over', sessionId, agentName: 'Olivia', how: 'take-over' });
    assert.equal((await customer.next('session-agent-changed', 5000, (m) => m.agentName === 'Olivia')).sessionId, sessionId);
    await olivia.next('desk-sessions', 5000, (m) => m.sessions.some((x) => x.sessionId === sessionId && x.agentName === 'Olivia'));
    olivia.send({ type: 'session-end', sessionId });
    assert.equal((await customer.next('help-ended')).state, 'closed');

    // Nobody takes new requests; the supervisor gives the next one to Ben.
    ann.send({ type: 'agent-availability', state: 'busy', concurrencyLimit: 1 });
    ben.send({ type: 'agent-availability', state: 'busy', concurrencyLimit: 1 });
    await ben.next('desk-status', 5000, (m) => m.state === 'busy');
    const next = await open('customer');
    next.send({ type: 'help-request', requestId: 'h2', help: HELP });
    const waiting = await next.next('help-queued', 5000, (m) => m.requestId === 'h2');
    olivia.send({ type: 'request-dispatch', requestId: 'd1', helpRequestId: waiting.helpRequestId, agentId: r.ids.ben });
    await ben.next('session-pending');
    assert.equal((await next.next('help-assigned')).agentName, 'BEN');
    await next.next('consent-request');

    await r.t.relay.flush();
    const entries = (await r.owner.ok('GET', '/api/audit', AuditList)).entries;
    const by = (action: string, how?: string) => entries.find((e) => e.action === action && (how === undefined || e.detail['how'] === how))?.actor?.login;
    assert.deepEqual([by('transfer-forced'), by('session-transferred', 'take-over'), by('request-dispatched')], ['olivia', 'olivia', 'olivia']);
    await closeAll();
  });
});
