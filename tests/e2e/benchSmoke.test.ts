/**
 * The benchmark harness itself works: one short Beacon run (real X screen, relay, customer
 * renderer, agent console) produces a well-formed result, and the spine's `--json` mode
 * prints its one line. The numbers are not judged here (benchmarks are tools, not timed
 * tests); only that every metric was measured.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseJson } from '@beacon/shared/parse';
import { REPO_ROOT } from '../harness/paths.ts';
import { LinkUnavailableError, ShapedLink } from '../harness/ShapedLink.ts';
import { ViewRunnerOutput } from '../bench/results.ts';

const LIMIT = { timeout: 90_000 };

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; pid: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), LIMIT.timeout - 5000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, pid: child.pid ?? 0 });
    });
  });
}

test('one short Beacon view run gives a complete, well-formed result', LIMIT, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'beacon-bench-smoke-'));
  try {
    const out = join(dir, 'views.json');
    // In the speed mode, so the run also goes through the console's quality selector.
    const r = await run(['tests/bench/viewRunner.ts', '--systems', 'beacon', '--workloads', 'scroll-text', '--modes', 'speed', '--seconds', '3', '--out', out]);
    const parsed = parseJson(ViewRunnerOutput, readFileSync(out, 'utf8'), 'smoke results');
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
    const { runs, errors } = parsed.value;
    assert.deepEqual(errors, [], r.stderr.slice(-2000));
    assert.equal(runs.length, 1);
    const run0 = runs[0]!;
    assert.equal(run0.system, 'beacon');
    assert.equal(run0.quality, 'speed', 'the run records the mode it was measured in');
    for (const [key, value] of Object.entries(run0)) {
      if (typeof value === 'number' || value === null) assert.ok(value !== null && Number.isFinite(value), `${key} was measured (got ${value})`);
    }
    assert.ok((run0.fps ?? 0) > 0, 'frames arrived');
    assert.ok(run0.glass_samples > 0 && run0.input_samples > 0, 'latency samples were taken');
    assert.equal(run0.glass_quantiles.length, 101);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('`npm run bench -- --json` prints the spine scenario as one JSON line', LIMIT, async () => {
  const r = await run(['tests/bench/bench.ts', '--json', '--seconds', '2']);
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, `one line, got: ${r.stdout}`);
  const line = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.deepEqual(Object.keys(line), ['scenario', 'width', 'height', 'fps', 'kbps', 'glass_p50_ms', 'glass_p95_ms', 'input_p50_ms', 'setup_ms']);
  assert.equal(line.scenario, 'scroll-text');
  for (const key of Object.keys(line).slice(1)) assert.ok(typeof line[key] === 'number' && Number.isFinite(line[key]), `${key}: ${String(line[key])}`);
});

/** Why this machine cannot make a shaped link (the link run is then skipped), or null. */
async function linkUnavailable(): Promise<string | null> {
  try {
    await (await ShapedLink.start({ rateKbit: 160 })).close();
    return null;
  } catch (err) {
    if (err instanceof LinkUnavailableError) return err.message;
    throw err;
  }
}

test('one short Beacon run behind a 160 kbit/s link gives a well-formed link result and leaves no link behind', LIMIT, async (t) => {
  const reason = await linkUnavailable();
  if (reason) return t.skip(`no shaped link on this machine: ${reason}`);
  const dir = mkdtempSync(join(tmpdir(), 'beacon-bench-smoke-'));
  try {
    const out = join(dir, 'links.json');
    const r = await run(['tests/bench/viewRunner.ts', '--link', '160', '--systems', 'beacon', '--workloads', 'still-clock', '--seconds', '3', '--out', out]);
    assert.deepEqual(ShapedLink.removeLeftoversOf(r.pid), [], 'the runner removed its namespace');
    const parsed = parseJson(ViewRunnerOutput, readFileSync(out, 'utf8'), 'smoke link results');
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
    const { runs, links, errors } = parsed.value;
    assert.deepEqual(errors, [], r.stderr.slice(-2000));
    assert.equal(runs.length, 0);
    assert.equal(links.length, 1);
    const l = links[0]!;
    assert.equal(l.system, 'beacon');
    assert.equal(l.workload, 'still-clock');
    assert.equal(l.rate_kbit, 160);
    assert.equal(l.isDropped, false);
    for (const key of ['fps', 'glass_p50_ms', 'first_picture_ms', 'longest_freeze_ms', 'uplink_bytes_per_s', 'downlink_bytes_per_s'] as const) {
      assert.ok(l[key] !== null && Number.isFinite(l[key]) && l[key] > 0, `${key} was measured (got ${l[key]})`);
    }
    assert.ok(l.glass_samples > 0, 'latency samples were taken');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
