/** The audit log (`#/admin/audit`): administrative actions, newest first, paged. Append-only on the relay. */
import { AuditList, type AuditEntry } from '@beacon/shared/api';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FIRST_PAGE, currentCursor, hasPrevious, nextPage, pageNumber, previousPage } from '../../common/Pager.ts';
import { toQuery } from '../../common/query.ts';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { useFormatters } from '../ui/format.ts';
import { EmptyRow, PageHeader, SeatName } from '../ui/Labels.tsx';
import { Pagination } from '../ui/Pagination.tsx';
import { useApiQuery } from '../ui/useApiQuery.ts';

const PAGE_SIZE = 50;

function isChange(v: unknown): v is { from: unknown; to: unknown } {
  return typeof v === 'object' && v !== null && Object.keys(v).sort().join() === 'from,to';
}

function show(v: unknown): string {
  if (Array.isArray(v)) return v.map(show).join(', ');
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/** Details are free-form JSON: changes read `old → new`, anything else compactly. */
function describe(detail: AuditEntry['detail']): string {
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${isChange(v) ? `${show(v.from)} → ${show(v.to)}` : show(v)}`)
    .join(' · ');
}

export function AuditPage() {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [pager, setPager] = useState(FIRST_PAGE);
  const cursor = currentCursor(pager);
  const list = useApiQuery((api) => api.get(`/api/audit${toQuery({ cursor, limit: PAGE_SIZE })}`, AuditList), [cursor]);
  const entries = list.data?.entries ?? [];
  return (
    <div className="page page-wide">
      <PageHeader titleKey="audit.title" introKey="audit.intro" />
      <ErrorNotice messageKey={list.errorKey} />
      <section className="card table-card">
        <div className="table-scroll">
          <table className="table" data-testid="audit-table" data-loading={list.isLoading}>
            <thead>
              <tr>
                <th>{t('audit.when')}</th>
                <th>{t('audit.actor')}</th>
                <th>{t('audit.action')}</th>
                <th>{t('audit.target')}</th>
                <th>{t('audit.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id} data-testid="audit-row" data-action={e.action} data-target={e.target?.label ?? ''}>
                  <td className="nowrap">{fmt.dateTime(e.at)}</td>
                  <td>{e.actor ? <SeatName seat={e.actor} /> : <span className="muted">{t('audit.relay')}</span>}</td>
                  <td>
                    <span className={`badge audit-action audit-${e.action}`}>{t(`audit.actions.${e.action}`)}</span>
                  </td>
                  <td>{e.target ? `${t(`audit.targets.${e.target.type}`)}: ${e.target.label}` : ''}</td>
                  <td className="small muted detail-cell">{describe(e.detail)}</td>
                </tr>
              ))}
              {list.data && entries.length === 0 && <EmptyRow colSpan={5} textKey="audit.none" />}
            </tbody>
          </table>
        </div>
        <Pagination
          testIdPrefix="audit"
          page={pageNumber(pager)}
          hasPrevious={hasPrevious(pager)}
          hasNext={(list.data?.nextCursor ?? null) !== null}
          isBusy={list.isLoading}
          onPrevious={() => setPager(previousPage(pager))}
          onNext={() => setPager(nextPage(pager, list.data?.nextCursor ?? null))}
        />
      </section>
    </div>
  );
}
