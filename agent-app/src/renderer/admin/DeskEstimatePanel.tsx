/**
 * How good the desk's wait estimates were (`GET /api/desk/stats`), under the statistics of the
 * same range: for each request an agent answered, the wait the customer was told when it queued
 * against the wait it had until an agent took it, newest first, with the median error (how far
 * off) and its direction (longer or shorter than told). Hidden when the relay has no desk or the
 * range has no answered request with an estimate.
 */
import { DeskStatsResponse } from '@beacon/shared/api';
import { useTranslation } from 'react-i18next';
import { toQuery } from '../../common/query.ts';
import { useFormatters } from '../ui/format.ts';
import { useApiQuery } from '../ui/useApiQuery.ts';

export function DeskEstimatePanel({ from, to, tz }: { from: number | undefined; to: number | undefined; tz: number }) {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const stats = useApiQuery((api) => api.get(`/api/desk/stats${toQuery({ from, to, tzOffsetMinutes: tz })}`, DeskStatsResponse), [from, to, tz]);
  const e = stats.data?.estimate;
  if (!e || e.samples === 0) return null;
  const bias = e.medianErrorMs ?? 0;
  return (
    <section className="card table-card" data-testid="desk-estimates" data-samples={e.samples} data-median-abs-ms={e.medianAbsErrorMs ?? ''}>
      <h2>{t('deskEstimate.title')}</h2>
      <p data-testid="desk-estimates-summary">
        {t('deskEstimate.summary', { n: e.samples, duration: fmt.duration(e.medianAbsErrorMs) })}{' '}
        {bias === 0 ? t('deskEstimate.onTime') : t(bias > 0 ? 'deskEstimate.longer' : 'deskEstimate.shorter', { duration: fmt.duration(Math.abs(bias)) })}
      </p>
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th>{t('deskEstimate.queued')}</th>
              <th>{t('deskEstimate.customer')}</th>
              <th className="num">{t('deskEstimate.estimated')}</th>
              <th className="num">{t('deskEstimate.actual')}</th>
              <th className="num">{t('deskEstimate.error')}</th>
            </tr>
          </thead>
          <tbody>
            {e.requests.map((r) => {
              const error = r.waitMs - r.estimateMs;
              return (
                <tr key={r.helpRequestId} data-testid="desk-estimate-row" data-estimate-ms={r.estimateMs} data-wait-ms={r.waitMs}>
                  <td>{fmt.dateTime(r.createdAt)}</td>
                  <td>{r.customerName}</td>
                  <td className="num">{fmt.duration(r.estimateMs)}</td>
                  <td className="num">{fmt.duration(r.waitMs)}</td>
                  <td className="num">{`${error < 0 ? '−' : '+'}${fmt.duration(Math.abs(error))}`}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
