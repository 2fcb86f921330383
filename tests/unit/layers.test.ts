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
