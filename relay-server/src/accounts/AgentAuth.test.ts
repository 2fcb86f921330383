/** Sign-in over HTTP: passwords, rate limits, token lifetime, CORS and malformed bodies. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApiError, LoginResponse } from '@beacon/shared/protocol';
import { parseUnknown } from '@beacon/shared/parse';
import { TOKEN_LIFETIME_MS } from './AgentAuth.ts';
import { hashPassword, verifyPassword } from './secrets.ts';
import { MAX_BODY_BYTES } from '../platform/route.ts';
import { RawSocket } from '../testing/RawSocket.ts';
import { TEST_AGENT, startTestRelay, type TestRelay } from '../testing/testRelay.ts';

let clock = Date.now();
let t: TestRelay;
before(async () => {
  t = await startTestRelay({ now: () => clock });
});
after(async () => {
  await t.relay.close();
});

function post(body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(new URL('/api/login', t.relay.url), { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
}
const login = (login: string, password: string) => post(JSON.stringify({ login, password }));

async function apiError(res: Response): Promise<ApiError> {
  const r = parseUnknown(ApiError, await res.json(), 'test');
  assert.ok(r.ok, 'the error body follows ApiError');
  return r.value;
}

describe('password hashing', () => {
  test('scrypt hashes are salted, carry their parameters, and verify only the right password', async () => {
    const a = await hashPassword('secret one');
    const b = await hashPassword('secret one');
    assert.match(a, /^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('secret one', a), true);
    assert.equal(await verifyPassword('secret two', a), false);
    assert.equal(await verifyPassword('secret one', 'plain-text-hash'), false);
  });
});

describe('POST /api/login', () => {
  test('the right password returns a 12-hour token; the wrong one 401 with a message', async () => {
    const ok = await login(TEST_AGENT.login, TEST_AGENT.password);
    assert.equal(ok.status, 200);
    const body = parseUnknown(LoginResponse, await ok.json(), 'test');
    assert.ok(body.ok);
    assert.equal(body.value.agent.displayName, TEST_AGENT.displayName);
    assert.equal(body.value.expiresAt, Math.round(clock) + TOKEN_LIFETIME_MS);
    assert.match(body.value.token, /^[\w-]{43}$/);
    // Only the hash is stored.
    assert.equal(await t.relay.services.db.get('SELECT 1 FROM agent_tokens WHERE token_hash = ?', [body.value.token]), undefined);

    const bad = await login(TEST_AGENT.login, 'not the password');
    assert.equal(bad.status, 401);
    const err = await apiError(bad);
    assert.equal(err.error, 'unauthorized');
    assert.ok(err.message.length > 0);
    const unknown = await login('nobody', 'whatever');
    assert.equal(unknown.status, 401);
  });

  test('the 6th failure within a minute for one login is rate-limited, even with the right password; it lifts after the window', async () => {
    await t.relay.services.auth.upsertAgent('bob', 'bobs password', 'Bob');
    for (let i = 0; i < 5; i++) assert.equal((await login('bob', `wrong ${i}`)).status, 401);
    const limited = await login('bob', 'bobs password');
    assert.equal(limited.status, 429);
    assert.equal((await apiError(limited)).error, 'rate-limited');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    // Other accounts are not affected by bob's limit.
    assert.equal((await login(TEST_AGENT.login, TEST_AGENT.password)).status, 200);
    clock += 61_000;
    assert.equal((await login('bob', 'bobs password')).status, 200);
  });

  test('20 failures from one address within 5 minutes rate-limit every login from it', async () => {
    clock += 10 * 60_000;
    // Spread over many logins so the per-login limit never triggers first.
    for (let i = 0; i < 20; i++) assert.equal((await login(`user${i}`, 'x')).status, 401);
    assert.equal((await login(TEST_AGENT.login, TEST_AGENT.password)).status, 429);
    clock += 5 * 60_000 + 1000;
    assert.equal((await login(TEST_AGENT.login, TEST_AGENT.password)).status, 200);
  });

  test('guessing the current password with a stolen token is limited like sign-ins and locks the seat', async () => {
    clock += 10 * 60_000;
    await t.relay.services.auth.upsertAgent('carol', 'carols password', 'Carol');
    const ok = await login('carol', 'carols password');
    const { token } = (await ok.json()) as { token: string };
    const change = (currentPassword: string) =>
      fetch(new URL('/api/me/password', t.relay.url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ currentPassword, newPassword: 'a brand new one' }),
      });
    for (let i = 0; i < 5; i++) assert.equal((await change(`guess ${i}`)).status, 403);
    const limited = await change('carols password');
    assert.equal(limited.status, 429, 'the 6th try in a minute is refused, even the right one');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    clock += 61_000;
    for (let i = 5; i < 10; i++) assert.equal((await change(`guess ${i}`)).status, 403);
    clock += 61_000;
    // Ten wrong current passwords in a row lock the seat: whoever holds its token is not its owner.
    assert.equal((await apiError(await login('carol', 'carols password'))).error, 'account-locked');
  });

  test('setting a seat\'s password again (upsertAgent) lifts its slowdown at once', async () => {
    clock += 10 * 60_000;
    await t.relay.services.auth.upsertAgent('erin', 'erins password', 'Erin');
    for (let i = 0; i < 5; i++) assert.equal((await login('erin', `wrong ${i}`)).status, 401);
    clock += 61_000; // the address's own limit for erin is over; the login's slowdown is not
    assert.equal((await login('erin', 'wrong 5')).status, 401);
    assert.equal((await login('erin', 'erins password')).status, 429, 'slowed down after 6 failures');
    await t.relay.services.auth.upsertAgent('erin', 'erins new password', 'Erin');
    assert.equal((await login('erin', 'erins new password')).status, 200);
  });

  test('a token stops working after 12 hours', async () => {
    clock += 10 * 60_000;
    const token = await t.token();
    const early = await RawSocket.open(t.relay.url);
    early.helloAs('agent', token);
    assert.equal((await early.nth(1)).type, 'welcome');
    early.close();
    clock += TOKEN_LIFETIME_MS + 1;
    assert.equal(await t.relay.services.auth.verifyToken(token), null);
    const late = await RawSocket.open(t.relay.url);
    late.helloAs('agent', token);
    const reply = await late.nth(1);
    assert.equal(reply.type === 'error' && reply.code, 'unauthorized');
  });

  test('malformed JSON is 400 bad-message, an oversized body 413, and the relay keeps serving', async () => {
    const broken = await post('{"login": ');
    assert.equal(broken.status, 400);
    assert.equal((await apiError(broken)).error, 'bad-message');
    const wrongShape = await post(JSON.stringify({ login: 'alice' }));
    assert.equal(wrongShape.status, 400);
    const huge = await post(JSON.stringify({ login: 'a', password: 'x'.repeat(MAX_BODY_BYTES) }));
    assert.equal(huge.status, 413);
    assert.ok(t.log.find('malformed login request').length >= 2);
    assert.equal((await fetch(new URL('/healthz', t.relay.url))).status, 200);
  });

  test('the API answers CORS preflights for bearer-token clients', async () => {
    const res = await fetch(new URL('/api/login', t.relay.url), {
      method: 'OPTIONS',
      headers: { Origin: 'null', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    const post = await login(TEST_AGENT.login, 'wrong');
    assert.equal(post.headers.get('access-control-allow-origin'), '*');
  });
});
