/**
 * Electron cannot run on the CI machines, so the shells' security settings are checked in
 * their source (the shells are also typechecked against electron.d.ts by `npm run typecheck`).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../harness/paths.ts';

const SHARED_IPC = readFileSync(join(REPO_ROOT, 'shared', 'src', 'client', 'ValidatedIpc.ts'), 'utf8');

for (const app of ['customer-portable', 'agent-app']) {
  const dir = (layer: string) => join(REPO_ROOT, app, 'src', layer);
  const read = (layer: string) =>
    readdirSync(dir(layer))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => ({ name: f, text: readFileSync(join(dir(layer), f), 'utf8') }));

  test(`${app}: windows are sandboxed and isolated, navigation and new windows refused`, () => {
    const main = read('main').map((f) => f.text).join('\n');
    assert.match(main, /app\.enableSandbox\(\)/);
    assert.match(main, /contextIsolation:\s*true/);
    assert.match(main, /sandbox:\s*true/);
    assert.match(main, /nodeIntegration:\s*false/);
    assert.doesNotMatch(main, /nodeIntegration:\s*true|contextIsolation:\s*false|webSecurity:\s*false/);
    assert.match(main, /will-navigate/);
    assert.match(main, /setWindowOpenHandler/);
    assert.match(main, /Content-Security-Policy/);
  });

  test(`${app}: raw ipcMain only inside the validating wrapper`, () => {
    for (const f of read('main')) {
      if (f.name === 'validatedIpc.ts') {
        // The shell hands ipcMain to the shared helper, which checks the sender and parses the payload.
        assert.match(f.text, /@beacon\/shared\/client\/ValidatedIpc/);
        assert.match(SHARED_IPC, /parseUnknown/);
        assert.match(SHARED_IPC, /senderFrame/);
      } else {
        assert.doesNotMatch(f.text, /\bipcMain\b/, `${f.name} uses ipcMain directly`);
      }
    }
  });

  test(`${app}: the preload exposes named functions, never a generic channel`, () => {
    const preload = read('preload').map((f) => f.text).join('\n');
    assert.match(preload, /contextBridge\.exposeInMainWorld\(/);
    assert.doesNotMatch(preload, /exposeInMainWorld\([^)]*ipcRenderer\s*\)/);
    assert.doesNotMatch(preload, /\(\s*channel\s*[:,)]/, 'a function taking a channel name');
  });

  const html = readFileSync(join(REPO_ROOT, app, 'src', 'renderer', 'index.html'), 'utf8');
  test(`${app}: the renderer page carries a CSP without inline or eval script`, () => {
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html)?.[1] ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(?![^;]*unsafe)/);
    assert.match(csp, /object-src 'none'/);
  });
}
