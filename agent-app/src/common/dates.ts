/**
 * Days and durations as the back-office shows them. A manager picks whole days in their own
 * time zone; the relay wants epoch-ms bounds (`from` <= t < `to`) plus the zone's offset
 * for its per-day buckets, so both come from here and always agree.
 */

export const DAY_MS = 86_400_000;
/** Longer ranges are cut: a chart with more days than this is unreadable anyway. */
export const MAX_CHART_DAYS = 400;

const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Epoch ms of 00:00 on `ymd` in a zone `tzOffsetMinutes` east of UTC; null if not a date. */
export function dayStart(ymd: string, tzOffsetMinutes: number): number | null {
  const m = YMD.exec(ymd);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const utc = Date.UTC(y, mo - 1, d);
  // Reject 2025-02-31 and friends instead of rolling them into March.
  const back = new Date(utc);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return utc - tzOffsetMinutes * 60_000;
}

/** The `YYYY-MM-DD` that `epochMs` falls on in the zone. */
export function ymdAt(epochMs: number, tzOffsetMinutes: number): string {
  return new Date(epochMs + tzOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

export function addDays(ymd: string, days: number): string {
  const start = dayStart(ymd, 0);
  if (start === null) throw new RangeError(`not a date: ${ymd}`);
  return ymdAt(start + days * DAY_MS, 0);
}

export interface DayRange {
  from: string;
  to: string;
}

/** The last `days` days up to and including today. */
export function lastDays(days: number, nowMs: number, tzOffsetMinutes: number): DayRange {
  const to = ymdAt(nowMs, tzOffsetMinutes);
  return { from: addDays(to, -(days - 1)), to };
}

/** Inclusive day bounds -> the API's `from`/`to` (the end is the start of the next day). */
export function rangeBounds(
  from: string | null,
  to: string | null,
  tzOffsetMinutes: number,
): { from: number | undefined; to: number | undefined } {
  const start = from === null ? null : dayStart(from, tzOffsetMinutes);
  const end = to === null ? null : dayStart(to, tzOffsetMinutes);
  return { from: start ?? undefined, to: end === null ? undefined : end + DAY_MS };
}

/**
 * Every day of the range, in order, with the rows the relay sent (it leaves days without
 * requests out) and `empty` elsewhere, so a chart's x axis is evenly spaced in time.
 */
export function fillDays<T extends { day: string }>(rows: readonly T[], range: DayRange, empty: (day: string) => T): T[] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const out: T[] = [];
  if (dayStart(range.from, 0) === null || dayStart(range.to, 0) === null || range.from > range.to) return [...rows];
  for (let d = range.from; d <= range.to && out.length < MAX_CHART_DAYS; d = addDays(d, 1)) out.push(byDay.get(d) ?? empty(d));
  return out;
}

export type DurationParts =
  | { key: 'duration.hm'; h: number; m: number }
  | { key: 'duration.ms'; m: number; s: number }
  | { key: 'duration.s'; s: number };

/** A duration split for display: `1 h 05 min`, `3 min 07 s`, `42 s` (rounded to seconds). */
export function durationParts(ms: number): DurationParts {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return { key: 'duration.hm', h, m };
  if (m > 0) return { key: 'duration.ms', m, s };
  return { key: 'duration.s', s };
}

export interface DurationUnit {
  /** i18n key of the unit's name (the chart's y axis). */
  key: 'stats.unitSeconds' | 'stats.unitMinutes' | 'stats.unitHours';
  /** A duration in ms -> the value plotted, one decimal. */
  scale: (ms: number) => number;
}

/**
 * The unit that makes the largest duration read well: short sessions in seconds (two
 * seconds would be a flat 0.0 in minutes), a normal day in minutes, a busy month in hours.
 */
export function durationUnit(maxMs: number): DurationUnit {
  const per = maxMs < 120_000 ? 1000 : maxMs < 120 * 60_000 ? 60_000 : 3_600_000;
  const key = per === 1000 ? 'stats.unitSeconds' : per === 60_000 ? 'stats.unitMinutes' : 'stats.unitHours';
  return { key, scale: (ms) => Math.round((ms / per) * 10) / 10 };
}
