/** One session from the log with its event timeline (consent, control, end), beside the table. */
import { SessionDetail } from '@beacon/shared/api';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { useFormatters } from '../ui/format.ts';
import { OutcomeBadge } from '../ui/Labels.tsx';
import { SessionFacts } from '../ui/SessionFacts.tsx';
import { useApiQuery } from '../ui/useApiQuery.ts';

/** Detail keys that are plumbing, not history. */
const HIDDEN_DETAIL = new Set(['requestId']);

/** Event details are free-form on the wire: show scalar values only, as `key: value`. */
function describe(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .filter(([k, v]) => !HIDDEN_DETAIL.has(k) && ['string', 'number', 'boolean'].includes(typeof v))
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(' · ');
}

export function SessionDetailPanel({ sessionId, onClose }: { sessionId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const q = useApiQuery((api) => api.get(`/api/sessions/${encodeURIComponent(sessionId)}`, SessionDetail), [sessionId], {
    errorOverrides: { 'not-found': 'log.sessionNotFound' },
  });
  const s = q.data?.session;
  return (
    <aside className="card detail-panel" data-testid="log-detail" data-session-id={sessionId}>
      <div className="form-card-head">
        <h2>{t('log.detailTitle')}</h2>
        <span className="spacer" />
        <button type="button" className="button button-small" data-testid="log-detail-close" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
      <ErrorNotice messageKey={q.errorKey} />
      {s && (
        <>
          <dl className="detail-list">
            <SessionFacts session={s} when="requested" />
            <dt>{t('log.outcome')}</dt>
            <dd>
              <OutcomeBadge outcome={s.outcome} />
              {s.endReason && <span className="muted small"> {t(`ended.${s.endReason}`, { defaultValue: s.endReason })}</span>}
            </dd>
          </dl>
          {s.startedAt !== null && (
            <a className="button button-small" data-testid="log-detail-recording" href={`#/admin/recordings/${s.id}`}>
              ▶ {t('recording.openTitle')}
            </a>
          )}
          <h3 className="small-heading">{t('log.timeline')}</h3>
          <ol className="timeline">
            {(q.data?.events ?? []).map((e, i) => (
              <li key={`${e.at}-${i}`} data-testid="log-event" data-kind={e.kind}>
                <span className="mono small">{fmt.time(e.at)}</span>
                <span className="timeline-kind">{t(`events.${e.kind}`, { defaultValue: e.kind })}</span>
                <span className="muted small">{e.actor}</span>
                <span className="muted small">{describe(e.detail)}</span>
              </li>
            ))}
            {q.data?.events.length === 0 && <li className="muted">{t('log.noEvents')}</li>}
          </ol>
        </>
      )}
    </aside>
  );
}
