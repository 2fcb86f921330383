/**
 * No-reply alerts over the WebSocket (capability `desk-alerts`) on a real relay whose clock the
 * test moves: an agent silent for `agentNoReplySec` alerts the rest of the group (not
 * themselves, not a console without the capability), one of whom takes the session over from
 * the alert, audited with them as actor; the agent answering clears it. Who is alerted for a
 * group's request is checked on DeskAlerts alone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AuditList } from '@beacon/shared/api';
import { KNOWN_CAPABILITIES } from '@beacon/shared/version';
import type { AgentParty } from '../sessions/Session.ts';
import { DeskAlerts } from './DeskAlerts.ts';
import type { DeskAgent, DeskEvent, HelpRequest } from './deskModel.ts';
import { serveRequest, startDeskRelay, type DeskRelay } from './testing/deskRelay.ts';

let r: DeskRelay;
let offsetMs = 0;
const HELP = { customerName: 'Zhou Min', description: 'VPN drops', groupId: null };
const WITHOUT_ALERTS = KNOWN_CAPABILITIES.filter((c) => c !== 'desk-alerts');

before(async () => {
  r = await startDeskRelay({ concurrencyLimit: 1, now: () => Date.now() + offsetMs });
  await r.t.relay.services.desk.updateSettings({ agentNoReplySec: 30 });
});
after(() => r.close());

describe('no-reply alerts at the desk', () => {
  test('a silent agent alerts the rest of the group; a colleague takes the session over from the alert', async () => {
    const ann = await r.open('agent', r.tokens.ann);
    const ben = await r.open('agent', r.tokens.ben);
    const benOld = await r.open('agent', r.tokens.ben, WITHOUT_ALERTS);
    const customer = await r.open('customer');
    const { helpRequestId, sessionId } = await serveRequest(ann, customer, HELP, [ben]);
    // Nobody has written since the assignment: the agent owes the first answer.
    offsetMs += 31_000;

    const alert = await ben.next('desk-alert', 5000);
    assert.deepEqual(
      { ...alert, silentSince: typeof alert.silentSince },
      { type: 'desk-alert', helpRequestId, kind: 'no-reply', agentId: r.ids.ann, agentName: 'ANN', customerName: 'Zhou Min', groupId: null, sessionId, silentSince: 'number', deviceId: customer.device.deviceId },
    );
    benOld.send({ type: 'alert-take-over', requestId: 'old', helpRequestId });
    assert.equal((await benOld.next('error', 5000, (m) => m.requestId === 'old')).code, 'forbidden');
    ann.send({ type: 'alert-take-over', requestId: 'own', helpRequestId });
    assert.equal((await ann.next('error', 5000, (m) => m.requestId === 'own')).code, 'not-found', 'not one’s own alert');

    ben.send({ type: 'alert-take-over', requestId: 'take-over', helpRequestId });
    await ben.next('session-started', 5000, (m) => m.sessionId === sessionId);
    assert.equal((await ann.next('session-handed-over')).how, 'take-over');
    assert.deepEqual(await ben.next('desk-alert-cleared'), { type: 'desk-alert-cleared', helpRequestId, reason: 'taken-over' });
    assert.equal((await customer.next('session-agent-changed')).agentName, 'BEN');
    for (const c of [ann, benOld]) assert.ok(!c.inbox.all.some((m) => m.type === 'desk-alert'), 'neither the alerted agent nor an older console is alerted');
    const audit = (await r.owner.ok('GET', '/api/audit', AuditList)).entries.find((e) => e.action === 'session-transferred' && e.target?.id === sessionId);
    assert.deepEqual([audit?.actor?.id, audit?.detail['how'], audit?.detail['toAgentId']], [r.ids.ben, 'take-over', r.ids.ben]);
    await r.closeAll();
  });

  test('the agent answering clears the alert; it cannot be taken over after that', async () => {
    const ann = await r.open('agent', r.tokens.ann);
    const ben = await r.open('agent', r.tokens.ben);
    const customer = await r.open('customer');
    const { helpRequestId, sessionId } = await serveRequest(ann, customer, HELP, [ben]);
    offsetMs += 31_000;
    await ben.next('desk-alert', 5000, (m) => m.helpRequestId === helpRequestId);
    ann.sendCtl({ type: 'chat-send', sessionId, text: 'sorry, here now' });
    assert.equal((await ben.next('desk-alert-cleared')).reason, 'answered');
    ben.send({ type: 'alert-take-over', requestId: 'late', helpRequestId });
    assert.equal((await ben.next('error', 5000, (m) => m.requestId === 'late')).code, 'not-found');
    await r.closeAll();
  });

  test('an alert raised while the customer is still being asked takes the request: the colleague asks the customer anew', async () => {
    const ann = await r.open('agent', r.tokens.ann);
    const ben = await r.open('agent', r.tokens.ben);
    const customer = await r.open('customer');
    await ben.next('desk-status');
    ben.send({ type: 'agent-availability', state: 'busy', concurrencyLimit: 1 });
    await ben.next('desk-status', 5000, (m) => m.state === 'busy');
    await ann.next('desk-status');
    ann.send({ type: 'agent-availability', state: 'available', concurrencyLimit: 1 });
    customer.send({ type: 'help-request', requestId: 'h1', help: HELP });
    const { helpRequestId } = await customer.next('help-queued', 5000, (m) => m.requestId === 'h1');
    await ann.next('desk-offer', 5000, (m) => m.request.id === helpRequestId);
    ann.send({ type: 'offer-accept', requestId: 'take', helpRequestId, control: true });
    const first = await customer.next('consent-request');
    offsetMs += 31_000;

    const alert = await ben.next('desk-alert', 5000, (m) => m.helpRequestId === helpRequestId);
    assert.deepEqual([alert.sessionId, alert.deviceId], [null, customer.device.deviceId], 'nothing runs yet: the request is what can be taken');
    ben.send({ type: 'alert-take-over', requestId: 'take-request', helpRequestId });
    await ben.next('session-pending', 5000, (m) => m.requestId === 'take-request');
    assert.deepEqual(await ben.next('desk-alert-cleared'), { type: 'desk-alert-cleared', helpRequestId, reason: 'taken-over' });
    assert.equal((await ann.next('session-ended', 5000, (m) => m.sessionId === first.sessionId)).reason, 'agent-ended', 'the first ask is withdrawn');
    const again = await customer.next('consent-request', 5000, (m) => m.agentName === 'BEN');
    customer.send({ type: 'consent-reply', sessionId: again.sessionId, granted: true });
    await ben.next('session-started', 5000, (m) => m.sessionId === again.sessionId);
    assert.ok(!customer.inbox.all.some((m) => m.type === 'help-ended'), 'the request goes on');
    await r.closeAll();
  });
});

describe('who an alert reaches', () => {
  const agent = (id: number, groupIds: number[], isOnline = true) => ({ id, groupIds, isOnline }) as unknown as DeskAgent;
  const consoleOf = (id: number, sent: unknown[]) => ({ agent: { id, displayName: `A${id}` }, send: (m: unknown) => sent.push(m) }) as unknown as AgentParty;

  test('the other members of the request’s group at the desk, and a member’s console that connects later', () => {
    const agents = new Map([[1, agent(1, [7])], [2, agent(2, [7])], [3, agent(3, [8])], [4, agent(4, [7], false)]]);
    const request = { id: 'req-1', deviceId: '123456789', customerName: 'Zhou Min', groupId: 7, state: { kind: 'assigned', agentId: 1 } } as unknown as HelpRequest;
    const sent: Record<number, unknown[]> = { 1: [], 2: [], 3: [], 4: [] };
    const consoles = [1, 3, 4].map((id) => consoleOf(id, sent[id] ?? []));
    const alerts = new DeskAlerts({
      desk: { queue: { findRequest: () => request, findAgent: (id: number) => agents.get(id) } } as never,
      alertConsoles: () => consoles,
      consolesOf: (id) => consoles.filter((c) => c.agent.id === id),
      sessionOfRequest: () => 'S1',
      isRunning: () => true,
      takeOver: () => undefined,
      takeRequest: () => Promise.resolve(),
    });
    const e: DeskEvent = { kind: 'no-reply-alert', requestId: 'req-1', at: 5, agentId: 1, actorId: null, detail: { silentSince: 2, groupId: 7 } };
    alerts.onDeskEvent(e);
    assert.deepEqual([sent[1]?.length, sent[3]?.length, sent[4]?.length], [0, 0, 0], 'not the agent, another group, or a member away from the desk');
    const late = consoleOf(2, sent[2] ?? []);
    consoles.push(late);
    alerts.attached(late);
    assert.deepEqual(sent[2], [{ type: 'desk-alert', helpRequestId: 'req-1', kind: 'no-reply', agentId: 1, agentName: 'A1', customerName: 'Zhou Min', groupId: 7, sessionId: 'S1', silentSince: 2, deviceId: '123456789' }]);
    alerts.onDeskEvent({ ...e, kind: 'closed' });
    assert.deepEqual(sent[2]?.[1], { type: 'desk-alert-cleared', helpRequestId: 'req-1', reason: 'ended' });
  });
});
