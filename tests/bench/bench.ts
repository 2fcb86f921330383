/**
 * `npm run bench`: the benchmark suite (see Suite.ts and docs/PERFORMANCE.md).
 *
 *   npm run bench                      full suite: results JSON + docs/PERFORMANCE.md
 *                                      (a partial run writes its report under bench/results/)
 *   npm run bench -- --quick           a short subset (under 3 minutes), report under bench/results/
 *   npm run bench -- --json            the spine's single scenario: prints ONE JSON line
 *                                      {"scenario","width","height","fps","kbps","glass_p50_ms",
 *                                       "glass_p95_ms","input_p50_ms","setup_ms"}
 *
 * Options: --seconds N (measuring window per view or link run), --only views,capacity,console,links,resume,
 * --modes speed,balanced,quality (Beacon's quality modes for the view runs; full mode runs all
 * three, --quick balanced only), --workloads scroll-text,typing and --sizes 1280x720 (a part of
 * the view runs; for the link runs, the ones among still-clock, typing and scroll-text),
 * --rates 160,1000,unlimited (the link runs' rates, kbit/s), --repeat N (make the link runs N
 * times; the report shows medians), --cuts N (network cuts of the resume run; full 10, quick 3),
 * --only cluster alone: several relays (clusterBench.ts; --starts N, --per-relay S, --seconds W), printed only;
 * --only voice alone: voice mouth-to-ear latency (voiceBench.ts; --seconds W per window, --repeat N windows), printed only;
 * --no-peer (skip x11vnc + noVNC), --profile (CPU-profile the relay during capacity runs and
 * trace the console with many sessions; summaries go in the report), --report FILE (render
 * the report again from a results JSON).
 *
 * BEACON_BENCH_BROWSER_LOG=FILE appends the customer's and the console's browser console lines
 * to FILE (the stream's adaptation steps, for finding out why a run went as it did).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseJson } from '@beacon/shared/parse';
import { QualityMode } from '@beacon/shared/protocol';
import { modeOf, SuiteResult } from './results.ts';
import { runSuite, SECTIONS, writeOutputs, type Section } from './Suite.ts';
import { startViewEnv } from './ViewEnv.ts';
import { runBeacon } from './ViewRuns.ts';
import { WORKLOAD_NAMES, type WorkloadName } from './workloads.ts';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    only: { type: 'string', default: SECTIONS.join(',') },
    modes: { type: 'string' },
    workloads: { type: 'string' },
    sizes: { type: 'string' },
    rates: { type: 'string' },
    repeat: { type: 'string' },
    cuts: { type: 'string' },
    'no-peer': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    report: { type: 'string' },
    starts: { type: 'string', default: '30' },
    'per-relay': { type: 'string', default: '3' },
  },
});

/** `--report FILE`: renders the report again from a results file (after a report change). */
function rerender(file: string): void {
  const r = parseJson(SuiteResult, readFileSync(file, 'utf8'), file);
  if (!r.ok) throw r.error;
  const result = r.value;
  const measuredModes = new Set(result.views.filter((v) => v.system === 'beacon').map(modeOf));
  const isComplete =
    result.mode === 'full' && measuredModes.size === QualityMode.options.length && result.capacity.length > 0 && result.consoles.length > 0 && !result.skipped.length;
  const command = result.command ?? `npm run bench${result.mode === 'quick' ? ' -- --quick' : ''}`;
  console.log(`wrote ${writeOutputs(result, command, isComplete).join(', ')}`);
}

/** The spine's benchmark: 1280x720 scrolling text through the relay, one line of JSON. */
async function spineScenario(): Promise<void> {
  const seconds = values.seconds ? Number(values.seconds) : values.quick ? 5 : 15;
  const env = await startViewEnv(1280, 720);
  try {
    await env.showWorkload('scroll-text');
    const r = await runBeacon(env, 'scroll-text', seconds);
    console.log(
      JSON.stringify({
        scenario: 'scroll-text',
        width: r.width,
        height: r.height,
        fps: r.fps,
        kbps: r.kbps,
        glass_p50_ms: r.glass_p50_ms,
        glass_p95_ms: r.glass_p95_ms,
        // The spine's input metric: agent's event -> injection.
        input_p50_ms: r.inject_p50_ms,
        setup_ms: r.setup_ms,
      }),
    );
  } finally {
    await env.close();
  }
}

async function suite(): Promise<void> {
  const sections = new Set((values.only ?? '').split(',').filter((s): s is Section => (SECTIONS as readonly string[]).includes(s)));
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const workloads = values.workloads?.split(',').map((w) => {
    if (!(WORKLOAD_NAMES as readonly string[]).includes(w)) throw new Error(`--workloads: ${w} is not one of ${WORKLOAD_NAMES.join(', ')}`);
    return w as WorkloadName;
  });
  const sizes = values.sizes?.split(',').map((s): [number, number] => {
    const m = /^(\d+)x(\d+)$/.exec(s);
    if (!m) throw new Error(`--sizes: ${s} is not WIDTHxHEIGHT`);
    return [Number(m[1]), Number(m[2])];
  });
  const modes = values.modes?.split(',').map((m) => {
    const r = QualityMode.safeParse(m.trim());
    if (!r.success) throw new Error(`--modes: ${m} is not one of ${QualityMode.options.join(', ')}`);
    return r.data;
  });
  const rates = values.rates?.split(',').map((r) => {
    if (r === 'unlimited') return null;
    if (!/^\d+$/.test(r) || Number(r) <= 0) throw new Error(`--rates: ${r} is not a rate in kbit/s or "unlimited"`);
    return Number(r);
  });
  const result = await runSuite({
    isQuick: values.quick ?? false,
    seconds: values.seconds ? Number(values.seconds) : undefined,
    sections,
    ...(modes ? { modes } : {}),
    ...(workloads ? { workloads } : {}),
    ...(sizes ? { sizes } : {}),
    ...(rates ? { rates } : {}),
    ...(values.repeat ? { linkRepeats: Math.max(1, Number(values.repeat)) } : {}),
    ...(values.cuts ? { resumeCuts: Math.max(1, Number(values.cuts)) } : {}),
    hasPeer: !values['no-peer'],
    isProfiled: values.profile ?? false,
    command,
  });
  // Only a run of every mode replaces docs/PERFORMANCE.md.
  const isEveryMode = !modes || new Set(modes).size === QualityMode.options.length;
  const isComplete =
    !values.quick && sections.size === SECTIONS.length && !values['no-peer'] && isEveryMode && !workloads && !sizes && !rates && !result.skipped.length;
  const written = writeOutputs(result, command, isComplete);
  for (const e of result.errors) console.error(`error: ${e}`);
  console.log(`wrote ${written.join(', ')}`);
}

/** `--only cluster`: session starts per store and relayed sessions on 1, 2 and 4 relays (printed, not in the report). */
async function cluster(): Promise<void> {
  const { runClusterBench } = await import('./clusterBench.ts');
  await runClusterBench({ starts: Number(values.starts), perRelay: Number(values['per-relay']), seconds: values.seconds ? Number(values.seconds) : 10 });
  const { cleanupNative } = await import('../../relay-server/src/platform/nativeHandles.ts');
  await cleanupNative();
}

/** `--only voice`: the customer's microphone to the agent's playout through the relay (printed, not in the report). */
async function voice(): Promise<void> {
  const { runVoiceBench } = await import('./voiceBench.ts');
  await runVoiceBench({ seconds: values.seconds ? Number(values.seconds) : 15, windows: values.repeat ? Math.max(1, Number(values.repeat)) : 3 });
}

const ALONE: Record<string, () => Promise<void>> = { cluster, voice };

(values.report ? Promise.resolve(rerender(values.report)) : values.json ? spineScenario() : (ALONE[values.only ?? ''] ?? suite)()).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
