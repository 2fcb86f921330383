/**
 * A relay killed mid-session; the session goes on through another (issue 15). Three real relay
 * processes on one throwaway PostgreSQL, Redis and S3 server (s3rver), behind a round-robin TCP
 * front (RoundRobinFront: what nginx or HAProxy would be). The customer and the agent (Node
 * WebRTC clients, real VP9 frames from the recorded typing clip) reach each other through the
 * front; the agent is sent to the customer's relay with a ticket if the front put it elsewhere.
 * Mid-session that relay is killed with SIGKILL. Both clients do what a client does when its
 * relay dies: they reconnect to the same URL (the front) with their resume claim, following a
 * `resume-redirect` if they land on a relay that is not the one that took the session over,
 * trying again a second later while nothing takes it. Asserted: both resume within the grace,
 * the customer is not asked again, the agent's picture moves again and its input lands, the
 * session ends normally, and the bucket holds one recording of the session that decodes across
 * the cut, with frames from both sides of it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { fragmentFrame } from '@beacon/shared/framing';
import type { RelayToClient, ResumeClaim, Role } from '@beacon/shared/protocol';
import { KNOWN_CAPABILITIES } from '@beacon/shared/version';
import { AGENT, type RelayProcess } from '../harness/Relay.ts';
import { startClusterRelay } from '../harness/clusterRelay.ts';
import { startRoundRobinFront, type RoundRobinFront } from '../harness/RoundRobinFront.ts';
import { waitFor } from '../harness/waitFor.ts';
import { NdcClient, loginAgent, openSession } from '../../relay-server/src/testing/NdcClient.ts';
import { startPostgresServer, type PostgresServer } from '../../relay-server/src/testing/PostgresServer.ts';
import { startRedisServer, type RedisServer } from '../../relay-server/src/testing/RedisServer.ts';
import { startS3Server, type TestS3Server } from '../../relay-server/src/testing/S3Server.ts';
import { loadClip, type ClipFrame } from '../../relay-server/src/recording/testing/clip.ts';
import { cleanupNative } from '../../relay-server/src/platform/nativeHandles.ts';

const run = promisify(execFile);
const SIG = { timeout: 240_000 };
/** Resume, and following a relay that took a session over; not the desk (its queue messages are not what these clients wait for). */
const CAPS = KNOWN_CAPABILITIES.filter((c) => !c.startsWith('desk'));
const permissions = { view: true, control: true } as const;
const S3_PREFIX = 'failover/';
const clip = loadClip();

type RedirectError = Error & { redirect?: Extract<RelayToClient, { type: 'resume-redirect' }> };

/** Sends clip frames `[from, to)` at their own pace, stamped with this machine's clock as a capture would be. */
async function sendFrames(customer: NdcClient, streamId: number, frames: readonly ClipFrame[], seq0: number): Promise<number> {
  const t0 = Date.now();
  let seq = seq0;
  for (const f of frames) {
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + f.offsetMs - (frames[0]?.offsetMs ?? 0) - Date.now())));
    for (const frag of fragmentFrame(f.data, { isKey: f.isKey, stream: streamId, seq: seq++, captureTs: Date.now() })) customer.sendMedia(frag);
  }
  return seq;
}

describe('relay A killed with SIGKILL: the session resumes through another relay', SIG, () => {
  let pg: PostgresServer;
  let redis: RedisServer;
  let s3: TestS3Server;
  let front: RoundRobinFront;
  const relays: RelayProcess[] = [];
  const clients: NdcClient[] = [];
  const work = mkdtempSync(join(tmpdir(), 'beacon-failover-'));

  const open = async (relayUrl: string, o: { role: Role; token?: string; ticket?: string; resume?: ResumeClaim[] }) => {
    const c = await NdcClient.open({ relayUrl, capabilities: CAPS, timeoutMs: 20_000, ...o });
    clients.push(c);
    return c;
  };

  /**
   * What a client does when its relay dies: the same URL again with its resume claim; a
   * `resume-redirect` is followed at once; anything else is tried again a second later. Returns
   * the new connection and the relay URLs it went through.
   */
  async function resumeThrough(role: Role, claim: ResumeClaim, token: string | undefined, deadline: number): Promise<{ client: NdcClient; hops: string[] }> {
    const hops: string[] = [];
    for (;;) {
      try {
        hops.push('front');
        return { client: await open(front.url, { role, resume: [claim], ...(token ? { token } : {}) }), hops };
      } catch (err) {
        const redirect = (err as RedirectError).redirect;
        if (redirect) {
          hops.push(redirect.url);
          const viaTicket = await open(redirect.url, { role, resume: [claim], ...(redirect.ticket ? { ticket: redirect.ticket } : {}) }).catch(() => null);
          if (viaTicket) return { client: viaTicket, hops };
        }
      }
      if (Date.now() > deadline) throw new Error(`${role} could not resume: ${hops.join(' -> ')}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  before(async () => {
    [pg, redis, s3] = await Promise.all([startPostgresServer(), startRedisServer(), startS3Server()]);
    const stores = { databaseUrl: pg.url(), redisUrl: redis.url, secret: randomBytes(32).toString('hex') };
    const bucket = s3.settings(S3_PREFIX);
    // One after the other: the first creates the schema.
    for (const id of ['a', 'b', 'c']) {
      relays.push(
        await startClusterRelay(id, stores, {
          BEACON_AGENT_ROLE: 'owner',
          BEACON_RECORD_SESSIONS: '1',
          BEACON_RECORDINGS_S3: `s3://${bucket.bucket}/${S3_PREFIX}`,
          BEACON_S3_ENDPOINT: bucket.endpoint ?? '',
          BEACON_S3_ACCESS_KEY_ID: bucket.credentials?.accessKeyId ?? '',
          BEACON_S3_SECRET_ACCESS_KEY: bucket.credentials?.secretAccessKey ?? '',
          BEACON_RECORDINGS_DIR: join(work, `scratch-${id}`),
        }),
      );
    }
    front = await startRoundRobinFront(relays.map((r) => r.port));
  });

  after(async () => {
    for (const c of clients) c.close();
    await front?.close();
    for (const r of relays) await r.stop();
    await s3?.close();
    await redis?.stop();
    await pg?.stop();
    rmSync(work, { recursive: true, force: true });
    await cleanupNative();
  });

  test('both sides resume through another relay within the grace; picture, input and one recording across the cut', SIG, async (t) => {
    // The session, through the front: the agent follows relay-redirect to the customer's relay if it landed elsewhere.
    const customer = await open(front.url, { role: 'customer' });
    const holder = relays.find((r) => r.port === front.routed.at(-1)) as RelayProcess;
    const { token } = await loginAgent(front.url, AGENT.login, AGENT.password);
    let agent = await open(front.url, { role: 'agent', token });
    if (front.routed.at(-1) !== holder.port) {
      agent.send({ type: 'connect-request', requestId: 'find-the-device', deviceId: customer.device.deviceId, code: customer.device.code, permissions });
      const to = await agent.next('relay-redirect', 10_000);
      agent = await open(to.url, { role: 'agent', ticket: to.ticket });
    }
    const { sessionId, streamId } = await openSession(agent, customer, permissions, 15_000);
    const secretOf = (c: NdcClient) => {
      const started = c.inbox.all.find((m) => m.type === 'session-started');
      assert.ok(started?.type === 'session-started' && started.resumeSecret, 'a resume secret');
      return { sessionId, secret: started.resumeSecret };
    };
    const claims = { customer: secretOf(customer), agent: secretOf(agent) };

    // About 3 s of picture before the kill (the journal's chunks go to the bucket every 2 s).
    const config = clip.config;
    customer.sendCtl({ type: 'stream-config', sessionId, config });
    // ctl and media are separate channels: the parameters must be there before the keyframe.
    await new Promise((r) => setTimeout(r, 500));
    const before = clip.frames.slice(0, 90);
    let seq = await sendFrames(customer, streamId, before, 0);
    await waitFor(() => agent.media.length > 0, 'the picture on the agent', 15_000);
    await new Promise((r) => setTimeout(r, 2500));

    holder.proc.kill('SIGKILL');
    const killedAt = Date.now();
    await new Promise((r) => holder.proc.once('exit', r));
    const deadline = killedAt + 50_000;
    const [c2, a2] = await Promise.all([resumeThrough('customer', claims.customer, undefined, deadline), resumeThrough('agent', claims.agent, token, deadline)]);
    await Promise.all([c2.client.next('session-resumed', 15_000), a2.client.next('session-resumed', 15_000)]);
    const resumedMs = Date.now() - killedAt;
    const relayName = (url: string) => (url === 'front' ? url : `relay-${'abc'[relays.findIndex((r) => r.url === url)] ?? '?'}`);
    t.diagnostic(`both sides resumed ${resumedMs} ms after the kill; customer ${c2.hops.map(relayName).join(' -> ')}; agent ${a2.hops.map(relayName).join(' -> ')}`);
    console.log(`[failover] both sides resumed ${resumedMs} ms after SIGKILL (holder key expiry ${10_000} ms bounds it)`);
    assert.ok(!c2.client.inbox.all.some((m) => m.type === 'consent-request'), 'the customer is not asked again');
    assert.equal(c2.client.device.deviceId, customer.device.deviceId, 'the customer keeps its ID');

    // The picture moves again: a fresh keyframe and what follows reach the agent through the new relay.
    c2.client.sendCtl({ type: 'stream-config', sessionId, config });
    await new Promise((r) => setTimeout(r, 500));
    const shownBefore = a2.client.media.length;
    seq = await sendFrames(c2.client, streamId, clip.frames.slice(0, 90), seq);
    await waitFor(() => a2.client.media.length > shownBefore, 'the picture after the failover', 15_000);
    // As an encoder does, a keyframe answers the relay's asks (the recording asks again if its journal was still being fetched when the first one came).
    if (c2.client.ctlInbox.all.some((m) => m.type === 'keyframe-request')) seq = await sendFrames(c2.client, streamId, clip.frames.slice(0, 30), seq);
    a2.client.sendCtl({ type: 'input', sessionId, event: { kind: 'mouse-move', x: 10, y: 20 } });
    assert.deepEqual((await c2.client.nextCtl('input', 10_000)).event, { kind: 'mouse-move', x: 10, y: 20 });

    a2.client.send({ type: 'session-end', sessionId });
    assert.equal((await c2.client.next('session-ended', 10_000)).reason, 'agent-ended');

    // One recording, in the bucket, decoding across the cut.
    const file = join(work, 'recording.webm');
    await waitFor(async () => {
      const got = await s3.client().send(new GetObjectCommand({ Bucket: s3.settings().bucket, Key: `${S3_PREFIX}${sessionId}.webm` })).catch(() => null);
      if (!got?.Body) return false;
      writeFileSync(file, await got.Body.transformToByteArray());
      return true;
    }, 'the finished recording in the bucket', 60_000);
    const probe = await run('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames:format=duration', '-of', 'default=nw=1', file]).catch((err: { stderr?: string }) => {
      throw new Error(`ffprobe failed: ${err.stderr ?? String(err)}`);
    });
    t.diagnostic(`recording: ${probe.stdout.replace(/\n/g, ' ')} (sent ${before.length} frames before the kill, 90 + 30 after)`);
    assert.equal(probe.stderr.trim(), '', `ffprobe reported: ${probe.stderr}`);
    const frames = Number(/nb_read_frames=(\d+)/.exec(probe.stdout)?.[1]);
    const durationS = Number(/duration=([\d.]+)/.exec(probe.stdout)?.[1]);
    assert.ok(frames > before.length, `frames from both sides of the cut: ${frames}`);
    assert.ok(durationS * 1000 >= resumedMs, `the recording spans the outage: ${durationS} s`);
    const decoded = await run('ffmpeg', ['-v', 'error', '-xerror', '-i', file, '-fps_mode', 'passthrough', '-enc_time_base', '-1', '-f', 'null', '-']);
    assert.equal(decoded.stderr.trim(), '', `ffmpeg reported: ${decoded.stderr}`);
  });
});
