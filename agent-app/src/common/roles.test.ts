import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignableRoles, canAdminister, canOversee, navFor } from './roles.ts';

const ids = (role: Parameters<typeof navFor>[0]) => navFor(role).map((n) => n.testId);

test('agents see sessions and customers only', () => {
  assert.deepEqual(ids('agent'), ['nav-sessions', 'nav-customers']);
});

test('managers, admins and owners also see the back-office', () => {
  const full = ['nav-sessions', 'nav-customers', 'nav-admin-seats', 'nav-admin-log', 'nav-admin-stats', 'nav-admin-audit', 'nav-admin-settings'];
  for (const r of ['manager', 'admin', 'owner'] as const) assert.deepEqual(ids(r), full, r);
});

test('a relay that sends no role is treated as the least privileged', () => {
  assert.deepEqual(ids(undefined), ids('agent'));
  assert.equal(canAdminister(undefined), false);
  assert.equal(canOversee(null), false);
});

test('only owners and admins change seats and settings; managers read', () => {
  assert.deepEqual(
    (['owner', 'admin', 'manager', 'agent'] as const).map((r) => [canAdminister(r), canOversee(r)]),
    [[true, true], [true, true], [false, true], [false, false]],
  );
});

test('only an owner can hand out the owner role', () => {
  assert.ok(assignableRoles('owner').includes('owner'));
  assert.ok(!assignableRoles('admin').includes('owner'));
  assert.deepEqual(assignableRoles('manager'), []);
});
