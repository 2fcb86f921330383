/**
 * The desk in SQLite (migration 5): one `desk_requests` row per help request, updated as it
 * moves, every move appended to `desk_events`, each agent's desk state and limit in
 * `desk_agents`, and the organisation's desk settings. Writes are queued in call order on
 * the serialized connection (like the session event log), so the queue never waits on disk;
 * a failed write is logged, never swallowed.
 */
import { z } from 'zod';
import { AgentDeskState, DeskSettings, type DeskMessage, type DeskSettings as DeskSettingsT } from '@beacon/shared/api';
import { HelpRequestState } from '@beacon/shared/protocol';
import { parseUnknown } from '@beacon/shared/parse';
import type { Clock } from '../platform/clock.ts';
import type { Database, SqlParams } from '../platform/Database.ts';
import type { Logger } from '../platform/logger.ts';
import { parseRows } from '../platform/rows.ts';
import type { DeskEvent, HelpRequest } from './deskModel.ts';

/** The relay has one organisation (migration 2); desk rows name it so they say whose they are. */
export const ORG_ID = 1;

export const DEFAULT_DESK_SETTINGS: DeskSettingsT = {
  offerTimeoutSec: 30,
  agentNoReplySec: 300,
  customerReminderSec: 300,
  customerEndSec: 480,
  handleTimeWindow: 50,
  defaultHandleSec: 600,
};

/** Stored settings: a field missing or out of range (an older relay wrote it) falls back to its default. */
const StoredSettings = z.object(
  Object.fromEntries(Object.entries(DeskSettings.shape).map(([k, s]) => [k, s.catch(DEFAULT_DESK_SETTINGS[k as keyof DeskSettingsT]).default(DEFAULT_DESK_SETTINGS[k as keyof DeskSettingsT])])),
);

const RequestRow = z.object({
  id: z.string(),
  group_id: z.number().int().nullable(),
  customer_name: z.string(),
  phone: z.string().nullable(),
  description: z.string(),
  device_id: z.string(),
  created_at: z.number().int(),
  state: HelpRequestState,
  agent_id: z.number().int().nullable(),
  estimate_ms: z.number().int().nullable(),
  assigned_at: z.number().int().nullable(),
  first_response_at: z.number().int().nullable(),
  ended_at: z.number().int().nullable(),
});
export type DeskRequestRow = z.infer<typeof RequestRow>;

const AgentRow = z.object({ account_id: z.number().int(), state: AgentDeskState, concurrency_limit: z.number().int().nonnegative() });
const EventRow = z.object({ kind: z.string(), at: z.number().int(), agent_id: z.number().int().nullable(), actor_id: z.number().int().nullable(), detail: z.string() });

const MessageRow = RequestRow.pick({ id: true, group_id: true, customer_name: true, phone: true, description: true, created_at: true }).extend({ at: z.number().int(), detail: z.string() });

/** The text of a `messaged` event's detail ('' if an older row has none). */
function textOf(detail: string): string {
  try {
    const r = z.object({ text: z.string() }).safeParse(JSON.parse(detail));
    return r.success ? r.data.text : '';
  } catch {
    return '';
  }
}

/** How an event changes its request's row (events not listed change only the log). */
const ROW_UPDATES: Partial<Record<DeskEvent['kind'], (e: DeskEvent) => [string, SqlParams]>> = {
  offered: (e) => ["state = 'offered', agent_id = ?", [e.agentId]],
  declined: () => ["state = 'waiting', agent_id = NULL", []],
  'offer-expired': () => ["state = 'waiting', agent_id = NULL", []],
  'offer-withdrawn': () => ["state = 'waiting', agent_id = NULL", []],
  assigned: (e) => ["state = 'assigned', agent_id = ?, assigned_at = ?", [e.agentId, e.at]],
  'transfer-accepted': (e) => ['agent_id = ?', [e.agentId]],
  left: (e) => ["state = 'left', agent_id = NULL, ended_at = ?", [e.at]],
  expired: (e) => ["state = 'expired', agent_id = NULL, ended_at = ?", [e.at]],
  messaged: (e) => ["state = 'messaged', agent_id = NULL, ended_at = ?", [e.at]],
  closed: (e) => ["state = 'closed', ended_at = ?", [e.at]],
  'first-response': (e) => ['first_response_at = COALESCE(first_response_at, ?)', [e.at]],
};

export interface StoredAgentDesk {
  state: AgentDeskState;
  concurrencyLimit: number;
}

export class DeskStore {
  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly now: Clock,
  ) {}

  /** Queues the new request's row. */
  insertRequest(r: HelpRequest): Promise<void> {
    return this.write(
      `INSERT INTO desk_requests (id, org_id, group_id, customer_name, phone, description, device_id, created_at, state, estimate_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'waiting', ?)`,
      [r.id, ORG_ID, r.groupId, r.customerName, r.phone, r.description, r.deviceId, r.createdAt, r.estimateMs],
      'insert request',
    );
  }

  /** Queues the event and the change it makes to its request's row. */
  record(e: DeskEvent): Promise<void> {
    const update = ROW_UPDATES[e.kind]?.(e);
    const writes = [
      this.write('INSERT INTO desk_events (request_id, at, kind, agent_id, actor_id, detail) VALUES (?, ?, ?, ?, ?, ?)', [e.requestId, e.at, e.kind, e.agentId, e.actorId, JSON.stringify(e.detail)], e.kind),
    ];
    if (update) writes.push(this.write(`UPDATE desk_requests SET ${update[0]} WHERE id = ?`, [...update[1], e.requestId], e.kind));
    return Promise.all(writes).then(() => undefined);
  }

  /**
   * A session went on with another agent (transfer, take-over): its `sessions` row names who has
   * it now, so the log and per-seat statistics credit who handled it; the timeline's
   * `agent-changed` entries keep who had it before.
   */
  sessionAgentChanged(sessionId: string, agentId: number): Promise<void> {
    return this.write('UPDATE sessions SET agent_id = ? WHERE id = ?', [agentId, sessionId], 'session agent');
  }

  async request(id: string): Promise<DeskRequestRow | null> {
    const raw = await this.db.get('SELECT * FROM desk_requests WHERE id = ?', [id]);
    if (raw === undefined) return null;
    const r = parseUnknown(RequestRow, raw, 'desk_requests row');
    if (!r.ok) throw r.error;
    return r.value;
  }

  /** Rows still open (waiting, offered, assigned): after a restart, those an earlier run left. */
  async openRequests(): Promise<DeskRequestRow[]> {
    const rows = await this.db.all("SELECT * FROM desk_requests WHERE state IN ('waiting', 'offered', 'assigned') ORDER BY created_at, id");
    return parseRows(RequestRow, rows, 'desk_requests row');
  }

  /**
   * Ends the requests an earlier run left open (their customers and agents are gone): waiting
   * or offered ones expire now; assigned ones close at their last event, so the made-up
   * handle time is the shortest it could have been rather than the length of an outage.
   */
  async recoverInterrupted(now: number): Promise<number> {
    const open = await this.openRequests();
    for (const r of open) {
      const last = parseRows(z.object({ at: z.number().int().nullable() }), [await this.db.get('SELECT MAX(at) AS at FROM desk_events WHERE request_id = ?', [r.id])], 'last desk event')[0]?.at;
      const isAssigned = r.state === 'assigned';
      await this.record({ kind: isAssigned ? 'closed' : 'expired', requestId: r.id, at: isAssigned ? (last ?? now) : now, agentId: r.agent_id, actorId: null, detail: { reason: 'relay-restart' } });
    }
    return open.length;
  }

  async events(requestId: string): Promise<{ kind: string; at: number; agentId: number | null; actorId: number | null; detail: unknown }[]> {
    const rows = parseRows(EventRow, await this.db.all('SELECT kind, at, agent_id, actor_id, detail FROM desk_events WHERE request_id = ? ORDER BY id', [requestId]), 'desk_events row');
    return rows.map((r) => ({ kind: r.kind, at: r.at, agentId: r.agent_id, actorId: r.actor_id, detail: JSON.parse(r.detail) as unknown }));
  }

  /** Handle times (assigned to closed) of the most recent finished sessions, oldest first. */
  async recentHandleTimes(limit: number): Promise<number[]> {
    const rows = await this.db.all(
      "SELECT ended_at - assigned_at AS ms FROM desk_requests WHERE org_id = ? AND state = 'closed' AND assigned_at IS NOT NULL ORDER BY ended_at DESC LIMIT ?",
      [ORG_ID, limit],
    );
    return parseRows(z.object({ ms: z.number().int() }), rows, 'handle time row')
      .map((r) => r.ms)
      .reverse();
  }

  /** Messages customers left when nobody was available, newest first. */
  async messages(limit: number): Promise<DeskMessage[]> {
    const rows = await this.db.all(
      `SELECT r.id, r.group_id, r.customer_name, r.phone, r.description, r.created_at, e.at, e.detail
       FROM desk_requests r JOIN desk_events e ON e.request_id = r.id AND e.kind = 'messaged'
       WHERE r.org_id = ? ORDER BY e.at DESC, e.id DESC LIMIT ?`,
      [ORG_ID, limit],
    );
    return parseRows(MessageRow, rows, 'desk message row').map((r) => ({
      id: r.id,
      groupId: r.group_id,
      customerName: r.customer_name,
      phone: r.phone,
      description: r.description,
      text: textOf(r.detail),
      createdAt: r.created_at,
      at: r.at,
    }));
  }

  async agentDesks(): Promise<Map<number, StoredAgentDesk>> {
    const rows = parseRows(AgentRow, await this.db.all('SELECT account_id, state, concurrency_limit FROM desk_agents'), 'desk_agents row');
    return new Map(rows.map((r) => [r.account_id, { state: r.state, concurrencyLimit: r.concurrency_limit }]));
  }

  async agentDesk(accountId: number): Promise<StoredAgentDesk | null> {
    return (await this.agentDesks()).get(accountId) ?? null;
  }

  saveAgentDesk(accountId: number, d: StoredAgentDesk): Promise<void> {
    return this.write(
      `INSERT INTO desk_agents (account_id, state, concurrency_limit, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (account_id) DO UPDATE SET state = excluded.state, concurrency_limit = excluded.concurrency_limit, updated_at = excluded.updated_at`,
      [accountId, d.state, d.concurrencyLimit, Math.round(this.now())],
      'save agent desk',
    );
  }

  async settings(): Promise<DeskSettingsT> {
    const raw = await this.db.get('SELECT settings FROM desk_settings WHERE org_id = ?', [ORG_ID]);
    const text = parseUnknown(z.object({ settings: z.string() }), raw, 'desk_settings row');
    let stored: unknown = {};
    try {
      stored = text.ok ? JSON.parse(text.value.settings) : {};
    } catch {
      this.log.warn('desk settings are not JSON; using defaults');
    }
    const s = StoredSettings.safeParse(stored);
    return s.success ? DeskSettings.parse(s.data) : DEFAULT_DESK_SETTINGS;
  }

  async saveSettings(s: DeskSettingsT): Promise<void> {
    await this.db.run(
      `INSERT INTO desk_settings (org_id, settings, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (org_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`,
      [ORG_ID, JSON.stringify(s), Math.round(this.now())],
    );
  }

  private write(sql: string, params: SqlParams, what: string): Promise<void> {
    return this.db.run(sql, params).then(
      () => undefined,
      (err: unknown) => this.log.error('desk write failed', { what, err }),
    );
  }
}
