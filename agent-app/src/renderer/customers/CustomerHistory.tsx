/** Every session of one customer, newest first: seat, time, duration, outcome. */
import { SessionList, type SessionRow } from '@beacon/shared/api';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDeviceId } from '../../common/connectInput.ts';
import { toQuery } from '../../common/query.ts';
import { apiErrorKey } from '../ApiClient.ts';
import { useClient } from '../ClientContext.ts';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { useFormatters } from '../ui/format.ts';
import { EmptyRow, OutcomeBadge, SeatName } from '../ui/Labels.tsx';

const PAGE_SIZE = 25;

export function CustomerHistory({ customerId }: { customerId: number }) {
  const { t } = useTranslation();
  const client = useClient();
  const fmt = useFormatters();
  const [rows, setRows] = useState<SessionRow[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [isLoading, setIsLoading] = useState(true);
  const [errorKey, setErrorKey] = useState<string | null>(null);

  const load = (cursor: string | null, isCurrent: () => boolean = () => true) => {
    setIsLoading(true);
    client.api.get(`/api/customers/${customerId}/sessions${toQuery({ cursor, limit: PAGE_SIZE })}`, SessionList).then(
      (r) => {
        if (!isCurrent()) return;
        setRows((old) => (cursor === null ? r.sessions : [...old, ...r.sessions]));
        setNextCursor(r.nextCursor);
        setErrorKey(null);
        setIsLoading(false);
      },
      (err: unknown) => {
        if (!isCurrent()) return;
        setErrorKey(apiErrorKey(err, { 'not-found': 'customers.notFound' }));
        setIsLoading(false);
      },
    );
  };

  useEffect(() => {
    let isCurrent = true;
    load(null, () => isCurrent);
    return () => {
      isCurrent = false;
    };
    // Reloads when the customer changes; `load` closes over it.
  }, [customerId]);

  return (
    <section className="card table-card" data-testid="customer-history">
      <h2 className="card-title">{t('customers.history')}</h2>
      <ErrorNotice messageKey={errorKey} />
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th>{t('log.start')}</th>
              <th>{t('log.seat')}</th>
              <th>{t('log.device')}</th>
              <th className="num">{t('log.duration')}</th>
              <th>{t('log.outcome')}</th>
              <th>{t('recording.open')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="customer-history-row" data-session-id={r.id} data-outcome={r.outcome}>
                <td>{fmt.dateTime(r.startedAt ?? r.requestedAt)}</td>
                <td>
                  <SeatName seat={r.seat} />
                </td>
                <td className="mono">{formatDeviceId(r.deviceId)}</td>
                <td className="num">{fmt.duration(r.durationMs)}</td>
                <td>
                  <OutcomeBadge outcome={r.outcome} />
                </td>
                <td>
                  {r.startedAt !== null && (
                    <a className="button button-small" data-testid="customer-history-recording" href={`#/admin/recordings/${r.id}`} title={t('recording.openTitle')}>
                      ▶ {t('recording.open')}
                    </a>
                  )}
                </td>
              </tr>
            ))}
            {!isLoading && rows.length === 0 && <EmptyRow colSpan={6} textKey="customers.noHistory" />}
          </tbody>
        </table>
      </div>
      {nextCursor && (
        <button type="button" className="button button-block-soft" data-testid="customer-history-more" disabled={isLoading} onClick={() => load(nextCursor)}>
          {t('common.loadMore')}
        </button>
      )}
    </section>
  );
}
