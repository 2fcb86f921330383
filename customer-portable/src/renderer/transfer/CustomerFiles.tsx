/**
 * The customer's side of file transfer (issue 13): each file the agent wants to send, with its
 * name and size, to Accept (the customer then chooses where it goes) or Decline; each request
 * for files, answered by choosing files or a folder, or Don't send; and the session's transfers
 * with their progress, pause and cancel. Nothing is written or sent without the customer's choice.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FileTransferSession } from '@beacon/shared/client/FileTransferSession';
import type { TransferRow } from '@beacon/shared/client/transferTypes';
import { fileSources } from '@beacon/shared/browser/fileTransferIo';
import type { CustomerBridge } from '@beacon/shared/ipc';
import { HiddenFileInput, TransferList, formatBytes, useTransfers } from '@beacon/shared/ui/TransferList';
import { CustomerSinks } from './customerSinks.ts';

function Offer({ row, files, sinks, onRefused }: { row: TransferRow; files: FileTransferSession; sinks: CustomerSinks; onRefused: () => void }) {
  const { t } = useTranslation();
  const [isBusy, setBusy] = useState(false);
  const accept = async () => {
    setBusy(true);
    const sink = await sinks.open(row.transferId, row.name, row.size).catch(() => null);
    setBusy(false);
    if (sink) files.accept(row.transferId, sink);
    else {
      files.decline(row.transferId);
      onRefused();
    }
  };
  return (
    <div className="transfer-offer" role="alertdialog" data-testid="transfer-offer" data-name={row.name}>
      <strong>{t('transfer.offerTitle')}</strong>
      <div>
        <span className="transfer-name">{row.name}</span> <span className="muted">({formatBytes(row.size)})</span>
      </div>
      <p className="small muted">{t('transfer.offerConfirm')}</p>
      <button type="button" data-testid="transfer-accept" disabled={isBusy} onClick={() => void accept()}>
        {t('transfer.accept')}
      </button>{' '}
      <button type="button" data-testid="transfer-decline" disabled={isBusy} onClick={() => files.decline(row.transferId)}>
        {t('transfer.decline')}
      </button>
    </div>
  );
}

function Request({ requestId, files }: { requestId: string; files: FileTransferSession }) {
  const { t } = useTranslation();
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const pick = (chosen: FileList | null) => {
    const sources = fileSources(chosen);
    if (sources.length) files.send(sources, requestId);
  };
  return (
    <div className="transfer-offer" role="alertdialog" data-testid="transfer-request">
      <strong>{t('transfer.requestTitle')}</strong>
      <p className="small muted">{t('transfer.requestHint')}</p>
      <HiddenFileInput folder={false} testId="transfer-request-files-input" inputRef={filesInput} onPick={pick} />
      <HiddenFileInput folder inputRef={folderInput} onPick={pick} />
      <button type="button" data-testid="transfer-request-files" onClick={() => filesInput.current?.click()}>
        {t('transfer.chooseFiles')}
      </button>{' '}
      <button type="button" onClick={() => folderInput.current?.click()}>
        {t('transfer.chooseFolder')}
      </button>{' '}
      <button type="button" data-testid="transfer-request-decline" onClick={() => files.declineRequest(requestId)}>
        {t('transfer.dontSend')}
      </button>
    </div>
  );
}

export function CustomerFiles({ files, bridge, onAttention }: { files: FileTransferSession; bridge: CustomerBridge | undefined; onAttention: () => void }) {
  const { t } = useTranslation();
  const state = useTransfers(files);
  const sinks = useMemo(() => new CustomerSinks(bridge), [bridge]);
  const [isRefused, setRefused] = useState(false);
  const offers = state.rows.filter((r) => r.direction === 'receive' && r.phase === 'offered');
  const asks = offers.length + state.requests.length;
  useEffect(() => {
    if (asks > 0) onAttention();
  }, [asks, onAttention]);
  if (state.rows.length === 0 && state.requests.length === 0) return null;
  return (
    <section className="customer-files" data-testid="customer-files">
      {offers.map((row) => (
        <Offer key={row.transferId} row={row} files={files} sinks={sinks} onRefused={() => setRefused(true)} />
      ))}
      {state.requests.map((r) => (
        <Request key={r.requestId} requestId={r.requestId} files={files} />
      ))}
      {isRefused && <p className="small">{t('transfer.folderRefused')}</p>}
      <TransferList files={files} rows={state.rows.filter((r) => r.phase !== 'offered' || r.direction === 'send')} />
    </section>
  );
}
