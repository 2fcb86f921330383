/**
 * Several relays (issue 15), on this machine, with throwaway PostgreSQL and Redis servers:
 *
 * 1. What a session start costs per shared store: in-process relays on SQLite alone, on
 *    PostgreSQL, and on PostgreSQL with Redis (a cluster of one); N sessions opened (request,
 *    consent, started on both sides) and ended one after another; medians.
 * 2. Relayed sessions on 1, 2 and 4 relay processes (relay-server/src/main.ts, one PostgreSQL,
 *    one Redis): S sessions per relay, each customer sending picture fragments at a steady rate
 *    to an agent signed in on ANOTHER relay (so it follows `relay-redirect`); the relays' CPU over
 *    the window gives sessions per core, which should stay flat as relays are added.
 *
 *   npm run bench -- --only cluster [--starts N] [--per-relay S] [--seconds W]    (defaults 30, 3, 10)
 *
 * The load generator runs in this process, on the same cores: the numbers are for comparing the
 * three relay counts in one run, not absolute capacity (see the capacity section for that).
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fragmentFrame } from '@beacon/shared/framing';
import { KNOWN_CAPABILITIES } from '@beacon/shared/version';
import { loginAgent, NdcClient, openSession } from '../../relay-server/src/testing/NdcClient.ts';
import { startPostgresServer } from '../../relay-server/src/testing/PostgresServer.ts';
import { startRedisServer } from '../../relay-server/src/testing/RedisServer.ts';
import { createTestPostgresDatabase } from '../../relay-server/src/testing/testDatabase.ts';
import { testRedisUrl } from '../../relay-server/src/testing/testSharedState.ts';
import { startTestRelay } from '../../relay-server/src/testing/testRelay.ts';
import { AGENT, startRelay, type RelayProcess } from '../harness/Relay.ts';
import { CpuMeter } from '../harness/ProcessStats.ts';
import { freeTcpPort } from '../harness/freeTcpPort.ts';
import { percentile } from './stats.ts';

export interface ClusterBenchOptions {
  /** Session starts measured per store (after 3 warm-up ones). */
  starts: number;
  /** Sessions each relay holds in the relayed runs. */
  perRelay: number;
  /** The relayed runs' measuring window. */
  seconds: number;
}
/** Picture fragments each customer sends: 15 per second of 6 KB (about 720 kbit/s). */
const FPS = 15;
const FRAME_BYTES = 6000;
const CAPS = KNOWN_CAPABILITIES.filter((c) => !c.startsWith('desk') && c !== 'resume');
const permissions = { view: true, control: true } as const;

/** Session starts on one in-process relay: the times (ms) after 3 warm-up starts. */
export async function sessionStarts(starts: number, o: Parameters<typeof startTestRelay>[0]): Promise<number[]> {
  const t = await startTestRelay(o);
  const agent = await NdcClient.open({ relayUrl: t.relay.url, role: 'agent', token: await t.token() });
  const customer = await NdcClient.open({ relayUrl: t.relay.url, role: 'customer' });
  const times: number[] = [];
  try {
    for (let i = 0; i < starts + 3; i++) {
      const started = performance.now();
      const s = await openSession(agent, customer, permissions, 15_000);
      if (i >= 3) times.push(performance.now() - started);
      agent.send({ type: 'session-end', sessionId: s.sessionId });
      await customer.next('session-ended', 15_000, (m) => m.sessionId === s.sessionId);
      await t.relay.flush();
    }
  } finally {
    agent.close();
    customer.close();
    await t.relay.close();
  }
  return times;
}

async function storeCosts(starts: number): Promise<void> {
  const sqlite = await sessionStarts(starts, {});
  const db = await createTestPostgresDatabase();
  const postgres = await sessionStarts(starts, { databaseUrl: db.url });
  const cluster = { redisUrl: await testRedisUrl(), secret: randomBytes(32).toString('hex'), relayId: 'bench', keyPrefix: `bench:${randomBytes(6).toString('hex')}:` };
  const redis = await sessionStarts(starts, { databaseUrl: db.url, cluster });
  await db.drop();
  const m = (v: number[]) => percentile(v, 50);
  const row = (name: string, v: number[]) => console.log(`  ${name.padEnd(20)} median ${m(v).toFixed(1)} ms  p90 ${percentile(v, 90).toFixed(1)} ms  (n=${v.length})`);
  console.log('session start (request -> started on both sides), one in-process relay:');
  row('sqlite', sqlite);
  row('postgres', postgres);
  row('postgres + redis', redis);
  console.log(`  cost of PostgreSQL per session start (median): ${(m(postgres) - m(sqlite)).toFixed(1)} ms; of Redis: ${(m(redis) - m(postgres)).toFixed(1)} ms`);
}

/** `relayCount` relay processes on one PostgreSQL and one Redis; `perRelay` sessions each, agents redirected. */
async function relayedSessions(relayCount: number, { perRelay, seconds }: ClusterBenchOptions): Promise<{ sessions: number; relayCores: number; perCore: number; startMs: number }> {
  const [pg, redis] = await Promise.all([startPostgresServer(), startRedisServer()]);
  const relays: RelayProcess[] = [];
  const clients: NdcClient[] = [];
  const timers: NodeJS.Timeout[] = [];
  try {
    const secret = randomBytes(32).toString('hex');
    for (let i = 0; i < relayCount; i++) {
      const port = await freeTcpPort();
      const env = { PORT: String(port), BEACON_DATABASE_URL: pg.url(), BEACON_REDIS_URL: redis.url, BEACON_RELAY_ID: `relay-${i}`, BEACON_PUBLIC_URL: `http://127.0.0.1:${port}`, BEACON_CLUSTER_SECRET: secret };
      relays.push(await startRelay(env));
    }
    const starts: number[] = [];
    for (let i = 0; i < relayCount * perRelay; i++) {
      const holder = relays[i % relayCount] as RelayProcess;
      const home = relays[(i + 1) % relayCount] as RelayProcess;
      const customer = await NdcClient.open({ relayUrl: holder.url, role: 'customer', capabilities: CAPS, timeoutMs: 20_000 });
      clients.push(customer);
      const started = performance.now();
      const agent = await agentFor(holder, home, customer, clients);
      const { streamId } = await openSession(agent, customer, permissions, 20_000);
      starts.push(performance.now() - started);
      let seq = 0;
      const frame = new Uint8Array(FRAME_BYTES).fill(7);
      timers.push(setInterval(() => {
        for (const f of fragmentFrame(frame, { isKey: seq % 30 === 0, stream: streamId, seq: seq++, captureTs: Date.now() })) customer.sendMedia(f);
      }, 1000 / FPS));
    }
    await new Promise((r) => setTimeout(r, 2000)); // settle
    const meter = new CpuMeter(relays.map((r) => r.proc.pid as number));
    meter.start();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    meter.stop();
    const sessions = relayCount * perRelay;
    return { sessions, relayCores: meter.cores, perCore: sessions / Math.max(meter.cores, 1e-6), startMs: percentile(starts, 50) };
  } finally {
    for (const t of timers) clearInterval(t);
    for (const c of clients) c.close();
    for (const r of relays) await r.stop();
    await redis.stop();
    await pg.stop();
  }
}

/** An agent for the customer on `holder`: signed in on `home`, following the redirect when that is another relay. */
async function agentFor(holder: RelayProcess, home: RelayProcess, customer: NdcClient, clients: NdcClient[]): Promise<NdcClient> {
  const token = (await loginAgent(home.url, AGENT.login, AGENT.password)).token;
  const onHome = await NdcClient.open({ relayUrl: home.url, role: 'agent', token, capabilities: CAPS, timeoutMs: 20_000, isRtc: holder === home });
  clients.push(onHome);
  if (holder === home) return onHome;
  onHome.send({ type: 'connect-request', requestId: 'where', deviceId: customer.device.deviceId, code: customer.device.code, permissions });
  const redirect = await onHome.next('relay-redirect', 10_000);
  const agent = await NdcClient.open({ relayUrl: redirect.url, role: 'agent', ticket: redirect.ticket, capabilities: CAPS, timeoutMs: 20_000 });
  clients.push(agent);
  return agent;
}

const load = () => loadavg().map((v) => v.toFixed(2)).join(' ');

/** Prints both parts, with the load averages (this machine is shared: compare within one run). */
export async function runClusterBench(o: ClusterBenchOptions): Promise<void> {
  console.log(`load averages at start: ${load()}`);
  await storeCosts(o.starts);
  console.log(`relayed sessions (${o.perRelay} per relay, ${FPS} fps of ${FRAME_BYTES} B each, ${o.seconds} s measured; agents signed in on another relay):`);
  for (const n of [1, 2, 4]) {
    const r = await relayedSessions(n, o);
    console.log(`  ${n} relay(s): ${r.sessions} sessions, relays used ${r.relayCores.toFixed(3)} cores -> ${r.perCore.toFixed(0)} sessions per core; session start median ${r.startMs.toFixed(1)} ms; load ${load()}`);
  }
}
