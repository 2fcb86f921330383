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
import { ShapedLink } from '../harness/ShapedLink.ts';
import { missingVncTools } from '../harness/VncPeer.ts';
import { runCapacity } from './capacity/CapacityBench.ts';
import { runConsole } from './ConsoleBench.ts';
import { latencyBoxPlot } from './LatencyPlot.ts';
import { summarizeProfile } from './profileSummary.ts';
import { renderReport } from './Report.ts';
import { runResume } from './ResumeBench.ts';
import { SuiteResult, ViewRunnerOutput } from './results.ts';
import { WORKLOAD_NAMES, type WorkloadName } from './workloads.ts';

export const SECTIONS = ['views', 'capacity', 'console', 'links', 'resume'] as const;
export type Section = (typeof SECTIONS)[number];

/** The link rates, kbit/s (null: unshaped), and workloads of the link runs. */
export const LINK_RATES: readonly (number | null)[] = [null, 1000, 160];
export const LINK_WORKLOADS: readonly WorkloadName[] = ['still', 'still-clock', 'typing', 'scroll-text'];

export interface SuiteOptions {
  isQuick: boolean;
  /** Measuring window of each view run, seconds. */
  seconds?: number;
  sections: Set<Section>;
  /** Beacon's quality modes to run the views in; absent: the plan's (full: all three, quick: balanced). */
  modes?: QualityMode[];
  /** Only these view workloads / screen sizes; absent: the plan's. */
  workloads?: WorkloadName[];
  sizes?: [number, number][];
  /** Only these link rates (null: unshaped); absent: the plan's. */
  rates?: (number | null)[];
  /** How many times the link runs are made (each time every rate); the report takes medians. */
  linkRepeats?: number;
  /** How many network cuts the resume run makes; absent: the plan's. */
  resumeCuts?: number;
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
  links: { rates: (number | null)[]; workloads: WorkloadName[]; seconds: number };
  resume: { cuts: number; cutMs: number };
}

const FULL: Plan = {
  sizes: [
    [1280, 720],
    [1920, 1080],
  ],
  // The still screens are the link runs' workloads; the view runs keep their four.
  workloads: WORKLOAD_NAMES.filter((w) => w !== 'still-clock' && w !== 'still'),
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
  links: { rates: [...LINK_RATES], workloads: [...LINK_WORKLOADS], seconds: 20 },
  resume: { cuts: 10, cutMs: 5000 },
};

const QUICK: Plan = {
  sizes: [[1280, 720]],
  workloads: ['scroll-text', 'typing'],
  modes: ['balanced'],
  seconds: 4,
  capacity: [{ targetKbps: 180, recording: true, clip: 'typing-1280x720', steps: [10, 25], windowSeconds: 4, budgetMs: 60_000 }],
  consoles: [{ clip: 'typing-1280x720', sessions: 8, seconds: 4 }],
  links: { rates: [160], workloads: ['typing'], seconds: 4 },
  resume: { cuts: 3, cutMs: 5000 },
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

/**
 * Runs viewRunner.ts in a child process with `args` and reads back its results file. `limitMs`
 * is the backstop (every run inside has its own timeouts); a link the child could not remove
 * because it had to be killed is removed here.
 */
async function runViewRunner(args: string[], label: string, limitMs: number): Promise<ViewRunnerOutput> {
  const out = join(tmpdir(), `beacon-bench-views-${process.pid}-${label.replace(/\W+/g, '-')}.json`);
  rmSync(out, { force: true });
  const argv = ['--import', 'tsx', join(REPO_ROOT, 'tests', 'bench', 'viewRunner.ts'), ...args, '--out', out];
  const child = spawn(process.execPath, argv, { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  await new Promise((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  const leftovers = child.pid ? ShapedLink.removeLeftoversOf(child.pid) : [];
  if (leftovers.length) log(`removed network namespaces the view runner left: ${leftovers.join(', ')}`);
  // The child's exit code is not the verdict: Xlib ends a process whose X server went away
  // (robotjs keeps a connection), so the results file is.
  let text: string;
  try {
    text = readFileSync(out, 'utf8');
  } catch {
    return { runs: [], links: [], errors: [`view runs ${label} produced no results (exit ${child.exitCode ?? child.signalCode})`] };
  } finally {
    rmSync(out, { force: true });
  }
  const r = parseJson(ViewRunnerOutput, text, `view results ${label}`);
  return r.ok ? r.value : { runs: [], links: [], errors: [r.error.message] };
}

/** One screen size's view benchmarks. */
function runViews(width: number, height: number, plan: Plan, hasPeer: boolean): Promise<ViewRunnerOutput> {
  const args = ['--width', String(width), '--height', String(height), '--seconds', String(plan.seconds)];
  args.push('--workloads', plan.workloads.join(','), '--systems', hasPeer ? 'beacon,vnc' : 'beacon', '--modes', plan.modes.join(','));
  const limitMs = (plan.workloads.length * (plan.modes.length + (hasPeer ? 1 : 0)) * (plan.seconds + 40) + 120) * 1000;
  return runViewRunner(args, `${width}x${height}`, limitMs);
}

/** The link runs at one rate (null: the veth pair unshaped), 1280x720. */
function runLinks(rateKbit: number | null, plan: Plan, hasPeer: boolean): Promise<ViewRunnerOutput> {
  const { workloads, seconds } = plan.links;
  const args = ['--width', '1280', '--height', '720', '--seconds', String(seconds), '--link', rateKbit === null ? 'unlimited' : String(rateKbit)];
  args.push('--workloads', workloads.join(','), '--systems', hasPeer ? 'beacon,vnc' : 'beacon');
  const limitMs = (workloads.length * (hasPeer ? 2 : 1) * (seconds + 90) + 120) * 1000;
  return runViewRunner(args, `link-${rateKbit ?? 'unlimited'}`, limitMs);
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
  if (o.seconds) plan.links.seconds = o.seconds;
  if (o.rates?.length) plan.links.rates = o.rates;
  // --workloads picks among the link workloads too (the ones that are link workloads).
  const linkWorkloads = o.workloads?.filter((w) => LINK_WORKLOADS.includes(w));
  if (linkWorkloads?.length) plan.links.workloads = linkWorkloads;
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
    links: [],
    resume: null,
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
  if (o.sections.has('links')) {
    const repeats = o.linkRepeats ?? 1;
    for (let i = 1; i <= repeats; i++) {
      for (const rate of plan.links.rates) {
        const round = repeats > 1 ? ` (round ${i} of ${repeats})` : '';
        log(`== Beacon${hasPeer ? ' and the VNC peer' : ''} behind a ${rate === null ? 'veth pair, not shaped' : `${rate} kbit/s link`}${round}`);
        const r = await runLinks(rate, plan, hasPeer);
        result.links.push(...r.links);
        result.errors.push(...r.errors);
      }
    }
  }
  if (o.sections.has('resume')) {
    const cuts = o.resumeCuts ?? plan.resume.cuts;
    log(`== resume: ${cuts} cuts of ${plan.resume.cutMs / 1000} s of the customer's link`);
    result.resume = await twice('resume after network cuts', result.errors, () => runResume({ cuts, cutMs: plan.resume.cutMs, log }));
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

/** Hand-written sections of the report (between `<!-- slow-links` and `<!-- /slow-links -->`, and the same for `resume`), kept when it is rewritten. */
function keptSections(doc: string): string {
  return [...doc.matchAll(/\n<!-- (slow-links|resume)[^]*?<!-- \/\1 -->\n/g)].map((m) => m[0]).join('');
}
