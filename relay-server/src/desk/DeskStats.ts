/**
 * Queue statistics for the back-office, over help requests created in [`from`, `to`):
 * requests per hour, waiting time (created → assigned) median and p90, abandoned (left),
 * expired and messaged, first response (created → the agent's first chat message), handle
 * time (assigned → closed) per agent and per group, transfers, no-reply alerts, and how far
 * the wait estimate given at creation was from the wait the request had. A transferred
 * session counts whole for the agent (and group) who had it at the end.
 *
 * Rows are fetched once and aggregated here: medians need the values, and a desk's requests
 * per range are thousands, not millions.
 */
import { z } from 'zod';
import { MAX_ESTIMATE_ROWS, type DeskStatsQuery, type DeskStatsResponse, type EstimateRow } from '@beacon/shared/api';
import { shownLogin } from '../accounts/Accounts.ts';
import type { Database, SqlValue } from '../platform/Database.ts';
import { parseRows } from '../platform/rows.ts';
import { ORG_ID } from './DeskStore.ts';
import { median, percentile } from './WaitEstimate.ts';

const Row = z.object({
  id: z.string(),
  customer_name: z.string(),
  created_at: z.number().int(),
  state: z.string(),
  group_id: z.number().int().nullable(),
  group_name: z.string().nullable(),
  agent_id: z.number().int().nullable(),
  login: z.string().nullable(),
  display_name: z.string().nullable(),
  deleted_at: z.number().int().nullable(),
  estimate_ms: z.number().int().nullable(),
  assigned_at: z.number().int().nullable(),
  first_response_at: z.number().int().nullable(),
  ended_at: z.number().int().nullable(),
  hour: z.string(),
  transfers: z.number().int(),
  alerts: z.number().int(),
});
type Row = z.infer<typeof Row>;

const nonNull = <T>(v: T | null): v is T => v !== null;

function handleRow(ms: number[]) {
  return { sessions: ms.length, medianHandleMs: median(ms), totalHandleMs: ms.reduce((a, b) => a + b, 0) };
}

/** Handle times of closed requests grouped by `key`, in first-seen order. */
function groupHandles<K>(rows: Row[], key: (r: Row) => K): Map<K, { first: Row; ms: number[] }> {
  const out = new Map<K, { first: Row; ms: number[] }>();
  for (const r of rows) {
    if (r.state !== 'closed' || r.assigned_at === null || r.ended_at === null) continue;
    const k = key(r);
    const g = out.get(k) ?? { first: r, ms: [] };
    g.ms.push(r.ended_at - r.assigned_at);
    out.set(k, g);
  }
  return out;
}

/** Answered requests that were given an estimate, oldest first: the estimate against the wait they had. */
function estimateRows(assigned: Row[]): EstimateRow[] {
  return assigned.flatMap((r) =>
    r.estimate_ms === null || r.assigned_at === null ? [] : [{ helpRequestId: r.id, createdAt: r.created_at, customerName: r.customer_name, estimateMs: r.estimate_ms, waitMs: Math.max(0, r.assigned_at - r.created_at) }],
  );
}

export class DeskStats {
  constructor(private readonly db: Database) {}

  async stats(q: DeskStatsQuery): Promise<DeskStatsResponse> {
    const rows = await this.rows(q);
    const assigned = rows.filter((r) => r.assigned_at !== null);
    const waits = assigned.map((r) => (r.assigned_at ?? 0) - r.created_at);
    const estimated = estimateRows(assigned);
    const estimateErrors = estimated.map((e) => e.waitMs - e.estimateMs);
    const byHour = new Map<string, number>();
    for (const r of rows) byHour.set(r.hour, (byHour.get(r.hour) ?? 0) + 1);
    const count = (state: string) => rows.filter((r) => r.state === state).length;
    return {
      from: q.from ?? null,
      to: q.to ?? null,
      requests: rows.length,
      byHour: [...byHour].map(([hour, requests]) => ({ hour, requests })),
      waitMedianMs: median(waits),
      waitP90Ms: percentile(waits, 0.9),
      abandoned: count('left'),
      expired: count('expired'),
      messaged: count('messaged'),
      firstResponseMedianMs: median(rows.map((r) => (r.first_response_at === null ? null : r.first_response_at - r.created_at)).filter(nonNull)),
      byAgent: [...groupHandles(rows, (r) => r.agent_id ?? 0)].map(([id, { first, ms }]) => ({
        seat: { id, login: shownLogin(first.login ?? '', first.deleted_at !== null), displayName: first.display_name ?? '', isDeleted: first.deleted_at !== null },
        ...handleRow(ms),
      })),
      byGroup: [...groupHandles(rows, (r) => r.group_id)].map(([groupId, { first, ms }]) => ({ groupId, groupName: first.group_name, ...handleRow(ms) })),
      transfers: rows.reduce((n, r) => n + r.transfers, 0),
      noReplyAlerts: rows.reduce((n, r) => n + r.alerts, 0),
      estimate: {
        samples: estimateErrors.length,
        medianAbsErrorMs: median(estimateErrors.map(Math.abs)),
        medianErrorMs: median(estimateErrors),
        requests: estimated.reverse().slice(0, MAX_ESTIMATE_ROWS),
      },
    };
  }

  /** Requests in the range, oldest first, with their agent, group, hour bucket and event counts. */
  private async rows(q: DeskStatsQuery): Promise<Row[]> {
    const params: SqlValue[] = [(q.tzOffsetMinutes ?? 0) * 60_000, ORG_ID];
    let where = 'r.org_id = ?';
    if (q.from !== undefined) {
      where += ' AND r.created_at >= ?';
      params.push(q.from);
    }
    if (q.to !== undefined) {
      where += ' AND r.created_at < ?';
      params.push(q.to);
    }
    const raw = await this.db.all(
      `SELECT r.id, r.customer_name, r.created_at, r.state, r.group_id, g.name AS group_name, r.agent_id, a.login, a.display_name, a.deleted_at,
              r.estimate_ms, r.assigned_at, r.first_response_at, r.ended_at,
              strftime('%Y-%m-%dT%H', (r.created_at + ?) / 1000, 'unixepoch') AS hour,
              (SELECT COUNT(*) FROM desk_events e WHERE e.request_id = r.id AND e.kind = 'transfer-accepted') AS transfers,
              (SELECT COUNT(*) FROM desk_events e WHERE e.request_id = r.id AND e.kind = 'no-reply-alert') AS alerts
       FROM desk_requests r LEFT JOIN agents a ON a.id = r.agent_id LEFT JOIN groups g ON g.id = r.group_id
       WHERE ${where} ORDER BY r.created_at, r.id`,
      params,
    );
    return parseRows(Row, raw, 'desk stats row');
  }
}
