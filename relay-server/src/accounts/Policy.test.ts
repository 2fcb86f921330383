/** The authorization policy, table-driven: every action, each role, own and others' resources. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtocolError } from '@beacon/shared/errors';
import type { AccountRole } from '@beacon/shared/protocol';
import { authorize, demand, type Action, type ActionResources, type Actor } from './Policy.ts';

const ME = 10;
const OTHER = 20;
const MY_GROUP = 1;
const OTHER_GROUP = 2;
const ROLES: readonly AccountRole[] = ['owner', 'admin', 'manager', 'agent'];

const actor = (role: AccountRole): Actor => ({ id: ME, login: 'me', displayName: 'Me', role, groupIds: [MY_GROUP] });

type Case = { [A in Action]: { action: A; resource: ActionResources[A]; allowed: readonly AccountRole[]; what: string } }[Action];

const ALL = ROLES;
const MANAGERS: readonly AccountRole[] = ['owner', 'admin', 'manager'];
const ADMINS: readonly AccountRole[] = ['owner', 'admin'];

const CASES: readonly Case[] = [
  { action: 'seats.read', resource: null, allowed: MANAGERS, what: 'list seats' },
  { action: 'seat.create', resource: null, allowed: ADMINS, what: 'create a seat' },
  { action: 'seat.grant-role', resource: { kind: 'role', role: 'agent' }, allowed: ADMINS, what: 'make an agent' },
  { action: 'seat.grant-role', resource: { kind: 'role', role: 'admin' }, allowed: ADMINS, what: 'make an admin' },
  { action: 'seat.grant-role', resource: { kind: 'role', role: 'owner' }, allowed: ['owner'], what: 'make an owner' },
  { action: 'seat.manage', resource: { kind: 'seat', id: OTHER, role: 'agent' }, allowed: ADMINS, what: "manage an agent's seat" },
  { action: 'seat.manage', resource: { kind: 'seat', id: OTHER, role: 'admin' }, allowed: ADMINS, what: "manage an admin's seat" },
  { action: 'seat.manage', resource: { kind: 'seat', id: OTHER, role: 'owner' }, allowed: ['owner'], what: "manage an owner's seat" },
  { action: 'groups.read-all', resource: null, allowed: MANAGERS, what: 'see every group' },
  { action: 'group.create', resource: null, allowed: ADMINS, what: 'create a group' },
  { action: 'settings.read', resource: null, allowed: MANAGERS, what: 'read settings' },
  { action: 'settings.write', resource: null, allowed: ADMINS, what: 'change settings' },
  { action: 'customer.create', resource: null, allowed: ALL, what: 'create a customer' },
  { action: 'customers.read-all', resource: null, allowed: MANAGERS, what: 'see every customer' },
  { action: 'customer.read', resource: { kind: 'customer', ownerAccountId: ME, sharedGroupId: null }, allowed: ALL, what: 'read my customer' },
  { action: 'customer.read', resource: { kind: 'customer', ownerAccountId: OTHER, sharedGroupId: MY_GROUP }, allowed: ALL, what: 'read a customer shared with my group' },
  { action: 'customer.read', resource: { kind: 'customer', ownerAccountId: OTHER, sharedGroupId: OTHER_GROUP }, allowed: MANAGERS, what: "read a customer of another group" },
  { action: 'customer.read', resource: { kind: 'customer', ownerAccountId: OTHER, sharedGroupId: null }, allowed: MANAGERS, what: "read another seat's customer" },
  { action: 'customer.update', resource: { kind: 'customer', ownerAccountId: ME, sharedGroupId: null }, allowed: ALL, what: 'edit my customer' },
  { action: 'customer.update', resource: { kind: 'customer', ownerAccountId: OTHER, sharedGroupId: MY_GROUP }, allowed: ALL, what: 'edit a shared customer' },
  { action: 'customer.update', resource: { kind: 'customer', ownerAccountId: OTHER, sharedGroupId: null }, allowed: MANAGERS, what: "edit another seat's customer" },
  { action: 'customer.share', resource: { kind: 'group', id: MY_GROUP }, allowed: ALL, what: 'share with my group' },
  { action: 'customer.share', resource: { kind: 'group', id: OTHER_GROUP }, allowed: MANAGERS, what: 'share with a group I am not in' },
  { action: 'customer.reassign', resource: null, allowed: ADMINS, what: 'hand a customer to another seat' },
  { action: 'sessions.read-all', resource: null, allowed: MANAGERS, what: 'read every session' },
  { action: 'session.read', resource: { kind: 'session', agentId: ME }, allowed: ALL, what: 'read my session' },
  { action: 'session.read', resource: { kind: 'session', agentId: OTHER }, allowed: MANAGERS, what: "read another seat's session" },
  { action: 'session.update', resource: { kind: 'session', agentId: ME }, allowed: ALL, what: 'link my session to a customer' },
  { action: 'session.update', resource: { kind: 'session', agentId: OTHER }, allowed: ADMINS, what: "link another seat's session" },
  { action: 'session.connect', resource: null, allowed: ALL, what: 'connect to a customer' },
  { action: 'device.read', resource: null, allowed: ALL, what: 'look up a device ID' },
  { action: 'stats.read', resource: null, allowed: MANAGERS, what: 'read statistics' },
  { action: 'audit.read', resource: null, allowed: MANAGERS, what: 'read the audit log' },
  { action: 'desk.request.read', resource: { kind: 'queue', groupId: null }, allowed: ALL, what: "see a request in the organisation's queue" },
  { action: 'desk.request.read', resource: { kind: 'queue', groupId: MY_GROUP }, allowed: ALL, what: "see a request in my group's queue" },
  { action: 'desk.request.read', resource: { kind: 'queue', groupId: OTHER_GROUP }, allowed: MANAGERS, what: "see a request in another group's queue" },
  { action: 'desk.supervise', resource: null, allowed: MANAGERS, what: 'supervise the desk (dispatch, every agent, the whole queue)' },
];

test('every role gets exactly the permissions of the table', () => {
  for (const c of CASES) {
    for (const role of ROLES) {
      const isAllowed = authorize(actor(role), c.action, c.resource as never);
      assert.equal(isAllowed, c.allowed.includes(role), `${role} ${isAllowed ? 'may' : 'may not'} ${c.what} (${c.action})`);
    }
  }
});

test('every action is covered by the table', () => {
  const covered = new Set(CASES.map((c) => c.action));
  const all: Action[] = [
    'seats.read', 'seat.create', 'seat.grant-role', 'seat.manage', 'groups.read-all', 'group.create', 'settings.read',
    'settings.write', 'customer.create', 'customers.read-all', 'customer.read', 'customer.update', 'customer.share',
    'customer.reassign', 'sessions.read-all', 'session.read', 'session.update', 'session.connect', 'device.read',
    'stats.read', 'audit.read', 'desk.request.read', 'desk.supervise',
  ];
  assert.deepEqual([...covered].sort(), [...all].sort());
});

test('demand throws a forbidden ProtocolError that names the role and the action', () => {
  assert.throws(
    () => demand(actor('agent'), 'seats.read', null),
    (err: unknown) => err instanceof ProtocolError && err.code === 'forbidden' && /agent.*seats\.read/.test(err.message),
  );
  assert.doesNotThrow(() => demand(actor('manager'), 'seats.read', null));
});
