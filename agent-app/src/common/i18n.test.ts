import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { AUDIT_ACTIONS, SESSION_OUTCOMES } from '@beacon/shared/api';
import { SHARED_CATALOG, catalogKeys, createI18n } from '@beacon/shared/i18n';
import { AccountRole } from '@beacon/shared/protocol';
import { AGENT_CATALOG } from './i18n.ts';
import { navFor } from './roles.ts';

const VARS = { name: 'x', id: 'x', seconds: 60, page: 2, n: 3, h: 1, m: 2, s: 3, percent: 5, size: '9', login: 'x', when: 'x', duration: '1:05', chars: 12, index: 2, width: 1280, height: 720, agent: 'x', customer: 'x' };

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sourcesUnder(p);
    return /\.tsx?$/.test(f) && !f.endsWith('.test.ts') ? [readFileSync(p, 'utf8')] : [];
  });
}

test('en and zh-CN have exactly the same keys, none empty', () => {
  assert.deepEqual(catalogKeys(AGENT_CATALOG['zh-CN']), catalogKeys(AGENT_CATALOG.en));
  const i18n = createI18n(AGENT_CATALOG, 'zh-CN');
  for (const key of catalogKeys(AGENT_CATALOG.en)) {
    const zh = i18n.t(key, { lng: 'zh-CN', ...VARS });
    const en = i18n.t(key, { lng: 'en', ...VARS });
    assert.ok(zh.trim() && zh !== key, `zh-CN ${key} is missing`);
    assert.ok(en.trim() && en !== key, `en ${key} is missing`);
    assert.ok(!/{{/.test(zh) && !/{{/.test(en), `${key} has a placeholder the test does not fill: add it to VARS`);
  }
});

test('placeholders match between the languages', () => {
  const en = new Map<string, string>();
  const walk = (tree: Record<string, unknown>, prefix: string, out: Map<string, string>) => {
    for (const [k, v] of Object.entries(tree)) {
      if (typeof v === 'string') out.set(`${prefix}${k}`, [...v.matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort().join(','));
      else walk(v as Record<string, unknown>, `${prefix}${k}.`, out);
    }
  };
  const zh = new Map<string, string>();
  walk(AGENT_CATALOG.en, '', en);
  walk(AGENT_CATALOG['zh-CN'], '', zh);
  for (const [k, vars] of en) assert.equal(zh.get(k), vars, `${k}: placeholders differ`);
});

test('the agent catalog does not shadow the shared error messages', () => {
  const shared = new Set(catalogKeys(SHARED_CATALOG.en));
  for (const key of catalogKeys(AGENT_CATALOG.en)) assert.ok(!shared.has(key), `${key} redefines a shared message`);
});

test('every key the renderer uses exists in both languages', () => {
  const sources = [...sourcesUnder(fileURLToPath(new URL('../renderer/', import.meta.url))), ...sourcesUnder(fileURLToPath(new URL('./', import.meta.url)))].join('\n');
  const used = new Set<string>();
  // Literal keys: t('a.b'), the *Key props and values screens pass around, and keys in the common modules.
  for (const m of sources.matchAll(/\bt\(\s*'([a-zA-Z0-9.-]+)'/g)) used.add(m[1] as string);
  for (const m of sources.matchAll(/(?:[a-z]Key|Key=|errorKey:|messageKey)\s*[=:]?\s*\{?\s*'([a-zA-Z0-9-]+\.[a-zA-Z0-9.-]+)'/g)) used.add(m[1] as string);
  for (const m of sources.matchAll(/'((?:connect|form\.errors|setup|customers|seats|log|settings|duration)\.[a-zA-Z-]+)'/g)) used.add(m[1] as string);
  for (const m of sources.matchAll(/(?:titleKey|introKey|textKey|labelKey)="([a-zA-Z0-9.-]+)"/g)) used.add(m[1] as string);
  // Keys built from values: every value they can take.
  for (const o of SESSION_OUTCOMES) used.add(`outcome.${o}`);
  for (const a of AUDIT_ACTIONS) used.add(`audit.actions.${a}`);
  for (const r of AccountRole.options) used.add(`roles.${r}`);
  for (const n of navFor('owner')) used.add(n.labelKey);
  for (const s of ['pending', 'active', 'ended']) used.add(`tabs.state.${s}`);
  for (const t of ['seat', 'group', 'organisation', 'customer', 'sessions']) used.add(`audit.targets.${t}`);
  assert.ok(used.size > 200, `found only ${used.size} keys: is the scan broken?`);
  const i18n = createI18n(AGENT_CATALOG, 'en');
  for (const key of used) {
    for (const lng of ['en', 'zh-CN']) assert.ok(i18n.exists(key, { lng }), `${key} missing in ${lng}`);
  }
});
