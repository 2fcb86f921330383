// Bundles an app's Electron main and preload into CommonJS files next to its renderer build.
// The sandboxed preload must be a single file (it cannot require our modules), and main
// imports workspace TypeScript, so both are bundled; native modules and electron stay external.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const app = process.argv[2];
const APPS = { customer: 'customer-portable', agent: 'agent-app' };
if (!(app in APPS)) {
  console.error(`usage: node scripts/build-electron.mjs ${Object.keys(APPS).join('|')}`);
  process.exit(2);
}
const dir = join(dirname(fileURLToPath(import.meta.url)), '..', APPS[app]);
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: true, external: ['electron', 'robotjs'], logLevel: 'warning' };
await build({ ...common, entryPoints: [join(dir, 'src/main/main.ts')], outfile: join(dir, 'dist/electron/main.cjs') });
await build({ ...common, entryPoints: [join(dir, 'src/preload/preload.ts')], outfile: join(dir, 'dist/electron/preload.cjs') });
// The customer's whiteboard overlay window and privacy curtain windows have preloads of their own.
if (app === 'customer') {
  await build({ ...common, entryPoints: [join(dir, 'src/preload/overlayPreload.ts')], outfile: join(dir, 'dist/electron/overlayPreload.cjs') });
  await build({ ...common, entryPoints: [join(dir, 'src/preload/curtainPreload.ts')], outfile: join(dir, 'dist/electron/curtainPreload.cjs') });
}
console.log(`built ${APPS[app]}/dist/electron/{main,preload}.cjs`);
