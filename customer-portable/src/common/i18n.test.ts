import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogKeys, createI18n, detectLocale } from '@beacon/shared/i18n';
import { CUSTOMER_CATALOG } from './i18n.ts';

test('en and zh-CN have exactly the same keys', () => {
  assert.deepEqual(catalogKeys(CUSTOMER_CATALOG['zh-CN']), catalogKeys(CUSTOMER_CATALOG.en));
});

test('the customer sees Chinese text when the system prefers Chinese', () => {
  const i18n = createI18n(CUSTOMER_CATALOG, detectLocale(['zh-TW', 'en-US']));
  assert.equal(i18n.t('consent.accept'), '允许');
  assert.equal(i18n.t('session.controlling', { name: '王工' }), '王工 正在控制您的电脑');
  // Shared protocol messages come through the same instance.
  assert.match(i18n.t('errors.relay-unreachable'), /中继服务器/);
});

test('every string is translated: no zh-CN value is left in English', () => {
  const i18n = createI18n(CUSTOMER_CATALOG, 'zh-CN');
  for (const key of catalogKeys(CUSTOMER_CATALOG['zh-CN'])) {
    const text = i18n.t(key, { name: 'X', id: '1', code: '2', seconds: 3, keys: 'K', org: 'O', first: '甲', second: '乙' });
    assert.notEqual(text, key, `${key} is missing`);
    assert.match(text, /[\u4e00-\u9fff]/, `${key} has no Chinese: ${text}`);
  }
});
