/**
 * The real relay serves the console from agent-app/dist/renderer. `npm test` builds it
 * first; a test run on its own rebuilds it when any source is newer than the build, so it
 * never tests yesterday's console. The old assets are left in place (not emptied) because
 * other suites may be reading the folder at the same moment.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const APP = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = [join(APP, 'src', 'renderer'), join(APP, 'src', 'common'), join(APP, '..', 'shared', 'src')];
const INDEX = join(APP, 'dist', 'renderer', 'index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

export async function ensureConsoleBuilt(): Promise<void> {
  const builtAt = existsSync(INDEX) ? statSync(INDEX).mtimeMs : 0;
  if (builtAt > Math.max(...SOURCES.map(newestMtime))) return;
  await build({
    configFile: join(APP, 'vite.config.ts'),
    logLevel: 'warn',
    build: { emptyOutDir: false, sourcemap: false },
  });
}
