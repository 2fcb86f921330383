/**
 * Child process of the suite: runs the view benchmarks of one screen size (robotjs can only
 * serve the X display it loaded with, so each size gets its own process) and writes a
 * {@link ViewRunnerOutput} JSON file.
 *
 * `node --import tsx tests/bench/viewRunner.ts --width 1280 --height 720 --seconds 10
 *   --workloads typing,scroll-text --systems beacon,vnc --modes speed,balanced --out FILE`
 *
 * Beacon runs once per quality mode (`--modes`, default balanced), the peer once.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { QualityMode } from '@beacon/shared/protocol';
import { missingVncTools } from '../harness/VncPeer.ts';
import type { ViewRun, ViewRunnerOutput } from './results.ts';
import { startViewEnv } from './ViewEnv.ts';
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
    out: { type: 'string' },
  },
});

function isWorkload(name: string): name is WorkloadName {
  return (WORKLOAD_NAMES as readonly string[]).includes(name);
}

async function main(): Promise<void> {
  const width = Number(values.width);
  const height = Number(values.height);
  const seconds = Number(values.seconds);
  const workloads = (values.workloads ?? '').split(',').filter(isWorkload);
  const systems = new Set((values.systems ?? '').split(','));
  const modes = (values.modes ?? '').split(',').filter((m): m is QualityMode => QualityMode.safeParse(m).success);
  const output: ViewRunnerOutput = { runs: [], errors: [] };
  if (systems.has('vnc')) {
    const missing = missingVncTools();
    if (missing.length) {
      systems.delete('vnc');
      output.errors.push(`VNC peer skipped: not installed: ${missing.join(', ')} (apt-get install x11vnc websockify novnc)`);
    }
  }
  const env = await startViewEnv(width, height);
  const log = (msg: string) => process.stderr.write(`[bench ${width}x${height}] ${msg}\n`);
  try {
    for (const workload of workloads) {
      await env.showWorkload(workload);
      const runs: [string, () => Promise<ViewRun>][] = [];
      if (systems.has('beacon')) for (const mode of modes) runs.push([`beacon ${mode}`, () => runBeacon(env, workload, seconds, mode)]);
      if (systems.has('vnc')) runs.push(['vnc', () => runVnc(env, workload, seconds)]);
      for (const [system, run] of runs) {
        log(`${workload} via ${system}…`);
        try {
          const r = await run();
          output.runs.push(r);
          log(`${workload} via ${system}: ${r.fps} fps, ${r.kbps} kbit/s, glass p50 ${r.glass_p50_ms} ms, input p50 ${r.input_p50_ms} ms`);
        } catch (err) {
          const msg = `${workload} ${width}x${height} via ${system} failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
          output.errors.push(msg);
          log(msg);
        }
      }
    }
  } finally {
    const text = JSON.stringify(output);
    if (values.out) writeFileSync(values.out, text);
    else process.stdout.write(`${text}\n`);
    await env.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
