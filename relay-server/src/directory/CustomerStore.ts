/**
 * The customer directory (`customers`, `customer_stars`; SessionStore writes the
 * device-to-customer link on `devices`). Lists are filtered to what the calling seat may see in SQL, so a page never
 * carries a record the seat may not read, and page by keyset on (starred first, name, id).
 */
import { z } from 'zod';
import type { CreateCustomerRequest, Customer, CustomerList } from '@beacon/shared/api';
import { parseUnknown } from '@beacon/shared/parse';
import { shownLogin } from '../accounts/Accounts.ts';
import { decodeCursor, encodeCursor } from '../platform/cursor.ts';
import type { Database, SqlValue } from '../platform/Database.ts';
import { authorize, type Actor, type CustomerResource } from '../accounts/Policy.ts';
import type { Clock } from '../platform/clock.ts';

export const CUSTOMER_PAGE_DEFAULT = 50;
const MAX_SEARCH_TERMS = 5;

const CustomerRow = z.object({
  id: z.number().int(),
  name: z.string(),
  company: z.string(),
  phone: z.string(),
  notes: z.string(),
  tags: z.string(),
  owner_account_id: z.number().int(),
  shared_group_id: z.number().int().nullable(),
  created_at: z.number().int(),
  updated_at: z.number().int(),
  owner_login: z.string(),
  owner_name: z.string(),
  owner_deleted_at: z.number().nullable(),
  group_name: z.string().nullable(),
  star_rank: z.number().int(),
  last_session_at: z.number().int().nullable(),
});
const Tags = z.array(z.string());
/** [star rank (0 = starred), name, id] of the last row of a page. */
const CustomerCursor = z.tuple([z.number().int().min(0).max(1), z.string(), z.number().int()]);
const DeviceRow = z.object({
  device_id: z.string(),
  registered_at: z.number().int(),
  last_seen_at: z.number().int(),
  customer_id: z.number().int().nullable(),
});

export interface CustomerRecord extends CustomerResource {
  id: number;
  name: string;
}

export interface DeviceRecord {
  deviceId: string;
  registeredAt: number;
  lastSeenAt: number;
  customerId: number | null;
}

/** 0 for a starred record (listed first), else 1; an expression, since a WHERE cannot name a column alias on PostgreSQL. */
const STAR_RANK = 'CASE WHEN st.customer_id IS NULL THEN 1 ELSE 0 END';

const SELECT = `
  SELECT c.id, c.name, c.company, c.phone, c.notes, c.tags, c.owner_account_id, c.shared_group_id, c.created_at, c.updated_at,
         o.login AS owner_login, o.display_name AS owner_name, o.deleted_at AS owner_deleted_at, g.name AS group_name,
         ${STAR_RANK} AS star_rank,
         (SELECT MAX(s.requested_at) FROM sessions s WHERE s.customer_id = c.id) AS last_session_at
  FROM customers c
  JOIN agents o ON o.id = c.owner_account_id
  LEFT JOIN groups g ON g.id = c.shared_group_id
  LEFT JOIN customer_stars st ON st.customer_id = c.id AND st.account_id = ?`;

/** A LIKE pattern matching `term` anywhere, with the wildcards in it taken literally. */
function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class CustomerStore {
  constructor(
    private readonly db: Database,
    private readonly now: Clock = Date.now,
  ) {}

  /** Just what authorization needs; null if there is no such record. */
  async record(id: number): Promise<CustomerRecord | null> {
    const raw = await this.db.get('SELECT id, name, owner_account_id, shared_group_id FROM customers WHERE id = ?', [id]);
    if (raw === undefined) return null;
    const r = parseUnknown(
      z.object({ id: z.number().int(), name: z.string(), owner_account_id: z.number().int(), shared_group_id: z.number().int().nullable() }),
      raw,
      'customers row',
    );
    if (!r.ok) throw r.error;
    return { kind: 'customer', id: r.value.id, name: r.value.name, ownerAccountId: r.value.owner_account_id, sharedGroupId: r.value.shared_group_id };
  }

  /** The record as the API shows it to `viewer` (whose star it shows). */
  async view(id: number, viewer: Actor): Promise<Customer | null> {
    const raw = await this.db.get(`${SELECT} WHERE c.id = ?`, [viewer.id, id]);
    return raw === undefined ? null : this.toCustomer(raw);
  }

  async list(viewer: Actor, q: { q?: string; starred?: boolean; cursor?: string; limit?: number }): Promise<CustomerList> {
    const limit = q.limit ?? CUSTOMER_PAGE_DEFAULT;
    const where: string[] = [];
    const params: SqlValue[] = [viewer.id];
    if (!authorize(viewer, 'customers.read-all', null)) {
      where.push(`(c.owner_account_id = ? OR c.shared_group_id IN (SELECT group_id FROM account_groups WHERE account_id = ?))`);
      params.push(viewer.id, viewer.id);
    }
    for (const term of (q.q ?? '').split(/\s+/).filter(Boolean).slice(0, MAX_SEARCH_TERMS)) {
      const like = containsPattern(term);
      const fields = ['c.name', 'c.company', 'c.phone', 'c.tags', 'c.notes'].map((f) => `${f} LIKE ? ESCAPE '\\'`);
      params.push(like, like, like, like, like);
      // Phone numbers are typed with and without separators; compare digits to digits too.
      const digits = term.replace(/[\s().+-]/g, '');
      if (/^\d{3,}$/.test(digits)) {
        fields.push(`REPLACE(REPLACE(REPLACE(c.phone, ' ', ''), '-', ''), '+', '') LIKE ?`);
        params.push(`%${digits}%`);
      }
      where.push(`(${fields.join(' OR ')})`);
    }
    if (q.starred) where.push('st.customer_id IS NOT NULL');
    if (q.cursor) {
      const [rank, name, id] = decodeCursor(CustomerCursor, q.cursor);
      where.push(`(${STAR_RANK} > ? OR (${STAR_RANK} = ? AND (c.name > ? COLLATE NOCASE OR (c.name = ? COLLATE NOCASE AND c.id > ?))))`);
      params.push(rank, rank, name, name, id);
    }
    const sql = `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY star_rank, c.name COLLATE NOCASE, c.id LIMIT ?`;
    params.push(limit + 1);
    const rows = await this.db.all(sql, params);
    const customers = rows.slice(0, limit).map((raw) => this.toCustomer(raw));
    const last = customers.at(-1);
    return {
      customers,
      nextCursor: rows.length > limit && last ? encodeCursor([last.isStarred ? 0 : 1, last.name, last.id]) : null,
    };
  }

  async create(owner: Actor, c: CreateCustomerRequest): Promise<number> {
    const at = Math.round(this.now());
    const r = await this.db.run(
      `INSERT INTO customers (name, company, phone, notes, tags, owner_account_id, shared_group_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [c.name, c.company, c.phone, c.notes, JSON.stringify(c.tags), owner.id, c.sharedGroupId, at, at],
    );
    if (c.isStarred) await this.setStar(owner.id, r.lastId, true);
    return r.lastId;
  }

  async update(
    id: number,
    patch: { name?: string; company?: string; phone?: string; notes?: string; tags?: string[]; sharedGroupId?: number | null; ownerAccountId?: number },
  ): Promise<void> {
    const columns: [string, SqlValue][] = [];
    if (patch.name !== undefined) columns.push(['name', patch.name]);
    if (patch.company !== undefined) columns.push(['company', patch.company]);
    if (patch.phone !== undefined) columns.push(['phone', patch.phone]);
    if (patch.notes !== undefined) columns.push(['notes', patch.notes]);
    if (patch.tags !== undefined) columns.push(['tags', JSON.stringify(patch.tags)]);
    if (patch.sharedGroupId !== undefined) columns.push(['shared_group_id', patch.sharedGroupId]);
    if (patch.ownerAccountId !== undefined) columns.push(['owner_account_id', patch.ownerAccountId]);
    columns.push(['updated_at', Math.round(this.now())]);
    await this.db.run(`UPDATE customers SET ${columns.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ?`, [...columns.map(([, v]) => v), id]);
  }

  async setStar(accountId: number, customerId: number, isStarred: boolean): Promise<void> {
    if (isStarred) {
      await this.db.run('INSERT OR IGNORE INTO customer_stars (account_id, customer_id, starred_at) VALUES (?, ?, ?)', [
        accountId,
        customerId,
        Math.round(this.now()),
      ]);
    } else {
      await this.db.run('DELETE FROM customer_stars WHERE account_id = ? AND customer_id = ?', [accountId, customerId]);
    }
  }

  async device(deviceId: string): Promise<DeviceRecord | null> {
    const raw = await this.db.get('SELECT device_id, registered_at, last_seen_at, customer_id FROM devices WHERE device_id = ?', [deviceId]);
    if (raw === undefined) return null;
    const r = parseUnknown(DeviceRow, raw, 'devices row');
    if (!r.ok) throw r.error;
    return { deviceId: r.value.device_id, registeredAt: r.value.registered_at, lastSeenAt: r.value.last_seen_at, customerId: r.value.customer_id };
  }

  private toCustomer(raw: unknown): Customer {
    const r = parseUnknown(CustomerRow, raw, 'customers row');
    if (!r.ok) throw r.error;
    const row = r.value;
    let tags: string[] = [];
    try {
      const t = Tags.safeParse(JSON.parse(row.tags));
      if (t.success) tags = t.data;
    } catch {
      /* a damaged tags column shows as no tags */
    }
    return {
      id: row.id,
      name: row.name,
      company: row.company,
      phone: row.phone,
      notes: row.notes,
      tags,
      owner: { id: row.owner_account_id, login: shownLogin(row.owner_login, row.owner_deleted_at !== null), displayName: row.owner_name, isDeleted: row.owner_deleted_at !== null },
      sharedGroup: row.shared_group_id === null ? null : { id: row.shared_group_id, name: row.group_name ?? '' },
      isStarred: row.star_rank === 0,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      lastSessionAt: row.last_session_at,
    };
  }
}
