/**
 * Recording through the real relay: node-datachannel customer and agent run a session whose
 * customer sends real VP9 frames; the relay records it (finaliser worker included), serves
 * it with Range support behind media tickets, keeps the timeline on the media clock, and
 * lets only the right seats watch, auditing every view and download.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cleanupNative } from '../platform/nativeHandles.ts';
import { AuditList, OrgSettings, RecordingInfo, RecordingTicket, SessionTimeline } from '@beacon/shared/api';
import { fragmentFrame } from '@beacon/shared/framing';
import { NdcClient, loginAgent, openSession } from '../testing/NdcClient.ts';
import { TestApi } from '../testing/TestApi.ts';
import { TEST_AGENT, startTestRelay, type TestRelay } from '../testing/testRelay.ts';
import { loadClip } from './testing/clip.ts';

const clip = loadClip();
let t: TestRelay;
let owner: TestApi;
let manager: TestApi;
let alice: TestApi;
let bob: TestApi;
const open: NdcClient[] = [];

before(async () => {
  t = await startTestRelay();
  await t.relay.seedAccount({ login: 'olivia', password: 'owner passphrase', displayName: 'Olivia', role: 'owner' });
  await t.relay.seedAccount({ login: 'mia', password: 'mia passphrase', displayName: 'Mia', role: 'manager' });
  await t.relay.seedAccount({ login: 'bob', password: 'bob passphrase', displayName: 'Bob', role: 'agent' });
  const anon = new TestApi(t.relay.url);
  owner = anon.as((await loginAgent(t.relay.url, 'olivia', 'owner passphrase')).token);
  manager = anon.as((await loginAgent(t.relay.url, 'mia', 'mia passphrase')).token);
  bob = anon.as((await loginAgent(t.relay.url, 'bob', 'bob passphrase')).token);
  alice = anon.as(await t.token());
});
after(async () => {
  for (const c of open) c.close();
  await t.relay.close();
  await cleanupNative();
});

function waitFor(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = async () => {
      if (await check()) return resolve();
      if (Date.now() - start > timeoutMs) return reject(new Error(`timed out: ${what}`));
      setTimeout(() => void tick(), 20);
    };
    void tick();
  });
}

/** A session whose customer sends `frames` of the clip; the agent clicks and types in it. */
async function recordedSession(frames: number): Promise<{ sessionId: string; agent: NdcClient; customer: NdcClient }> {
  const customer = await NdcClient.open({ relayUrl: t.relay.url, role: 'customer' });
  const agent = await NdcClient.open({ relayUrl: t.relay.url, role: 'agent', token: await t.token() });
  open.push(customer, agent);
  const deviceId = customer.device.deviceId;
  agent.send({ type: 'connect-request', requestId: 'probe', deviceId, code: customer.device.code, permissions: { view: true, control: true } });
  const ask = await customer.next('consent-request');
  assert.equal(ask.isRecorded, true, 'the customer is told the session is recorded');
  customer.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
  const started = await agent.next('session-started');
  await customer.next('session-started');
  const { sessionId, streamId } = started;
  customer.sendCtl({ type: 'stream-config', sessionId, config: clip.config });
  await agent.nextCtl('stream-config');
  // In real time, as a customer would: media time follows the frames' capture times.
  const base = Date.now();
  for (const [seq, f] of clip.frames.slice(0, frames).entries()) {
    const wait = base + f.offsetMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    for (const frag of fragmentFrame(f.data, { isKey: f.isKey, stream: streamId, seq, captureTs: base + f.offsetMs })) assert.ok(customer.sendMedia(frag));
  }
  agent.sendCtl({ type: 'input', sessionId, event: { kind: 'mouse-button', x: 640, y: 360, button: 'left', down: true } });
  agent.sendCtl({ type: 'input', sessionId, event: { kind: 'mouse-button', x: 640, y: 360, button: 'left', down: false } });
  agent.sendCtl({ type: 'input', sessionId, event: { kind: 'mouse-move', x: 10, y: 10 } });
  agent.sendCtl({ type: 'input', sessionId, event: { kind: 'text', text: 'secret' } });
  agent.sendCtl({ type: 'input', sessionId, event: { kind: 'key', key: 'enter', down: true, modifiers: [] } });
  await waitFor(() => (t.relay.stats().sessions.find((s) => s.id === sessionId)?.media?.framesIn ?? 0) >= frames, 'the relay saw every frame');
  return { sessionId, agent, customer };
}

async function finished(sessionId: string): Promise<RecordingInfo> {
  await waitFor(async () => (await manager.ok('GET', `/api/sessions/${sessionId}/recording`, RecordingInfo)).status !== 'finalising', 'the recording is finalised');
  return manager.ok('GET', `/api/sessions/${sessionId}/recording`, RecordingInfo);
}

describe('session recording through the relay', () => {
  let sessionId = '';
  let full: Buffer;

  test('a live session plays near-live from a snapshot, then becomes a finished WebM', async () => {
    const s = await recordedSession(60);
    sessionId = s.sessionId;
    const live = await manager.ok('GET', `/api/sessions/${sessionId}/recording`, RecordingInfo);
    assert.equal(live.status, 'recording');
    assert.equal(live.isLive, true);
    assert.equal(live.mimeType, 'video/webm; codecs="vp09.00.10.08"');
    assert.ok(live.snapshot !== null && (live.durationMs ?? 0) > 1900, `snapshot ${live.snapshot} of ${live.durationMs} ms`);
    const ticket = await manager.ok('POST', `/api/sessions/${sessionId}/recording/ticket`, RecordingTicket, { purpose: 'view' });
    const snap = await fetch(new URL(`${ticket.url}&snapshot=${live.snapshot}`, t.relay.url));
    assert.equal(snap.status, 200);
    assert.equal(snap.headers.get('content-type'), 'video/webm');
    assert.equal(Buffer.from(await snap.arrayBuffer()).subarray(0, 4).toString('hex'), '1a45dfa3', 'an EBML (WebM) file');

    await new Promise((r) => setTimeout(r, 300));
    s.agent.send({ type: 'session-end', sessionId });
    await s.agent.next('session-ended');
    const done = await finished(sessionId);
    assert.equal(done.status, 'ready');
    assert.equal(done.isLive, false);
    assert.equal(done.container, 'webm');
    assert.deepEqual([done.width, done.height], [1280, 720]);
    const row = await t.relay.services.sessionHistory.get(sessionId);
    const sessionMs = (row?.endedAt ?? 0) - (row?.startedAt ?? 0);
    assert.ok(Math.abs((done.durationMs ?? 0) - sessionMs) <= 50, `recording ${done.durationMs} ms, session ${sessionMs} ms`);
    assert.equal(done.failure, null);
  });

  test('the file is served with Range support behind a ticket, and the download is audited', async () => {
    const view = await manager.ok('POST', `/api/sessions/${sessionId}/recording/ticket`, RecordingTicket, {});
    const url = new URL(view.url, t.relay.url);
    assert.doesNotMatch(view.url, /Bearer|token=/i);
    const whole = await fetch(url);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    full = Buffer.from(await whole.arrayBuffer());
    assert.equal(Number(whole.headers.get('content-length')), full.length);
    const info = await manager.ok('GET', `/api/sessions/${sessionId}/recording`, RecordingInfo);
    assert.equal(info.sizeBytes, full.length);

    const part = await fetch(url, { headers: { Range: 'bytes=100-4195' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 100-4195/${full.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), full.subarray(100, 4196));
    const tail = await fetch(url, { headers: { Range: 'bytes=-1000' } });
    assert.equal(tail.status, 206);
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), full.subarray(full.length - 1000));
    const beyond = await fetch(url, { headers: { Range: `bytes=${full.length + 10}-` } });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get('content-range'), `bytes */${full.length}`);

    // Forged, truncated, or for another session: refused.
    assert.equal((await fetch(new URL(view.url.replace(/.{4}$/, 'AAAA'), t.relay.url))).status, 401);
    assert.equal((await fetch(new URL(`/api/sessions/${sessionId}/recording/file`, t.relay.url))).status, 401);
    assert.equal((await fetch(new URL(view.url.replace(sessionId, 'someOtherSession1'), t.relay.url))).status, 401);

    const download = await manager.ok('POST', `/api/sessions/${sessionId}/recording/ticket`, RecordingTicket, { purpose: 'download' });
    const file = await fetch(new URL(download.url, t.relay.url));
    assert.match(file.headers.get('content-disposition') ?? '', /attachment; filename="beacon-.*\.webm"/);
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), full);

    const audit = (await owner.ok('GET', '/api/audit', AuditList)).entries;
    const mine = audit.filter((e) => e.actor?.login === 'mia' && e.target?.id === sessionId);
    assert.deepEqual(mine.map((e) => e.action).sort(), ['recording-downloaded', 'recording-viewed', 'recording-viewed']);
    assert.equal(mine.find((e) => e.action === 'recording-downloaded')?.target?.type, 'recording');
  });

  test('the timeline shares the media clock: consent at 0, the click with its position, keys masked', async () => {
    const tl = await manager.ok('GET', `/api/sessions/${sessionId}/timeline`, SessionTimeline);
    const kinds = tl.events.map((e) => e.kind);
    assert.deepEqual(kinds, ['connect-requested', 'consent-granted', 'control-started', 'click', 'key', 'key', 'control-stopped', 'disconnected']);
    assert.equal(tl.events[0]?.mediaMs, null, 'before the recording started');
    // At the recording's start, up to how late a loaded machine's timers run (a wrong clock would be off by the session's seconds).
    assert.ok((tl.events[1]?.mediaMs ?? -1) >= 0 && (tl.events[1]?.mediaMs ?? 999) < 250, `consent opens the recording (at ${tl.events[1]?.mediaMs} ms)`);
    const click = tl.events.find((e) => e.kind === 'click');
    assert.deepEqual(click?.detail, { x: 640, y: 360, button: 'left' });
    const keys = tl.events.filter((e) => e.kind === 'key');
    assert.deepEqual(keys.map((k) => k.detail), [{ isMasked: true, chars: 6 }, { isMasked: true }]);
    assert.doesNotMatch(JSON.stringify(tl), /secret/);
    const info = await manager.ok('GET', `/api/sessions/${sessionId}/recording`, RecordingInfo);
    const end = tl.events.at(-1)?.mediaMs ?? -1;
    assert.ok(Math.abs(end - (info.durationMs ?? 0)) <= 50, `the end event at ${end} ms, the file lasts ${info.durationMs} ms`);
    assert.ok((click?.mediaMs ?? -1) > 0 && (click?.mediaMs ?? 0) <= end);
  });

  test('agents may not watch others’ recordings, and their own only when the organisation allows it', async () => {
    for (const path of [`/api/sessions/${sessionId}/recording`, `/api/sessions/${sessionId}/timeline`]) {
      assert.equal((await bob.refused('GET', path, 403)).error, 'forbidden');
      assert.equal((await alice.refused('GET', path, 403)).error, 'forbidden');
    }
    await bob.refused('POST', `/api/sessions/${sessionId}/recording/ticket`, 403, {});
    await alice.refused('POST', `/api/sessions/${sessionId}/recording/ticket`, 403, {});
    await new TestApi(t.relay.url).refused('GET', `/api/sessions/${sessionId}/recording`, 401);

    await owner.ok('PATCH', '/api/settings', OrgSettings, { agentsMayWatchOwn: true });
    assert.equal((await alice.ok('GET', `/api/sessions/${sessionId}/recording`, RecordingInfo)).status, 'ready');
    const ticket = await alice.ok('POST', `/api/sessions/${sessionId}/recording/ticket`, RecordingTicket, {});
    assert.equal((await fetch(new URL(ticket.url, t.relay.url))).status, 200);
    await bob.refused('GET', `/api/sessions/${sessionId}/recording`, 403);
    // Taking the right back also stops a ticket already issued.
    await owner.ok('PATCH', '/api/settings', OrgSettings, { agentsMayWatchOwn: false });
    assert.equal((await fetch(new URL(ticket.url, t.relay.url))).status, 403);
    await manager.refused('GET', '/api/sessions/unknownSession1/recording', 404);
  });

  test('with keystrokes kept, the timeline has what was typed; with recording off, the customer is told nothing is recorded', async () => {
    await owner.ok('PATCH', '/api/settings', OrgSettings, { recordKeystrokes: true });
    const s = await recordedSession(10);
    s.agent.send({ type: 'session-end', sessionId: s.sessionId });
    await s.agent.next('session-ended');
    const tl = await manager.ok('GET', `/api/sessions/${s.sessionId}/timeline`, SessionTimeline);
    assert.deepEqual(tl.events.filter((e) => e.kind === 'key').map((e) => e.detail), [{ text: 'secret' }, { key: 'enter', modifiers: [] }]);
    assert.equal((await finished(s.sessionId)).status, 'ready');

    await owner.ok('PATCH', '/api/settings', OrgSettings, { recordSessions: false, recordKeystrokes: false });
    const customer = await NdcClient.open({ relayUrl: t.relay.url, role: 'customer' });
    const agent = await NdcClient.open({ relayUrl: t.relay.url, role: 'agent', token: await t.token() });
    open.push(customer, agent);
    const { sessionId: off } = await openSession(agent, customer, { view: true, control: false });
    const ask = customer.inbox.all.find((m) => m.type === 'consent-request' && m.sessionId === off);
    assert.equal(ask?.type === 'consent-request' && ask.isRecorded, false);
    assert.equal((await manager.ok('GET', `/api/sessions/${off}/recording`, RecordingInfo)).status, 'none');
    await manager.refused('POST', `/api/sessions/${off}/recording/ticket`, 404, {});
    agent.send({ type: 'session-end', sessionId: off });
    await owner.ok('PATCH', '/api/settings', OrgSettings, { recordSessions: true });
  });

  test('a session that ends before any picture arrives is recorded as failed with a reason', async () => {
    const customer = await NdcClient.open({ relayUrl: t.relay.url, role: 'customer' });
    const agent = await NdcClient.open({ relayUrl: t.relay.url, role: 'agent', token: await t.token() });
    open.push(customer, agent);
    const { sessionId: empty } = await openSession(agent, customer, { view: true, control: false });
    customer.send({ type: 'session-stop', sessionId: empty });
    await agent.next('session-ended');
    const info = await finished(empty);
    assert.equal(info.status, 'failed');
    assert.equal(info.failure?.code, 'no-video');
    await t.relay.services.recorder.idle();
    assert.ok(t.log.find('recording has no video').length >= 1);
    assert.equal(TEST_AGENT.login, 'alice');
  });
});
