/**
 * Seat accounts and groups as stored (`agents`, `groups`, `account_groups`). Reads are
 * parsed with zod; the rules about who may change what live in Policy.ts and the API
 * handlers, not here.
 */
import { z } from 'zod';
import type { Group, GroupRef } from '@beacon/shared/api';
import { ProtocolError } from '@beacon/shared/errors';
import { parseUnknown } from '@beacon/shared/parse';
import { AccountRole } from '@beacon/shared/protocol';
import { hashPassword } from './secrets.ts';
import type { Database } from '../platform/Database.ts';
import type { Actor } from './Policy.ts';
import type { Clock } from '../platform/clock.ts';
import { parseRows } from '../platform/rows.ts';

const SeatRow = z.object({
  id: z.number().int(),
  login: z.string(),
  display_name: z.string(),
  role: AccountRole,
  concurrency_limit: z.number().int(),
  disabled_at: z.number().nullable(),
  deleted_at: z.number().nullable(),
  locked_at: z.number().nullable(),
  created_at: z.number().int(),
  last_login_at: z.number().nullable(),
});
const MembershipRow = z.object({ account_id: z.number().int(), id: z.number().int(), name: z.string() });
const GroupRow = z.object({ id: z.number().int(), name: z.string(), member_count: z.number().int() });
const CountRow = z.object({ n: z.number().int() });

const SEAT_COLUMNS = 'id, login, display_name, role, concurrency_limit, disabled_at, deleted_at, locked_at, created_at, last_login_at';

/** A deleted seat's login as people knew it (deletion renames it `<login>~<id>` to free it). */
export function shownLogin(login: string, isDeleted: boolean): string {
  return isDeleted ? login.replace(/~\d+$/, '') : login;
}

export interface SeatRecord {
  id: number;
  login: string;
  displayName: string;
  role: AccountRole;
  concurrencyLimit: number;
  isDisabled: boolean;
  isDeleted: boolean;
  isLocked: boolean;
  createdAt: number;
  lastLoginAt: number | null;
  groups: GroupRef[];
}

/** The seat as an actor for authorization; null if it may not act (deleted or disabled). */
export function actorOf(seat: SeatRecord): Actor | null {
  if (seat.isDeleted || seat.isDisabled) return null;
  return { id: seat.id, login: seat.login, displayName: seat.displayName, role: seat.role, groupIds: seat.groups.map((g) => g.id) };
}

export interface NewSeat {
  login: string;
  displayName: string;
  password: string;
  role: AccountRole;
  groupIds: readonly number[];
  concurrencyLimit: number;
}

export class Accounts {
  constructor(
    private readonly db: Database,
    private readonly now: Clock = Date.now,
  ) {}

  /** The seat as an actor for authorization: current role and groups; null if deleted or disabled. */
  async actor(accountId: number): Promise<Actor | null> {
    const seat = await this.seat(accountId);
    return seat ? actorOf(seat) : null;
  }

  /** Any seat, deleted ones included (history names them). */
  async seat(id: number): Promise<SeatRecord | null> {
    const rows = await this.db.all(`SELECT ${SEAT_COLUMNS} FROM agents WHERE id = ?`, [id]);
    return (await this.withGroups(parseRows(SeatRow, rows, 'agents row')))[0] ?? null;
  }

  /** Every seat that is not deleted, by display name. */
  async seats(): Promise<SeatRecord[]> {
    const rows = await this.db.all(`SELECT ${SEAT_COLUMNS} FROM agents WHERE deleted_at IS NULL ORDER BY display_name COLLATE NOCASE, id`);
    return this.withGroups(parseRows(SeatRow, rows, 'agents row'));
  }

  async create(s: NewSeat): Promise<number> {
    await this.assertGroupsExist(s.groupIds);
    if (await this.db.get('SELECT id FROM agents WHERE login = ?', [s.login])) {
      throw new ProtocolError('conflict', `the login "${s.login}" is already taken`);
    }
    const hash = await hashPassword(s.password);
    const r = await this.db.run(
      'INSERT INTO agents (login, display_name, password_hash, created_at, role, concurrency_limit) VALUES (?, ?, ?, ?, ?, ?)',
      [s.login, s.displayName, hash, Math.round(this.now()), s.role, s.concurrencyLimit],
    );
    await this.setGroups(r.lastId, s.groupIds);
    return r.lastId;
  }

  async update(id: number, patch: { displayName?: string; role?: AccountRole; concurrencyLimit?: number }): Promise<void> {
    if (patch.displayName !== undefined) await this.db.run('UPDATE agents SET display_name = ? WHERE id = ?', [patch.displayName, id]);
    if (patch.role !== undefined) await this.db.run('UPDATE agents SET role = ? WHERE id = ?', [patch.role, id]);
    if (patch.concurrencyLimit !== undefined) {
      await this.db.run('UPDATE agents SET concurrency_limit = ? WHERE id = ?', [patch.concurrencyLimit, id]);
    }
  }

  async setGroups(id: number, groupIds: readonly number[]): Promise<void> {
    await this.assertGroupsExist(groupIds);
    await this.db.run('DELETE FROM account_groups WHERE account_id = ?', [id]);
    for (const g of new Set(groupIds)) await this.db.run('INSERT INTO account_groups (account_id, group_id) VALUES (?, ?)', [id, g]);
  }

  async setDisabled(id: number, isDisabled: boolean): Promise<void> {
    await this.db.run('UPDATE agents SET disabled_at = ? WHERE id = ?', [isDisabled ? Math.round(this.now()) : null, id]);
  }

  /**
   * Soft delete: the row stays (sessions and audit entries keep naming it), the seat can no
   * longer sign in, and its login is freed for a new seat by renaming it `<login>~<id>`.
   */
  async softDelete(id: number): Promise<void> {
    await this.db.run("UPDATE agents SET deleted_at = ?, login = login || '~' || id WHERE id = ? AND deleted_at IS NULL", [
      Math.round(this.now()),
      id,
    ]);
  }

  /** Owners who can still sign in, leaving out `exceptId`. */
  async activeOwnerCount(exceptId?: number): Promise<number> {
    const raw = await this.db.get(
      "SELECT COUNT(*) AS n FROM agents WHERE role = 'owner' AND deleted_at IS NULL AND disabled_at IS NULL AND id != ?",
      [exceptId ?? -1],
    );
    return CountRow.parse(raw).n;
  }

  /** Groups with their member counts; only `onlyIds` when given (an agent sees their own). */
  async groups(onlyIds?: readonly number[]): Promise<Group[]> {
    const rows = await this.db.all(
      `SELECT g.id, g.name, (SELECT COUNT(*) FROM account_groups ag JOIN agents a ON a.id = ag.account_id
                              WHERE ag.group_id = g.id AND a.deleted_at IS NULL) AS member_count
       FROM groups g ORDER BY g.name COLLATE NOCASE`,
    );
    const all = parseRows(GroupRow, rows, 'groups row').map((g) => ({ id: g.id, name: g.name, memberCount: g.member_count }));
    return onlyIds ? all.filter((g) => onlyIds.includes(g.id)) : all;
  }

  async group(id: number): Promise<GroupRef | null> {
    const raw = await this.db.get('SELECT id, name FROM groups WHERE id = ?', [id]);
    if (raw === undefined) return null;
    const r = parseUnknown(z.object({ id: z.number().int(), name: z.string() }), raw, 'groups row');
    if (!r.ok) throw r.error;
    return r.value;
  }

  async createGroup(name: string): Promise<Group> {
    if (await this.db.get('SELECT id FROM groups WHERE name = ?', [name])) {
      throw new ProtocolError('conflict', `a group named "${name}" already exists`);
    }
    const r = await this.db.run('INSERT INTO groups (name, created_at) VALUES (?, ?)', [name, Math.round(this.now())]);
    return { id: r.lastId, name, memberCount: 0 };
  }

  async assertGroupsExist(ids: readonly number[]): Promise<void> {
    for (const id of new Set(ids)) {
      if (!(await this.group(id))) throw new ProtocolError('bad-message', `there is no group with id ${id}`);
    }
  }

  private async withGroups(rows: z.infer<typeof SeatRow>[]): Promise<SeatRecord[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const memberships = parseRows(
      MembershipRow,
      await this.db.all(
        `SELECT ag.account_id, g.id, g.name FROM account_groups ag JOIN groups g ON g.id = ag.group_id
         WHERE ag.account_id IN (${ids.map(() => '?').join(', ')}) ORDER BY g.name COLLATE NOCASE`,
        ids,
      ),
      'account_groups row',
    );
    return rows.map((r) => ({
      id: r.id,
      login: shownLogin(r.login, r.deleted_at !== null),
      displayName: r.display_name,
      role: r.role,
      concurrencyLimit: r.concurrency_limit,
      isDisabled: r.disabled_at !== null,
      isDeleted: r.deleted_at !== null,
      isLocked: r.locked_at !== null,
      createdAt: r.created_at,
      lastLoginAt: r.last_login_at,
      groups: memberships.filter((m) => m.account_id === r.id).map((m) => ({ id: m.id, name: m.name })),
    }));
  }
}
