/**
 * Child process of the suite: runs the view benchmarks of one screen size (robotjs can only
 * serve the X display it loaded with, so each size gets its own process) and writes a
 * {@link ViewRunnerOutput} JSON file.
 *
 * `node --import tsx tests/bench/viewRunner.ts --width 1280 --height 720 --seconds 10
 *   --workloads typing,scroll-text --systems beacon,vnc --modes speed,balanced --out FILE`
 *
 * Beacon runs once per quality mode (`--modes`, default balanced), the peer once.
 *
 * With `--link KBIT` (or `--link unlimited`) the screen's side sits behind a shaped link
 * instead (see LinkRuns.ts): Beacon runs in the console's default mode, and the runs go to
 * the output's `links`. The link is removed when the process ends, however it ends.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { QualityMode } from '@beacon/shared/protocol';
import { ShapedLink } from '../harness/ShapedLink.ts';
import { missingVncTools } from '../harness/VncPeer.ts';
import { runBeaconOnLink, runVncOnLink } from './LinkRuns.ts';
import type { ViewRun, ViewRunnerOutput } from './results.ts';
import { startViewEnv, type ViewEnv } from './ViewEnv.ts';
import { runBeacon, runVnc } from './ViewRuns.ts';
import { WORKLOAD_NAMES, type WorkloadName } from './workloads.ts';

const { values } = parseArgs({
  options: {
    width: { type: 'string', default: '1280' },
    height: { type: 'string', default: '720' },
    seconds: { type: 'string', default: '10' },
    workloads: { type: 'string', default: WORKLOAD_NAMES.join(',') },
    systems: { type: 'string', default: 'beacon,vnc' },
    modes: { type: 'string', default: 'balanced' },
    link: { type: 'string' },
    out: { type: 'string' },
  },
});

function isWorkload(name: string): name is WorkloadName {
  return (WORKLOAD_NAMES as readonly string[]).includes(name);
}

/** The runs of one workload, each as [label, run]; a run files its result in `output`. */
function jobsFor(env: ViewEnv, workload: WorkloadName, systems: Set<string>, modes: QualityMode[], seconds: number, output: ViewRunnerOutput) {
  const jobs: [string, () => Promise<ViewRun>][] = [];
  const into =
    <T extends ViewRun>(sink: T[], run: () => Promise<T>) =>
    async () => {
      const r = await run();
      sink.push(r);
      return r;
    };
  const link = env.link;
  if (link) {
    if (systems.has('beacon')) jobs.push(['beacon', into(output.links, () => runBeaconOnLink(env, link, workload, seconds))]);
    if (systems.has('vnc')) jobs.push(['vnc', into(output.links, () => runVncOnLink(env, link, workload, seconds))]);
    return jobs;
  }
  if (systems.has('beacon')) for (const mode of modes) jobs.push([`beacon ${mode}`, into(output.runs, () => runBeacon(env, workload, seconds, mode))]);
  if (systems.has('vnc')) jobs.push(['vnc', into(output.runs, () => runVnc(env, workload, seconds))]);
  return jobs;
}

async function main(): Promise<void> {
  const width = Number(values.width);
  const height = Number(values.height);
  const seconds = Number(values.seconds);
  const workloads = (values.workloads ?? '').split(',').filter(isWorkload);
  const systems = new Set((values.systems ?? '').split(','));
  const modes = (values.modes ?? '').split(',').filter((m): m is QualityMode => QualityMode.safeParse(m).success);
  const output: ViewRunnerOutput = { runs: [], links: [], errors: [] };
  if (systems.has('vnc')) {
    const missing = missingVncTools();
    if (missing.length) {
      systems.delete('vnc');
      output.errors.push(`VNC peer skipped: not installed: ${missing.join(', ')} (apt-get install x11vnc websockify novnc)`);
    }
  }
  // Unshaped until the customer page has loaded: the installed app does not download itself over the link.
  const link = values.link ? await ShapedLink.start({ rateKbit: null }) : null;
  const where = `${width}x${height}${link ? ` behind ${values.link === 'unlimited' ? 'an unshaped veth pair' : `${values.link} kbit/s`}` : ''}`;
  const log = (msg: string) => process.stderr.write(`[bench ${where}] ${msg}\n`);
  let env: ViewEnv | null = null;
  // Interrupted: the X server, relay and browsers go too, not only the link.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void Promise.all([env?.close(), link?.close()]).finally(() => process.exit(130));
    });
  }
  try {
    env = await startViewEnv(width, height, undefined, link);
    await link?.shape(values.link === 'unlimited' ? null : Number(values.link));
    for (const workload of workloads) {
      await env.showWorkload(workload);
      for (const [system, run] of jobsFor(env, workload, systems, modes, seconds, output)) {
        log(`${workload} via ${system}…`);
        try {
          const r = await run();
          log(`${workload} via ${system}: ${r.fps} fps, ${r.kbps} kbit/s, glass p50 ${r.glass_p50_ms} ms, input p50 ${r.input_p50_ms} ms`);
        } catch (err) {
          const msg = `${workload} ${where} via ${system} failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
          output.errors.push(msg);
          log(msg);
        }
      }
    }
  } finally {
    const text = JSON.stringify(output);
    if (values.out) writeFileSync(values.out, text);
    else process.stdout.write(`${text}\n`);
    await env?.close();
    await link?.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
