// Runs every test in two phases: unit and integration tests (in parallel), then the
// end-to-end suites one at a time (each drives an X server and several browsers).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
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

function run(files, concurrency) {
  if (!files.length) return 0;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], {
    cwd: root,
    stdio: 'inherit',
  });
  return r.status ?? 1;
}

const a = run(unit, 2);
const b = run(e2e, 1);
process.exit(a || b);
