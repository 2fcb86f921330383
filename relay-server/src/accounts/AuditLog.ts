/**
 * The audit log of administrative actions (`audit_log`, append-only by trigger): who created,
 * changed, disabled or deleted a seat, reset a password, changed settings, exported the log.
 * Handlers await `append` before answering, so an action the API confirmed is on record.
 */
import { z } from 'zod';
import { AuditAction, AuditTargetType, type AuditEntry, type AuditList } from '@beacon/shared/api';
import { parseUnknown } from '@beacon/shared/parse';
import { shownLogin } from './Accounts.ts';
import { decodeCursor, encodeCursor } from '../platform/cursor.ts';
import type { Database } from '../platform/Database.ts';
import type { Logger } from '../platform/logger.ts';
import type { Clock } from '../platform/clock.ts';

export type AuditTargetType = NonNullable<AuditEntry['target']>['type'];

export interface NewAuditEntry {
  /** The acting seat, or null when the relay acted by itself. */
  actorId: number | null;
  action: AuditAction;
  target?: { type: AuditTargetType; id: string | number; label: string };
  detail?: Record<string, unknown>;
}

export const AUDIT_PAGE_DEFAULT = 50;

const AuditRow = z.object({
  id: z.number().int(),
  at: z.number().int(),
  action: AuditAction,
  target_type: AuditTargetType.nullable(),
  target_id: z.string().nullable(),
  target_label: z.string().nullable(),
  detail: z.string(),
  actor_id: z.number().int().nullable(),
  actor_login: z.string().nullable(),
  actor_name: z.string().nullable(),
  actor_deleted_at: z.number().nullable(),
});
const JsonObject = z.record(z.string(), z.unknown());
const AuditCursor = z.tuple([z.number().int()]);

export class AuditLog {
  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly now: Clock = Date.now,
  ) {}

  async append(e: NewAuditEntry): Promise<void> {
    await this.db.run(
      'INSERT INTO audit_log (at, actor_account_id, action, target_type, target_id, target_label, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [Math.round(this.now()), e.actorId, e.action, e.target?.type ?? null, e.target ? String(e.target.id) : null, e.target?.label ?? null, JSON.stringify(e.detail ?? {})],
    );
    this.log.info('audit', { action: e.action, actorId: e.actorId, target: e.target });
  }

  /** Newest first, keyset-paged on id. */
  async list(opts: { cursor?: string; limit?: number }): Promise<AuditList> {
    const limit = opts.limit ?? AUDIT_PAGE_DEFAULT;
    const before = opts.cursor ? decodeCursor(AuditCursor, opts.cursor)[0] : Number.MAX_SAFE_INTEGER;
    const rows = await this.db.all(
      `SELECT l.id, l.at, l.action, l.target_type, l.target_id, l.target_label, l.detail,
              a.id AS actor_id, a.login AS actor_login, a.display_name AS actor_name, a.deleted_at AS actor_deleted_at
       FROM audit_log l LEFT JOIN agents a ON a.id = l.actor_account_id
       WHERE l.id < ? ORDER BY l.id DESC LIMIT ?`,
      [before, limit + 1],
    );
    const entries: AuditEntry[] = [];
    for (const raw of rows.slice(0, limit)) {
      const r = parseUnknown(AuditRow, raw, 'audit_log row');
      if (!r.ok) throw r.error;
      const row = r.value;
      let detail: Record<string, unknown> = {};
      try {
        const d = parseUnknown(JsonObject, JSON.parse(row.detail), 'audit_log.detail');
        if (d.ok) detail = d.value;
      } catch {
        this.log.warn('audit detail is not JSON', { id: row.id });
      }
      entries.push({
        id: row.id,
        at: row.at,
        action: row.action,
        actor:
          row.actor_id === null
            ? null
            : { id: row.actor_id, login: shownLogin(row.actor_login ?? '', row.actor_deleted_at !== null), displayName: row.actor_name ?? '', isDeleted: row.actor_deleted_at !== null },
        target: row.target_type === null ? null : { type: row.target_type, id: row.target_id ?? '', label: row.target_label ?? '' },
        detail,
      });
    }
    const last = entries.at(-1);
    return { entries, nextCursor: rows.length > limit && last ? encodeCursor([last.id]) : null };
  }
}
