/**
 * The list of a session's file transfers both apps show: per file its direction, name, size,
 * progress, speed and time left, who paused it, how it ended (and what to do next), with
 * Pause/Resume and Cancel; files sent together are grouped as a batch with its own total and
 * Pause all / Cancel all.
 */
import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { FileTransferSession } from '../client/FileTransferSession.ts';
import type { TransferRow } from '../client/transferTypes.ts';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${UNITS[u]}`;
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

const isOpen = (r: TransferRow) => r.phase !== 'done' && r.phase !== 'failed';

export function useTransfers(files: FileTransferSession) {
  return useSyncExternalStore(files.store.subscribe, files.store.getSnapshot);
}

function RowStatus({ row }: { row: TransferRow }) {
  const { t } = useTranslation();
  if (row.phase === 'failed') {
    return (
      <span className="transfer-error" data-testid="transfer-failure" data-reason={row.failure ?? ''}>
        {row.failure ? t(`transfer.failure.${row.failure}`) : t('transfer.phase.failed')}
      </span>
    );
  }
  if (row.pausedBy) return <span className="muted">{t(`transfer.pausedBy.${row.pausedBy}`)}</span>;
  if (row.phase !== 'moving') return <span className="muted">{t(`transfer.phase.${row.phase}`)}</span>;
  const parts = [t('transfer.progress', { done: formatBytes(row.bytes), size: formatBytes(row.size) })];
  if (row.bytesPerSecond > 0) parts.push(t('transfer.speed', { speed: formatBytes(row.bytesPerSecond) }));
  if (row.secondsLeft !== null) parts.push(t('transfer.left', { time: formatSeconds(row.secondsLeft) }));
  return <span className="muted">{parts.join(' · ')}</span>;
}

function Row({ row, files }: { row: TransferRow; files: FileTransferSession }) {
  const { t } = useTranslation();
  const pct = row.size > 0 ? Math.floor((row.bytes * 100) / row.size) : row.phase === 'done' ? 100 : 0;
  return (
    <li className={`transfer-row transfer-${row.phase}`} data-testid="transfer-row" data-name={row.name} data-phase={row.phase} data-direction={row.direction} data-bytes={row.bytes}>
      <div className="transfer-line">
        <span aria-hidden="true">{row.direction === 'send' ? '↑' : '↓'}</span>
        <span className="transfer-name" title={row.name}>
          {row.name}
        </span>
        <span className="muted">{formatBytes(row.size)}</span>
        <span className="spacer" />
        {(row.phase === 'moving' || row.phase === 'offered') && (
          <button type="button" className="button button-small" data-testid="transfer-pause" onClick={() => files.pause(row.transferId, !row.pausedBy)}>
            {row.pausedBy ? t('transfer.resume') : t('transfer.pause')}
          </button>
        )}
        {isOpen(row) && (
          <button type="button" className="button button-small" data-testid="transfer-cancel" onClick={() => files.cancel(row.transferId)}>
            {t('transfer.cancel')}
          </button>
        )}
        {row.phase === 'done' && row.savedAs?.url && (
          <a className="button button-small" data-testid="transfer-save" href={row.savedAs.url} download={row.name.split('/').pop()}>
            {t('transfer.save')}
          </a>
        )}
      </div>
      <progress max={100} value={pct} aria-label={row.name} />
      <div className="small">
        <RowStatus row={row} />
        {row.phase === 'done' && row.savedAs?.label && !row.savedAs.url && <span className="muted"> · {t('transfer.savedTo', { place: row.savedAs.label })}</span>}
      </div>
    </li>
  );
}

/** A batch's total, with Pause all / Cancel all. */
function BatchHead({ rows, files }: { rows: TransferRow[]; files: FileTransferSession }) {
  const { t } = useTranslation();
  const size = rows.reduce((n, r) => n + r.size, 0);
  const done = rows.reduce((n, r) => n + r.bytes, 0);
  const open = rows.filter(isOpen);
  const anyRunning = open.some((r) => !r.pausedBy);
  return (
    <div className="transfer-batch" data-testid="transfer-batch">
      <strong>{t('transfer.batch', { count: rows.length })}</strong> <span className="muted">{t('transfer.progress', { done: formatBytes(done), size: formatBytes(size) })}</span>
      <span className="spacer" />
      {open.length > 0 && (
        <>
          <button type="button" className="button button-small" data-testid="transfer-pause-all" onClick={() => open.forEach((r) => files.pause(r.transferId, anyRunning))}>
            {anyRunning ? t('transfer.pauseAll') : t('transfer.resumeAll')}
          </button>
          <button type="button" className="button button-small" data-testid="transfer-cancel-all" onClick={() => open.forEach((r) => files.cancel(r.transferId))}>
            {t('transfer.cancelAll')}
          </button>
        </>
      )}
    </div>
  );
}

export function TransferList({ files, rows }: { files: FileTransferSession; rows: readonly TransferRow[] }) {
  const { t } = useTranslation();
  if (rows.length === 0) return <p className="muted small">{t('transfer.empty')}</p>;
  const groups: TransferRow[][] = [];
  const byBatch = new Map<string, TransferRow[]>();
  for (const r of rows) {
    if (!r.batchId) groups.push([r]);
    else if (byBatch.has(r.batchId)) byBatch.get(r.batchId)!.push(r);
    else {
      const g = [r];
      byBatch.set(r.batchId, g);
      groups.push(g);
    }
  }
  return (
    <ul className="transfer-list" data-testid="transfer-list">
      {groups.map((g) => (
        <li key={g[0]!.transferId} className="transfer-group">
          {g.length > 1 && <BatchHead rows={g} files={files} />}
          <ul>
            {g.map((r) => (
              <Row key={r.transferId} row={r} files={files} />
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}

/** A hidden file input for a "Choose…" button: several files, or a whole folder (`webkitdirectory`); calls `onPick` with what was chosen. */
export function HiddenFileInput({ folder, testId, inputRef, onPick }: { folder: boolean; testId?: string; inputRef: { current: HTMLInputElement | null }; onPick: (files: FileList | null) => void }) {
  return (
    <input
      ref={(el) => {
        inputRef.current = el;
        if (folder) el?.setAttribute('webkitdirectory', '');
      }}
      type="file"
      multiple={!folder}
      hidden
      data-testid={testId}
      onChange={(e) => {
        onPick(e.currentTarget.files);
        e.currentTarget.value = '';
      }}
    />
  );
}
