/**
 * The benchmark suite behind `npm run bench`: view runs (Beacon and the VNC peer, one child
 * process per screen size), relay capacity and the many-sessions console, then the results
 * JSON under bench/results/ and the report (docs/PERFORMANCE.md for a full run).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJson } from '@beacon/shared/parse';
import type { QualityMode } from '@beacon/shared/protocol';
import { REPO_ROOT } from '../harness/paths.ts';
import { missingVncTools } from '../harness/VncPeer.ts';
import { runCapacity } from './capacity/CapacityBench.ts';
import { runConsole } from './ConsoleBench.ts';
import { latencyBoxPlot } from './LatencyPlot.ts';
import { summarizeProfile } from './profileSummary.ts';
import { renderReport } from './Report.ts';
import { SuiteResult, ViewRunnerOutput } from './results.ts';
import { WORKLOAD_NAMES, type WorkloadName } from './workloads.ts';

export interface SuiteOptions {
  isQuick: boolean;
  /** Measuring window of each view run, seconds. */
  seconds?: number;
  sections: Set<'views' | 'capacity' | 'console'>;
  /** Beacon's quality modes to run the views in; absent: the plan's (full: all three, quick: balanced). */
  modes?: QualityMode[];
  /** Only these view workloads / screen sizes; absent: the plan's. */
  workloads?: WorkloadName[];
  sizes?: [number, number][];
  hasPeer: boolean;
  /** Profile the relay during the capacity runs (V8 CPU profile) and the console (Chromium trace); summaries go in the report. */
  isProfiled: boolean;
  command: string;
}

interface Plan {
  sizes: [number, number][];
  workloads: WorkloadName[];
  /** Beacon's view runs, once per mode (the peer runs once). */
  modes: QualityMode[];
  seconds: number;
  capacity: { targetKbps: number; recording: boolean; clip: string; steps: number[]; windowSeconds: number; budgetMs: number }[];
  consoles: { clip: string; sessions: number; seconds: number }[];
}

const FULL: Plan = {
  sizes: [
    [1280, 720],
    [1920, 1080],
  ],
  workloads: [...WORKLOAD_NAMES],
  modes: ['speed', 'balanced', 'quality'],
  seconds: 10,
  capacity: [
    ...[true, false].map((recording) => ({
      targetKbps: 180,
      recording,
      clip: 'typing-1280x720',
      steps: [10, 25, 50, 100, 150, 200, 300, 400, 600, 800, 1000],
      windowSeconds: 10,
      budgetMs: 5 * 60_000,
    })),
    ...[true, false].map((recording) => ({
      targetKbps: 1000,
      recording,
      clip: 'scroll-text-1280x720',
      steps: [5, 10, 25, 50, 75, 100, 150, 200],
      windowSeconds: 10,
      budgetMs: 3 * 60_000,
    })),
  ],
  consoles: [
    { clip: 'typing-1280x720', sessions: 8, seconds: 10 },
    { clip: 'scroll-text-1280x720', sessions: 8, seconds: 10 },
  ],
};

const QUICK: Plan = {
  sizes: [[1280, 720]],
  workloads: ['scroll-text', 'typing'],
  modes: ['balanced'],
  seconds: 4,
  capacity: [{ targetKbps: 180, recording: true, clip: 'typing-1280x720', steps: [10, 25], windowSeconds: 4, budgetMs: 60_000 }],
  consoles: [{ clip: 'typing-1280x720', sessions: 8, seconds: 4 }],
};

const log = (msg: string) => process.stderr.write(`${msg}\n`);

/**
 * Runs one benchmark, and once more if it throws (a relay or browser that failed to start on
 * a busy shared machine); a second failure is reported in the results, not thrown.
 */
async function twice<T>(what: string, errors: string[], run: () => Promise<T>): Promise<T | null> {
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      return await run();
    } catch (err) {
      const msg = `${what} failed${attempt === 1 ? ' (trying once more)' : ''}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
      log(msg);
      if (attempt === 2) errors.push(msg);
    }
  }
  return null;
}

/** Runs one screen size's view benchmarks in a child process and reads back its results file. */
async function runViews(width: number, height: number, plan: Plan, hasPeer: boolean): Promise<ViewRunnerOutput> {
  const out = join(tmpdir(), `beacon-bench-views-${process.pid}-${width}x${height}.json`);
  rmSync(out, { force: true });
  const args = ['--import', 'tsx', join(REPO_ROOT, 'tests', 'bench', 'viewRunner.ts')];
  args.push('--width', String(width), '--height', String(height), '--seconds', String(plan.seconds));
  args.push('--workloads', plan.workloads.join(','), '--systems', hasPeer ? 'beacon,vnc' : 'beacon', '--modes', plan.modes.join(','), '--out', out);
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  // Bounded: every run inside has its own timeouts; this is the backstop.
  const limitMs = (plan.workloads.length * (plan.modes.length + (hasPeer ? 1 : 0)) * (plan.seconds + 40) + 120) * 1000;
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  await new Promise((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  // The child's exit code is not the verdict: Xlib ends a process whose X server went away
  // (robotjs keeps a connection), so the results file is.
  let text: string;
  try {
    text = readFileSync(out, 'utf8');
  } catch {
    return { runs: [], errors: [`view runs at ${width}x${height} produced no results (exit ${child.exitCode ?? child.signalCode})`] };
  } finally {
    rmSync(out, { force: true });
  }
  const r = parseJson(ViewRunnerOutput, text, `view results ${width}x${height}`);
  return r.ok ? r.value : { runs: [], errors: [r.error.message] };
}

/**
 * A separate pass with the relay under V8's sampling profiler, so the profiler's own cost
 * stays out of the capacity numbers: one step of the first capacity plan at 50 sessions.
 */
async function profileRelay(plan: Plan): Promise<SuiteResult['profiles']> {
  const c = plan.capacity[0]!;
  const sessions = Math.min(50, c.steps[c.steps.length - 1] ?? 50);
  const dir = join(REPO_ROOT, 'bench', 'tmp', `profile-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  log(`== relay CPU profile, ${sessions} sessions at ${c.targetKbps} kbit/s, recording ${c.recording ? 'on' : 'off'}`);
  try {
    const r = await runCapacity({ ...c, steps: [sessions], sessionsPerWorker: 50, profileDir: dir, log });
    const cores = r.steps[0]?.relay_cpu_cores ?? null;
    return readdirSync(dir).map((file) => ({
      what: `relay main thread (V8 profile), ${sessions} sessions at ${c.targetKbps} kbit/s, recording ${c.recording ? 'on' : 'off'}, relay CPU ${cores ?? '–'} cores in all threads`,
      ...summarizeProfile(readFileSync(join(dir, file), 'utf8'), 15),
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runSuite(o: SuiteOptions): Promise<SuiteResult> {
  const plan = o.isQuick ? QUICK : FULL;
  if (o.seconds) plan.seconds = o.seconds;
  if (o.modes?.length) plan.modes = o.modes;
  if (o.workloads?.length) plan.workloads = o.workloads;
  if (o.sizes?.length) plan.sizes = o.sizes;
  const startedAt = new Date();
  const result: SuiteResult = {
    started_at: startedAt.toISOString(),
    finished_at: '',
    mode: o.isQuick ? 'quick' : 'full',
    command: o.command,
    machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model.trim() ?? 'unknown', load_avg_start: loadavg().map((v) => Math.round(v * 100) / 100), node: process.version },
    views: [],
    capacity: [],
    consoles: [],
    profiles: [],
    skipped: [],
    errors: [],
  };
  let hasPeer = o.hasPeer;
  const missing = missingVncTools();
  if (hasPeer && missing.length) {
    hasPeer = false;
    result.skipped.push(`the VNC peer: not installed: ${missing.join(', ')} (install the Debian packages x11vnc, websockify and novnc)`);
  } else if (!hasPeer) result.skipped.push('the VNC peer (--no-peer)');

  if (o.sections.has('views')) {
    for (const [w, h] of plan.sizes) {
      log(`== views at ${w}x${h}`);
      const r = await runViews(w, h, plan, hasPeer);
      result.views.push(...r.runs);
      result.errors.push(...r.errors);
    }
  }
  if (o.sections.has('capacity')) {
    for (const c of plan.capacity) {
      log(`== relay capacity at ${c.targetKbps} kbit/s, recording ${c.recording ? 'on' : 'off'}`);
      const r = await twice(`relay capacity at ${c.targetKbps} kbit/s`, result.errors, () => runCapacity({ ...c, sessionsPerWorker: 50, log }));
      if (r) result.capacity.push(r);
    }
    if (o.isProfiled) result.profiles.push(...(await profileRelay(plan)));
  }
  if (o.sections.has('console')) {
    for (const c of plan.consoles) {
      log(`== one console, ${c.sessions} sessions (${c.clip})`);
      const r = await twice(`console with ${c.sessions} sessions (${c.clip})`, result.errors, () => runConsole({ ...c, isTraced: o.isProfiled, log }));
      if (r) result.consoles.push(r.result);
      if (r?.trace) result.profiles.push({ what: `console with ${c.sessions} sessions (${c.clip}), Chromium trace, ${r.trace.totalMs} ms of tasks`, ...r.trace });
    }
  }
  result.finished_at = new Date().toISOString();
  return result;
}

/**
 * Writes the results JSON, the latency plot and the report; returns the paths written,
 * repo-relative. Only a complete run (full mode, every section, with the peer) replaces
 * docs/PERFORMANCE.md; any other run's report goes next to its JSON.
 */
export function writeOutputs(result: SuiteResult, command: string, isComplete: boolean): string[] {
  const stamp = `${result.started_at.replace(/:/g, '-').slice(0, 19)}Z`;
  const dir = join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const written = [`bench/results/${stamp}.json`];
  writeFileSync(join(dir, `${stamp}.json`), `${JSON.stringify(result, null, 1)}\n`);
  const plotRuns = result.views.filter((v) => v.glass_quantiles.length === 101);
  let plotRef: string | null = null;
  if (plotRuns.length) {
    writeFileSync(join(dir, `${stamp}.svg`), latencyBoxPlot(plotRuns, 'Glass-to-glass latency, Beacon vs x11vnc + noVNC'));
    written.push(`bench/results/${stamp}.svg`);
    plotRef = isComplete ? `../bench/results/${stamp}.svg` : `${stamp}.svg`;
  }
  const md = renderReport(result, plotRef, command);
  if (isComplete) {
    mkdirSync(join(REPO_ROOT, 'docs'), { recursive: true });
    const doc = join(REPO_ROOT, 'docs', 'PERFORMANCE.md');
    writeFileSync(doc, md + keptSections(existsSync(doc) ? readFileSync(doc, 'utf8') : ''));
    written.push('docs/PERFORMANCE.md');
  } else {
    // A quick or partial run does not replace the full report.
    writeFileSync(join(dir, `${stamp}.md`), md);
    written.push(`bench/results/${stamp}.md`);
  }
  return written;
}

/** Hand-written sections of the report (between `<!-- slow-links` and `<!-- /slow-links -->`), kept when it is rewritten. */
function keptSections(doc: string): string {
  const m = /\n<!-- slow-links[^]*?<!-- \/slow-links -->\n/.exec(doc);
  return m ? m[0] : '';
}
