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
import { authorize, demand, type Actor } from '../accounts/Policy.ts';
import type { SessionFilter } from './SessionHistory.ts';
import type { ApiDeps } from '../http/ApiDeps.ts';
import { ok, readJson, readQuery, type AuthedContext, type Route } from '../http/HttpApi.ts';

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

export function historyRoutes(d: ApiDeps): Route[] {
  const readable = async (c: AuthedContext, action: 'session.read' | 'session.update') => {
    const id = c.params.id ?? '';
    const row = await d.sessionHistory.get(id);
    if (!row) throw new ProtocolError('not-found', 'no such session');
    demand(c.actor, action, { kind: 'session', agentId: row.seat.id });
    return row;
  };

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
      path: /^\/api\/stats$/,
      handle: async (c) => {
        demand(c.actor, 'stats.read', null);
        return ok(await d.sessionHistory.stats(readQuery(c, StatsQuery)));
      },
    },
  ];
}
