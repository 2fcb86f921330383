/**
 * The remote-control log (list, detail, link to a customer, CSV export) and statistics.
 * Managers, admins and owners see every session; an agent sees their own, and asking for
 * another seat's is refused rather than quietly filtered, so the UI cannot mislead.
 */
import { once } from 'node:events';
import { z } from 'zod';
import { SessionCsvQuery, SessionListQuery, StatsQuery, UpdateSessionRequest, type SessionDetail } from '@beacon/shared/api';
import { ProtocolError } from '@beacon/shared/errors';
import { detectLocale } from '@beacon/shared/i18n';
import { CsvFormatter, CSV_BOM } from './CsvExport.ts';
import type { AuditLog } from '../accounts/AuditLog.ts';
import { authorize, demand, type Actor, type ActorContext, type ApiRoute } from '../accounts/Policy.ts';
import { readableCustomer } from '../directory/CustomerRoutes.ts';
import type { CustomerStore } from '../directory/CustomerStore.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { ok, readJson, readQuery } from '../platform/route.ts';
import type { EventLog } from '../sessions/EventLog.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import type { SessionStore } from '../sessions/SessionStore.ts';
import type { SessionFilter, SessionHistory } from './SessionHistory.ts';

export interface HistoryRouteDeps {
  sessionHistory: SessionHistory;
  sessionStore: SessionStore;
  /** Live sessions learn a customer link made while they run. */
  sessions: Pick<SessionManager, 'setCustomer'>;
  events: EventLog;
  customers: CustomerStore;
  audit: AuditLog;
  log: Logger;
  now: Clock;
}

/** Rows per write while streaming CSV: few syscalls, little memory. */
const CSV_ROWS_PER_CHUNK = 200;

function filterFor(actor: Actor, q: z.infer<typeof SessionListQuery>): SessionFilter {
  let seat = q.seat;
  if (!authorize(actor, 'sessions.read-all', null)) {
    if (seat !== undefined && seat !== actor.id) throw new ProtocolError('forbidden', "an agent may only read their own sessions");
    seat = actor.id;
  }
  return { seat, customer: q.customer, from: q.from, to: q.to, outcome: q.outcome };
}

/** The session named by the path's `:id`, if the caller may do `action` to it (404 unknown, 403 not theirs). */
export async function readableSession(history: SessionHistory, c: ActorContext, action: 'session.read' | 'session.update') {
  const row = await history.get(c.params.id ?? '');
  if (!row) throw new ProtocolError('not-found', 'no such session');
  demand(c.actor, action, { kind: 'session', agentId: row.seat.id });
  return row;
}

export function historyRoutes(d: HistoryRouteDeps): ApiRoute[] {
  const readable = (c: ActorContext, action: 'session.read' | 'session.update') => readableSession(d.sessionHistory, c, action);

  return [
    {
      method: 'GET',
      path: /^\/api\/sessions$/,
      handle: async (c) => {
        const q = readQuery(c, SessionListQuery);
        return ok(await d.sessionHistory.list(filterFor(c.actor, q), q.cursor, q.limit));
      },
    },
    {
      method: 'GET',
      path: /^\/api\/sessions\.csv$/,
      handle: async (c) => {
        const q = readQuery(c, SessionCsvQuery);
        const filter = filterFor(c.actor, q);
        await d.audit.append({ actorId: c.actor.id, action: 'export', target: { type: 'sessions', id: 'csv', label: 'sessions.csv' }, detail: { filter } });
        const csv = new CsvFormatter(detectLocale([q.lang ?? 'en']), q.tzOffsetMinutes ?? 0);
        const day = new Date(d.now()).toISOString().slice(0, 10).replace(/-/g, '');
        c.res.writeHead(200, {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="beacon-sessions-${day}.csv"`,
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
        });
        let isAborted = false;
        c.res.once('close', () => (isAborted = !c.res.writableFinished));
        let chunk = CSV_BOM + csv.header();
        let rows = 0;
        for await (const row of d.sessionHistory.all(filter)) {
          if (isAborted) break;
          chunk += csv.row(row);
          if (++rows % CSV_ROWS_PER_CHUNK === 0) {
            // A client that goes away mid-download never drains: stop waiting when it closes.
            if (!c.res.write(chunk)) await Promise.race([once(c.res, 'drain'), once(c.res, 'close')]);
            chunk = '';
          }
        }
        c.res.end(chunk);
        d.log.info('session log exported', { actorId: c.actor.id, rows, isAborted });
        return undefined;
      },
    },
    {
      method: 'GET',
      path: /^\/api\/sessions\/(?<id>[A-Za-z0-9_-]{1,64})$/,
      handle: async (c) => {
        const session = await readable(c, 'session.read');
        const events = (await d.events.forSession(session.id)).map((e) => ({ at: e.at, kind: e.kind, actor: e.actor, detail: e.detail }));
        return ok({ session, events } satisfies SessionDetail);
      },
    },
    {
      method: 'PATCH',
      path: /^\/api\/sessions\/(?<id>[A-Za-z0-9_-]{1,64})$/,
      handle: async (c) => {
        const session = await readable(c, 'session.update');
        const body = await readJson(c, UpdateSessionRequest);
        if (body.customerId !== null) {
          const customer = await d.customers.record(body.customerId);
          if (!customer) throw new ProtocolError('bad-message', `there is no customer with id ${body.customerId}`);
          demand(c.actor, 'customer.read', customer);
        }
        await d.sessionStore.setCustomer(session.id, session.deviceId, body.customerId);
        d.sessions.setCustomer(session.id, body.customerId);
        return ok(await d.sessionHistory.get(session.id));
      },
    },
    {
      method: 'GET',
      path: /^\/api\/customers\/(?<id>\d+)\/sessions$/,
      handle: async (c) => {
        // Whoever may use the record sees its whole history (who helped this customer, when,
        // how it ended); each session's event timeline stays with its own seat and managers.
        const record = await readableCustomer(d.customers, c);
        const q = readQuery(c, SessionListQuery.pick({ cursor: true, limit: true }));
        return ok(await d.sessionHistory.list({ customer: record.id }, q.cursor, q.limit));
      },
    },
    {
      method: 'GET',
      path: /^\/api\/stats$/,
      handle: async (c) => {
        demand(c.actor, 'stats.read', null);
        return ok(await d.sessionHistory.stats(readQuery(c, StatsQuery)));
      },
    },
  ];
}
