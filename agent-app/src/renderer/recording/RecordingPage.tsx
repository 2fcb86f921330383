/**
 * `#/admin/recordings/<sessionId>`: a session's recording with its event timeline. Managers
 * and owners open any; agents their own when the organisation allows it (the relay decides,
 * this page shows its answer). The video is fetched with a short-lived media ticket, never
 * the sign-in token; a live session is polled and plays near-live.
 */
import { RecordingInfo, RecordingTicket, SessionDetail, SessionTimeline } from '@beacon/shared/api';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { canOversee } from '../../common/roles.ts';
import { buildTimeline, currentEntryId, visibleEntries } from '../../common/timeline.ts';
import { apiErrorKey } from '../ApiClient.ts';
import { useClient } from '../ClientContext.ts';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { apiUrl } from '../apiUrl.ts';
import { SessionFacts } from '../ui/SessionFacts.tsx';
import { useApiQuery } from '../ui/useApiQuery.ts';
import { RecordingPlayer, type PlayerHandle } from './RecordingPlayer.tsx';
import { TimelinePanel } from './TimelinePanel.tsx';
import './recording.css';

/** How often a live or finalising recording is asked about again. */
const LIVE_POLL_MS = 3000;
/** A ticket is renewed this long before it expires. */
const TICKET_MARGIN_MS = 60_000;

export function RecordingPage({ sessionId }: { sessionId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const player = useRef<PlayerHandle>(null);
  const overrides = { 'not-found': 'recording.notFound', forbidden: 'recording.notFound' } as const;
  const [isPolling, setIsPolling] = useState(false);
  const info = useApiQuery((api) => api.get(`/api/sessions/${encodeURIComponent(sessionId)}/recording`, RecordingInfo), [sessionId], {
    pollMs: isPolling ? LIVE_POLL_MS : undefined,
    errorOverrides: overrides,
  });
  const timeline = useApiQuery((api) => api.get(`/api/sessions/${encodeURIComponent(sessionId)}/timeline`, SessionTimeline), [sessionId], {
    pollMs: isPolling ? LIVE_POLL_MS : undefined,
    errorOverrides: overrides,
  });
  const session = useApiQuery((api) => api.get(`/api/sessions/${encodeURIComponent(sessionId)}`, SessionDetail), [sessionId]);
  const rec = info.data;
  const status = rec?.status ?? null;
  useEffect(() => setIsPolling(status === 'recording' || status === 'finalising'), [status]);

  const [ticket, setTicket] = useState<RecordingTicket | null>(null);
  const [errorKey, setErrorKey] = useState<string | null>(null);
  const [isDownloading, setIsDownloading] = useState(false);
  const [playheadMs, setPlayheadMs] = useState(0);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const isPlayable = status === 'ready' || (status === 'recording' && rec?.snapshot !== null);

  const fetchTicket = useCallback(async () => {
    try {
      setTicket(await client.api.request('POST', `/api/sessions/${encodeURIComponent(sessionId)}/recording/ticket`, { purpose: 'view' }, RecordingTicket));
    } catch (err) {
      setErrorKey(apiErrorKey(err, overrides));
    }
    // `overrides` is constant.
  }, [client, sessionId]);

  useEffect(() => {
    if (!isPlayable) return;
    if (!ticket) {
      void fetchTicket();
      return;
    }
    const timer = setTimeout(() => void fetchTicket(), Math.max(0, ticket.expiresAt - Date.now() - TICKET_MARGIN_MS));
    return () => clearTimeout(timer);
  }, [isPlayable, ticket, fetchTicket]);

  const src = useMemo(() => {
    if (!ticket || !rec || !isPlayable) return null;
    const base = apiUrl(client.config.relayUrl, ticket.url);
    return rec.status === 'recording' && rec.snapshot !== null ? `${base}&snapshot=${rec.snapshot}` : base;
  }, [ticket, rec, isPlayable, client]);

  const voiceSrcs = useMemo(() => {
    const n = rec?.voiceTracks ?? 0;
    return src ? Array.from({ length: Math.max(0, n - 1) }, (_, i) => `${src}&voice=${i + 1}`) : [];
  }, [src, rec?.voiceTracks]);

  const entries = useMemo(() => buildTimeline(timeline.data?.events ?? []), [timeline.data]);
  const currentId = currentEntryId(visibleEntries(entries, hidden), playheadMs);

  const download = async () => {
    setIsDownloading(true);
    try {
      const d = await client.api.request('POST', `/api/sessions/${encodeURIComponent(sessionId)}/recording/ticket`, { purpose: 'download' }, RecordingTicket);
      // The browser's own download: no copy of the file in memory, and the relay audits it.
      const a = document.createElement('a');
      a.href = apiUrl(client.config.relayUrl, d.url);
      a.download = '';
      a.dataset.testid = 'player-download-link';
      document.body.append(a);
      a.click();
      a.remove();
    } catch (err) {
      setErrorKey(apiErrorKey(err, overrides));
    } finally {
      setIsDownloading(false);
    }
  };

  const s = session.data?.session;
  const backHash = canOversee(client.role) ? '#/admin/log' : s?.customer ? `#/customers/${s.customer.id}` : '#/';
  return (
    <div className="page page-wide recording-page" data-testid="recording-page" data-session-id={sessionId}>
      <div className="page-header">
        <div>
          <h1>{t('recording.title')}</h1>
          <p className="muted">{t('recording.intro')}</p>
        </div>
        <span className="spacer" />
        <a className="button button-small" href={backHash} data-testid="recording-back">
          {t('recording.back')}
        </a>
      </div>
      {s && (
        <dl className="detail-list recording-meta">
          <SessionFacts session={s} when="started" />
        </dl>
      )}
      <ErrorNotice messageKey={info.errorKey ?? timeline.errorKey ?? errorKey} onDismiss={errorKey ? () => setErrorKey(null) : undefined} />
      {rec && (
        <div className={`recording-status status-${rec.status}`} data-testid="recording-status" data-status={rec.status} data-live={rec.isLive} role="status">
          <span className={`badge${rec.status === 'recording' ? ' badge-live' : rec.status === 'failed' ? ' badge-warn' : ''}`}>{t(`recording.status.${rec.status}`)}</span>
          <span className="small">{t(`recording.hint.${rec.status}`)}</span>
          {rec.deletedReason && <span className="small muted">{t(`recording.deletedReason.${rec.deletedReason}`)}</span>}
          {rec.failure && (
            <span className="small recording-failure" data-testid="recording-failure" data-code={rec.failure.code}>
              {t(`recording.failure.${rec.failure.code}`)}
            </span>
          )}
          {rec.isRecovered && rec.status === 'ready' && (
            <span className="small" data-testid="recording-recovered">
              {t('recording.recovered')}
            </span>
          )}
        </div>
      )}
      <div className="recording-layout">
        <section className="card recording-main">
          {isPlayable ? (
            <RecordingPlayer
              ref={player}
              src={src}
              voiceSrcs={voiceSrcs}
              isLive={rec?.isLive ?? false}
              durationMs={rec?.durationMs ?? null}
              markers={visibleEntries(entries, hidden)}
              onTime={setPlayheadMs}
              onDownload={() => void download()}
              isDownloading={isDownloading}
              onSourceError={() => {
                // An expired ticket or a snapshot that was replaced: ask again.
                setTicket(null);
                info.reload();
              }}
            />
          ) : (
            <div className="placeholder muted" data-testid="player-unavailable">
              {rec ? t(`recording.hint.${rec.status}`) : ''}
            </div>
          )}
        </section>
        <TimelinePanel
          entries={entries}
          hidden={hidden}
          currentId={currentId}
          onToggleKind={(k) =>
            setHidden((h) => {
              const next = new Set(h);
              if (next.has(k)) next.delete(k);
              else next.add(k);
              return next;
            })
          }
          onJump={(ms) => player.current?.seek(ms)}
        />
      </div>
    </div>
  );
}
