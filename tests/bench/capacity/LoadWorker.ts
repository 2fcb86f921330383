/**
 * A load-generator process for the relay-capacity benchmark (forked with an IPC channel by
 * CapacityBench.ts). It plays either synthetic customers, which accept consent and replay a
 * recorded clip at a target bitrate, or synthetic agents, which connect to those customers
 * and time every frame from the customer's send to the arrival of its last fragment.
 *
 * Everything is bounded: the process exits when its parent goes away, on `stop`, or after
 * MAX_LIFETIME_MS whatever happens.
 */
import { fragmentFrame, readHeader } from '@beacon/shared/framing';
import { parseUnknown } from '@beacon/shared/parse';
import { NdcClient } from '../../../relay-server/src/testing/NdcClient.ts';
import { ClipPlayer, RecordedClip } from '../RecordedClip.ts';
import { Histogram } from '../stats.ts';
import { HIST_BUCKET_MS, HIST_BUCKETS, ToWorker, type Device, type FromWorker, type WorkerStats } from './workerProtocol.ts';

const MAX_LIFETIME_MS = 20 * 60_000;
const SEND_TICK_MS = 4;
/** Above this much queued on a customer's media channel, frames are skipped like the real encoder does. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const CONNECT_TIMEOUT_MS = 30_000;
/** How many connections are opened at once (DTLS handshakes are CPU-heavy for everyone). */
const OPEN_CONCURRENCY = 8;

const now = (): number => performance.timeOrigin + performance.now();

interface CustomerSession {
  client: NdcClient;
  keyframeAnswer: 'insert' | 'restart';
  sessionId: string;
  streamId: number;
  player: ClipPlayer;
  seq: number;
}

const ZERO = { sentFragments: 0, sentFrames: 0, sentBytes: 0, skippedFrames: 0, receivedFragments: 0, receivedFrames: 0, receivedBytes: 0 };
const counters = { ...ZERO };
const hist = new Histogram(HIST_BUCKET_MS, HIST_BUCKETS);
const clients: NdcClient[] = [];
const replaying: CustomerSession[] = [];
let agentsStarted = 0;
let isPaused = false;
let pausedAt = 0;
let sendTimer: ReturnType<typeof setInterval> | null = null;

function reply(msg: FromWorker): void {
  process.send?.(msg);
}

async function inBatches<T, R>(items: readonly T[], size: number, fn: (item: T, i: number) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const out: PromiseSettledResult<R>[] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(...(await Promise.allSettled(items.slice(i, i + size).map((item, j) => fn(item, i + j)))));
  }
  return out;
}

async function startCustomers(msg: Extract<ToWorker, { type: 'start-customers' }>): Promise<void> {
  const { relayUrl, count, targetKbps, phase, keyframeAnswer } = msg;
  const clipName = msg.clip;
  const clip = RecordedClip.load(clipName);
  const opened = await inBatches(Array.from({ length: count }), OPEN_CONCURRENCY, async (_, i) => {
    const client = await NdcClient.open({ relayUrl, role: 'customer', name: `load-customer-${process.pid}-${i}`, timeoutMs: CONNECT_TIMEOUT_MS });
    clients.push(client);
    return client;
  });
  const devices: Device[] = [];
  for (const r of opened) {
    if (r.status !== 'fulfilled') continue;
    const client = r.value;
    devices.push({ deviceId: client.device.deviceId, code: client.device.code });
    void serveOneSession(client, clip, targetKbps, phase, keyframeAnswer).catch((err: unknown) => {
      process.stderr.write(`[load customer] ${err instanceof Error ? err.message : String(err)}\n`);
    });
  }
  if (!sendTimer) sendTimer = setInterval(sendDue, SEND_TICK_MS);
  reply({ type: 'customers', devices });
}

/** Accepts the one consent request this customer will get, then replays the clip until stopped. */
async function serveOneSession(
  client: NdcClient,
  clip: RecordedClip,
  targetKbps: number,
  phase: number | undefined,
  keyframeAnswer: CustomerSession['keyframeAnswer'],
): Promise<void> {
  const ask = await client.next('consent-request', MAX_LIFETIME_MS);
  client.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
  const started = await client.next('session-started', CONNECT_TIMEOUT_MS, (m) => m.sessionId === ask.sessionId);
  client.sendCtl({ type: 'stream-config', sessionId: started.sessionId, config: clip.config });
  // By default a random phase per session, so the clip's keyframe bursts do not line up.
  const player = new ClipPlayer(clip, targetKbps, now(), phase ?? Math.random());
  replaying.push({ client, keyframeAnswer, sessionId: started.sessionId, streamId: started.streamId, player, seq: 0 });
}

function sendDue(): void {
  if (isPaused) return;
  const t = now();
  for (const s of replaying) {
    if (s.client.ctlInbox.pending().some((m) => m.type === 'keyframe-request')) {
      // Taken from the queue at once (it is already there), so no timer is left behind.
      void s.client.nextCtl('keyframe-request', 1).catch(() => undefined);
      if (s.keyframeAnswer === 'restart') s.player.restart(t);
      else s.player.insertKeyframe();
    }
    for (const frame of s.player.due(t)) {
      if (s.client.mediaBufferedAmount > MAX_BUFFERED_BYTES) {
        counters.skippedFrames++;
        continue;
      }
      const captureTs = now();
      for (const fragment of fragmentFrame(frame.data, { isKey: frame.isKey, stream: s.streamId, seq: s.seq, captureTs })) {
        if (!s.client.sendMedia(fragment)) break;
        counters.sentFragments++;
        counters.sentBytes += fragment.byteLength;
      }
      counters.sentFrames++;
      s.seq = (s.seq + 1) >>> 0;
    }
  }
}

async function startAgents(relayUrl: string, token: string, devices: readonly Device[], clockFix: readonly number[]): Promise<void> {
  const failed: string[] = [];
  const results = await inBatches(devices, OPEN_CONCURRENCY, async (device, i) => {
    const client = await NdcClient.open({ relayUrl, role: 'agent', token, name: `load-agent-${process.pid}-${i}`, timeoutMs: CONNECT_TIMEOUT_MS });
    clients.push(client);
    const fix = clockFix[i] ?? 0;
    client.onMedia = (fragment) => {
      const t = now();
      let header;
      try {
        header = readHeader(fragment);
      } catch {
        return; // counted as not delivered
      }
      counters.receivedFragments++;
      counters.receivedBytes += fragment.byteLength;
      // The channel is ordered, so the last fragment completes the frame.
      if (header.fragIndex === header.fragCount - 1) {
        counters.receivedFrames++;
        hist.add(t - header.captureTs + fix);
      }
    };
    const requestId = `load-${i}`;
    client.send({ type: 'connect-request', requestId, deviceId: device.deviceId, code: device.code, permissions: { view: true, control: false } });
    const outcome = await client.inbox.nextWhere(
      (m): m is Extract<typeof m, { type: 'session-started' | 'error' | 'session-denied' }> =>
        m.type === 'session-started' || m.type === 'session-denied' || (m.type === 'error' && m.requestId === requestId),
      CONNECT_TIMEOUT_MS,
      'session-started',
    );
    if (outcome.type !== 'session-started') throw new Error(`connect refused: ${JSON.stringify(outcome)}`);
    agentsStarted++;
  });
  results.forEach((r, i) => {
    if (r.status === 'rejected') failed.push(`${devices[i]?.deviceId}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
  });
  reply({ type: 'agents-ready', started: results.filter((r) => r.status === 'fulfilled').length, failed: failed.slice(0, 5) });
}

function stats(): WorkerStats {
  return {
    ...counters,
    histCounts: [...hist.counts],
    histOverflow: hist.overflow,
    histMax: hist.max,
    liveSessions: replaying.length + agentsStarted,
  };
}

function shutdown(): void {
  if (sendTimer) clearInterval(sendTimer);
  for (const c of clients) c.close();
  // libdatachannel's threads would keep the process alive; give the closes a moment, then go.
  setTimeout(() => process.exit(0), 300).unref();
}

process.on('message', (raw: unknown) => {
  const r = parseUnknown(ToWorker, raw, 'suite -> load worker');
  if (!r.ok) {
    reply({ type: 'error', message: r.error.message });
    return;
  }
  const msg = r.value;
  const fail = (err: unknown) => reply({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  switch (msg.type) {
    case 'start-customers':
      startCustomers(msg).catch(fail);
      return;
    case 'start-agents':
      startAgents(msg.relayUrl, msg.token, msg.devices, msg.clockFix).catch(fail);
      return;
    case 'clock':
      reply({ type: 'clock', t: now() });
      return;
    case 'reset-stats':
      Object.assign(counters, ZERO);
      hist.reset();
      reply({ type: 'ok' });
      return;
    case 'pause':
      if (msg.isPaused && !isPaused) pausedAt = now();
      if (!msg.isPaused && isPaused) for (const s of replaying) s.player.shift(now() - pausedAt);
      isPaused = msg.isPaused;
      reply({ type: 'ok' });
      return;
    case 'get-stats':
      reply({ type: 'stats', stats: stats() });
      return;
    case 'stop':
      reply({ type: 'ok' });
      shutdown();
      return;
  }
});

process.on('disconnect', shutdown);
setTimeout(shutdown, MAX_LIFETIME_MS).unref();
