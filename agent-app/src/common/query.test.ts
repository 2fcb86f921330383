import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SessionListQuery } from '@beacon/shared/api';
import { csvFileName, formatTags, logCsvQuery, logListQuery, parseTags, toQuery } from './query.ts';
import { NO_LOG_FILTERS } from './routes.ts';

test('empty values are left out of the query', () => {
  assert.equal(toQuery({ a: 1, b: '', c: null, d: undefined, e: true, f: false }), '?a=1&e=1&f=0');
  assert.equal(toQuery({}), '');
});

test('log filters become the relay query, which its own schema accepts', () => {
  const filters = { seat: 4, customer: 9, from: '2025-03-01', to: '2025-03-02', outcome: 'dropped' as const };
  const q = logListQuery(filters, 480, 'cur-1', 50);
  const params = Object.fromEntries(new URLSearchParams(q.slice(1)));
  assert.deepEqual(params, {
    seat: '4', customer: '9', from: String(Date.UTC(2025, 1, 28, 16)), to: String(Date.UTC(2025, 2, 2, 16)), outcome: 'dropped', cursor: 'cur-1', limit: '50',
  });
  const parsed = SessionListQuery.safeParse(params);
  assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
  assert.equal(parsed.data.to! - parsed.data.from!, 2 * 86_400_000);
});

test('the CSV query carries the filters, time zone and language but no paging', () => {
  const params = Object.fromEntries(new URLSearchParams(logCsvQuery({ ...NO_LOG_FILTERS, outcome: 'completed' }, -300, 'zh-CN').slice(1)));
  assert.deepEqual(params, { outcome: 'completed', tzOffsetMinutes: '-300', lang: 'zh-CN' });
  assert.ok(SessionListQuery.safeParse(params).success);
});

test('the CSV file is named after its date range', () => {
  assert.equal(csvFileName(NO_LOG_FILTERS, '2025-03-09'), 'beacon-sessions-2025-03-09.csv');
  assert.equal(csvFileName({ ...NO_LOG_FILTERS, from: '2025-03-01', to: '2025-03-05' }, '2025-03-09'), 'beacon-sessions-2025-03-01_2025-03-05.csv');
  assert.equal(csvFileName({ ...NO_LOG_FILTERS, from: '2025-03-01' }, '2025-03-09'), 'beacon-sessions-2025-03-01_2025-03-09.csv');
});

test('tags split on English and Chinese punctuation, trimmed and without duplicates', () => {
  assert.deepEqual(parseTags(' VIP, 直播，导播台；OBS、vip\n,  '), ['VIP', '直播', '导播台', 'OBS']);
  assert.deepEqual(parseTags(''), []);
  assert.equal(formatTags(['a', 'b']), 'a, b');
});
