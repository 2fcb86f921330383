/**
 * Who may do what: the one place the relay decides it. Every HTTP API handler and every
 * signalling action that touches accounts, customers or sessions asks `authorize` (or
 * `demand`) before acting. A UI hiding a button is not a check; this is.
 *
 * Roles: owner and admin manage seats and settings (an admin never touches an owner);
 * a manager sees everything in the organisation but changes no settings; an agent works with
 * their own sessions and customers, and with customers shared to one of their groups.
 */
import type { AccountRole } from '@beacon/shared/protocol';
import { ProtocolError } from '@beacon/shared/errors';
import type { AuthedContext, Route } from '../platform/route.ts';

/** The signed-in seat, as read from the database for this request (never from the client). */
export interface Actor {
  readonly id: number;
  readonly login: string;
  readonly displayName: string;
  readonly role: AccountRole;
  readonly groupIds: readonly number[];
}

/** A route of the relay's JSON API: a signed-in request acts as an Actor. */
export type ApiRoute = Route<Actor>;
export type ActorContext = AuthedContext<Actor>;

export interface SeatResource {
  kind: 'seat';
  id: number;
  role: AccountRole;
}
export interface RoleResource {
  kind: 'role';
  role: AccountRole;
}
export interface CustomerResource {
  kind: 'customer';
  ownerAccountId: number;
  sharedGroupId: number | null;
}
export interface GroupResource {
  kind: 'group';
  id: number;
}
export interface SessionResource {
  kind: 'session';
  agentId: number;
}
/** A help request's queue: a group's, or the organisation's (`groupId: null`). */
export interface QueueResource {
  kind: 'queue';
  groupId: number | null;
}
export interface RecordingResource {
  kind: 'recording';
  /** The seat whose session was recorded. */
  agentId: number;
  /** The organisation lets agents watch their own sessions. */
  agentsMayWatchOwn: boolean;
}

/** Each action and the resource it is asked about (`null`: the action has none). */
export interface ActionResources {
  'seats.read': null;
  'seat.create': null;
  /** Give a seat this role (creating it, or changing its role). */
  'seat.grant-role': RoleResource;
  /** Change, disable, delete, reset the password of, or unlock this seat. */
  'seat.manage': SeatResource;
  'groups.read-all': null;
  'group.create': null;
  'settings.read': null;
  'settings.write': null;
  'customer.create': null;
  'customers.read-all': null;
  'customer.read': CustomerResource;
  'customer.update': CustomerResource;
  /** Share a customer record with this group. */
  'customer.share': GroupResource;
  'customer.reassign': null;
  'sessions.read-all': null;
  'session.read': SessionResource;
  /** Link a session to a customer afterwards. */
  'session.update': SessionResource;
  'session.connect': null;
  'device.read': null;
  'stats.read': null;
  'audit.read': null;
  /** Watch or download a session's recording, and read its timeline. */
  'recording.watch': RecordingResource;
  /** See a help request of this queue, and be offered or take it. */
  'desk.request.read': QueueResource;
  /** Supervise the desk: the whole queue and every agent's desk state, dispatch, forced transfers. */
  'desk.supervise': null;
}
export type Action = keyof ActionResources;

const isManager = (a: Actor): boolean => a.role === 'owner' || a.role === 'admin' || a.role === 'manager';
const isAdmin = (a: Actor): boolean => a.role === 'owner' || a.role === 'admin';
const anyone = (): boolean => true;
const ownsOrShared = (a: Actor, c: CustomerResource): boolean =>
  c.ownerAccountId === a.id || (c.sharedGroupId !== null && a.groupIds.includes(c.sharedGroupId));

const RULES: { [A in Action]: (actor: Actor, resource: ActionResources[A]) => boolean } = {
  'seats.read': isManager,
  'seat.create': isAdmin,
  'seat.grant-role': (a, r) => a.role === 'owner' || (a.role === 'admin' && r.role !== 'owner'),
  'seat.manage': (a, s) => a.role === 'owner' || (a.role === 'admin' && s.role !== 'owner'),
  'groups.read-all': isManager,
  'group.create': isAdmin,
  'settings.read': isManager,
  'settings.write': isAdmin,
  'customer.create': anyone,
  'customers.read-all': isManager,
  'customer.read': (a, c) => isManager(a) || ownsOrShared(a, c),
  'customer.update': (a, c) => isManager(a) || ownsOrShared(a, c),
  'customer.share': (a, g) => isManager(a) || a.groupIds.includes(g.id),
  'customer.reassign': isAdmin,
  'sessions.read-all': isManager,
  'session.read': (a, s) => isManager(a) || s.agentId === a.id,
  'session.update': (a, s) => isAdmin(a) || s.agentId === a.id,
  'session.connect': anyone,
  'device.read': anyone,
  'stats.read': isManager,
  'audit.read': isManager,
  'recording.watch': (a, r) => isManager(a) || (r.agentsMayWatchOwn && r.agentId === a.id),
  'desk.request.read': (a, q) => isManager(a) || q.groupId === null || a.groupIds.includes(q.groupId),
  'desk.supervise': isManager,
};

export function authorize<A extends Action>(actor: Actor, action: A, resource: ActionResources[A]): boolean {
  return RULES[action](actor, resource);
}

/** Like {@link authorize}, but throws `forbidden` for the boundary to turn into a 403 or an error reply. */
export function demand<A extends Action>(actor: Actor, action: A, resource: ActionResources[A]): void {
  if (!authorize(actor, action, resource)) throw new ProtocolError('forbidden', `a seat with role ${actor.role} may not ${action}`);
}
