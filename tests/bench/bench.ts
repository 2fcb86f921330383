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
 * Options: --seconds N (measuring window per view run), --only views,capacity,console,
 * --no-peer (skip x11vnc + noVNC), --profile (CPU-profile the relay during capacity runs and
 * trace the console with many sessions; summaries go in the report), --report FILE (render
 * the report again from a results JSON).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseJson } from '@beacon/shared/parse';
import { SuiteResult } from './results.ts';
import { runSuite, writeOutputs } from './Suite.ts';
import { startViewEnv } from './ViewEnv.ts';
import { runBeacon } from './ViewRuns.ts';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    only: { type: 'string', default: 'views,capacity,console' },
    'no-peer': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    report: { type: 'string' },
  },
});

/** `--report FILE`: renders the report again from a results file (after a report change). */
function rerender(file: string): void {
  const r = parseJson(SuiteResult, readFileSync(file, 'utf8'), file);
  if (!r.ok) throw r.error;
  const result = r.value;
  const isComplete = result.mode === 'full' && result.views.length > 0 && result.capacity.length > 0 && result.consoles.length > 0 && !result.skipped.length;
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
  const sections = new Set((values.only ?? '').split(',').filter((s): s is 'views' | 'capacity' | 'console' => ['views', 'capacity', 'console'].includes(s)));
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const result = await runSuite({
    isQuick: values.quick ?? false,
    seconds: values.seconds ? Number(values.seconds) : undefined,
    sections,
    hasPeer: !values['no-peer'],
    isProfiled: values.profile ?? false,
    command,
  });
  const isComplete = !values.quick && sections.size === 3 && !values['no-peer'] && !result.skipped.length;
  const written = writeOutputs(result, command, isComplete);
  for (const e of result.errors) console.error(`error: ${e}`);
  console.log(`wrote ${written.join(', ')}`);
}

(values.report ? Promise.resolve(rerender(values.report)) : values.json ? spineScenario() : suite()).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
