/**
 * Relay capacity: how many concurrent sessions the real relay forwards completely with p99
 * relay-added latency within budget, and what each session costs it in CPU and memory.
 *
 * Synthetic customers and agents run in separate load-generator processes (LoadWorker.ts),
 * all on loopback. Customers replay a real recorded clip at the target bitrate; agents time
 * every frame from the customer's send to the arrival of its last fragment. That time
 * includes two loopback WebRTC hops (and the serialisation of big frames over them) and the
 * generators' own scheduling as well as the relay, so it is an upper bound on what the
 * relay adds. The load grows step by step until two steps in a row fail, the step list
 * ends, or the time budget runs out.
 *
 * Recording on or off is the relay's BEACON_RECORD_SESSIONS switch. With recording on, the
 * relay also asks every customer for a keyframe when none came for 5 s (KEYFRAME_INTERVAL_MS, so recordings seek well); the
 * synthetic customers answer with the clip's keyframe, which is carried on top of the target
 * bitrate, as it would be with a real encoder.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../harness/paths.ts';
import { CpuMeter, reniceThreads, rssBytes, threadCpuSeconds, threadTicks } from '../../harness/ProcessStats.ts';
import { startRelay } from '../../harness/Relay.ts';
import { num, type CapacityResult, type CapacityStep } from '../results.ts';
import { MAX_SEAT_SESSIONS, newSeatToken, OWNER_ENV, ownerTokenWithLimit } from '../seats.ts';
import { Histogram, round1, round2 } from '../stats.ts';
import { HIST_BUCKET_MS, HIST_BUCKETS, type Device } from './workerProtocol.ts';
import { WorkerHandle } from './WorkerHandle.ts';

export const LATENCY_BUDGET_MS = 10;
const PROFILE_HOOK = pathToFileURL(join(REPO_ROOT, 'tests', 'bench', 'cpuProfileHook.mjs')).href;
/** A step passes if at least this share of fragments arrived (the rest would be in flight at the cut). */
const MIN_DELIVERED = 0.999;
const SETTLE_MS = 1500;
/**
 * The relay and the load generators run at this nice value: on a shared machine, browsers
 * (whose display threads Chromium itself raises to -8) would otherwise preempt them and
 * turn other people's work into relay latency. A dedicated relay server has no such
 * neighbours. CPU time used is the same at any priority.
 */
const NICE = -10;
/** A failing step is measured up to this many times; it passes if any window passes. */
const MAX_WINDOWS = 3;
/** The ramp stops after this many failing steps in a row. */
const MAX_FAILED_STEPS_IN_ROW = 2;
const DRAIN_MS = 600;

export interface CapacityOptions {
  targetKbps: number;
  recording: boolean;
  clip: string;
  /** Concurrent session counts to try, ascending. */
  steps: number[];
  windowSeconds: number;
  /** Stop ramping once this much time has gone by. */
  budgetMs: number;
  /** Sessions per load-generator process (and per agent seat, so at most 50). */
  sessionsPerWorker: number;
  /** Write a V8 CPU profile of the relay (what `--cpu-prof` gives) into this folder. */
  profileDir?: string;
  log?: (msg: string) => void;
}

/** Extra relay environment for a run; null when the relay cannot do what is asked. */
function relayEnvFor(recording: boolean): Record<string, string> | null {
  return { BEACON_RECORD_SESSIONS: recording ? '1' : '0' };
}

export async function runCapacity(o: CapacityOptions): Promise<CapacityResult> {
  const log = o.log ?? (() => undefined);
  const result: CapacityResult = {
    target_kbps: o.targetKbps,
    recording: o.recording,
    clip: o.clip,
    steps: [],
    max_ok_sessions: 0,
    cpu_ms_per_session_s: null,
    rss_mb_per_session: null,
    sessions_per_core: null,
    stopped_because: 'all steps passed',
  };
  const env = relayEnvFor(o.recording);
  if (!env) {
    result.stopped_because = 'skipped: the relay does not record sessions yet';
    return result;
  }
  const started = Date.now();
  // NODE_OPTIONS refuses --cpu-prof, so a preloaded hook runs the same profiler.
  const profile: Record<string, string> = o.profileDir ? { NODE_OPTIONS: `--import=${PROFILE_HOOK}`, BEACON_CPU_PROFILE_DIR: o.profileDir } : {};
  const relay = await startRelay({ BEACON_LOG_LEVEL: 'warn', ...OWNER_ENV, ...profile, ...env });
  const relayPid = relay.proc.pid ?? 0;
  const customers: WorkerHandle[] = [];
  const agents: WorkerHandle[] = [];
  try {
    if (!reniceThreads(relayPid, NICE)) log(`  (could not raise the relay's priority; latencies include other work on this machine)`);
    const ownerToken = await ownerTokenWithLimit(relay.url, 1);
    const baseRss = rssBytes(relayPid);
    let sessions = 0;
    let failedInRow = 0;
    for (const target of o.steps) {
      if (Date.now() - started > o.budgetMs) {
        result.stopped_because = `time budget of ${Math.round(o.budgetMs / 1000)} s used up`;
        break;
      }
      log(`${o.targetKbps} kbit/s: ramping to ${target} sessions…`);
      sessions = await rampTo(o, { url: relay.url, ownerToken }, target, sessions, { customers, agents }, log);
      // Threads started since (libdatachannel's, per process) get the same priority.
      for (const pid of [relayPid, ...customers.map((w) => w.pid), ...agents.map((w) => w.pid)]) reniceThreads(pid, NICE);
      let step = await measureStep(o, sessions, customers, agents, relayPid);
      for (let attempt = 2; !step.isOk && sessions === target && attempt <= MAX_WINDOWS; attempt++) {
        // The machine is shared: a bad window can be somebody else's burst. A relay that
        // cannot keep up fails every window.
        log(`  ${step.sessions} sessions failed (${failureOf(step)}); measuring again`);
        step = { ...(await measureStep(o, sessions, customers, agents, relayPid)), windows: attempt };
      }
      result.steps.push(step);
      log(
        `  ${step.sessions} sessions: delivered ${step.delivered_ratio}, p50 ${step.relay_p50_ms} ms, p99 ${step.relay_p99_ms} ms, ` +
          `relay ${step.relay_cpu_cores} cores, ${step.relay_rss_mb} MB, generators ${step.generator_cpu_cores} cores`,
      );
      if (sessions < target) {
        result.stopped_because = `only ${sessions} of ${target} sessions could be opened`;
        break;
      }
      if (!step.isOk) {
        failedInRow++;
        result.stopped_because = `${target} sessions: ${failureOf(step)}`;
        // One failing step can still be the neighbours; a relay at its limit fails the next one too.
        if (failedInRow >= MAX_FAILED_STEPS_IN_ROW) break;
        continue;
      }
      failedInRow = 0;
      result.stopped_because = 'all steps passed';
      result.max_ok_sessions = step.sessions;
      const cores = step.relay_cpu_cores ?? 0;
      result.cpu_ms_per_session_s = num(round2((cores * 1000) / step.sessions));
      result.rss_mb_per_session = num(round2(((step.relay_rss_mb ?? 0) - baseRss / 2 ** 20) / step.sessions));
      result.sessions_per_core = cores > 0 ? Math.round(step.sessions / cores) : null;
    }
  } finally {
    await Promise.all([...customers, ...agents].map((w) => w.stop()));
    await relay.stop();
  }
  return result;
}

/**
 * Opens sessions until `target` run or one fails to start: each batch is one seat, one customer
 * worker and one agent worker. Returns how many sessions run now.
 */
async function rampTo(
  o: CapacityOptions,
  relay: { url: string; ownerToken: string },
  target: number,
  running: number,
  workers: { customers: WorkerHandle[]; agents: WorkerHandle[] },
  log: (msg: string) => void,
): Promise<number> {
  let sessions = running;
  while (sessions < target) {
    const count = Math.min(o.sessionsPerWorker, MAX_SEAT_SESSIONS, target - sessions);
    // One seat per agent process: a seat may hold only so many sessions.
    const token = await newSeatToken(relay.url, relay.ownerToken, `load-${workers.agents.length + 1}`, count);
    const c = WorkerHandle.spawn('customers');
    const a = WorkerHandle.spawn('agents');
    workers.customers.push(c);
    workers.agents.push(a);
    const { devices } = await c.request({ type: 'start-customers', relayUrl: relay.url, count, clip: o.clip, targetKbps: o.targetKbps, keyframeAnswer: 'insert' }, 'customers', 120_000);
    for (const w of [c, a]) reniceThreads(w.pid, NICE);
    const [offC, offA] = [await c.measureClock(), await a.measureClock()];
    const clockFix = devices.map(() => offC - offA);
    const ready = await a.request({ type: 'start-agents', relayUrl: relay.url, token, devices: devices as Device[], clockFix }, 'agents-ready', 180_000);
    if (ready.failed.length) log(`  ${ready.failed.length} sessions failed to start: ${ready.failed[0]}`);
    sessions += ready.started;
    if (ready.started < count) break;
  }
  return sessions;
}

function failureOf(step: CapacityStep): string {
  const why: string[] = [];
  if ((step.delivered_ratio ?? 0) < MIN_DELIVERED) why.push(`only ${step.delivered_ratio} of fragments delivered`);
  if (step.customer_skipped_frames) why.push(`customers skipped ${step.customer_skipped_frames} frames (backpressure)`);
  if ((step.relay_p99_ms ?? Infinity) > LATENCY_BUDGET_MS) why.push(`p99 ${step.relay_p99_ms} ms > ${LATENCY_BUDGET_MS} ms`);
  return why.join('; ') || 'failed';
}

async function measureStep(
  o: CapacityOptions,
  sessions: number,
  customers: WorkerHandle[],
  agents: WorkerHandle[],
  relayPid: number,
): Promise<CapacityStep> {
  const all = [...customers, ...agents];
  const pause = async (isPaused: boolean) => {
    for (const c of customers) await c.request({ type: 'pause', isPaused }, 'ok', 10_000);
  };
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  // Counters start and end with nothing in flight, so what was sent and what arrived compare exactly.
  await pause(true);
  await new Promise((r) => setTimeout(r, DRAIN_MS));
  for (const w of all) await w.request({ type: 'reset-stats' }, 'ok', 10_000);
  await pause(false);
  const relayCpu = new CpuMeter([relayPid]);
  const generatorCpu = new CpuMeter(all.map((w) => w.pid));
  const threads0 = threadTicks(relayPid);
  relayCpu.start();
  generatorCpu.start();
  await new Promise((r) => setTimeout(r, o.windowSeconds * 1000));
  relayCpu.stop();
  generatorCpu.stop();
  const relayThreads = Object.fromEntries(
    threadCpuSeconds(threads0, threadTicks(relayPid)).map(([name, s]) => [name, round2(s / relayCpu.wallSeconds)]),
  );
  const rss = rssBytes(relayPid);
  await pause(true);
  await new Promise((r) => setTimeout(r, DRAIN_MS));
  const hist = new Histogram(HIST_BUCKET_MS, HIST_BUCKETS);
  let sent = 0;
  let sentFrames = 0;
  let received = 0;
  let receivedBytes = 0;
  let skipped = 0;
  for (const w of all) {
    const { stats } = await w.request({ type: 'get-stats' }, 'stats', 10_000);
    sent += stats.sentFragments;
    sentFrames += stats.sentFrames;
    skipped += stats.skippedFrames;
    received += stats.receivedFragments;
    receivedBytes += stats.receivedBytes;
    hist.merge(stats.histCounts, stats.histOverflow, stats.histMax);
  }
  await pause(false);
  const sendSeconds = o.windowSeconds;
  const delivered = sent > 0 ? received / sent : Number.NaN;
  const p99 = hist.percentile(99);
  return {
    sessions,
    target_kbps: o.targetKbps,
    recording: o.recording,
    seconds: o.windowSeconds,
    delivered_ratio: num(Math.round(delivered * 10000) / 10000),
    frames_sent: sentFrames,
    customer_skipped_frames: skipped,
    relay_p50_ms: num(round2(hist.percentile(50))),
    relay_p99_ms: num(round2(p99)),
    relay_max_ms: num(round1(hist.max)),
    kbps_per_session: num(round1((receivedBytes * 8) / 1000 / sendSeconds / Math.max(1, sessions))),
    relay_cpu_cores: num(round2(relayCpu.cores)),
    relay_threads: relayThreads,
    relay_rss_mb: num(round1(rss / 2 ** 20)),
    generator_cpu_cores: num(round2(generatorCpu.cores)),
    load_avg_1m: round2(loadavg()[0] ?? 0),
    windows: 1,
    isOk: delivered >= MIN_DELIVERED && skipped === 0 && p99 <= LATENCY_BUDGET_MS,
  };
}
