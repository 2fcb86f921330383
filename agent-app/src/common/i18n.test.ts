import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { SHARED_CATALOG, catalogKeys, createI18n } from '@beacon/shared/i18n';
import { AGENT_CATALOG } from './i18n.ts';

test('en and zh-CN have exactly the same keys, none empty', () => {
  assert.deepEqual(catalogKeys(AGENT_CATALOG['zh-CN']), catalogKeys(AGENT_CATALOG.en));
  const i18n = createI18n(AGENT_CATALOG, 'zh-CN');
  for (const key of catalogKeys(AGENT_CATALOG.en)) {
    const zh = i18n.t(key, { lng: 'zh-CN', name: 'x', id: 'x', seconds: 60 });
    const en = i18n.t(key, { lng: 'en', name: 'x', id: 'x', seconds: 60 });
    assert.ok(zh.trim() && zh !== key, `zh-CN ${key} is missing`);
    assert.ok(en.trim() && en !== key, `en ${key} is missing`);
  }
});

test('the agent catalog does not shadow the shared error messages', () => {
  const shared = new Set(catalogKeys(SHARED_CATALOG.en));
  for (const key of catalogKeys(AGENT_CATALOG.en)) assert.ok(!shared.has(key), `${key} redefines a shared message`);
});

test('every key the renderer uses exists in both languages', () => {
  const dir = new URL('../renderer/', import.meta.url);
  const sources = readdirSync(dir)
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => readFileSync(new URL(f, dir), 'utf8'))
    .join('\n');
  // Literal keys: t('a.b'), i18nKey="a.b", and the keys the common modules hand to the renderer.
  const used = new Set<string>();
  for (const m of sources.matchAll(/\bt\(\s*'([a-zA-Z0-9.-]+)'/g)) used.add(m[1] as string);
  for (const f of ['connectInput.ts']) {
    for (const m of readFileSync(new URL(f, import.meta.url), 'utf8').matchAll(/'(connect\.[a-z-]+)'/g)) used.add(m[1] as string);
  }
  assert.ok(used.size > 20, `found only ${used.size} keys: is the scan broken?`);
  const i18n = createI18n(AGENT_CATALOG, 'en');
  for (const key of used) {
    for (const lng of ['en', 'zh-CN']) assert.ok(i18n.exists(key, { lng }), `${key} missing in ${lng}`);
  }
});
