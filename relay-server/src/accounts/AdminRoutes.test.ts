/** Organisation settings: managers read, owners and admins change them, every change is audited and takes effect. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AuditList, OrgSettings, Seat } from '@beacon/shared/api';
import { NdcClient, loginAgent } from '../testing/NdcClient.ts';
import { TestApi } from '../testing/TestApi.ts';
import { TEST_ORG_NAME, startTestRelay, type TestRelay } from '../testing/testRelay.ts';

let t: TestRelay;
let owner: TestApi;
let manager: TestApi;

before(async () => {
  t = await startTestRelay();
  await t.relay.seedAccount({ login: 'olivia', password: 'owner passphrase', displayName: 'Olivia', role: 'owner' });
  await t.relay.seedAccount({ login: 'mia', password: 'mia passphrase', displayName: 'Mia', role: 'manager' });
  const anon = new TestApi(t.relay.url);
  owner = anon.as((await loginAgent(t.relay.url, 'olivia', 'owner passphrase')).token);
  manager = anon.as((await loginAgent(t.relay.url, 'mia', 'mia passphrase')).token);
});
after(async () => {
  await t.relay.close();
});

test('managers read the settings but cannot change them; the owner can, and it is audited', async () => {
  const recording = { recordingDefault: true, recordSessions: true, recordKeystrokes: false, agentsMayWatchOwn: false, recordingMaxAgeDays: 90, recordingMaxTotalMB: 50_000, resumeGraceSeconds: 60, agentsMaySendFiles: true, agentsMayReceiveFiles: true, confirmFileTransfers: true, fileTransferRoles: ['owner', 'admin', 'manager', 'agent'], clipboardSyncToCustomer: false, clipboardSyncToAgent: false, clipboardMaxImageMB: 8 };
  assert.deepEqual(await manager.ok('GET', '/api/settings', OrgSettings), { name: TEST_ORG_NAME, defaultConcurrencyLimit: 3, ...recording });
  assert.equal((await manager.refused('PATCH', '/api/settings', 403, { name: 'Mine now' })).error, 'forbidden');
  await owner.refused('PATCH', '/api/settings', 400, {});
  await owner.refused('PATCH', '/api/settings', 400, { defaultConcurrencyLimit: 0 });

  const after = await owner.ok('PATCH', '/api/settings', OrgSettings, { name: '声光科技', defaultConcurrencyLimit: 5 });
  assert.deepEqual(after, { name: '声光科技', defaultConcurrencyLimit: 5, ...recording });
  const entry = (await owner.ok('GET', '/api/audit', AuditList)).entries[0];
  assert.equal(entry?.action, 'settings-changed');
  assert.deepEqual(entry?.detail, { name: { from: TEST_ORG_NAME, to: '声光科技' }, defaultConcurrencyLimit: { from: 3, to: 5 } });
  // Unchanged values make no audit entry.
  await owner.ok('PATCH', '/api/settings', OrgSettings, { name: '声光科技' });
  assert.equal((await owner.ok('GET', '/api/audit', AuditList)).entries.filter((e) => e.action === 'settings-changed').length, 1);
});

test('the new settings take effect: new seats get the default limit, customers see the new name', async () => {
  const seat = await owner.ok('POST', '/api/seats', Seat, { login: 'newbie', displayName: 'Newbie', password: 'newbie password' }, 201);
  assert.equal(seat.concurrencyLimit, 5);
  const customer = await NdcClient.open({ relayUrl: t.relay.url, role: 'customer', isRtc: false });
  const agent = await NdcClient.open({ relayUrl: t.relay.url, role: 'agent', token: await t.token(), isRtc: false });
  try {
    agent.send({ type: 'connect-request', requestId: 'r', deviceId: customer.device.deviceId, code: customer.device.code, permissions: { view: true, control: false } });
    assert.equal((await customer.next('consent-request')).orgName, '声光科技');
  } finally {
    agent.close();
    customer.close();
  }
  // The name survives a restart: it is read back from the database.
  await t.relay.services.organisation.load();
  assert.equal(t.relay.services.organisation.name, '声光科技');
});

test('the reconnect grace period is an organisation setting: 10 to 600 whole seconds, changed by owners and admins only, audited, kept', async () => {
  for (const bad of [9, 601, 30.5, '60']) await owner.refused('PATCH', '/api/settings', 400, { resumeGraceSeconds: bad });
  assert.equal((await manager.refused('PATCH', '/api/settings', 403, { resumeGraceSeconds: 120 })).error, 'forbidden');
  const after = await owner.ok('PATCH', '/api/settings', OrgSettings, { resumeGraceSeconds: 120 });
  assert.equal(after.resumeGraceSeconds, 120);
  const entry = (await owner.ok('GET', '/api/audit', AuditList)).entries[0];
  assert.deepEqual(entry?.detail, { resumeGraceSeconds: { from: 60, to: 120 } });
  await t.relay.services.organisation.load();
  assert.equal(t.relay.services.organisation.settings?.resumeGraceSeconds, 120);
});
