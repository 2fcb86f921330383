// Electron's binary download is optional (it fails on machines that reach only package
// registries, and npm then drops the optional `electron` package). The Electron shells must
// still typecheck against the real electron.d.ts, so keep a types-only copy of the pinned
// version where tsconfig.electron.json looks for it.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const version = JSON.parse(readFileSync(join(root, 'customer-portable/package.json'), 'utf8')).optionalDependencies.electron;
const target = join(root, 'node_modules/.beacon/electron-types/electron');
const marker = join(target, 'package.json');

if (existsSync(marker) && JSON.parse(readFileSync(marker, 'utf8')).version === version) process.exit(0);
mkdirSync(target, { recursive: true });

const installed = join(root, 'node_modules/electron/electron.d.ts');
if (existsSync(installed) && JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version === version) {
  copyFileSync(installed, join(target, 'electron.d.ts'));
} else {
  const tmp = mkdtempSync(join(tmpdir(), 'beacon-electron-types-'));
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const out = execFileSync(npm, ['pack', `electron@${version}`, '--silent', '--pack-destination', tmp], { cwd: tmp, encoding: 'utf8', shell: process.platform === 'win32' });
    const tarball = join(tmp, out.trim().split('\n').pop());
    execFileSync('tar', ['-xzf', tarball, '-C', tmp, 'package/electron.d.ts']);
    copyFileSync(join(tmp, 'package/electron.d.ts'), join(target, 'electron.d.ts'));
  } catch (err) {
    console.warn(`[beacon] could not fetch electron.d.ts ${version}; the Electron shells will not typecheck: ${err.message}`);
    process.exit(0);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
writeFileSync(marker, JSON.stringify({ name: 'electron', version, types: 'electron.d.ts' }, null, 2));
