/**
 * The customer directory through the API: who sees which records, search, stars first,
 * paging, sharing, history, and picking the customer from a device's details.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cleanupNative } from '../platform/nativeHandles.ts';
import { AuditList, Customer, CustomerList, DeviceDetails, Group, Seat, SeatList, SessionList, SessionRow, StarResponse } from '@beacon/shared/api';
import { NdcClient, loginAgent } from '../testing/NdcClient.ts';
import { TestApi } from '../testing/TestApi.ts';
import { TEST_AGENT, startTestRelay, type TestRelay } from '../testing/testRelay.ts';
import { DEVICE_LOOKUPS } from './CustomerRoutes.ts';

let t: TestRelay;
let owner: TestApi;
let alice: TestApi;
let bob: TestApi;
let aliceId: number;
let bobId: number;
let team: Group;
const open: NdcClient[] = [];

before(async () => {
  t = await startTestRelay();
  await t.relay.seedAccount({ login: 'olivia', password: 'owner passphrase', displayName: 'Olivia', role: 'owner' });
  const anon = new TestApi(t.relay.url);
  owner = anon.as((await loginAgent(t.relay.url, 'olivia', 'owner passphrase')).token);
  team = await owner.ok('POST', '/api/groups', Group, { name: 'Team East' }, 201);
  const seats = (await owner.ok('GET', '/api/seats', SeatList)).seats;
  aliceId = seats.find((s) => s.login === TEST_AGENT.login)?.id ?? 0;
  await owner.ok('PATCH', `/api/seats/${aliceId}`, Seat, { groupIds: [team.id] });
  bobId = (await owner.ok('POST', '/api/seats', Seat, { login: 'bob', displayName: 'Bob', password: 'bob password', role: 'agent' }, 201)).id;
  alice = anon.as((await loginAgent(t.relay.url, TEST_AGENT.login, TEST_AGENT.password)).token);
  bob = anon.as((await loginAgent(t.relay.url, 'bob', 'bob password')).token);
});
after(async () => {
  for (const c of open) c.close();
  await t.relay.close();
  // Customers open real peer connections: libdatachannel's threads keep the process alive until cleaned up.
  await cleanupNative();
});

const create = (as: TestApi, body: Record<string, unknown>) => as.ok('POST', '/api/customers', Customer, body, 201);
const names = (l: CustomerList) => l.customers.map((c) => c.name);

describe('customer directory', () => {
  let aliceOwn: Customer;
  let bobOwn: Customer;
  let shared: Customer;

  test('an agent sees their own records and those shared with their group, never another agent\'s', async () => {
    aliceOwn = await create(alice, { name: '张伟', company: '星光演播', phone: '+86 138-0013-8000', notes: '导播台 ATEM，上次换过声卡', tags: ['直播', 'VIP'] });
    bobOwn = await create(bob, { name: 'Bob Private', company: 'Secret Co', notes: 'only bob' });
    assert.equal((await bob.refused('POST', '/api/customers', 403, { name: 'x', sharedGroupId: team.id })).error, 'forbidden', 'bob is not in the team');
    shared = await create(bob, { name: 'Acme Studio' });
    shared = await owner.ok('PATCH', `/api/customers/${shared.id}`, Customer, { sharedGroupId: team.id });
    assert.deepEqual(shared.sharedGroup, { id: team.id, name: 'Team East' });

    assert.deepEqual(names(await alice.ok('GET', '/api/customers', CustomerList)).sort(), ['Acme Studio', '张伟'].sort());
    assert.deepEqual(names(await bob.ok('GET', '/api/customers', CustomerList)).sort(), ['Acme Studio', 'Bob Private'].sort());
    assert.equal((await owner.ok('GET', '/api/customers', CustomerList)).customers.length, 3, 'the owner sees all');

    // Another agent's record: refused, and the refusal carries no data.
    for (const [method, path, body] of [
      ['GET', `/api/customers/${bobOwn.id}`],
      ['PATCH', `/api/customers/${bobOwn.id}`, { notes: 'overwritten' }],
      ['PUT', `/api/customers/${bobOwn.id}/star`],
      ['GET', `/api/customers/${bobOwn.id}/sessions`],
    ] as [string, string, unknown?][]) {
      const a = await alice.call(method, path, body);
      assert.equal(a.status, 403, `${method} ${path}`);
      assert.ok(!a.text.includes('Secret') && !a.text.includes('only bob'), 'nothing of the record leaks');
    }
    await alice.refused('GET', '/api/customers/999999', 404);
    assert.equal((await owner.ok('GET', `/api/customers/${bobOwn.id}`, Customer)).notes, 'only bob');
    // The shared record can be used and edited by the group.
    assert.equal((await alice.ok('PATCH', `/api/customers/${shared.id}`, Customer, { phone: '021 5555 0100' })).phone, '021 5555 0100');
  });

  test('search covers name, company, phone (with or without separators), tags and notes; every word must match', async () => {
    const search = async (q: string) => names(await alice.ok('GET', `/api/customers?q=${encodeURIComponent(q)}`, CustomerList));
    assert.deepEqual(await search('张'), ['张伟']);
    assert.deepEqual(await search('星光'), ['张伟']);
    assert.deepEqual(await search('13800138000'), ['张伟']);
    assert.deepEqual(await search('138-0013'), ['张伟']);
    assert.deepEqual(await search('vip'), ['张伟']);
    assert.deepEqual(await search('声卡'), ['张伟']);
    assert.deepEqual(await search('ATEM 声卡'), ['张伟']);
    assert.deepEqual(await search('ATEM Acme'), []);
    assert.deepEqual(await search('5555'), ['Acme Studio']);
    assert.deepEqual(await search('Secret'), [], "bob's record is not found by alice");
    assert.deepEqual(await search('%'), [], 'wildcards are literal');
  });

  test('starred records come first for the seat that starred them, across pages', async () => {
    for (const n of ['Delta', 'Echo', 'Foxtrot', 'Golf', 'Hotel']) await create(alice, { name: n });
    const golf = (await alice.ok('GET', '/api/customers?q=Golf', CustomerList)).customers[0];
    assert.ok(golf);
    assert.deepEqual(await alice.ok('PUT', `/api/customers/${golf.id}/star`, StarResponse), { isStarred: true });
    await alice.ok('PUT', `/api/customers/${shared.id}/star`, StarResponse);

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page: CustomerList = await alice.ok('GET', `/api/customers?limit=3${cursor ? `&cursor=${cursor}` : ''}`, CustomerList);
      pages.push(...names(page));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(pages, ['Acme Studio', 'Golf', 'Delta', 'Echo', 'Foxtrot', 'Hotel', '张伟']);
    assert.deepEqual(names(await alice.ok('GET', '/api/customers?starred=1', CustomerList)), ['Acme Studio', 'Golf']);
    // Bob shares the Acme record but not alice's star.
    assert.equal((await bob.ok('GET', `/api/customers/${shared.id}`, Customer)).isStarred, false);
    await alice.ok('DELETE', `/api/customers/${golf.id}/star`, StarResponse);
    assert.deepEqual(names(await alice.ok('GET', '/api/customers?starred=true', CustomerList)), ['Acme Studio']);
  });

  test('only owners and admins hand a record to another seat, and it is audited', async () => {
    await alice.refused('PATCH', `/api/customers/${aliceOwn.id}`, 403, { ownerAccountId: bobId });
    const moved = await owner.ok('PATCH', `/api/customers/${aliceOwn.id}`, Customer, { ownerAccountId: bobId });
    assert.equal(moved.owner.login, 'bob');
    await alice.refused('GET', `/api/customers/${aliceOwn.id}`, 403);
    const audit = await owner.ok('GET', '/api/audit', AuditList);
    assert.equal(audit.entries[0]?.action, 'customer-reassigned');
    await owner.ok('PATCH', `/api/customers/${aliceOwn.id}`, Customer, { ownerAccountId: aliceId });
    // A disabled seat cannot take records: nobody would see them.
    const dora = (await owner.ok('POST', '/api/seats', Seat, { login: 'dora', displayName: 'Dora', password: 'dora password', role: 'agent' }, 201)).id;
    await t.relay.services.accounts.setDisabled(dora, true);
    assert.equal((await owner.refused('PATCH', `/api/customers/${aliceOwn.id}`, 409, { ownerAccountId: dora })).error, 'conflict');
    assert.equal((await owner.ok('GET', `/api/customers/${aliceOwn.id}`, Customer)).owner.login, TEST_AGENT.login);
  });

  test('a session opened for a customer is in its history, and the device remembers the customer for whoever may see it', async () => {
    const customer = await NdcClient.open({ relayUrl: t.relay.url, role: 'customer' });
    const agent = await NdcClient.open({ relayUrl: t.relay.url, role: 'agent', token: alice.token ?? '', isRtc: false });
    open.push(customer, agent);
    const deviceId = customer.device.deviceId;

    // A customer alice may not use is refused before the code is spent.
    agent.send({ type: 'connect-request', requestId: 'nope', deviceId, code: customer.device.code, permissions: { view: true, control: false }, customerId: bobOwn.id });
    const refused = await agent.next('error', 3000, (m) => m.requestId === 'nope');
    assert.equal(refused.code, 'forbidden');
    assert.equal(customer.inbox.all.some((m) => m.type === 'code-update'), false, 'the code is not spent');

    agent.send({ type: 'connect-request', requestId: 'yes', deviceId, code: customer.device.code, permissions: { view: true, control: false }, customerId: aliceOwn.id });
    const pending = await agent.next('session-pending', 3000);
    customer.send({ type: 'consent-reply', sessionId: pending.sessionId, granted: true });
    await agent.next('session-started');
    agent.send({ type: 'session-end', sessionId: pending.sessionId });
    await agent.next('session-ended');
    await t.relay.flush();

    const history = await alice.ok('GET', `/api/customers/${aliceOwn.id}/sessions`, SessionList);
    assert.deepEqual(history.sessions.map((s) => [s.id, s.seat.login, s.outcome, s.customer?.name]), [[pending.sessionId, TEST_AGENT.login, 'completed', '张伟']]);
    assert.ok((await alice.ok('GET', `/api/customers/${aliceOwn.id}`, Customer)).lastSessionAt);

    assert.equal((await alice.ok('GET', `/api/devices/${deviceId}`, DeviceDetails)).customer?.id, aliceOwn.id);
    const forBob = await bob.ok('GET', `/api/devices/${deviceId}`, DeviceDetails);
    assert.equal(forBob.customer, null, "bob may not see alice's customer, so the device shows none");
    await alice.refused('GET', '/api/devices/123', 400);
    await alice.refused('GET', '/api/devices/999999999', 404);

    // Linking afterwards: the session's own seat may; another agent may not.
    await bob.refused('PATCH', `/api/sessions/${pending.sessionId}`, 403, { customerId: shared.id });
    const relinked = await alice.ok('PATCH', `/api/sessions/${pending.sessionId}`, SessionRow, { customerId: shared.id });
    assert.equal(relinked.customer?.name, 'Acme Studio');
    await alice.refused('PATCH', `/api/sessions/${pending.sessionId}`, 403, { customerId: bobOwn.id });
    assert.equal((await bob.ok('GET', `/api/devices/${deviceId}`, DeviceDetails)).customer?.id, shared.id, 'now bob may see it');
  });

  test('a seat cannot scan device IDs for who is online: look-ups are limited per seat', async () => {
    await owner.ok('POST', '/api/seats', Seat, { login: 'scanner', displayName: 'Scanner', password: 'scanner password', role: 'agent' }, 201);
    const scanner = owner.as((await loginAgent(t.relay.url, 'scanner', 'scanner password')).token);
    let refusedAt = -1;
    for (let i = 0; i < DEVICE_LOOKUPS.max + 5 && refusedAt < 0; i++) {
      const r = await scanner.call('GET', `/api/devices/${String(100_000_000 + i)}`);
      if (r.status === 429) refusedAt = i;
      else assert.equal(r.status, 404);
    }
    assert.equal(refusedAt, DEVICE_LOOKUPS.max, 'refused after the limit');
    assert.equal((await alice.call('GET', '/api/devices/100000000')).status, 404, 'another seat still looks up');
  });
});
