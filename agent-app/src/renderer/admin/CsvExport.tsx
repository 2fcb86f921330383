/**
 * CSV export of the filtered log (`log-export`). The download needs the bearer token, so it
 * is fetched, kept as a Blob and handed to the browser through an object URL; progress shows
 * while it arrives (`log-export-progress`), and the finished file stays linked
 * (`log-export-link`, with `download`) in case the browser blocked the automatic save.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LogFilters } from '../../common/routes.ts';
import { csvFileName, logCsvQuery } from '../../common/query.ts';
import { ymdAt } from '../../common/dates.ts';
import { apiErrorKey, type DownloadProgress } from '../ApiClient.ts';
import { useClient } from '../ClientContext.ts';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { localTzOffsetMinutes, useFormatters } from '../ui/format.ts';

interface Done {
  url: string;
  name: string;
  bytes: number;
}

export function CsvExport({ filters }: { filters: LogFilters }) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const fmt = useFormatters();
  const [progress, setProgress] = useState<DownloadProgress | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  const [errorKey, setErrorKey] = useState<string | null>(null);
  const abortRef = useRef<AbortController | null>(null);

  // Object URLs hold the whole file in memory until revoked.
  useEffect(() => () => {
    if (done) URL.revokeObjectURL(done.url);
  }, [done]);
  useEffect(() => () => abortRef.current?.abort(), []);

  const start = async () => {
    const tz = localTzOffsetMinutes();
    const abort = new AbortController();
    abortRef.current = abort;
    setErrorKey(null);
    setDone(null);
    setProgress({ receivedBytes: 0, totalBytes: null });
    try {
      const blob = await client.api.download(`/api/sessions.csv${logCsvQuery(filters, tz, i18n.language)}`, setProgress, abort.signal);
      const name = csvFileName(filters, ymdAt(Date.now(), tz));
      const url = URL.createObjectURL(new Blob([blob], { type: 'text/csv;charset=utf-8' }));
      setDone({ url, name, bytes: blob.size });
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      a.rel = 'noopener';
      document.body.appendChild(a);
      a.click();
      a.remove();
    } catch (err) {
      if (!abort.signal.aborted) setErrorKey(apiErrorKey(err));
    } finally {
      if (abortRef.current === abort) abortRef.current = null;
      setProgress(null);
    }
  };

  const percent = progress?.totalBytes ? Math.min(100, Math.round((progress.receivedBytes / progress.totalBytes) * 100)) : null;
  return (
    <div className="csv-export">
      <button type="button" className="button" data-testid="log-export" disabled={progress !== null} onClick={() => void start()}>
        ⤓ {t('log.export')}
      </button>
      {progress && (
        <span className="export-progress" data-testid="log-export-progress" data-bytes={progress.receivedBytes} role="status">
          <progress max={100} value={percent ?? undefined} />
          {percent !== null ? t('log.exportPercent', { percent }) : t('log.exportBytes', { size: fmt.number(Math.round(progress.receivedBytes / 1024)) })}
          <button type="button" className="link-button" data-testid="log-export-cancel" onClick={() => abortRef.current?.abort()}>
            {t('common.cancel')}
          </button>
        </span>
      )}
      {done && (
        <a className="link-button" href={done.url} download={done.name} data-testid="log-export-link" data-bytes={done.bytes}>
          {t('log.exportSaved', { name: done.name, size: fmt.number(Math.max(1, Math.round(done.bytes / 1024))) })}
        </a>
      )}
      {errorKey && <ErrorNotice messageKey={errorKey} onDismiss={() => setErrorKey(null)} />}
    </div>
  );
}
