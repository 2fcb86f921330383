/**
 * Statistics (`#/admin/stats`) over a range of days: totals, then by seat and by day, each
 * as charts (counts, and durations in minutes) with the same figures in a table below.
 */
import { StatsResponse, type StatsBucket } from '@beacon/shared/api';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { durationUnit, fillDays, lastDays, rangeBounds, type DayRange } from '../../common/dates.ts';
import { toQuery } from '../../common/query.ts';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { DeskEstimatePanel } from './DeskEstimatePanel.tsx';
import { BarChart } from '../ui/BarChart.tsx';
import type { ChartProps } from '../ui/ChartFrame.tsx';
import { TextField } from '../ui/Field.tsx';
import { localTzOffsetMinutes, useFormatters } from '../ui/format.ts';
import { EmptyRow, PageHeader, SeatName } from '../ui/Labels.tsx';
import { LineChart } from '../ui/LineChart.tsx';
import { useApiQuery } from '../ui/useApiQuery.ts';

const PRESETS = [7, 30, 90] as const;
/** Colours readable for the common colour-vision deficiencies (blue / orange / red-purple). */
const COLORS = { sessions: '#1f6feb', denied: '#e69f00', dropped: '#cc3d78', total: '#009e73', average: '#56349c' };
const EMPTY_BUCKET: StatsBucket = { sessions: 0, requests: 0, totalDurationMs: 0, averageDurationMs: 0, denied: 0, dropped: 0 };

export function StatsPage() {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const tz = localTzOffsetMinutes();
  const [range, setRange] = useState<DayRange>(() => lastDays(30, Date.now(), tz));
  const bounds = rangeBounds(range.from, range.to, tz);
  const stats = useApiQuery((api) => api.get(`/api/stats${toQuery({ from: bounds.from, to: bounds.to, tzOffsetMinutes: tz })}`, StatsResponse), [range.from, range.to, tz]);
  const data = stats.data;
  const days = data ? fillDays(data.byDay, range, (day) => ({ ...EMPTY_BUCKET, day })) : [];
  const seats = data?.bySeat ?? [];
  const count = (n: number) => fmt.number(n);

  return (
    <div className="page page-wide">
      <PageHeader titleKey="stats.title" introKey="stats.intro" />
      <section className="card filters" data-testid="stats-filters">
        <div className="preset-group" role="group" aria-label={t('stats.range')}>
          {PRESETS.map((n) => {
            const preset = lastDays(n, Date.now(), tz);
            const isOn = preset.from === range.from && preset.to === range.to;
            return (
              <button key={n} type="button" className={`button button-small${isOn ? ' is-on' : ''}`} aria-pressed={isOn} data-testid={`stats-range-${n}`} onClick={() => setRange(preset)}>
                {t('stats.lastDays', { n })}
              </button>
            );
          })}
        </div>
        <TextField label={t('log.from')} testId="stats-from" type="date" value={range.from} max={range.to} onValue={(v) => v && setRange({ ...range, from: v })} />
        <TextField label={t('log.to')} testId="stats-to" type="date" value={range.to} min={range.from} onValue={(v) => v && setRange({ ...range, to: v })} />
      </section>
      <ErrorNotice messageKey={stats.errorKey} />
      {data && (
        <>
          <div className="totals" data-testid="stats-totals">
            <Total testId="stats-total-sessions" label={t('stats.sessions')} value={count(data.totals.sessions)} hint={t('stats.requestsHint', { n: data.totals.requests })} />
            <Total testId="stats-total-duration" label={t('stats.totalDuration')} value={fmt.duration(data.totals.totalDurationMs)} />
            <Total testId="stats-average-duration" label={t('stats.averageDuration')} value={fmt.duration(data.totals.averageDurationMs)} />
            <Total testId="stats-total-denied" label={t('stats.denied')} value={count(data.totals.denied)} />
            <Total testId="stats-total-dropped" label={t('stats.dropped')} value={count(data.totals.dropped)} />
          </div>
          <div className="chart-grid">
            <BreakdownCharts
              testId="stats-chart-seat"
              countsTitle={t('stats.bySeatCounts')}
              durationsTitle={t('stats.bySeatDurations')}
              CountChart={BarChart}
              categories={seats.map((s) => s.seat.displayName)}
              categoryKeys={seats.map((s) => s.seat.login)}
              rows={seats}
            />
            <BreakdownCharts
              testId="stats-chart-day"
              countsTitle={t('stats.byDayCounts')}
              durationsTitle={t('stats.byDayDurations')}
              CountChart={LineChart}
              categories={days.map((d) => fmt.shortDay(d.day))}
              categoryKeys={days.map((d) => d.day)}
              rows={days}
            />
          </div>
          <StatsTable
            testId="stats-seat-table"
            rowTestId="stats-seat-row"
            firstColumn={t('log.seat')}
            rows={seats.map((s) => ({ key: s.seat.login, label: <SeatName seat={s.seat} />, bucket: s }))}
          />
          <StatsTable
            testId="stats-day-table"
            rowTestId="stats-day-row"
            firstColumn={t('stats.day')}
            rows={[...data.byDay].reverse().map((d) => ({ key: d.day, label: d.day, bucket: d }))}
          />
          <DeskEstimatePanel from={bounds.from} to={bounds.to} tz={tz} />
        </>
      )}
    </div>
  );
}

function Total({ testId, label, value, hint }: { testId: string; label: string; value: string; hint?: string }) {
  return (
    <div className="card total" data-testid={testId}>
      <span className="total-label muted">{label}</span>
      <span className="total-value">{value}</span>
      {hint && <span className="muted small">{hint}</span>}
    </div>
  );
}

/** One breakdown (by seat or by day) as two charts: session counts, then durations. */
function BreakdownCharts({
  testId,
  countsTitle,
  durationsTitle,
  CountChart,
  categories,
  categoryKeys,
  rows,
}: {
  /** The counts chart's; the durations chart adds `-duration`. */
  testId: string;
  countsTitle: string;
  durationsTitle: string;
  CountChart: (props: ChartProps) => ReactNode;
  categories: readonly string[];
  categoryKeys: readonly string[];
  rows: readonly StatsBucket[];
}) {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const unit = durationUnit(Math.max(0, ...rows.map((r) => r.totalDurationMs)));
  const axis = { categories, categoryKeys, formatValue: (n: number) => fmt.number(n), emptyText: t('stats.empty') };
  const counts = [
    { key: 'sessions', label: t('stats.sessions'), color: COLORS.sessions, values: rows.map((r) => r.sessions) },
    { key: 'denied', label: t('stats.denied'), color: COLORS.denied, values: rows.map((r) => r.denied) },
    { key: 'dropped', label: t('stats.dropped'), color: COLORS.dropped, values: rows.map((r) => r.dropped) },
  ];
  const durations = [
    { key: 'total', label: t('stats.totalDuration'), color: COLORS.total, values: rows.map((r) => unit.scale(r.totalDurationMs)) },
    { key: 'average', label: t('stats.averageDuration'), color: COLORS.average, values: rows.map((r) => unit.scale(r.averageDurationMs)) },
  ];
  return (
    <>
      <section className="card chart-card">
        <CountChart testId={testId} title={countsTitle} unit={t('stats.unitSessions')} series={counts} isInteger {...axis} />
      </section>
      <section className="card chart-card">
        <BarChart testId={`${testId}-duration`} title={durationsTitle} unit={t(unit.key)} series={durations} {...axis} />
      </section>
    </>
  );
}

function StatsTable({
  testId,
  rowTestId,
  firstColumn,
  rows,
}: {
  testId: string;
  rowTestId: string;
  firstColumn: string;
  rows: { key: string; label: ReactNode; bucket: StatsBucket }[];
}) {
  const { t } = useTranslation();
  const fmt = useFormatters();
  return (
    <section className="card table-card">
      <div className="table-scroll">
        <table className="table" data-testid={testId}>
          <thead>
            <tr>
              <th>{firstColumn}</th>
              <th className="num">{t('stats.sessions')}</th>
              <th className="num">{t('stats.requests')}</th>
              <th className="num">{t('stats.totalDuration')}</th>
              <th className="num">{t('stats.averageDuration')}</th>
              <th className="num">{t('stats.denied')}</th>
              <th className="num">{t('stats.dropped')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} data-testid={rowTestId} data-key={r.key} data-sessions={r.bucket.sessions} data-total-ms={r.bucket.totalDurationMs}>
                <td>{r.label}</td>
                <td className="num">{fmt.number(r.bucket.sessions)}</td>
                <td className="num">{fmt.number(r.bucket.requests)}</td>
                <td className="num">{fmt.duration(r.bucket.totalDurationMs)}</td>
                <td className="num">{fmt.duration(r.bucket.averageDurationMs)}</td>
                <td className="num">{fmt.number(r.bucket.denied)}</td>
                <td className="num">{fmt.number(r.bucket.dropped)}</td>
              </tr>
            ))}
            {rows.length === 0 && <EmptyRow colSpan={7} textKey="stats.empty" />}
          </tbody>
        </table>
      </div>
    </section>
  );
}
