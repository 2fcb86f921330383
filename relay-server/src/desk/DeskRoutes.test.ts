/**
 * The desk's HTTP API on a real relay: who sees which queue, answering offers, an agent's
 * own desk state, dispatch and transfers by role, settings (audited) and statistics.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AgentDeskList, AgentDeskStatus, AuditList, DeskQueueResponse, DeskSettings, DeskStatsResponse, Group, Seat } from '@beacon/shared/api';
import { HelpRequestView } from '@beacon/shared/protocol';
import type { Desk } from './Desk.ts';
import { loginAgent, NdcClient } from '../testing/NdcClient.ts';
import { TestApi } from '../testing/TestApi.ts';
import { startTestRelay, TEST_AGENT, type TestRelay } from '../testing/testRelay.ts';

let t: TestRelay;
let desk: Desk;
let owner: TestApi;
let manager: TestApi;
/** Ann and Ben serve Printers; Cai serves Network. */
const api: Record<'ann' | 'ben' | 'cai', TestApi> = {} as never;
const ids: Record<'ann' | 'ben' | 'cai' | 'mia', number> = {} as never;
let printers: number;
let network: number;
const HELP = { customerName: 'Li Wei', description: 'paper jam', groupId: null };

before(async () => {
  t = await startTestRelay();
  desk = t.relay.services.desk;
  await t.relay.seedAccount({ login: 'olivia', password: 'owner passphrase', displayName: 'Olivia', role: 'owner' });
  const anon = new TestApi(t.relay.url);
  owner = anon.as((await loginAgent(t.relay.url, 'olivia', 'owner passphrase')).token);
  printers = (await owner.ok('POST', '/api/groups', Group, { name: 'Printers' }, 201)).id;
  network = (await owner.ok('POST', '/api/groups', Group, { name: 'Network' }, 201)).id;
  const seats: [keyof typeof ids, string, number[]][] = [
    ['ann', 'agent', [printers]],
    ['ben', 'agent', [printers]],
    ['cai', 'agent', [network]],
    ['mia', 'manager', []],
  ];
  for (const [login, role, groupIds] of seats) {
    ids[login] = (await owner.ok('POST', '/api/seats', Seat, { login, displayName: login.toUpperCase(), password: `${login} password`, role, groupIds, concurrencyLimit: 2 }, 201)).id;
    const token = (await loginAgent(t.relay.url, login, `${login} password`)).token;
    if (login === 'mia') manager = anon.as(token);
    else api[login] = anon.as(token);
  }
  // No consoles connect in this test: the agents come online at the desk directly.
  for (const who of ['ann', 'ben', 'cai'] as const) await desk.setOnline(ids[who], true);
});
after(async () => {
  await t.relay.close();
});

const accept = (who: TestApi, id: string) => who.ok('POST', `/api/desk/requests/${id}/accept`, HelpRequestView);

describe('queues and offers', () => {
  test('an agent sees their groups’ queues and the organisation’s, not another group’s; a manager sees all', async () => {
    const printerJob = desk.create({ ...HELP, groupId: printers }, '123456789');
    const networkJob = desk.create({ ...HELP, groupId: network }, '123456789');
    const anyone = desk.create(HELP, '123456789');
    const seen = async (who: TestApi) => (await who.ok('GET', '/api/desk/queue', DeskQueueResponse)).requests.map((r) => r.id);
    assert.deepEqual(await seen(api.ann), [printerJob.id, anyone.id]);
    assert.deepEqual(await seen(manager), [printerJob.id, networkJob.id, anyone.id]);
    await api.ann.refused('POST', `/api/desk/requests/${networkJob.id}/accept`, 404);
    const queues = (await manager.ok('GET', '/api/desk/queue', DeskQueueResponse)).queues;
    assert.deepEqual(queues.map((q) => q.groupId), [null, network, printers]);
    for (const r of [printerJob, networkJob, anyone]) desk.queue.end(r.id, 'left');
  });

  test('the offered agent accepts or declines; nobody else can answer the offer', async () => {
    const r = desk.create(HELP, '123456789');
    const offered = desk.queue.request(r.id).state;
    assert.equal(offered.kind, 'offered');
    const first = offered.kind === 'offered' ? offered.agentId : 0;
    const [firstApi, otherApi] = first === ids.ann ? [api.ann, api.cai] : first === ids.ben ? [api.ben, api.ann] : [api.cai, api.ann];
    await otherApi.refused('POST', `/api/desk/requests/${r.id}/accept`, 409);
    assert.equal((await firstApi.call('POST', `/api/desk/requests/${r.id}/decline`)).status, 204);
    const next = desk.queue.request(r.id).state;
    assert.ok(next.kind === 'offered' && next.agentId !== first);
    const who = next.kind === 'offered' && next.agentId === ids.ann ? api.ann : next.kind === 'offered' && next.agentId === ids.ben ? api.ben : api.cai;
    const view = await accept(who, r.id);
    assert.deepEqual([view.state, view.agentId, view.estimatedWaitMs], ['assigned', next.kind === 'offered' ? next.agentId : 0, null]);
    desk.queue.close(r.id);
  });
});

describe('desk state', () => {
  test('an agent is at the desk while their console is connected, with their saved state', async () => {
    const alice = new TestApi(t.relay.url, await t.token());
    await alice.ok('PATCH', '/api/desk/me', AgentDeskStatus, { state: 'away' });
    assert.equal((await alice.ok('GET', '/api/desk/me', AgentDeskStatus)).isOnline, false);
    const consoleLink = await NdcClient.open({ relayUrl: t.relay.url, role: 'agent', token: alice.token ?? '', isRtc: false });
    const me = await alice.ok('GET', '/api/desk/me', AgentDeskStatus);
    assert.deepEqual([me.seat.login, me.isOnline, me.state], [TEST_AGENT.login, true, 'away']);
    consoleLink.close();
    for (let i = 0; i < 50 && (await alice.ok('GET', '/api/desk/me', AgentDeskStatus)).isOnline; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal((await alice.ok('GET', '/api/desk/me', AgentDeskStatus)).isOnline, false);
  });

  test('an agent sets their own state and limit (not above the seat’s); only managers list every agent', async () => {
    const me = await api.cai.ok('PATCH', '/api/desk/me', AgentDeskStatus, { state: 'away', concurrencyLimit: 1 });
    assert.deepEqual([me.seat.id, me.state, me.concurrencyLimit, me.maxConcurrencyLimit, me.isOnline], [ids.cai, 'away', 1, 2, true]);
    await api.cai.refused('PATCH', '/api/desk/me', 400, { concurrencyLimit: 3 });
    await api.cai.refused('PATCH', '/api/desk/me', 400, {});
    await api.cai.refused('GET', '/api/desk/agents', 403);
    const all = await manager.ok('GET', '/api/desk/agents', AgentDeskList);
    assert.equal(all.agents.find((a) => a.seat.id === ids.cai)?.state, 'away');
    assert.equal(all.agents.find((a) => a.seat.id === ids.mia)?.isOnline, false);
    const queues = (await manager.ok('GET', '/api/desk/queue', DeskQueueResponse)).queues;
    assert.equal(queues.find((q) => q.groupId === network)?.isNobodyAvailable, true);
    await api.cai.ok('PATCH', '/api/desk/me', AgentDeskStatus, { state: 'available', concurrencyLimit: 2 });
  });
});

describe('dispatch and transfers', () => {
  test('only a manager dispatches, within the chosen agent’s limit', async () => {
    await api.ann.ok('PATCH', '/api/desk/me', AgentDeskStatus, { state: 'busy' });
    await api.ben.ok('PATCH', '/api/desk/me', AgentDeskStatus, { state: 'busy' });
    await api.cai.ok('PATCH', '/api/desk/me', AgentDeskStatus, { state: 'busy' });
    const r = desk.create({ ...HELP, groupId: printers }, '123456789');
    await api.ann.refused('POST', `/api/desk/requests/${r.id}/dispatch`, 403, { agentId: ids.ann });
    const view = await manager.ok('POST', `/api/desk/requests/${r.id}/dispatch`, HelpRequestView, { agentId: ids.cai });
    assert.deepEqual([view.state, view.agentId], ['assigned', ids.cai]);
    const events = await t.relay.services.db.all("SELECT kind, actor_id FROM desk_events WHERE request_id = ? AND kind = 'dispatched'", [r.id]);
    assert.deepEqual(events, [{ kind: 'dispatched', actor_id: ids.mia }]);
    const more = [desk.create(HELP, '123456789'), desk.create(HELP, '123456789')];
    await manager.ok('POST', `/api/desk/requests/${more[0]!.id}/dispatch`, HelpRequestView, { agentId: ids.cai });
    await manager.refused('POST', `/api/desk/requests/${more[1]!.id}/dispatch`, 409, { agentId: ids.cai });
    for (const x of [r, more[0]!]) desk.queue.close(x.id);
    desk.queue.end(more[1]!.id, 'left');
  });

  test('the assigned agent transfers to a colleague who accepts; another agent may not, a manager may force it', async () => {
    const r = desk.create({ ...HELP, groupId: printers }, '123456789');
    await manager.ok('POST', `/api/desk/requests/${r.id}/dispatch`, HelpRequestView, { agentId: ids.ann });
    await api.ben.refused('POST', `/api/desk/requests/${r.id}/transfer`, 403, { to: { kind: 'agent', agentId: ids.ben } });
    const pending = await api.ann.ok('POST', `/api/desk/requests/${r.id}/transfer`, HelpRequestView, { to: { kind: 'agent', agentId: ids.ben }, note: 'toner' });
    assert.deepEqual([pending.agentId, pending.transfer?.offeredTo, pending.transfer?.note], [ids.ann, ids.ben, 'toner']);
    const moved = await api.ben.ok('POST', `/api/desk/requests/${r.id}/transfer/accept`, HelpRequestView);
    assert.deepEqual([moved.agentId, moved.transfer], [ids.ben, null]);
    const forced = await manager.ok('POST', `/api/desk/requests/${r.id}/transfer`, HelpRequestView, { to: { kind: 'agent', agentId: ids.ann } });
    assert.equal(forced.transfer?.fromAgentId, ids.ben);
    await api.ann.ok('POST', `/api/desk/requests/${r.id}/transfer/decline`, HelpRequestView);
    assert.equal(desk.view(desk.queue.request(r.id)).agentId, ids.ben);
    desk.queue.close(r.id);
  });
});

describe('settings and statistics', () => {
  test('managers read the desk settings, admins change them (audited), bad values are refused', async () => {
    await api.ann.refused('GET', '/api/desk/settings', 403);
    assert.equal((await manager.ok('GET', '/api/desk/settings', DeskSettings)).offerTimeoutSec, 30);
    await manager.refused('PATCH', '/api/desk/settings', 403, { offerTimeoutSec: 10 });
    await owner.refused('PATCH', '/api/desk/settings', 400, { offerTimeoutSec: 1 });
    await owner.refused('PATCH', '/api/desk/settings', 400, { customerReminderSec: 900 });
    assert.equal((await owner.ok('PATCH', '/api/desk/settings', DeskSettings, { offerTimeoutSec: 10 })).offerTimeoutSec, 10);
    const entry = (await owner.ok('GET', '/api/audit', AuditList)).entries[0];
    assert.deepEqual([entry?.action, entry?.detail], ['settings-changed', { desk: { offerTimeoutSec: { from: 30, to: 10 } } }]);
  });

  test('managers read the queue statistics; agents may not', async () => {
    await t.relay.flush();
    await api.ann.refused('GET', '/api/desk/stats', 403);
    const s = await manager.ok('GET', '/api/desk/stats?tzOffsetMinutes=480', DeskStatsResponse);
    assert.ok(s.requests >= 8, `${s.requests} requests`);
    assert.deepEqual([s.transfers, s.abandoned > 0, s.byAgent.some((a) => a.seat.id === ids.cai)], [1, true, true]);
  });
});
