/**
 * The remote-control log (`#/admin/log`): one row per session, filtered by seat, customer,
 * days and outcome (kept in the hash), paged by keyset cursors, exportable as CSV. A row
 * opens the session's event timeline.
 */
import { Customer, SESSION_OUTCOMES, SeatList, SessionList } from '@beacon/shared/api';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FIRST_PAGE, currentCursor, hasPrevious, nextPage, pageNumber, previousPage } from '../../common/Pager.ts';
import { formatDeviceId } from '../../common/connectInput.ts';
import { logListQuery } from '../../common/query.ts';
import { NO_LOG_FILTERS, routeHash, type LogFilters } from '../../common/routes.ts';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { CustomerPicker } from '../customers/CustomerPicker.tsx';
import { SelectField, TextField } from '../ui/Field.tsx';
import { localTzOffsetMinutes, useFormatters } from '../ui/format.ts';
import { EmptyRow, OutcomeBadge, PageHeader, SeatName } from '../ui/Labels.tsx';
import { Pagination } from '../ui/Pagination.tsx';
import { useApiQuery } from '../ui/useApiQuery.ts';
import { navigate } from '../ui/useRoute.ts';
import { CsvExport } from './CsvExport.tsx';
import { SessionDetailPanel } from './SessionDetailPanel.tsx';

function setFilters(filters: LogFilters): void {
  navigate(routeHash({ name: 'admin-log', filters }), true);
}

export function LogPage({ filters }: { filters: LogFilters }) {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const filterKey = routeHash({ name: 'admin-log', filters });
  const [paging, setPaging] = useState({ filterKey, pager: FIRST_PAGE });
  // New filters start again on the first page.
  const pager = paging.filterKey === filterKey ? paging.pager : FIRST_PAGE;
  const cursor = currentCursor(pager);
  const [openId, setOpenId] = useState<string | null>(null);
  const seats = useApiQuery((api) => api.get('/api/seats', SeatList), []);
  const customer = useApiQuery((api) => api.get(`/api/customers/${filters.customer}`, Customer), [filters.customer], {
    isEnabled: filters.customer !== null,
  });
  const list = useApiQuery((api) => api.get(`/api/sessions${logListQuery(filters, localTzOffsetMinutes(), cursor)}`, SessionList), [filterKey, cursor]);
  const rows = list.data?.sessions ?? [];
  const isFiltered = filterKey !== routeHash({ name: 'admin-log', filters: NO_LOG_FILTERS });
  const customerLabel = filters.customer === null ? null : { id: filters.customer, name: customer.data?.name ?? `#${filters.customer}` };

  return (
    <div className="page page-wide">
      <PageHeader titleKey="log.title" introKey="log.intro">
        <CsvExport filters={filters} />
      </PageHeader>
      <section className="card filters" data-testid="log-filters">
        <SelectField
          label={t('log.seat')}
          testId="log-filter-seat"
          value={filters.seat === null ? '' : String(filters.seat)}
          onValue={(v) => setFilters({ ...filters, seat: v ? Number(v) : null })}
        >
          <option value="">{t('log.allSeats')}</option>
          {(seats.data?.seats ?? []).map((s) => (
            <option key={s.id} value={s.id}>
              {s.displayName} ({s.login})
            </option>
          ))}
        </SelectField>
        <CustomerPicker
          testIdPrefix="log-filter-customer"
          label={t('log.customer')}
          value={customerLabel}
          canCreate={false}
          onChange={(c) => setFilters({ ...filters, customer: c?.id ?? null })}
        />
        <TextField
          label={t('log.from')}
          testId="log-filter-from"
          type="date"
          value={filters.from ?? ''}
          max={filters.to ?? undefined}
          onValue={(v) => setFilters({ ...filters, from: v || null })}
        />
        <TextField
          label={t('log.to')}
          testId="log-filter-to"
          type="date"
          value={filters.to ?? ''}
          min={filters.from ?? undefined}
          onValue={(v) => setFilters({ ...filters, to: v || null })}
        />
        <SelectField
          label={t('log.outcome')}
          testId="log-filter-outcome"
          value={filters.outcome ?? ''}
          onValue={(v) => setFilters({ ...filters, outcome: SESSION_OUTCOMES.find((o) => o === v) ?? null })}
        >
          <option value="">{t('log.allOutcomes')}</option>
          {SESSION_OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {t(`outcome.${o}`)}
            </option>
          ))}
        </SelectField>
        <button type="button" className="button filters-reset" data-testid="log-filter-reset" disabled={!isFiltered} onClick={() => setFilters(NO_LOG_FILTERS)}>
          {t('log.resetFilters')}
        </button>
      </section>
      <ErrorNotice messageKey={list.errorKey} />
      <section className="card table-card">
        <div className="table-scroll">
          <table className="table table-hover" data-testid="log-table" aria-busy={list.isLoading} data-loading={list.isLoading}>
            <thead>
              <tr>
                <th>{t('log.seat')}</th>
                <th>{t('log.customer')}</th>
                <th>{t('log.device')}</th>
                <th>{t('log.start')}</th>
                <th>{t('log.end')}</th>
                <th className="num">{t('log.duration')}</th>
                <th>{t('log.outcome')}</th>
                <th>{t('log.granted')}</th>
                <th>{t('recording.open')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr
                  key={r.id}
                  data-testid="log-row"
                  data-session-id={r.id}
                  data-seat-login={r.seat.login}
                  data-customer-id={r.customer?.id ?? ''}
                  data-outcome={r.outcome}
                  data-duration-ms={r.durationMs ?? ''}
                  className={openId === r.id ? 'is-selected' : ''}
                  tabIndex={0}
                  onClick={() => setOpenId(r.id)}
                  onKeyDown={(e) => e.key === 'Enter' && setOpenId(r.id)}
                >
                  <td>
                    <SeatName seat={r.seat} />
                  </td>
                  <td>{r.customer ? <a href={`#/customers/${r.customer.id}`} onClick={(e) => e.stopPropagation()}>{r.customer.name}</a> : <span className="muted">{t('common.none')}</span>}</td>
                  <td className="mono">{formatDeviceId(r.deviceId)}</td>
                  <td className="nowrap">{fmt.dateTime(r.startedAt ?? r.requestedAt)}</td>
                  <td className="nowrap">{r.endedAt ? fmt.dateTime(r.endedAt) : <span className="muted">{t('common.none')}</span>}</td>
                  <td className="num" data-testid="log-duration">
                    {fmt.duration(r.durationMs)}
                  </td>
                  <td>
                    <OutcomeBadge outcome={r.outcome} />
                  </td>
                  <td className="small">{!r.permissions.view ? t('voiceOnly.logLabel') : r.permissions.control ? t('log.viewControl') : t('log.viewOnly')}</td>
                  <td>
                    {r.startedAt !== null && (
                      <a className="button button-small" data-testid="log-recording" href={`#/admin/recordings/${r.id}`} title={t('recording.openTitle')} onClick={(e) => e.stopPropagation()}>
                        ▶ {t('recording.open')}
                      </a>
                    )}
                  </td>
                </tr>
              ))}
              {list.data && rows.length === 0 && <EmptyRow colSpan={9} textKey={isFiltered ? 'log.noMatch' : 'log.none'} />}
            </tbody>
          </table>
        </div>
        <Pagination
          testIdPrefix="log"
          page={pageNumber(pager)}
          hasPrevious={hasPrevious(pager)}
          hasNext={(list.data?.nextCursor ?? null) !== null}
          isBusy={list.isLoading}
          onPrevious={() => setPaging({ filterKey, pager: previousPage(pager) })}
          onNext={() => setPaging({ filterKey, pager: nextPage(pager, list.data?.nextCursor ?? null) })}
        />
      </section>
      {openId && <SessionDetailPanel sessionId={openId} onClose={() => setOpenId(null)} />}
    </div>
  );
}
