/**
 * A redirected session's own connection comes back after a drop (issue 15). Two relays of one
 * cluster; the customer on A; the agent signed in on B follows `relay-redirect` to A with a
 * ticket. That connection drops like a cut cable. The agent asks its home relay B again, with
 * its token and the resume claim: B checks the claim against the cluster's record and answers
 * `resume-redirect` with a fresh ticket for A, where the same claim resumes the session (same
 * stream, no new consent; the picture and input flow again). The spent ticket, a reused fresh
 * ticket and a wrong secret get nothing.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { fragmentFrame } from '@beacon/shared/framing';
import type { RelayToClient, ResumeClaim } from '@beacon/shared/protocol';
import { KNOWN_CAPABILITIES } from '@beacon/shared/version';
import { cleanupNative } from '../platform/nativeHandles.ts';
import { NdcClient, openSession, type NdcClientOptions } from '../testing/NdcClient.ts';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../testing/testDatabase.ts';
import { testRedisUrl } from '../testing/testSharedState.ts';
import { startTestRelay, type TestRelay } from '../testing/testRelay.ts';

/** Resume and the cluster's messages; not the desk (its queue messages are not what these clients wait for). */
const CAPS = KNOWN_CAPABILITIES.filter((c) => !c.startsWith('desk'));
const permissions = { view: true, control: true } as const;
type ResumeRedirect = Extract<RelayToClient, { type: 'resume-redirect' }>;

describe('a redirected session link that drops resumes through the home relay', () => {
  let db: TestPostgresDatabase;
  let a: TestRelay;
  let b: TestRelay;
  const clients: NdcClient[] = [];
  const open = async (relayUrl: string, o: Omit<NdcClientOptions, 'relayUrl'>) => {
    const c = await NdcClient.open({ relayUrl, capabilities: CAPS, timeoutMs: 15_000, ...o });
    clients.push(c);
    return c;
  };
  /** What the home relay answers a resume of a session it does not hold: the redirect (it throws), or the connection. */
  const askHome = async (token: string, resume: ResumeClaim[]): Promise<ResumeRedirect | NdcClient> => {
    try {
      return await open(b.relay.url, { role: 'agent', token, resume, isRtc: false });
    } catch (err) {
      const redirect = (err as { redirect?: ResumeRedirect }).redirect;
      if (!redirect) throw err;
      return redirect;
    }
  };

  before(async () => {
    db = await createTestPostgresDatabase();
    const cluster = { redisUrl: await testRedisUrl(), secret: randomBytes(32).toString('hex'), keyPrefix: `test:${randomBytes(6).toString('hex')}:` };
    a = await startTestRelay({ databaseUrl: db.url, cluster: { ...cluster, relayId: 'relay-a' } });
    b = await startTestRelay({ databaseUrl: db.url, cluster: { ...cluster, relayId: 'relay-b' } });
  });
  after(async () => {
    for (const c of clients) c.close();
    await b?.relay.close();
    await a?.relay.close();
    await db?.drop();
    await cleanupNative();
  });

  test('same session and stream on A after the drop, with a fresh single-use ticket from B; picture and input flow again', async () => {
    const customer = await open(a.relay.url, { role: 'customer' });
    const token = await b.token();
    const home = await open(b.relay.url, { role: 'agent', token, isRtc: false });
    home.send({ type: 'connect-request', requestId: 'r1', deviceId: customer.device.deviceId, code: customer.device.code, permissions });
    const first = await home.next('relay-redirect', 10_000);
    const onA = await open(first.url, { role: 'agent', ticket: first.ticket });
    const { sessionId, streamId } = await openSession(onA, customer, permissions, 15_000);
    const started = onA.inbox.all.find((m) => m.type === 'session-started');
    const secret = started?.type === 'session-started' ? started.resumeSecret : undefined;
    assert.ok(secret, 'the agent holds a resume secret for the redirected session');

    onA.drop();
    const away = await customer.next('peer-away', 10_000);
    assert.equal(away.who, 'agent');
    // The spent ticket opens nothing, even with the claim.
    await assert.rejects(open(first.url, { role: 'agent', ticket: first.ticket, resume: [{ sessionId, secret }], isRtc: false }), /unauthorized/);
    // A wrong secret learns nothing from B: no redirect, the claim is refused.
    const wrong = await askHome(token, [{ sessionId, secret: randomBytes(32).toString('base64url') }]);
    assert.ok(wrong instanceof NdcClient, 'no resume-redirect for a wrong secret');
    assert.equal((await wrong.next('resume-refused', 10_000)).sessionId, sessionId);

    const redirect = await askHome(token, [{ sessionId, secret }]);
    assert.ok(!(redirect instanceof NdcClient), 'B sends the claim to A');
    assert.equal(redirect.url, a.relay.url);
    assert.ok(redirect.ticket && redirect.ticket !== first.ticket, 'with a fresh ticket');
    const back = await open(redirect.url, { role: 'agent', ticket: redirect.ticket, resume: [{ sessionId, secret }] });
    const resumed = await back.next('session-resumed', 10_000);
    assert.deepEqual({ sessionId: resumed.sessionId, streamId: resumed.streamId }, { sessionId, streamId });
    await customer.next('peer-back', 10_000);
    assert.equal(customer.inbox.all.filter((m) => m.type === 'consent-request').length, 1, 'no second consent');
    await assert.rejects(open(redirect.url, { role: 'agent', ticket: redirect.ticket, isRtc: false }), /unauthorized/, 'the fresh ticket is single-use too');

    // The picture and the input go through the resumed connection.
    for (const f of fragmentFrame(new Uint8Array(3000).fill(9), { isKey: true, stream: streamId, seq: 1, captureTs: 1 })) customer.sendMedia(f);
    for (let i = 0; i < 200 && back.media.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(back.media.length > 0, 'the customer\'s keyframe reaches the resumed agent');
    back.sendCtl({ type: 'input', sessionId, event: { kind: 'mouse-move', x: 10, y: 20 } });
    assert.deepEqual((await customer.nextCtl('input', 10_000)).event, { kind: 'mouse-move', x: 10, y: 20 });
  });
});
