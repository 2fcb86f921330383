/**
 * The console's hash routes. Hash routing keeps one build working both from `file://`
 * (Electron) and behind the relay at `/`, with no server-side routes to keep in sync.
 * Log filters live in the hash too, so a filtered log survives a reload and can be linked.
 *
 *   #/                          sessions (the spine console)
 *   #/setup?token=T             first-run setup
 *   #/customers[/new|/<id>]     customer directory
 *   #/account                   the signed-in seat: who it is, change own password
 *   #/admin/seats | log | stats | audit | settings
 *   #/admin/recordings/<sessionId>   a session's recording and timeline
 */
import { SESSION_OUTCOMES, type SessionOutcome } from '@beacon/shared/api';
import { dayStart } from './dates.ts';

export interface LogFilters {
  seat: number | null;
  customer: number | null;
  /** Inclusive days, `YYYY-MM-DD` in the viewer's time zone. */
  from: string | null;
  to: string | null;
  outcome: SessionOutcome | null;
}

export const NO_LOG_FILTERS: LogFilters = { seat: null, customer: null, from: null, to: null, outcome: null };

export type Route =
  | { name: 'console' }
  | { name: 'setup'; token: string }
  | { name: 'customers'; selected: number | 'new' | null }
  | { name: 'account' }
  | { name: 'admin-seats' }
  | { name: 'admin-log'; filters: LogFilters }
  | { name: 'admin-stats' }
  | { name: 'admin-audit' }
  | { name: 'admin-settings' }
  | { name: 'admin-recording'; sessionId: string }
  | { name: 'not-found'; path: string };

export type RouteName = Route['name'];

/** The shape of a relay session ID (shared `SessionId`). */
const SESSION_ID = /^[A-Za-z0-9_-]{8,64}$/;

function positiveInt(v: string | null): number | null {
  if (v === null || !/^\d{1,15}$/.test(v)) return null;
  const n = Number(v);
  return n > 0 ? n : null;
}

function day(v: string | null): string | null {
  return v !== null && dayStart(v, 0) !== null ? v : null;
}

function outcome(v: string | null): SessionOutcome | null {
  return (SESSION_OUTCOMES as readonly string[]).includes(v ?? '') ? (v as SessionOutcome) : null;
}

/** Anything unparsable in the query is dropped, never an error: hashes are typed by hand. */
export function parseLogFilters(params: URLSearchParams): LogFilters {
  return {
    seat: positiveInt(params.get('seat')),
    customer: positiveInt(params.get('customer')),
    from: day(params.get('from')),
    to: day(params.get('to')),
    outcome: outcome(params.get('outcome')),
  };
}

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  const path = (q < 0 ? raw : raw.slice(0, q)).replace(/\/+$/, '') || '/';
  const params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  const parts = path.split('/').filter(Boolean);
  switch (parts[0]) {
    case undefined:
      return { name: 'console' };
    case 'setup':
      return parts.length === 1 ? { name: 'setup', token: params.get('token') ?? '' } : { name: 'not-found', path };
    case 'customers': {
      if (parts.length === 1) return { name: 'customers', selected: null };
      if (parts.length === 2 && parts[1] === 'new') return { name: 'customers', selected: 'new' };
      const id = parts.length === 2 ? positiveInt(parts[1] ?? null) : null;
      return id === null ? { name: 'not-found', path } : { name: 'customers', selected: id };
    }
    case 'account':
      return parts.length === 1 ? { name: 'account' } : { name: 'not-found', path };
    case 'admin': {
      if (parts.length === 3 && parts[1] === 'recordings' && SESSION_ID.test(parts[2] ?? '')) return { name: 'admin-recording', sessionId: parts[2] ?? '' };
      if (parts.length !== 2) return { name: 'not-found', path };
      switch (parts[1]) {
        case 'seats':
          return { name: 'admin-seats' };
        case 'log':
          return { name: 'admin-log', filters: parseLogFilters(params) };
        case 'stats':
          return { name: 'admin-stats' };
        case 'audit':
          return { name: 'admin-audit' };
        case 'settings':
          return { name: 'admin-settings' };
        default:
          return { name: 'not-found', path };
      }
    }
    default:
      return { name: 'not-found', path };
  }
}

function withQuery(path: string, entries: [string, string | number | null][]): string {
  const params = new URLSearchParams();
  for (const [k, v] of entries) if (v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** The hash (with `#`) that {@link parseRoute} reads back as the same route. */
export function routeHash(route: Route): string {
  switch (route.name) {
    case 'console':
      return '#/';
    case 'setup':
      return `#${withQuery('/setup', [['token', route.token]])}`;
    case 'customers':
      return route.selected === null ? '#/customers' : `#/customers/${route.selected}`;
    case 'account':
      return '#/account';
    case 'admin-seats':
      return '#/admin/seats';
    case 'admin-log': {
      const f = route.filters;
      return `#${withQuery('/admin/log', [['seat', f.seat], ['customer', f.customer], ['from', f.from], ['to', f.to], ['outcome', f.outcome]])}`;
    }
    case 'admin-stats':
      return '#/admin/stats';
    case 'admin-audit':
      return '#/admin/audit';
    case 'admin-settings':
      return '#/admin/settings';
    case 'admin-recording':
      return `#/admin/recordings/${route.sessionId}`;
    case 'not-found':
      return `#${route.path}`;
  }
}
