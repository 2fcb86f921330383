/**
 * The actions on one seat and their confirmations: disable/enable, reset password (the relay
 * may hand back a temporary password, shown once), unlock, delete. Each confirmed action
 * reloads the table; refusals (the last owner, your own seat) show the relay's reason.
 */
import { ResetPasswordResponse, type Seat } from '@beacon/shared/api';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiErrorKey } from '../ApiClient.ts';
import { useClient } from '../ClientContext.ts';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { TextField } from '../ui/Field.tsx';
import { checkResetPassword } from '../../common/forms.ts';

type Pending = 'disable' | 'enable' | 'reset' | 'unlock' | 'delete';

const ERRORS = { conflict: 'seats.conflict', 'not-found': 'seats.notFound' } as const;

export function SeatActions({ seat, isSelf, onChanged, onEdit }: { seat: Seat; isSelf: boolean; onChanged: () => void; onEdit: () => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const [pending, setPending] = useState<Pending | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const [errorKey, setErrorKey] = useState<string | null>(null);
  const [newPassword, setNewPassword] = useState('');
  const [passwordErrorKey, setPasswordErrorKey] = useState<string | undefined>(undefined);
  const [tempPassword, setTempPassword] = useState<string | null>(null);

  const close = () => {
    setPending(null);
    setErrorKey(null);
    setNewPassword('');
    setPasswordErrorKey(undefined);
    setTempPassword(null);
  };

  const run = async (action: Pending) => {
    setIsBusy(true);
    setErrorKey(null);
    try {
      switch (action) {
        case 'disable':
        case 'enable':
          await client.api.send('PATCH', `/api/seats/${seat.id}`, { isDisabled: action === 'disable' });
          break;
        case 'unlock':
          await client.api.send('POST', `/api/seats/${seat.id}/unlock`, {});
          break;
        case 'delete':
          await client.api.send('DELETE', `/api/seats/${seat.id}`);
          break;
        case 'reset': {
          const checked = checkResetPassword(newPassword);
          if (!checked.ok) {
            setPasswordErrorKey(checked.errorKey);
            setIsBusy(false);
            return;
          }
          const r = await client.api.request('POST', `/api/seats/${seat.id}/reset-password`, checked.value, ResetPasswordResponse);
          onChanged();
          setIsBusy(false);
          if (r.temporaryPassword) setTempPassword(r.temporaryPassword);
          else close();
          return;
        }
      }
      onChanged();
      close();
    } catch (err) {
      setErrorKey(apiErrorKey(err, ERRORS));
    } finally {
      setIsBusy(false);
    }
  };

  const name = seat.displayName;
  return (
    <div className="row-actions">
      <button type="button" className="button button-small" data-testid="seat-edit" onClick={onEdit}>
        {t('seats.edit')}
      </button>
      {!isSelf && (
        <button
          type="button"
          className="button button-small"
          data-testid="seat-disable"
          data-action={seat.isDisabled ? 'enable' : 'disable'}
          onClick={() => (seat.isDisabled ? void run('enable') : setPending('disable'))}
        >
          {seat.isDisabled ? t('seats.enable') : t('seats.disable')}
        </button>
      )}
      <button type="button" className="button button-small" data-testid="seat-reset-password" onClick={() => setPending('reset')}>
        {t('seats.resetPassword')}
      </button>
      {seat.isLocked && (
        <button type="button" className="button button-small" data-testid="seat-unlock" onClick={() => void run('unlock')}>
          {t('seats.unlock')}
        </button>
      )}
      {/* Nobody disables or deletes their own seat (the relay refuses it too). */}
      {!isSelf && (
        <button type="button" className="button button-small button-danger" data-testid="seat-delete" onClick={() => setPending('delete')}>
          {t('seats.delete')}
        </button>
      )}
      {pending === null && errorKey && <ErrorNotice messageKey={errorKey} onDismiss={() => setErrorKey(null)} />}

      {pending === 'disable' && (
        <ConfirmDialog title={t('seats.disableTitle', { name })} confirmLabel={t('seats.disable')} isDanger isBusy={isBusy} onConfirm={() => void run('disable')} onCancel={close}>
          <p>{t('seats.disableBody')}</p>
          <ErrorNotice messageKey={errorKey} />
        </ConfirmDialog>
      )}
      {pending === 'delete' && (
        <ConfirmDialog title={t('seats.deleteTitle', { name })} confirmLabel={t('seats.delete')} isDanger isBusy={isBusy} onConfirm={() => void run('delete')} onCancel={close}>
          <p>{t('seats.deleteBody')}</p>
          <ErrorNotice messageKey={errorKey} />
        </ConfirmDialog>
      )}
      {pending === 'reset' &&
        (tempPassword ? (
          <ConfirmDialog title={t('seats.tempPasswordTitle', { name })} confirmLabel={t('common.done')} onConfirm={close} onCancel={close}>
            <p>{t('seats.tempPasswordBody')}</p>
            <code className="secret" data-testid="seat-temp-password">
              {tempPassword}
            </code>
          </ConfirmDialog>
        ) : (
          <ConfirmDialog title={t('seats.resetTitle', { name })} confirmLabel={t('seats.resetPassword')} isBusy={isBusy} onConfirm={() => void run('reset')} onCancel={close}>
            <p>{t('seats.resetBody')}</p>
            <TextField
              label={t('seats.newPassword')}
              testId="seat-reset-password-input"
              type="password"
              autoComplete="new-password"
              value={newPassword}
              onValue={setNewPassword}
              errorKey={passwordErrorKey}
              hint={t('seats.newPasswordHint')}
            />
            <ErrorNotice messageKey={errorKey} />
          </ConfirmDialog>
        ))}
    </div>
  );
}
