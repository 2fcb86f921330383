/** First-run setup, /api/me, changing one's own password, and the API's CORS and 404/405 answers. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AuditList, MeResponse, SetupResponse, SetupStatusResponse } from '@beacon/shared/api';
import { NdcClient, loginAgent } from '../testing/NdcClient.ts';
import { TestApi } from '../testing/TestApi.ts';
import { startTestRelay, type TestRelay } from '../testing/testRelay.ts';

let t: TestRelay;
let anon: TestApi;
let setupToken: string;
const SETUP = { organisationName: '声光科技有限公司', owner: { login: 'boss', displayName: '王老板', password: 'owner passphrase' } };

before(async () => {
  t = await startTestRelay({ isSeeded: false });
  anon = new TestApi(t.relay.url);
  setupToken = await t.relay.services.organisation.issueSetupToken();
});
after(async () => {
  await t.relay.close();
});

describe('first-run setup', () => {
  test('status says setup is needed before, and not after; a wrong token is refused; the token works once', async () => {
    assert.deepEqual(await anon.ok('GET', '/api/setup/status', SetupStatusResponse), { isSetupNeeded: true });

    assert.equal((await anon.refused('POST', '/api/setup', 403, { ...SETUP, token: 'guessed-token' })).error, 'forbidden');
    assert.equal((await anon.refused('POST', '/api/setup', 400, { ...SETUP, token: setupToken, owner: { ...SETUP.owner, password: 'short' } })).error, 'bad-message');
    assert.equal(t.relay.services.organisation.exists, false, 'nothing was created by the refused attempts');

    const done = await anon.ok('POST', '/api/setup', SetupResponse, { ...SETUP, token: setupToken }, 201);
    assert.equal(done.agent.role, 'owner');
    assert.equal(done.agent.displayName, '王老板');
    assert.equal(t.relay.services.organisation.name, SETUP.organisationName);
    assert.deepEqual(await anon.ok('GET', '/api/setup/status', SetupStatusResponse), { isSetupNeeded: false });

    const again = await anon.refused('POST', '/api/setup', 409, { ...SETUP, token: setupToken, owner: { ...SETUP.owner, login: 'intruder' } });
    assert.equal(again.error, 'conflict');
    assert.equal(await t.relay.services.auth.hasLogin('intruder'), false);
    assert.equal(await t.relay.services.organisation.spendSetupToken(setupToken), false, 'the token is spent for good');

    // The token the setup returned is a working sign-in; the audit log records the setup.
    const owner = anon.as(done.token);
    const me = await owner.ok('GET', '/api/me', MeResponse);
    assert.deepEqual([me.account.login, me.account.role, me.organisation?.name], ['boss', 'owner', SETUP.organisationName]);
    const audit = await owner.ok('GET', '/api/audit', AuditList);
    assert.deepEqual(audit.entries.map((e) => [e.action, e.actor?.login]), [['setup', 'boss']]);
  });

  test('a customer asked for consent sees the organisation and the seat by name', async () => {
    const { token } = await loginAgent(t.relay.url, 'boss', SETUP.owner.password);
    const customer = await NdcClient.open({ relayUrl: t.relay.url, role: 'customer', isRtc: false });
    const agent = await NdcClient.open({ relayUrl: t.relay.url, role: 'agent', token, isRtc: false });
    try {
      assert.equal(agent.signedInAs.role, 'owner');
      agent.send({ type: 'connect-request', requestId: 'r1', deviceId: customer.device.deviceId, code: customer.device.code, permissions: { view: true, control: true } });
      const ask = await customer.next('consent-request');
      assert.equal(ask.orgName, SETUP.organisationName);
      assert.equal(ask.agentName, '王老板');
    } finally {
      agent.close();
      customer.close();
    }
  });
});

describe('the signed-in seat', () => {
  test('changing one\'s own password needs the current one and signs out the other sign-ins only', async () => {
    const first = await loginAgent(t.relay.url, 'boss', SETUP.owner.password);
    const second = await loginAgent(t.relay.url, 'boss', SETUP.owner.password);
    const api = anon.as(first.token);
    assert.equal((await api.refused('POST', '/api/me/password', 403, { currentPassword: 'wrong', newPassword: 'brand new pass' })).error, 'forbidden');
    assert.equal((await api.call('POST', '/api/me/password', { currentPassword: SETUP.owner.password, newPassword: 'brand new pass' })).status, 204);
    await api.ok('GET', '/api/me', MeResponse);
    await anon.as(second.token).refused('GET', '/api/me', 401);
    await assert.rejects(loginAgent(t.relay.url, 'boss', SETUP.owner.password));
    await loginAgent(t.relay.url, 'boss', 'brand new pass');
  });
});

describe('API plumbing', () => {
  test('CORS preflights allow every method the API uses; unknown paths 404; wrong methods 405 with Allow', async () => {
    const pre = await fetch(new URL('/api/seats/1', t.relay.url), { method: 'OPTIONS', headers: { Origin: 'null', 'Access-Control-Request-Method': 'PATCH' } });
    assert.equal(pre.status, 204);
    assert.match(pre.headers.get('access-control-allow-methods') ?? '', /PATCH.*PUT.*DELETE/);
    assert.equal((await anon.refused('GET', '/api/nothing-here', 404)).error, 'not-found');
    const wrong = await anon.call('DELETE', '/api/setup/status');
    assert.equal(wrong.status, 405);
    assert.match(wrong.headers.get('allow') ?? '', /GET/);
    const huge = await anon.call('POST', '/api/setup', { ...SETUP, token: 'x', padding: 'x'.repeat(70 * 1024) });
    assert.equal(huge.status, 413);
  });
});
