// Runs every test in phases: unit and integration tests (in parallel); the relay-server tests
// once more on PostgreSQL (BEACON_TEST_DATABASE=postgres, one throwaway server for the pass;
// BEACON_TEST_ENGINES=sqlite skips it, =postgres runs only it); the end-to-end suites one at a
// time (each drives an X server and several browsers); then some end-to-end suites once more on
// PostgreSQL (BEACON_TEST_E2E_ON_POSTGRES=all: every one).
//
// A test file whose tests all passed but whose process then failed (a crash or a stray error
// at teardown, with its exit code or signal) is reported as such and run once more on its
// own (twice at most); it counts as passed only if such a run passes. A failing test is never
// run again. A test file still running after FILE_TIMEOUT_MS is stopped and counts as such a
// process failure (libdatachannel can deadlock in native code, where no test timer fires; a
// file that hangs would otherwise hold the whole run until CI gives up): the report names it.
// A file's process ends once its tests and hooks are done (--test-force-exit): a timer or
// handle a test left behind kept one alive for good (seen: tests/e2e/flood.test.ts, now and then).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const only = process.argv.slice(2);
const all = ['shared', 'relay-server', 'customer-portable', 'agent-app', 'tests'].flatMap((w) => find(join(root, w))).sort();
const selected = only.length ? all.filter((f) => only.some((o) => f.includes(o))) : all;
const e2e = selected.filter((f) => f.startsWith('tests/e2e/'));
const unit = selected.filter((f) => !e2e.includes(f));

const failuresDir = mkdtempSync(join(tmpdir(), 'beacon-test-failures-'));
let runs = 0;
/** Every file (and every test in it) ends within this; the longest file takes under 2 minutes. */
const FILE_TIMEOUT_MS = Number(process.env.BEACON_TEST_FILE_TIMEOUT_MS ?? 600_000);
/**
 * The whole run ends by then (CI stops a run at 90 minutes, with the install before it): node's
 * runner still waits for a file whose output pipe some leftover process holds open, so a phase
 * that has not ended by the deadline is stopped and the run fails, saying so.
 */
const deadline = Date.now() + Number(process.env.BEACON_TEST_BUDGET_MS ?? 75 * 60_000);
let isOutOfTime = false;

/** Runs `files`; returns the exit status and the files whose process failed although every test in them passed. */
function runOnce(files, concurrency, env = process.env) {
  const out = join(failuresDir, `run-${++runs}.jsonl`);
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${FILE_TIMEOUT_MS}`, '--test-force-exit', '--test-reporter=spec', '--test-reporter-destination=stdout', `--test-reporter=${join(root, 'tests', 'failureReporter.mjs')}`, `--test-reporter-destination=${out}`, ...files],
    { cwd: root, stdio: 'inherit', env, timeout: Math.max(1000, deadline - Date.now()), killSignal: 'SIGKILL' },
  );
  if (r.error?.code === 'ETIMEDOUT') {
    isOutOfTime = true;
    console.log(`\n[run-tests] stopped: the run is out of time (BEACON_TEST_BUDGET_MS); a test file of this phase did not end: ${files.length === 1 ? files[0] : `one of ${files.length} files`}`);
    return { status: 1, hasTestFailures: true, processOnly: [] };
  }
  const failures = existsSync(out)
    ? readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
    : [];
  const byFile = new Map();
  for (const f of failures) {
    const key = f.file ?? f.name;
    byFile.set(key, [...(byFile.get(key) ?? []), f]);
  }
  const processOnly = [...byFile.entries()].filter(([file, fs]) => fs.every((f) => f.name === file)).map(([file, fs]) => ({ file, ...fs[0] }));
  return { status: r.status ?? 1, hasTestFailures: processOnly.length < byFile.size, processOnly };
}

function run(files, concurrency, env = process.env) {
  if (!files.length || isOutOfTime) return isOutOfTime ? 1 : 0;
  const first = runOnce(files, concurrency, env);
  if (first.status === 0) return 0;
  if (first.hasTestFailures || first.processOnly.length === 0) return first.status;
  let status = 0;
  for (const p of first.processOnly) {
    const how = p.failureType === 'testTimeoutFailure' ? `still running after ${FILE_TIMEOUT_MS / 1000} s, stopped` : p.signal ? `signal ${p.signal}` : `exit code ${p.exitCode}`;
    console.log(`\n[run-tests] ${relative(root, p.file)}: no test in it failed but its process did (${how}); running it once more on its own`);
    // Two more tries: libdatachannel's teardown at process exit crashes now and then (SIGSEGV),
    // after every test passed, on this code as on older commits.
    let again = runOnce([p.file], 1, env);
    if (again.status !== 0 && !again.hasTestFailures) again = runOnce([p.file], 1, env);
    console.log(`[run-tests] ${relative(root, p.file)}: ${again.status === 0 ? 'passed when run again (the first failure is reported above)' : 'failed again'}`);
    status ||= again.status;
  }
  return status;
}

/** A throwaway PostgreSQL server for the PostgreSQL pass (relay-server/src/testing/PostgresServer.ts): its admin URL and a stop. */
async function startPostgres() {
  const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'relay-server/src/testing/postgresServerMain.ts')], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let text = '';
    server.stdout.on('data', (d) => {
      text += d;
      if (text.includes('\n')) resolve(text.split('\n')[0]);
    });
    server.once('exit', (code) => reject(new Error(`the PostgreSQL server for the tests did not start (exit ${code}); install Debian's postgresql, or set BEACON_TEST_ENGINES=sqlite`)));
  });
  const stop = async () => {
    server.stdin.end();
    await new Promise((resolve) => server.once('exit', resolve));
  };
  return { url, stop };
}

/** `files` on the PostgreSQL server at `url` (each relay or store gets a fresh database of its own). */
function runOnPostgres(what, files, concurrency, url) {
  if (!files.length) return 0;
  console.log(`\n[run-tests] ${what} again, on PostgreSQL (${files.length} files)`);
  const started = Date.now();
  const status = run(files, concurrency, { ...process.env, BEACON_TEST_DATABASE: 'postgres', BEACON_TEST_DATABASE_URL: url });
  console.log(`[run-tests] PostgreSQL pass of ${what}: ${Math.round((Date.now() - started) / 1000)} s, ${status === 0 ? 'passed' : 'failed'}`);
  return status;
}

// BEACON_TEST_ENGINES picks the database engines (default both); BEACON_TEST_E2E_ON_POSTGRES
// picks the end-to-end files that run again on PostgreSQL: `all`, or comma-separated parts of
// their paths. By default the ones that read what the relay stored (sessions, event log,
// history, chat, files, the desk's queue and statistics); `all` runs the whole suite on both.
// A run of chosen files (`node tests/run-tests.mjs tests/e2e/spine`) repeats none unless asked.
const engines = process.env.BEACON_TEST_ENGINES ?? 'sqlite,postgres';
const E2E_ON_POSTGRES = process.env.BEACON_TEST_E2E_ON_POSTGRES ?? (only.length ? '' : 'e2e/spine,e2e/backoffice,e2e/serviceDesk.test,e2e/collaboration,e2e/resume');
const e2eOnPostgres = E2E_ON_POSTGRES === 'all' ? e2e : e2e.filter((f) => E2E_ON_POSTGRES.split(',').some((part) => part && f.includes(part)));
const onSqlite = engines.includes('sqlite');
const pgServer = engines.includes('postgres') && (unit.some((f) => f.startsWith('relay-server/')) || e2eOnPostgres.length) ? await startPostgres() : null;
const a = onSqlite ? run(unit, 2) : 0;
const p = pgServer ? runOnPostgres('the relay-server tests', unit.filter((f) => f.startsWith('relay-server/')), 2, pgServer.url) : 0;
// The recording tests that run a relay, once more with recordings in a bucket (a throwaway S3
// server per test process, relay-server/src/testing/S3Server.ts); BEACON_TEST_STORES=disk skips it.
const onRelay = (f) => f.startsWith('relay-server/src/recording/') && readFileSync(join(root, f), 'utf8').includes('startTestRelay');
const s3 = onSqlite && (process.env.BEACON_TEST_STORES ?? 'disk,s3').includes('s3') ? run(unit.filter(onRelay), 2, { ...process.env, BEACON_TEST_RECORDINGS: 's3' }) : 0;
const b = onSqlite ? run(e2e, 1) : 0;
const pe = pgServer ? runOnPostgres('end-to-end suites', e2eOnPostgres, 1, pgServer.url) : 0;
await pgServer?.stop();
rmSync(failuresDir, { recursive: true, force: true });
process.exit(a || p || s3 || b || pe);
