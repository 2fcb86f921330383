import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_LOG_FILTERS, parseRoute, routeHash, type Route } from './routes.ts';

test('every screen has a hash that reads back as the same route', () => {
  const routes: Route[] = [
    { name: 'console' },
    { name: 'setup', token: 'abc-123_XYZ' },
    { name: 'customers', selected: null },
    { name: 'customers', selected: 'new' },
    { name: 'customers', selected: 42 },
    { name: 'account' },
    { name: 'admin-seats' },
    { name: 'admin-log', filters: NO_LOG_FILTERS },
    { name: 'admin-log', filters: { seat: 3, customer: 7, from: '2025-03-01', to: '2025-03-31', outcome: 'denied' } },
    { name: 'admin-stats' },
    { name: 'admin-audit' },
    { name: 'admin-settings' },
    { name: 'admin-recording', sessionId: 'Zq3-_x9AbCdEfGhIjKlMnO' },
  ];
  for (const r of routes) assert.deepEqual(parseRoute(routeHash(r)), r, routeHash(r));
});

test('the setup link the relay prints opens the setup page with its token', () => {
  assert.deepEqual(parseRoute('#/setup?token=q1w2e3'), { name: 'setup', token: 'q1w2e3' });
  assert.deepEqual(parseRoute('#/setup'), { name: 'setup', token: '' });
});

test('an empty hash, a bare # and trailing slashes open the sessions console', () => {
  for (const h of ['', '#', '#/', '#//']) assert.deepEqual(parseRoute(h), { name: 'console' });
  assert.deepEqual(parseRoute('#/customers/'), { name: 'customers', selected: null });
  assert.deepEqual(parseRoute('#/admin/seats/'), { name: 'admin-seats' });
  assert.deepEqual(parseRoute('#/account/'), { name: 'account' });
});

test('hand-typed junk in log filters is dropped, not an error', () => {
  const r = parseRoute('#/admin/log?seat=abc&customer=-4&from=2025-02-31&to=2025-13-01&outcome=exploded');
  assert.deepEqual(r, { name: 'admin-log', filters: NO_LOG_FILTERS });
  const ok = parseRoute('#/admin/log?seat=12&outcome=customer-stopped&from=2024-02-29');
  assert.deepEqual(ok, { name: 'admin-log', filters: { ...NO_LOG_FILTERS, seat: 12, outcome: 'customer-stopped', from: '2024-02-29' } });
});

test('unknown paths are reported as not found', () => {
  assert.deepEqual(parseRoute('#/admin/nope'), { name: 'not-found', path: '/admin/nope' });
  assert.deepEqual(parseRoute('#/customers/x1'), { name: 'not-found', path: '/customers/x1' });
  assert.deepEqual(parseRoute('#/admin'), { name: 'not-found', path: '/admin' });
  assert.deepEqual(parseRoute('#/account/password'), { name: 'not-found', path: '/account/password' });
  assert.deepEqual(parseRoute('#/admin/recordings/bad!id'), { name: 'not-found', path: '/admin/recordings/bad!id' });
  assert.deepEqual(parseRoute('#/admin/recordings'), { name: 'not-found', path: '/admin/recordings' });
});
