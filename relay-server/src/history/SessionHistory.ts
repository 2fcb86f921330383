/**
 * The remote-control log as managers read it: one row per session with its seat, customer,
 * device, times, outcome and permissions; keyset pages newest first; per-seat and per-day
 * statistics. Writes stay in SessionStore; this is the read side.
 *
 * Paging is keyset on (requested_at, id), served by the `sessions_by_time`,
 * `sessions_by_agent_time` and `sessions_by_customer_time` indexes, so the cost of a page does
 * not grow with the size of the log (SessionHistory.test.ts checks the plan at 100k rows).
 */
import { z } from 'zod';
import { SessionOutcome, type SessionList, type SessionRow, type StatsBucket, type StatsResponse } from '@beacon/shared/api';
import { parseUnknown } from '@beacon/shared/parse';
import { SessionPermissions } from '@beacon/shared/protocol';
import { shownLogin } from '../accounts/Accounts.ts';
import { decodeCursor, encodeCursor } from '../platform/cursor.ts';
import type { Database, SqlValue } from '../platform/Database.ts';
import { SessionRowSchema } from '../sessions/SessionStore.ts';
import { parseRows } from '../platform/rows.ts';

export const SESSION_PAGE_DEFAULT = 50;

export interface SessionFilter {
  /** Only this seat's sessions (always set for an agent reading their own). */
  seat?: number;
  customer?: number;
  from?: number;
  to?: number;
  outcome?: SessionOutcome;
}

const Row = SessionRowSchema.extend({
  seat_login: z.string().nullable(),
  seat_name: z.string().nullable(),
  seat_deleted_at: z.number().nullable(),
  customer_id: z.number().int().nullable(),
  customer_name: z.string().nullable(),
  customer_company: z.string().nullable(),
});
const SessionCursor = z.tuple([z.number().int(), z.string()]);
const BucketRow = z.object({
  requests: z.number().int(),
  sessions: z.number().int().nullable(),
  total: z.number().int().nullable(),
  timed: z.number().int().nullable(),
  denied: z.number().int().nullable(),
  dropped: z.number().int().nullable(),
});
const SeatBucketRow = BucketRow.extend({
  agent_id: z.number().int(),
  login: z.string().nullable(),
  display_name: z.string().nullable(),
  deleted_at: z.number().nullable(),
});
const DayBucketRow = BucketRow.extend({ day: z.string() });

const SELECT = `
  SELECT s.id, s.device_id, s.agent_id, s.requested_at, s.started_at, s.ended_at, s.permissions, s.outcome, s.end_reason,
         a.login AS seat_login, a.display_name AS seat_name, a.deleted_at AS seat_deleted_at,
         c.id AS customer_id, c.name AS customer_name, c.company AS customer_company
  FROM sessions s
  LEFT JOIN agents a ON a.id = s.agent_id
  LEFT JOIN customers c ON c.id = s.customer_id`;

const BUCKET_COLUMNS = `
  COUNT(*) AS requests,
  SUM(CASE WHEN s.started_at IS NOT NULL THEN 1 ELSE 0 END) AS sessions,
  SUM(CASE WHEN s.started_at IS NOT NULL AND s.ended_at IS NOT NULL THEN MAX(0, s.ended_at - s.started_at) ELSE 0 END) AS total,
  SUM(CASE WHEN s.started_at IS NOT NULL AND s.ended_at IS NOT NULL THEN 1 ELSE 0 END) AS timed,
  SUM(CASE WHEN s.outcome IN ('denied', 'consent-timeout') THEN 1 ELSE 0 END) AS denied,
  SUM(CASE WHEN s.outcome = 'dropped' THEN 1 ELSE 0 END) AS dropped`;

function whereClause(f: SessionFilter, params: SqlValue[]): string[] {
  const where: string[] = [];
  if (f.seat !== undefined) {
    where.push('s.agent_id = ?');
    params.push(f.seat);
  }
  if (f.customer !== undefined) {
    where.push('s.customer_id = ?');
    params.push(f.customer);
  }
  if (f.from !== undefined) {
    where.push('s.requested_at >= ?');
    params.push(f.from);
  }
  if (f.to !== undefined) {
    where.push('s.requested_at < ?');
    params.push(f.to);
  }
  if (f.outcome !== undefined) {
    where.push('s.outcome = ?');
    params.push(f.outcome);
  }
  return where;
}

function toBucket(r: z.infer<typeof BucketRow>): StatsBucket {
  const timed = r.timed ?? 0;
  const total = r.total ?? 0;
  return {
    sessions: r.sessions ?? 0,
    requests: r.requests,
    totalDurationMs: total,
    averageDurationMs: timed > 0 ? Math.round(total / timed) : 0,
    denied: r.denied ?? 0,
    dropped: r.dropped ?? 0,
  };
}

export class SessionHistory {
  constructor(private readonly db: Database) {}

  /** The SQL and parameters of one page; exported for the query-plan test. */
  pageQuery(f: SessionFilter, cursor: string | undefined, limit: number): { sql: string; params: SqlValue[] } {
    const params: SqlValue[] = [];
    const where = whereClause(f, params);
    if (cursor) {
      const [requestedAt, id] = decodeCursor(SessionCursor, cursor);
      // A row value comparison, so SQLite walks the index from the cursor instead of filtering.
      where.push('(s.requested_at, s.id) < (?, ?)');
      params.push(requestedAt, id);
    }
    params.push(limit + 1);
    return {
      sql: `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY s.requested_at DESC, s.id DESC LIMIT ?`,
      params,
    };
  }

  async list(f: SessionFilter, cursor?: string, limit = SESSION_PAGE_DEFAULT): Promise<SessionList> {
    const q = this.pageQuery(f, cursor, limit);
    const rows = await this.db.all(q.sql, q.params);
    const sessions = rows.slice(0, limit).map((raw) => this.toRow(raw));
    const last = sessions.at(-1);
    return { sessions, nextCursor: rows.length > limit && last ? encodeCursor([last.requestedAt, last.id]) : null };
  }

  async get(id: string): Promise<SessionRow | null> {
    const raw = await this.db.get(`${SELECT} WHERE s.id = ?`, [id]);
    return raw === undefined ? null : this.toRow(raw);
  }

  /** Every matching row, newest first, a page at a time (for the CSV export). */
  async *all(f: SessionFilter, pageSize = 1000): AsyncGenerator<SessionRow> {
    let cursor: string | undefined;
    for (;;) {
      const page = await this.list(f, cursor, pageSize);
      yield* page.sessions;
      if (!page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }

  async stats(f: { from?: number; to?: number; tzOffsetMinutes?: number }): Promise<StatsResponse> {
    const params: SqlValue[] = [];
    const where = whereClause({ from: f.from, to: f.to }, params);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const bySeat = parseRows(
      SeatBucketRow,
      await this.db.all(
        `SELECT s.agent_id, a.login, a.display_name, a.deleted_at, ${BUCKET_COLUMNS}
         FROM sessions s LEFT JOIN agents a ON a.id = s.agent_id ${filter}
         GROUP BY s.agent_id, a.login, a.display_name, a.deleted_at ORDER BY a.display_name COLLATE NOCASE, s.agent_id`,
        params,
      ),
      'seat stats row',
    );
    const offsetMs = (f.tzOffsetMinutes ?? 0) * 60_000;
    const byDay = parseRows(
      DayBucketRow,
      await this.db.all(
        `SELECT strftime('%Y-%m-%d', (s.requested_at + ?) / 1000, 'unixepoch') AS day, ${BUCKET_COLUMNS}
         FROM sessions s ${filter} GROUP BY day ORDER BY day`,
        [offsetMs, ...params],
      ),
      'day stats row',
    );
    const totals = parseRows(BucketRow, await this.db.all(`SELECT ${BUCKET_COLUMNS} FROM sessions s ${filter}`, params), 'stats row')[0];
    return {
      from: f.from ?? null,
      to: f.to ?? null,
      totals: totals ? toBucket(totals) : toBucket({ requests: 0, sessions: 0, total: 0, timed: 0, denied: 0, dropped: 0 }),
      bySeat: bySeat.map((r) => ({
        ...toBucket(r),
        seat: { id: r.agent_id, login: shownLogin(r.login ?? '', r.deleted_at !== null), displayName: r.display_name ?? '', isDeleted: r.deleted_at !== null },
      })),
      byDay: byDay.map((r) => ({ ...toBucket(r), day: r.day })),
    };
  }

  /**
   * Sessions a crashed relay left `pending` or `active` are over: they become `dropped`,
   * ending at their last recorded event, so the log shows no phantom live sessions.
   */
  async recoverInterrupted(): Promise<number> {
    const r = await this.db.run(
      `UPDATE sessions SET outcome = 'dropped', end_reason = 'relay-shutdown',
         ended_at = MAX(COALESCE(started_at, requested_at), COALESCE((SELECT MAX(e.at) FROM session_events e WHERE e.session_id = sessions.id), 0))
       WHERE outcome IN ('pending', 'active')`,
    );
    return r.changes;
  }

  private toRow(raw: unknown): SessionRow {
    const r = parseUnknown(Row, raw, 'sessions row');
    if (!r.ok) throw r.error;
    const row = r.value;
    let perms: unknown = null;
    try {
      perms = JSON.parse(row.permissions);
    } catch {
      /* reported by the parse below */
    }
    const p = parseUnknown(SessionPermissions, perms, 'sessions.permissions');
    if (!p.ok) throw p.error;
    const hasDuration = row.started_at !== null && row.ended_at !== null;
    return {
      id: row.id,
      seat: { id: row.agent_id, login: shownLogin(row.seat_login ?? '', row.seat_deleted_at !== null), displayName: row.seat_name ?? '', isDeleted: row.seat_deleted_at !== null },
      customer:
        row.customer_id === null ? null : { id: row.customer_id, name: row.customer_name ?? '', company: row.customer_company ?? '' },
      deviceId: row.device_id,
      requestedAt: row.requested_at,
      startedAt: row.started_at,
      endedAt: row.ended_at,
      durationMs: hasDuration ? Math.max(0, (row.ended_at ?? 0) - (row.started_at ?? 0)) : null,
      outcome: row.outcome,
      endReason: row.end_reason,
      permissions: p.value,
    };
  }
}
