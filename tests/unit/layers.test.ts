/**
 * The layer rules, checked on every import in the repo (the job VS Code's layer checker
 * does): apps never import each other, shared imports no app, pure layers import neither
 * DOM helpers nor Node, renderers import no Node or Electron, and only the Electron shell
 * imports electron.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../harness/paths.ts';

const APPS = ['relay-server', 'customer-portable', 'agent-app'] as const;

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts')) out.push(relative(REPO_ROOT, p));
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(REPO_ROOT, file), 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)) specs.push(m[1]!);
  for (const m of text.matchAll(/(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1]!);
  return specs;
}

function resolvedTarget(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return relative(REPO_ROOT, join(REPO_ROOT, file, '..', spec));
}

const NODE_BUILTIN = /^(node:|fs$|path$|os$|child_process$|crypto$|http$|net$)/;
const all = [...APPS.flatMap((a) => sources(join(REPO_ROOT, a, 'src'))), ...sources(join(REPO_ROOT, 'shared', 'src'))];

test('the repo has sources to check', () => {
  assert.ok(all.some((f) => f.startsWith('shared/')));
});

for (const file of all) {
  const isTest = file.endsWith('.test.ts');
  test(`layers: ${file}`, () => {
    for (const spec of importsOf(file)) {
      const target = resolvedTarget(file, spec);
      const app = APPS.find((a) => file.startsWith(`${a}/`));
      for (const other of APPS) {
        if (other !== app) {
          assert.ok(!target.startsWith(`${other}/`) && !spec.startsWith(`@beacon/${other}`), `${file} imports another app: ${spec}`);
        }
      }
      if (file.startsWith('shared/')) {
        assert.ok(!APPS.some((a) => target.startsWith(`${a}/`)), `shared imports an app: ${spec}`);
        if (!/^shared\/src\/(browser|ui)\//.test(file)) {
          assert.ok(!target.startsWith('shared/src/browser'), `${file}: common code imports a DOM helper`);
          if (!isTest) assert.ok(!NODE_BUILTIN.test(spec), `${file}: common code imports Node (${spec})`);
        }
      }
      if (/\/src\/common\//.test(file) && !isTest) {
        assert.ok(!NODE_BUILTIN.test(spec) && spec !== 'electron' && !spec.includes('/browser/'), `${file}: common imports ${spec}`);
      }
      if (/\/src\/renderer\//.test(file)) {
        assert.ok(!NODE_BUILTIN.test(spec) && spec !== 'electron' && spec !== 'robotjs', `${file}: renderer imports ${spec}`);
        assert.ok(!/\/src\/(main|node|preload)\//.test(`/${target}`), `${file}: renderer imports ${target}`);
      }
      if (spec === 'electron') {
        assert.ok(/\/src\/(main|preload)\//.test(file), `${file}: only the Electron shell imports electron`);
      }
    }
  });
}

/*
 * The client core (`shared/src/client/`): the pieces both apps share (relay link, reconnect
 * policy, store and disposables, relay URL, validated IPC). It runs in renderers and in
 * Electron main alike, so it is pure: it imports no DOM helper, no React, no Electron and no
 * Node, and names no DOM or Node global (those are passed in by the caller).
 */
const CLIENT_CORE = 'shared/src/client/';
const NOT_IN_CLIENT_CORE = /\b(document|window|navigator|location|localStorage|sessionStorage|WebSocket|RTCPeerConnection|HTMLElement|MediaStream|process|Buffer|require|__dirname)\b/;

/** The code without comments and string literals (a message may say "window"). */
function codeOnly(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1')
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
}

test('the client core has sources to check', () => {
  assert.ok(all.some((f) => f.startsWith(CLIENT_CORE)));
});

for (const file of all.filter((f) => f.startsWith(CLIENT_CORE) && !f.endsWith('.test.ts'))) {
  test(`client core is pure: ${file}`, () => {
    for (const spec of importsOf(file)) {
      const target = resolvedTarget(file, spec);
      const isAllowed = spec === 'zod' || target.startsWith(CLIENT_CORE) || (target.startsWith('shared/src/') && !/^shared\/src\/(browser|ui)\//.test(target));
      assert.ok(isAllowed, `${file} imports ${spec}`);
    }
    const code = codeOnly(readFileSync(join(REPO_ROOT, file), 'utf8'));
    const global = NOT_IN_CLIENT_CORE.exec(code);
    assert.equal(global, null, `${file} names the DOM or Node global ${global?.[1]}`);
  });
}

/*
 * Shared React views (`shared/src/ui/`): components both renderers show (the voice panel, the
 * language switch). They are DOM code like `shared/src/browser/` and may use it, React and
 * react-i18next; only renderers (and other shared views) import them, never Node or Electron.
 */
const SHARED_UI = 'shared/src/ui/';

for (const file of all.filter((f) => f.startsWith(SHARED_UI))) {
  test(`shared views stay in the renderer layer: ${file}`, () => {
    for (const spec of importsOf(file)) {
      const target = resolvedTarget(file, spec);
      const isAllowed = spec === 'react' || spec === 'react-i18next' || (target.startsWith('shared/src/') && !target.startsWith('shared/src/node/'));
      assert.ok(isAllowed, `${file} imports ${spec}`);
    }
  });
}

test('only renderers use the shared views', () => {
  for (const file of all.filter((f) => !f.startsWith(SHARED_UI) && !/\/src\/renderer\//.test(f))) {
    for (const spec of importsOf(file)) {
      const target = resolvedTarget(file, spec);
      assert.ok(!spec.startsWith('@beacon/shared/ui/') && !target.startsWith(SHARED_UI), `${file} imports a shared view: ${spec}`);
    }
  }
});

// ---------------------------------------------------------------------------------------------
// The relay's feature folders (relay-server/src/<folder>/): which folder may import which.
// Kept as its own block so edits to the rules above merge cleanly.
//
// A folder may import itself and the folders listed for it, nothing else. The composition root
// (RelayServer.ts, main.ts) may import every folder and is imported by none but test support.
// `testing/` folders are test support: no production module imports them. Tests (*.test.ts)
// start whole relays and are not held to the table.
// ---------------------------------------------------------------------------------------------
const RELAY_SRC = 'relay-server/src/';
const RELAY_ROOT = '(composition root)';
const RELAY_FOLDERS: Readonly<Record<string, readonly string[]>> = {
  platform: [],
  accounts: ['platform'],
  directory: ['platform', 'accounts'],
  sessions: ['platform', 'accounts', 'directory'],
  history: ['platform', 'accounts', 'directory', 'sessions'],
  media: ['platform', 'sessions'],
  voice: ['platform', 'sessions'],
  collab: ['platform', 'accounts', 'directory', 'sessions', 'history'],
  recording: ['platform', 'accounts', 'sessions', 'history', 'voice'],
  transport: ['platform', 'accounts', 'sessions', 'media', 'voice', 'collab', 'desk', 'transfer', 'cluster'],
  // Several relays: this relay's identity, tickets for the others, events between relays.
  cluster: ['platform', 'accounts', 'sessions'],
  transfer: ['platform', 'accounts', 'sessions'],
  // The service desk (help requests, assignment, wait estimate); sessions/ for tying an assigned request to its session.
  desk: ['platform', 'accounts', 'sessions'],
  // The HTTP server only dispatches routes the features build (platform/route.ts); only the root imports it.
  http: ['platform'],
};

/** `accounts` for relay-server/src/accounts/x.ts; the root for a top-level module. */
function relayFolder(file: string): string {
  const rest = file.slice(RELAY_SRC.length);
  return rest.includes('/') ? (rest.split('/')[0] as string) : RELAY_ROOT;
}
const isTestSupport = (file: string): boolean => /(^|\/)testing\//.test(file.slice(RELAY_SRC.length));

test('relay folder rules: every folder is in the table, and the table has no cycle', () => {
  const folders = new Set(all.filter((f) => f.startsWith(RELAY_SRC)).map(relayFolder));
  for (const f of folders) if (f !== RELAY_ROOT && f !== 'testing') assert.ok(f in RELAY_FOLDERS, `relay-server/src/${f}/ is not in RELAY_FOLDERS: add it with the folders it may import`);
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (f: string, path: string[]): void => {
    assert.ok(!visiting.has(f), `relay folder cycle: ${[...path, f].join(' -> ')}`);
    if (done.has(f)) return;
    visiting.add(f);
    for (const g of RELAY_FOLDERS[f] ?? []) visit(g, [...path, f]);
    visiting.delete(f);
    done.add(f);
  };
  for (const f of Object.keys(RELAY_FOLDERS)) visit(f, []);
});

for (const file of all.filter((f) => f.startsWith(RELAY_SRC) && !f.endsWith('.test.ts') && !isTestSupport(f))) {
  const from = relayFolder(file);
  test(`relay folders: ${file}`, () => {
    for (const spec of importsOf(file)) {
      if (!spec.startsWith('.')) continue;
      const target = resolvedTarget(file, spec);
      assert.ok(!isTestSupport(target), `${file} imports test support (${spec})`);
      if (from === RELAY_ROOT) continue;
      const to = relayFolder(target);
      if (to === from) continue;
      assert.ok(to !== RELAY_ROOT, `${file} imports the composition root (${spec})`);
      const allowed = RELAY_FOLDERS[from] ?? [];
      assert.ok(allowed.includes(to), `${file}: ${from}/ may not import ${to}/ (${spec}); it may import ${allowed.join(', ') || 'no other folder'}`);
    }
  });
}
