import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, describe, test } from 'node:test';
import { LOGIN_FAILURES_PER_ADDRESS } from '../accounts/AgentAuth.ts';
import { ClientAddress, TrustedProxyError } from './ClientAddress.ts';
import { startTestRelay, TEST_AGENT, type TestRelay } from '../testing/testRelay.ts';

/** A request as the HTTP server hands it over: the socket's peer and the headers. */
function req(peer: string, forwardedFor?: string | string[]): IncomingMessage {
  return { socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } } as unknown as IncomingMessage;
}

test('without trusted proxies the header is ignored: a client cannot choose its own address', () => {
  const a = new ClientAddress();
  assert.equal(a.of(req('203.0.113.7', '198.51.100.1')), '203.0.113.7');
  assert.equal(a.of(req('::ffff:203.0.113.7')), '203.0.113.7', 'IPv4 on a dual-stack socket');
});

test('behind a trusted proxy the client is the first untrusted hop from the right', () => {
  const a = ClientAddress.fromEnv('127.0.0.1, 10.0.0.0/8 ::1');
  assert.equal(a.of(req('127.0.0.1', '198.51.100.1')), '198.51.100.1');
  // The client put a fake address first; the proxies appended the real one after it.
  assert.equal(a.of(req('127.0.0.1', '6.6.6.6, 198.51.100.1, 10.1.2.3')), '198.51.100.1');
  assert.equal(a.of(req('::1', ['6.6.6.6', '2001:db8::5'])), '2001:db8::5', 'headers repeated on several lines');
  assert.equal(a.of(req('::ffff:10.9.9.9', '198.51.100.2')), '198.51.100.2');
});

test('a chain of only proxies, no header or a malformed hop counts as the proxy itself', () => {
  const a = new ClientAddress(['10.0.0.0/8']);
  assert.equal(a.of(req('10.0.0.1', '10.0.0.2')), '10.0.0.1');
  assert.equal(a.of(req('10.0.0.1')), '10.0.0.1');
  assert.equal(a.of(req('10.0.0.1', '198.51.100.1, not-an-ip')), '10.0.0.1');
  // An untrusted peer's header is never read, whatever it says.
  assert.equal(a.of(req('203.0.113.9', '10.0.0.2')), '203.0.113.9');
});

test('entries that are not addresses or CIDR blocks are refused with the variable named', () => {
  for (const bad of ['proxy.example', '10.0.0.0/33', '10.0.0.0/x', '::1/129', '300.1.1.1']) {
    assert.throws(() => ClientAddress.fromEnv(bad), (err: unknown) => err instanceof TrustedProxyError && err.message.includes('BEACON_TRUSTED_PROXIES'), bad);
  }
});

describe('through the relay: the per-address login limit', () => {
  const relays: TestRelay[] = [];
  after(async () => {
    for (const r of relays) await r.relay.close();
  });
  const fail = (url: string, from: string, i: number) =>
    fetch(new URL('/api/login', url), { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': from }, body: JSON.stringify({ login: `user${i}`, password: 'wrong' }) });
  const rightLogin = (url: string, from: string) =>
    fetch(new URL('/api/login', url), { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': from }, body: JSON.stringify({ login: TEST_AGENT.login, password: TEST_AGENT.password }) });

  test('behind a trusted proxy each forwarded client has its own limit', async () => {
    const t = await startTestRelay({ clientAddress: new ClientAddress(['127.0.0.1', '::1']) });
    relays.push(t);
    for (let i = 0; i < LOGIN_FAILURES_PER_ADDRESS.max; i++) assert.equal((await fail(t.relay.url, '198.51.100.1', i)).status, 401);
    assert.equal((await rightLogin(t.relay.url, '198.51.100.1')).status, 429, 'the guessing client is limited');
    assert.equal((await rightLogin(t.relay.url, '198.51.100.2')).status, 200, 'another customer behind the same proxy is not');
    assert.ok(t.log.lines.some((l) => l.msg === 'login rate-limited' && l.address === '198.51.100.1'), 'the log names the real client');
  });

  test('without one the header is ignored: changing it does not escape the limit', async () => {
    const t = await startTestRelay();
    relays.push(t);
    for (let i = 0; i < LOGIN_FAILURES_PER_ADDRESS.max; i++) assert.equal((await fail(t.relay.url, `198.51.100.${i}`, i)).status, 401);
    assert.equal((await rightLogin(t.relay.url, '203.0.113.200')).status, 429);
  });
});
