// Runs every test in three phases: unit and integration tests (in parallel); the relay-server
// tests once more on PostgreSQL (BEACON_TEST_DATABASE=postgres, one throwaway server for the
// pass; BEACON_TEST_ENGINES=sqlite skips it, =postgres runs only it); then the end-to-end
// suites one at a time (each drives an X server and several browsers).
//
// A test file whose tests all passed but whose process then failed (a crash or a stray error
// at teardown, with its exit code or signal) is reported as such and run once more on its
// own (twice at most); it counts as passed only if such a run passes. A failing test is never
// run again.
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

/** Runs `files`; returns the exit status and the files whose process failed although every test in them passed. */
function runOnce(files, concurrency, env = process.env) {
  const out = join(failuresDir, `run-${++runs}.jsonl`);
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', '--test-reporter-destination=stdout', `--test-reporter=${join(root, 'tests', 'failureReporter.mjs')}`, `--test-reporter-destination=${out}`, ...files],
    { cwd: root, stdio: 'inherit', env },
  );
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
  if (!files.length) return 0;
  const first = runOnce(files, concurrency, env);
  if (first.status === 0) return 0;
  if (first.hasTestFailures || first.processOnly.length === 0) return first.status;
  let status = 0;
  for (const p of first.processOnly) {
    const how = p.signal ? `signal ${p.signal}` : `exit code ${p.exitCode}`;
    console.log(`\n[run-tests] ${relative(root, p.file)}: every test passed but its process failed (${how}); running it once more on its own`);
    // Two more tries: libdatachannel's teardown at process exit crashes now and then (SIGSEGV),
    // after every test passed, on this code as on older commits.
    let again = runOnce([p.file], 1, env);
    if (again.status !== 0 && !again.hasTestFailures) again = runOnce([p.file], 1, env);
    console.log(`[run-tests] ${relative(root, p.file)}: ${again.status === 0 ? 'passed when run again (the first failure is reported above)' : 'failed again'}`);
    status ||= again.status;
  }
  return status;
}

/** The relay-server tests on a throwaway PostgreSQL server (relay-server/src/testing/PostgresServer.ts). */
async function runOnPostgres(files) {
  if (!files.length) return 0;
  const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'relay-server/src/testing/postgresServerMain.ts')], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let text = '';
    server.stdout.on('data', (d) => {
      text += d;
      if (text.includes('\n')) resolve(text.split('\n')[0]);
    });
    server.once('exit', (code) => reject(new Error(`the PostgreSQL server for the tests did not start (exit ${code}); install Debian's postgresql, or set BEACON_TEST_ENGINES=sqlite`)));
  });
  console.log(`\n[run-tests] the relay-server tests again, on PostgreSQL (${files.length} files)`);
  const started = Date.now();
  const status = run(files, 2, { ...process.env, BEACON_TEST_DATABASE: 'postgres', BEACON_TEST_DATABASE_URL: url });
  console.log(`[run-tests] PostgreSQL pass: ${Math.round((Date.now() - started) / 1000)} s, ${status === 0 ? 'passed' : 'failed'}`);
  server.stdin.end();
  await new Promise((resolve) => server.once('exit', resolve));
  return status;
}

const engines = process.env.BEACON_TEST_ENGINES ?? 'sqlite,postgres';
const a = engines.includes('sqlite') ? run(unit, 2) : 0;
const p = engines.includes('postgres') ? await runOnPostgres(unit.filter((f) => f.startsWith('relay-server/'))) : 0;
// The recording tests that run a relay, once more with recordings in a bucket (a throwaway S3
// server per test process, relay-server/src/testing/S3Server.ts); BEACON_TEST_STORES=disk skips it.
const onRelay = (f) => f.startsWith('relay-server/src/recording/') && readFileSync(join(root, f), 'utf8').includes('startTestRelay');
const s3 = engines.includes('sqlite') && (process.env.BEACON_TEST_STORES ?? 'disk,s3').includes('s3') ? run(unit.filter(onRelay), 2, { ...process.env, BEACON_TEST_RECORDINGS: 's3' }) : 0;
const b = engines.includes('sqlite') ? run(e2e, 1) : 0;
rmSync(failuresDir, { recursive: true, force: true });
process.exit(a || p || s3 || b);
