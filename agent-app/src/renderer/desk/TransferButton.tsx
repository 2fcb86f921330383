/**
 * Transferring a running desk session (capability `desk-live`): a Transfer button on the
 * session's toolbar opens a small form (another agent at the desk, or a group, and a note for
 * them); while the other is asked, and after a decline, the tab says so. Until someone
 * accepts, the session stays here; once they do, the tab ends with "handed over".
 * A session opened with an ID and code goes to an agent only (capability `desk-multi`: offered
 * to them as a handover invitation). Nothing shows when the relay cannot transfer.
 */
import { DeskColleagues } from '@beacon/shared/api';
import type { DeskTransferTarget } from '@beacon/shared/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionEntry } from '../../common/ConsoleModel.ts';
import { useClient, useSnapshot } from '../ClientContext.ts';
import { useApiQuery } from '../ui/useApiQuery.ts';
import { useDesk } from './useDesk.ts';
import { useMulti } from './ParticipantsBar.tsx';
import type { TransferProgress } from './AgentDesk.ts';

/** `agent:ID` or `group:ID`, as the form's select keeps it. */
function targetOf(value: string): DeskTransferTarget | null {
  const [kind, raw] = value.split(':');
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0) return null;
  return kind === 'agent' ? { kind: 'agent', agentId: id } : kind === 'group' ? { kind: 'group', groupId: id } : null;
}

export function TransferButton({ entry }: { entry: SessionEntry }) {
  const { t } = useTranslation();
  const client = useClient();
  const me = useSnapshot().agent;
  const snap = useDesk().snap;
  const [isOpen, setOpen] = useState(false);
  const multi = useMulti().snap;
  const request = me ? client.desk.requestOfSession(entry.deviceId, me.id) : null;
  // A session opened with an ID and code goes to an agent (desk-multi), from its own agent only.
  const role = client.multi.myRole(entry.sessionId);
  const isCodeSession = !request && multi.isOn && (role === null || role === 'owner') && entry.mode !== 'voice';
  if (!snap.isLive || entry.state !== 'active' || (!request && !isCodeSession)) return null;
  const progress = snap.transfers[entry.sessionId];
  const isPending = progress?.state === 'sent' || progress?.state === 'asking';
  return (
    <span className="desk-transfer">
      <button type="button" className="button" data-testid="transfer-open" aria-expanded={isOpen} disabled={isPending} onClick={() => setOpen((v) => !v)}>
        {t('transfer.button')}
      </button>
      {isOpen && (
        <TransferForm
          isAgentsOnly={!request}
          onSend={(to, note) => {
            client.desk.transfer(entry.sessionId, to, note);
            setOpen(false);
          }}
          onCancel={() => setOpen(false)}
        />
      )}
      {progress && <TransferNotice progress={progress} onDismiss={() => client.desk.dismissTransfer(entry.sessionId)} />}
    </span>
  );
}

function TransferNotice({ progress, onDismiss }: { progress: TransferProgress; onDismiss: () => void }) {
  const { t } = useTranslation();
  const isOver = progress.state === 'declined' || progress.state === 'nobody-available';
  const name = progress.agentName ?? t('transfer.someone');
  return (
    <span className="desk-transfer-status" role="status" data-testid="transfer-status" data-state={progress.state}>
      {t(`transfer.status.${progress.state}`, { name })}
      {isOver && (
        <button type="button" className="link-button" data-testid="transfer-dismiss" onClick={onDismiss}>
          {t('transfer.dismiss')}
        </button>
      )}
    </span>
  );
}

function TransferForm({ isAgentsOnly, onSend, onCancel }: { isAgentsOnly: boolean; onSend: (to: DeskTransferTarget, note: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const colleagues = useApiQuery((api) => api.get('/api/desk/colleagues', DeskColleagues), []);
  const [value, setValue] = useState('');
  const [note, setNote] = useState('');
  const target = targetOf(value);
  const agents = colleagues.data?.agents ?? [];
  const groups = isAgentsOnly ? [] : (colleagues.data?.groups ?? []);
  return (
    <form
      className="desk-transfer-form"
      data-testid="transfer-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (target) onSend(target, note.trim());
      }}
    >
      <label>
        <span>{t('transfer.to')}</span>
        <select data-testid="transfer-target" value={value} onChange={(e) => setValue(e.target.value)}>
          <option value="">{colleagues.data ? t('transfer.pick') : t('transfer.loading')}</option>
          {agents.length > 0 && (
            <optgroup label={t('transfer.agents')}>
              {agents.map((a) => (
                <option key={a.id} value={`agent:${a.id}`} disabled={!a.hasRoom} data-testid="transfer-agent">
                  {a.hasRoom ? a.displayName : t('transfer.full', { name: a.displayName })}
                </option>
              ))}
            </optgroup>
          )}
          {groups.length > 0 && (
            <optgroup label={t('transfer.groups')}>
              {groups.map((g) => (
                <option key={g.id} value={`group:${g.id}`}>
                  {g.name}
                </option>
              ))}
            </optgroup>
          )}
        </select>
      </label>
      {colleagues.data && agents.length === 0 && <small className="muted">{t('transfer.nobody')}</small>}
      <label>
        <span>{t('transfer.note')}</span>
        <textarea data-testid="transfer-note" maxLength={500} rows={3} value={note} placeholder={t('transfer.notePlaceholder')} onChange={(e) => setNote(e.target.value)} />
      </label>
      <div className="actions">
        <button type="button" className="button" onClick={onCancel}>
          {t('transfer.cancel')}
        </button>
        <button type="submit" className="button button-primary" data-testid="transfer-send" disabled={!target}>
          {t('transfer.send')}
        </button>
      </div>
    </form>
  );
}
