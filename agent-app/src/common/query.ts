/**
 * Query strings for the relay's list endpoints, built from what the screens hold. Empty
 * values are left out (the relay treats an empty value as absent anyway, but short URLs
 * read better in its log).
 */
import type { LogFilters } from './routes.ts';
import { rangeBounds } from './dates.ts';

export type QueryValue = string | number | boolean | null | undefined;

export function toQuery(params: Record<string, QueryValue>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === '') continue;
    q.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The rows a log page asks for; also the page the relay is asked about when exporting. */
export const LOG_PAGE_SIZE = 50;

/** `GET /api/sessions` and `GET /api/sessions.csv` share their filters. */
export function logQueryParams(filters: LogFilters, tzOffsetMinutes: number): Record<string, QueryValue> {
  const { from, to } = rangeBounds(filters.from, filters.to, tzOffsetMinutes);
  return { seat: filters.seat, customer: filters.customer, from, to, outcome: filters.outcome };
}

export function logListQuery(filters: LogFilters, tzOffsetMinutes: number, cursor: string | null, limit = LOG_PAGE_SIZE): string {
  return toQuery({ ...logQueryParams(filters, tzOffsetMinutes), cursor, limit });
}

/** The CSV's times are written in the viewer's zone, and its headers and outcomes in their language. */
export function logCsvQuery(filters: LogFilters, tzOffsetMinutes: number, lang: string): string {
  return toQuery({ ...logQueryParams(filters, tzOffsetMinutes), tzOffsetMinutes, lang });
}

/** `beacon-sessions-2025-03-01_2025-03-31.csv`, or `beacon-sessions-<today>.csv` without a range. */
export function csvFileName(filters: LogFilters, today: string): string {
  const span = filters.from || filters.to ? `${filters.from ?? 'start'}_${filters.to ?? today}` : today;
  return `beacon-sessions-${span}.csv`;
}

/** Splits typed tags on commas (ASCII or Chinese), semicolons and new lines; trims and dedupes. */
export function parseTags(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.split(/[,，;；、\n]+/u)) {
    const tag = raw.trim();
    const key = tag.toLowerCase();
    if (!tag || seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  return out;
}

export function formatTags(tags: readonly string[]): string {
  return tags.join(', ');
}
