/** Dates, durations and numbers in the UI language (the browser's Intl, the console's words). */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { durationParts } from '../../common/dates.ts';

/** The viewer's zone, minutes east of UTC (China: 480), for the relay's day buckets and CSV. */
export function localTzOffsetMinutes(at = new Date()): number {
  return -at.getTimezoneOffset();
}

export interface Formatters {
  dateTime(epochMs: number): string;
  time(epochMs: number): string;
  /** `YYYY-MM-DD` shown short: `Mar 10` / `3月10日`. */
  shortDay(ymd: string): string;
  duration(ms: number | null): string;
  number(n: number): string;
}

export function useFormatters(): Formatters {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return useMemo(() => {
    const dt = new Intl.DateTimeFormat(lang, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    const tm = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    const day = new Intl.DateTimeFormat(lang, { month: 'short', day: 'numeric', timeZone: 'UTC' });
    const num = new Intl.NumberFormat(lang);
    return {
      dateTime: (ms) => dt.format(ms),
      time: (ms) => tm.format(ms),
      shortDay: (ymd) => {
        const ms = Date.parse(`${ymd}T00:00:00Z`);
        return Number.isNaN(ms) ? ymd : day.format(ms);
      },
      duration: (ms) => {
        if (ms === null) return t('common.none');
        const p = durationParts(ms);
        return t(p.key, p);
      },
      number: (n) => num.format(n),
    };
  }, [lang, t]);
}
