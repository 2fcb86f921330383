import { z } from 'zod';
import { CustomerId, DeviceId, SessionId, SessionPermissions } from '../protocol.ts';
import { Cursor, EpochMs, QueryCursor, QueryInt, QueryText, SeatRef, blankToUndefined } from './common.ts';

/** The remote-control log (sessions, their events, CSV export) and statistics. */

/* ---------- remote-control log ---------- */

/**
 * How a session turned out (stored per session):
 * - `pending`: the customer is being asked (live);
 * - `active`: running now (live);
 * - `completed`: the agent ended it;
 * - `customer-stopped`: the customer pressed Stop;
 * - `denied`: the customer declined (or pressed Stop while being asked);
 * - `consent-timeout`: the customer did not answer in time;
 * - `dropped`: a side went offline, the relay shut down, or the agent withdrew the request
 *   before consent.
 */
export const SESSION_OUTCOMES = ['pending', 'active', 'completed', 'customer-stopped', 'denied', 'dropped', 'consent-timeout'] as const;
export const SessionOutcome = z.enum(SESSION_OUTCOMES);
export type SessionOutcome = z.infer<typeof SessionOutcome>;

export const SessionRow = z.object({
  id: SessionId,
  seat: SeatRef,
  customer: z.object({ id: CustomerId, name: z.string(), company: z.string() }).nullable(),
  deviceId: DeviceId,
  /** When the agent asked (the log is ordered by this, newest first). */
  requestedAt: EpochMs,
  /** When the customer consented; null if the session never started. */
  startedAt: EpochMs.nullable(),
  endedAt: EpochMs.nullable(),
  /** endedAt - startedAt; null until it has started and ended. */
  durationMs: z.number().int().nonnegative().nullable(),
  outcome: SessionOutcome,
  /** The end reason (`EndReason`) when it ended after starting. */
  endReason: z.string().nullable(),
  /** What the customer was asked for and granted on consent (`view: false`: a voice-only session). */
  permissions: SessionPermissions,
});
export type SessionRow = z.infer<typeof SessionRow>;

/** Filters of `GET /api/sessions` and `GET /api/sessions.csv`; `from`/`to` bound `requestedAt` (`from` <= t < `to`). */
export const SessionListQuery = z.object({
  seat: QueryInt(1, Number.MAX_SAFE_INTEGER),
  customer: QueryInt(1, Number.MAX_SAFE_INTEGER),
  from: QueryInt(0, Number.MAX_SAFE_INTEGER),
  to: QueryInt(0, Number.MAX_SAFE_INTEGER),
  outcome: z.preprocess(blankToUndefined, SessionOutcome.optional()),
  cursor: QueryCursor,
  limit: QueryInt(1, 500),
  /** CSV only: the time zone its start/end columns are written in (default UTC). */
  tzOffsetMinutes: QueryInt(-840, 840),
});
export type SessionListQuery = z.infer<typeof SessionListQuery>;
/** `GET /api/sessions.csv`: the list filters plus the language of its headers and outcomes (`en` or `zh-CN`; others fall back). */
export const SessionCsvQuery = SessionListQuery.extend({ lang: QueryText(35) });
export type SessionCsvQuery = z.infer<typeof SessionCsvQuery>;
export const SessionList = z.object({ sessions: z.array(SessionRow), nextCursor: Cursor.nullable() });
export type SessionList = z.infer<typeof SessionList>;

/** One entry of a session's event timeline (consent, control, end). */
export const SessionEventEntry = z.object({
  at: EpochMs,
  kind: z.string(),
  actor: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export const SessionDetail = z.object({ session: SessionRow, events: z.array(SessionEventEntry) });
export type SessionDetail = z.infer<typeof SessionDetail>;

/** `PATCH /api/sessions/:id`: link the session (and its device ID) to a customer, or unlink it. */
export const UpdateSessionRequest = z.object({ customerId: CustomerId.nullable() });
export type UpdateSessionRequest = z.infer<typeof UpdateSessionRequest>;

/* ---------- statistics ---------- */

export const StatsQuery = z.object({
  from: QueryInt(0, Number.MAX_SAFE_INTEGER),
  to: QueryInt(0, Number.MAX_SAFE_INTEGER),
  tzOffsetMinutes: QueryInt(-840, 840),
});
export type StatsQuery = z.infer<typeof StatsQuery>;

/**
 * Counts over sessions requested in the range. `sessions`: those that started (consented);
 * `requests`: every attempt; durations over sessions that started and ended; `denied`
 * counts `denied` and `consent-timeout`; `dropped` counts `dropped`.
 */
export const StatsBucket = z.object({
  sessions: z.number().int().nonnegative(),
  requests: z.number().int().nonnegative(),
  totalDurationMs: z.number().int().nonnegative(),
  averageDurationMs: z.number().int().nonnegative(),
  denied: z.number().int().nonnegative(),
  dropped: z.number().int().nonnegative(),
});
export type StatsBucket = z.infer<typeof StatsBucket>;
export const StatsResponse = z.object({
  from: EpochMs.nullable(),
  to: EpochMs.nullable(),
  totals: StatsBucket,
  bySeat: z.array(StatsBucket.extend({ seat: SeatRef })),
  /** `day` is YYYY-MM-DD in the requested time zone; days without requests are left out. */
  byDay: z.array(StatsBucket.extend({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) })),
});
export type StatsResponse = z.infer<typeof StatsResponse>;
