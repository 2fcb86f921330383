/**
 * The `sessions` table: one row per connect attempt that passed the code check, updated as
 * it is answered and ends. Writes are issued in order and their failures logged, so the
 * live session never waits on the disk after it has been recorded as requested.
 */
import { z } from 'zod';
import { SessionPermissions, type SessionPermissions as PermissionsT } from '@beacon/shared/protocol';
import { parseUnknown } from '@beacon/shared/parse';
import type { Database } from '../platform/Database.ts';
import type { Logger } from '../platform/logger.ts';
import { SESSION_OUTCOMES } from '../platform/migrations.ts';

export const SessionOutcome = z.enum(SESSION_OUTCOMES);
export type SessionOutcome = z.infer<typeof SessionOutcome>;

/** A `sessions` row as stored; the history's listing extends it with the seat and customer it joins. */
export const SessionRowSchema = z.object({
  id: z.string(),
  device_id: z.string(),
  agent_id: z.number().int(),
  requested_at: z.number().int(),
  started_at: z.number().int().nullable(),
  ended_at: z.number().int().nullable(),
  permissions: z.string(),
  outcome: SessionOutcome,
  end_reason: z.string().nullable(),
});

export interface SessionRecord {
  id: string;
  deviceId: string;
  agentId: number;
  requestedAt: number;
  startedAt: number | null;
  endedAt: number | null;
  permissions: PermissionsT;
  outcome: SessionOutcome;
  endReason: string | null;
}

export class SessionStore {
  constructor(
    private readonly db: Database,
    private readonly log: Logger,
  ) {}

  async insert(s: { id: string; deviceId: string; agentId: number; requestedAt: number; permissions: PermissionsT; customerId?: number | null }): Promise<void> {
    await this.db.run(
      'INSERT INTO sessions (id, device_id, agent_id, requested_at, permissions, outcome, customer_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [s.id, s.deviceId, s.agentId, Math.round(s.requestedAt), JSON.stringify(s.permissions), 'pending', s.customerId ?? null],
    );
    if (s.customerId) await this.linkDevice(s.deviceId, s.customerId);
  }

  /** Links a recorded session (and its device ID, for next time) to a customer, or unlinks it. */
  async setCustomer(id: string, deviceId: string, customerId: number | null): Promise<void> {
    await this.db.run('UPDATE sessions SET customer_id = ? WHERE id = ?', [customerId, id]);
    if (customerId !== null) await this.linkDevice(deviceId, customerId);
  }

  private async linkDevice(deviceId: string, customerId: number): Promise<void> {
    await this.db.run('UPDATE devices SET customer_id = ? WHERE device_id = ?', [customerId, deviceId]);
  }

  markStarted(id: string, at: number): void {
    this.write('UPDATE sessions SET started_at = ?, outcome = ? WHERE id = ?', [Math.round(at), 'active', id]);
  }

  markEnded(id: string, at: number, outcome: SessionOutcome, endReason: string | null): void {
    this.write('UPDATE sessions SET ended_at = ?, outcome = ?, end_reason = ? WHERE id = ?', [
      Math.round(at),
      outcome,
      endReason,
      id,
    ]);
  }

  async get(id: string): Promise<SessionRecord | null> {
    const raw = await this.db.get('SELECT * FROM sessions WHERE id = ?', [id]);
    if (raw === undefined) return null;
    const r = parseUnknown(SessionRowSchema, raw, 'sessions row');
    if (!r.ok) throw r.error;
    let perms: unknown = null;
    try {
      perms = JSON.parse(r.value.permissions);
    } catch {
      /* reported by the parse below */
    }
    const p = parseUnknown(SessionPermissions, perms, 'sessions.permissions');
    if (!p.ok) throw p.error;
    const row = r.value;
    return {
      id: row.id,
      deviceId: row.device_id,
      agentId: row.agent_id,
      requestedAt: row.requested_at,
      startedAt: row.started_at,
      endedAt: row.ended_at,
      permissions: p.value,
      outcome: row.outcome,
      endReason: row.end_reason,
    };
  }

  private write(sql: string, params: (string | number | null)[]): void {
    this.db.run(sql, params).catch((err: unknown) => this.log.error('sessions write failed', { err, sql }));
  }
}
