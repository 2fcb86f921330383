/**
 * Seats and groups: owners and admins manage them, managers read the list. Nobody can demote,
 * disable or delete the last owner, admins never touch owners (Policy.ts), and nobody disables
 * or deletes their own seat. Disabling, deleting and password resets sign the seat out
 * everywhere at once, live connections included.
 */
import { randomBytes } from 'node:crypto';
import { CreateGroupRequest, CreateSeatRequest, ResetPasswordRequest, UpdateSeatRequest, type LiveSession, type ResetPasswordResponse, type Seat } from '@beacon/shared/api';
import { ProtocolError } from '@beacon/shared/errors';
import { intParam, noContent, ok, readJson } from '../platform/route.ts';
import type { Accounts, SeatRecord } from './Accounts.ts';
import type { AgentAuth } from './AgentAuth.ts';
import type { AuditLog } from './AuditLog.ts';
import type { Organisation } from './Organisation.ts';
import { authorize, demand, type Actor, type ActorContext, type ApiRoute } from './Policy.ts';
import type { SharedPresence } from './SharedPresence.ts';

export interface SeatRouteDeps {
  accounts: Accounts;
  audit: AuditLog;
  auth: AgentAuth;
  organisation: Organisation;
  /** Who is online on any relay. */
  presence: SharedPresence;
  /** A seat's pending and active sessions (the sessions feature knows them). */
  liveSessionsOf(accountId: number): LiveSession[];
}

export function seatRoutes(d: SeatRouteDeps): ApiRoute[] {
  const toSeat = (s: SeatRecord, online: ReadonlySet<number>): Seat => {
    const live = d.liveSessionsOf(s.id);
    return {
      id: s.id,
      login: s.login,
      displayName: s.displayName,
      role: s.role,
      groups: s.groups,
      concurrencyLimit: s.concurrencyLimit,
      isDisabled: s.isDisabled,
      isLocked: s.isLocked,
      isOnline: online.has(s.id),
      busy: live.length,
      currentSessions: live,
      createdAt: s.createdAt,
      lastLoginAt: s.lastLoginAt,
    };
  };

  /** The target seat after the manage check; deleted seats are gone as far as the API goes. */
  const managed = async (c: ActorContext): Promise<SeatRecord> => {
    const seat = await d.accounts.seat(intParam(c, 'id'));
    if (!seat || seat.isDeleted) throw new ProtocolError('not-found', 'no such seat');
    demand(c.actor, 'seat.manage', { kind: 'seat', id: seat.id, role: seat.role });
    return seat;
  };

  /** Refuses to leave the organisation without an owner who can sign in. */
  const keepAnOwner = async (seat: SeatRecord, what: string): Promise<void> => {
    if (seat.role === 'owner' && !seat.isDisabled && (await d.accounts.activeOwnerCount(seat.id)) === 0) {
      throw new ProtocolError('conflict', `cannot ${what} the last owner; make another seat owner first`);
    }
  };

  const notSelf = (actor: Actor, seat: SeatRecord, what: string): void => {
    if (actor.id === seat.id) throw new ProtocolError('conflict', `you cannot ${what} your own seat; ask another owner or admin`);
  };

  const target = (s: SeatRecord) => ({ type: 'seat' as const, id: s.id, label: s.login });

  return [
    {
      method: 'GET',
      path: /^\/api\/seats$/,
      handle: async (c) => {
        demand(c.actor, 'seats.read', null);
        const seats = await d.accounts.seats();
        const online = await d.presence.onlineOf(seats.map((s) => s.id));
        return ok({ seats: seats.map((s) => toSeat(s, online)) });
      },
    },
    {
      method: 'POST',
      path: /^\/api\/seats$/,
      handle: async (c) => {
        demand(c.actor, 'seat.create', null);
        const body = await readJson(c, CreateSeatRequest);
        demand(c.actor, 'seat.grant-role', { kind: 'role', role: body.role });
        const concurrencyLimit = body.concurrencyLimit ?? d.organisation.settings?.defaultConcurrencyLimit ?? 3;
        const id = await d.accounts.create({ ...body, concurrencyLimit });
        const seat = await d.accounts.seat(id);
        if (!seat) throw new Error('the new seat is missing');
        await d.audit.append({
          actorId: c.actor.id,
          action: 'seat-created',
          target: target(seat),
          detail: { role: seat.role, groups: seat.groups.map((g) => g.name), concurrencyLimit },
        });
        return ok(toSeat(seat, new Set()), 201);
      },
    },
    {
      method: 'PATCH',
      path: /^\/api\/seats\/(?<id>\d+)$/,
      handle: async (c) => {
        const seat = await managed(c);
        const body = await readJson(c, UpdateSeatRequest);
        const isRoleChange = body.role !== undefined && body.role !== seat.role;
        if (isRoleChange && body.role) {
          demand(c.actor, 'seat.grant-role', { kind: 'role', role: body.role });
          await keepAnOwner(seat, 'change the role of');
        }
        const isDisabling = body.isDisabled === true && !seat.isDisabled;
        const isEnabling = body.isDisabled === false && seat.isDisabled;
        if (isDisabling) {
          notSelf(c.actor, seat, 'disable');
          await keepAnOwner(seat, 'disable');
        }
        if (body.groupIds) await d.accounts.setGroups(seat.id, body.groupIds);
        await d.accounts.update(seat.id, { displayName: body.displayName, role: body.role, concurrencyLimit: body.concurrencyLimit });
        if (isDisabling || isEnabling) await d.accounts.setDisabled(seat.id, isDisabling);
        if (isDisabling) await d.auth.revokeAllFor(seat.id, 'disabled');

        if (isRoleChange) await d.audit.append({ actorId: c.actor.id, action: 'role-changed', target: target(seat), detail: { from: seat.role, to: body.role } });
        if (isDisabling) await d.audit.append({ actorId: c.actor.id, action: 'seat-disabled', target: target(seat) });
        if (isEnabling) await d.audit.append({ actorId: c.actor.id, action: 'seat-enabled', target: target(seat) });
        const changed: Record<string, unknown> = {};
        if (body.displayName !== undefined && body.displayName !== seat.displayName) changed.displayName = { from: seat.displayName, to: body.displayName };
        if (body.concurrencyLimit !== undefined && body.concurrencyLimit !== seat.concurrencyLimit) {
          changed.concurrencyLimit = { from: seat.concurrencyLimit, to: body.concurrencyLimit };
        }
        if (body.groupIds) {
          const from = seat.groups.map((g) => g.id).sort((x, y) => x - y);
          const to = [...new Set(body.groupIds)].sort((x, y) => x - y);
          if (from.join() !== to.join()) changed.groupIds = { from, to };
        }
        if (Object.keys(changed).length > 0) await d.audit.append({ actorId: c.actor.id, action: 'seat-updated', target: target(seat), detail: changed });

        const after = await d.accounts.seat(seat.id);
        if (!after) throw new Error('the seat vanished');
        return ok(toSeat(after, await d.presence.onlineOf([after.id])));
      },
    },
    {
      method: 'POST',
      path: /^\/api\/seats\/(?<id>\d+)\/reset-password$/,
      handle: async (c) => {
        const seat = await managed(c);
        const body = await readJson(c, ResetPasswordRequest);
        // 12 random bytes: 16 characters an admin can read out, far beyond guessing.
        const temporaryPassword = body.password === undefined ? randomBytes(12).toString('base64url') : null;
        await d.auth.setPassword(seat.id, body.password ?? temporaryPassword ?? '');
        // A reset is how a locked-out seat gets back in.
        if (seat.isLocked) await d.auth.unlock(seat.id);
        await d.audit.append({
          actorId: c.actor.id,
          action: 'password-reset',
          target: target(seat),
          detail: { isGenerated: temporaryPassword !== null, wasLocked: seat.isLocked },
        });
        return ok({ temporaryPassword } satisfies ResetPasswordResponse);
      },
    },
    {
      method: 'POST',
      path: /^\/api\/seats\/(?<id>\d+)\/unlock$/,
      handle: async (c) => {
        const seat = await managed(c);
        await d.auth.unlock(seat.id);
        await d.audit.append({ actorId: c.actor.id, action: 'seat-unlocked', target: target(seat), detail: { wasLocked: seat.isLocked } });
        const after = await d.accounts.seat(seat.id);
        if (!after) throw new Error('the seat vanished');
        return ok(toSeat(after, await d.presence.onlineOf([after.id])));
      },
    },
    {
      method: 'DELETE',
      path: /^\/api\/seats\/(?<id>\d+)$/,
      handle: async (c) => {
        const seat = await managed(c);
        notSelf(c.actor, seat, 'delete');
        await keepAnOwner(seat, 'delete');
        await d.accounts.softDelete(seat.id);
        await d.auth.revokeAllFor(seat.id, 'deleted');
        await d.audit.append({ actorId: c.actor.id, action: 'seat-deleted', target: target(seat), detail: { role: seat.role } });
        return noContent();
      },
    },
    {
      method: 'GET',
      path: /^\/api\/groups$/,
      handle: async (c) => {
        const isAll = authorize(c.actor, 'groups.read-all', null);
        return ok({ groups: await d.accounts.groups(isAll ? undefined : c.actor.groupIds) });
      },
    },
    {
      method: 'POST',
      path: /^\/api\/groups$/,
      handle: async (c) => {
        demand(c.actor, 'group.create', null);
        const body = await readJson(c, CreateGroupRequest);
        const group = await d.accounts.createGroup(body.name);
        await d.audit.append({ actorId: c.actor.id, action: 'group-created', target: { type: 'group', id: group.id, label: group.name } });
        return ok(group, 201);
      },
    },
  ];
}
