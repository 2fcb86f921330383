import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curtainPageParams, curtainQuery } from './curtainPage.ts';

test('what main writes in the curtain page’s query is what the page reads back', () => {
  const q = new URLSearchParams(curtainQuery({ orgName: 'Acme & Co', locale: 'zh-CN', hasStopButton: true })).toString();
  assert.deepEqual(curtainPageParams(`?${q}`), { orgName: 'Acme & Co', locale: 'zh-CN', hasStopButton: true });
  assert.deepEqual(curtainPageParams('?org=Acme&lang=en-GB&stop=0'), { orgName: 'Acme', locale: 'en', hasStopButton: false });
});

test('a malformed query still shows the curtain, in English, with its Stop button', () => {
  assert.deepEqual(curtainPageParams(`?org=${'x'.repeat(500)}&stop=maybe`), { orgName: '', locale: 'en', hasStopButton: true });
  assert.deepEqual(curtainPageParams(''), { orgName: '', locale: 'en', hasStopButton: false });
});
