/**
 * The session toolbar's Files menu (issue 13): send files or a whole folder to the customer's
 * PC, ask the customer for files, and every transfer of the session with its progress, speed,
 * time left, pause, resume and cancel. What the organisation does not allow is said, not hidden.
 */
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { FileTransferSession } from '@beacon/shared/client/FileTransferSession';
import { fileSources } from '@beacon/shared/browser/fileTransferIo';
import { HiddenFileInput, TransferList, useTransfers } from '@beacon/shared/ui/TransferList';
import { ToolMenu } from '../ui/ToolMenu.tsx';

export function FilesMenu({ files, hasControl }: { files: FileTransferSession; hasControl: boolean }) {
  const { t } = useTranslation();
  const state = useTransfers(files);
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const policy = state.policy;
  const maySend = hasControl && (policy?.agentMaySend ?? true);
  const mayReceive = hasControl && (policy?.agentMayReceive ?? true);
  const active = state.rows.filter((r) => r.phase !== 'done' && r.phase !== 'failed').length;
  const pick = (chosen: FileList | null) => {
    const sources = fileSources(chosen);
    if (sources.length) files.send(sources);
  };
  return (
    <ToolMenu label={active ? `${t('transfer.menu')} (${active})` : t('transfer.menu')} testId="files-menu" title={t('transfer.menuTitle')}>
      {() => (
        <div className="transfer-panel" data-testid="transfer-panel">
          <div className="transfer-actions">
            <HiddenFileInput folder={false} testId="transfer-files-input" inputRef={filesInput} onPick={pick} />
            <HiddenFileInput folder testId="transfer-folder-input" inputRef={folderInput} onPick={pick} />
            <button type="button" className="button" data-testid="transfer-send-files" disabled={!maySend} onClick={() => filesInput.current?.click()}>
              {t('transfer.sendFiles')}
            </button>
            <button type="button" className="button" data-testid="transfer-send-folder" disabled={!maySend} onClick={() => folderInput.current?.click()}>
              {t('transfer.sendFolder')}
            </button>
            <button type="button" className="button" data-testid="transfer-request" disabled={!mayReceive} onClick={() => files.requestFiles()}>
              {t('transfer.requestFiles')}
            </button>
          </div>
          {!hasControl && <p className="small muted">{t('transfer.noControl')}</p>}
          {hasControl && policy && !policy.agentMaySend && <p className="small muted">{t('transfer.mayNotSend')}</p>}
          {hasControl && policy && !policy.agentMayReceive && <p className="small muted">{t('transfer.mayNotReceive')}</p>}
          {state.requestDeclined && (
            <p className="small transfer-error" data-testid="transfer-request-declined">
              {t('transfer.requestDeclined')}
            </p>
          )}
          <TransferList files={files} rows={state.rows} />
        </div>
      )}
    </ToolMenu>
  );
}
