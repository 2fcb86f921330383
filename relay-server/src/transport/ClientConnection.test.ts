/** The WebSocket boundary: every kind of bad input gets its documented reply, and the relay keeps serving. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LIMITS, type RelayToClient } from '@beacon/shared/protocol';
import { MIN_PROTOCOL_VERSION, PROTOCOL_VERSION } from '@beacon/shared/version';
import { sha256Hex } from '../accounts/secrets.ts';
import { MAX_BAD_MESSAGES } from './ClientConnection.ts';
import { WS_MAX_PAYLOAD } from './createTransport.ts';
import { RawSocket } from '../testing/RawSocket.ts';
import { startTestRelay, type TestRelay } from '../testing/testRelay.ts';

let t: TestRelay;
/** Connected first and checked last: nobody else's garbage may disturb it. */
let bystander: RawSocket;

before(async () => {
  t = await startTestRelay({ helloTimeoutMs: 1000 });
  bystander = await RawSocket.open(t.relay.url);
  bystander.helloAs('customer');
  assert.equal((await bystander.nth(1)).type, 'welcome');
});
after(async () => {
  await t.relay.close();
});

function errorOf(msg: RelayToClient): Extract<RelayToClient, { type: 'error' }> {
  if (msg.type !== 'error') assert.fail(`expected an error, got ${JSON.stringify(msg)}`);
  return msg;
}

describe('WebSocket boundary', () => {
  test('malformed JSON and unknown types get bad-message, are logged, and the connection stays usable', async () => {
    const s = await RawSocket.open(t.relay.url);
    const logged = t.log.find('message refused').length;
    s.send('{not json');
    assert.equal(errorOf(await s.nth(1)).code, 'bad-message');
    s.json({ type: 'teleport', to: 'mars' });
    assert.equal(errorOf(await s.nth(2)).code, 'bad-message');
    s.send(Buffer.from([1, 2, 3]));
    assert.equal(errorOf(await s.nth(3)).code, 'bad-message');
    assert.equal(t.log.find('message refused').length, logged + 3);
    s.helloAs('customer');
    const welcome = await s.nth(4);
    assert.equal(welcome.type, 'welcome');
    s.close();
  });

  test('an oversized message is refused with bad-message; a huge one closes the socket (1009)', async () => {
    const s = await RawSocket.open(t.relay.url);
    s.json({ type: 'hello', v: PROTOCOL_VERSION, role: 'customer', token: 'x'.repeat(LIMITS.maxJsonMessageBytes) });
    const err = errorOf(await s.nth(1));
    assert.equal(err.code, 'bad-message');
    assert.match(err.message, /exceeds/);
    s.helloAs('customer');
    assert.equal((await s.nth(2)).type, 'welcome');
    s.send('x'.repeat(WS_MAX_PAYLOAD + 1));
    assert.equal((await s.closed()).code, 1009);
  });

  test('a protocol version older than the relay speaks gets version-mismatch naming both versions, then the socket closes', async () => {
    const s = await RawSocket.open(t.relay.url);
    const tooOld = MIN_PROTOCOL_VERSION - 1;
    s.json({ type: 'hello', v: tooOld, role: 'customer' });
    const err = errorOf(await s.nth(1));
    assert.equal(err.code, 'version-mismatch');
    assert.ok(err.message.includes(`${MIN_PROTOCOL_VERSION} to ${PROTOCOL_VERSION}`) && err.message.includes(`version ${tooOld}`), err.message);
    await s.closed();
  });

  test('a newer client is welcomed in the relay version with the relay capabilities; an old one without a list still gets in', async () => {
    const newer = await RawSocket.open(t.relay.url);
    newer.json({ type: 'hello', v: PROTOCOL_VERSION + 5, role: 'customer', capabilities: ['collab', 'hover-boards'] });
    const welcome = await newer.nth(1);
    assert.ok(welcome.type === 'welcome' && welcome.role === 'customer');
    assert.equal(welcome.v, PROTOCOL_VERSION);
    assert.ok(welcome.capabilities?.includes('collab'), JSON.stringify(welcome));
    newer.close();
    const v1 = await RawSocket.open(t.relay.url);
    v1.json({ type: 'hello', v: 1, role: 'customer' });
    const old = await v1.nth(1);
    assert.ok(old.type === 'welcome' && old.v === 1 && /^\d{9}$/.test(old.role === 'customer' ? old.deviceId : ''));
    v1.close();
  });

  test('an agent without a valid token gets unauthorized, is closed, and gets nothing else', async () => {
    for (const token of [undefined, 'forged-token']) {
      const s = await RawSocket.open(t.relay.url);
      s.helloAs('agent', token);
      assert.equal(errorOf(await s.nth(1)).code, 'unauthorized');
      await s.closed();
      assert.equal(s.received.length, 1);
    }
  });

  test('messages before hello, and of the wrong role, are forbidden', async () => {
    const early = await RawSocket.open(t.relay.url);
    early.json({ type: 'session-stop', sessionId: 'abcdefghij' });
    assert.equal(errorOf(await early.nth(1)).code, 'forbidden');
    early.close();

    const customer = await RawSocket.open(t.relay.url);
    customer.helloAs('customer');
    await customer.nth(1);
    customer.json({ type: 'connect-request', requestId: 'r1', deviceId: '123456789', code: 'ABCDEF', permissions: { view: true, control: true } });
    const err = errorOf(await customer.nth(2));
    assert.equal(err.code, 'forbidden');
    assert.equal(err.requestId, 'r1');

    // Signed in before the socket opens: a slow sign-in on a busy machine must not run into the hello time-out.
    const token = await t.token();
    const agent = await RawSocket.open(t.relay.url);
    agent.helloAs('agent', token);
    assert.equal((await agent.nth(1)).type, 'welcome');
    agent.json({ type: 'consent-reply', sessionId: 'abcdefghij', granted: true });
    assert.equal(errorOf(await agent.nth(2)).code, 'forbidden');
    agent.json({ type: 'session-end', sessionId: 'abcdefghij' });
    assert.equal(errorOf(await agent.nth(3)).code, 'not-found');
    customer.close();
    agent.close();
  });

  test('a client that keeps sending garbage is disconnected after the limit', async () => {
    const s = await RawSocket.open(t.relay.url);
    for (let i = 0; i < MAX_BAD_MESSAGES; i++) s.send('garbage');
    const info = await s.closed();
    assert.equal(info.code, 1008);
    assert.equal(s.received.length, MAX_BAD_MESSAGES);
  });

  test('a client that never says hello is closed after the hello timeout', async () => {
    const s = await RawSocket.open(t.relay.url);
    assert.equal((await s.closed(2000)).code, 1008);
  });

  test('revoking a token signs out its live connection', async () => {
    const token = await t.token();
    const s = await RawSocket.open(t.relay.url);
    s.helloAs('agent', token);
    assert.equal((await s.nth(1)).type, 'welcome');
    await t.relay.services.auth.revoke(sha256Hex(token));
    const out = await s.nth(2);
    assert.equal(out.type, 'signed-out');
    await s.closed();
    const again = await RawSocket.open(t.relay.url);
    again.helloAs('agent', token);
    assert.equal(errorOf(await again.nth(1)).code, 'unauthorized');
  });

  test('after all that, the relay still serves: healthz is 200 and the first client is unaffected', async () => {
    const res = await fetch(new URL('/healthz', t.relay.url));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { ok: true });
    assert.equal(bystander.closeInfo, null);
    bystander.json({ type: 'consent-reply', sessionId: 'abcdefghij', granted: false });
    assert.equal(errorOf(await bystander.nth(2)).code, 'not-found');
    assert.equal(bystander.unparsable.length, 0);
  });
});
