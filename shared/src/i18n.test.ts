import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERROR_CODES, END_REASONS } from './errors.ts';
import { TRANSFER_CATALOG } from './transferStrings.ts';
import { SHARED_CATALOG, catalogKeys, createI18n, detectLocale, endedKey, errorKey } from './i18n.ts';

test('the system locale picks the language', () => {
  assert.equal(detectLocale(['zh-CN', 'en']), 'zh-CN');
  assert.equal(detectLocale(['zh-TW']), 'zh-CN');
  assert.equal(detectLocale(['en-GB', 'zh-CN']), 'en');
  assert.equal(detectLocale(['fr-FR']), 'en');
  assert.equal(detectLocale([]), 'en');
});

test('both languages have the same keys, and every error code and end reason has a message', () => {
  assert.deepEqual(catalogKeys(SHARED_CATALOG['zh-CN']), catalogKeys(SHARED_CATALOG.en));
  const en = createI18n({ en: {}, 'zh-CN': {} }, 'en');
  const zh = createI18n({ en: {}, 'zh-CN': {} }, 'zh-CN');
  for (const code of ERROR_CODES) {
    assert.notEqual(en.t(errorKey(code)), errorKey(code), code);
    assert.notEqual(zh.t(errorKey(code)), en.t(errorKey(code)), code);
  }
  for (const reason of END_REASONS) assert.notEqual(zh.t(endedKey(reason)), endedKey(reason));
});

test('an app catalog merges over the shared one', () => {
  const i = createI18n({ en: { hello: 'Hello {{name}}' }, 'zh-CN': { hello: '你好，{{name}}' } }, 'zh-CN');
  assert.equal(i.t('hello', { name: '张三' }), '你好，张三');
  assert.match(i.t('errors.locked'), /一分钟/);
});

test('the file transfer strings exist in every language', () => {
  assert.deepEqual(catalogKeys(TRANSFER_CATALOG['zh-CN']), catalogKeys(TRANSFER_CATALOG.en));
});
