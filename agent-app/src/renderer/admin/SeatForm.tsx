/**
 * Create a seat, or edit one (`seat-create-*` / `seat-edit-*`): name, login, role, groups,
 * concurrency limit and, for a new seat, its first password.
 */
import { Seat, type CreateSeatRequest, type Group, type UpdateSeatRequest } from '@beacon/shared/api';
import type { AccountRole } from '@beacon/shared/protocol';
import { useTranslation } from 'react-i18next';
import { checkCreateSeat, checkUpdateSeat, type SeatForm as Form } from '../../common/forms.ts';
import { useClient } from '../ClientContext.ts';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { CheckboxField, FieldError, SelectField, TextField } from '../ui/Field.tsx';
import { useForm } from '../ui/useForm.ts';

export function SeatForm({
  seat,
  groups,
  roles,
  onDone,
  onCancel,
}: {
  /** Null creates a seat. */
  seat: Seat | null;
  groups: readonly Group[];
  /** The roles the signed-in seat may hand out. */
  roles: readonly AccountRole[];
  onDone: (seat: Seat) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const prefix = seat ? 'seat-edit' : 'seat-create';
  const { form, errors, errorKey, isBusy, set, bind, submit } = useForm<Form>(() => ({
    displayName: seat?.displayName ?? '',
    login: seat?.login ?? '',
    role: seat?.role ?? 'agent',
    groupIds: seat?.groups.map((g) => g.id) ?? [],
    concurrencyLimit: seat ? String(seat.concurrencyLimit) : '',
    password: '',
  }));
  const roleChoices = roles.includes(form.role) ? roles : [form.role, ...roles];
  const onSubmit = submit<CreateSeatRequest | UpdateSeatRequest>({
    check: seat ? checkUpdateSeat : checkCreateSeat,
    send: async (value) =>
      onDone(seat ? await client.api.request('PATCH', `/api/seats/${seat.id}`, value, Seat) : await client.api.request('POST', '/api/seats', value, Seat)),
    errorOverrides: { conflict: seat ? 'seats.conflict' : 'seats.loginTaken', 'not-found': 'seats.notFound' },
  });

  return (
    <form className="card form-card seat-form" onSubmit={onSubmit} noValidate data-testid={`${prefix}-form`}>
      <h2>{seat ? t('seats.editTitle', { name: seat.displayName }) : t('seats.createTitle')}</h2>
      <ErrorNotice messageKey={errorKey} />
      <div className="form-grid">
        <TextField
          label={t('seats.displayName')}
          testId={`${prefix}-name`}
          {...bind('displayName')}
          hint={t('seats.displayNameHint')}
          maxLength={120}
          autoFocus
        />
        <TextField
          label={t('seats.login')}
          testId={`${prefix}-login`}
          {...bind('login')}
          hint={seat ? undefined : t('seats.loginHint')}
          disabled={seat !== null}
          autoComplete="off"
          spellCheck={false}
          maxLength={64}
        />
        <SelectField label={t('seats.role')} testId={`${prefix}-role`} value={form.role} onValue={(v) => set('role')(v as AccountRole)} errorKey={errors.role}>
          {roleChoices.map((r) => (
            <option key={r} value={r}>
              {t(`roles.${r}`)}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t('seats.limit')}
          testId={`${prefix}-limit`}
          {...bind('concurrencyLimit')}
          hint={t('seats.limitHint')}
          inputMode="numeric"
          placeholder={t('seats.limitDefault')}
          maxLength={2}
        />
        {!seat && (
          <TextField
            label={t('seats.initialPassword')}
            testId={`${prefix}-password`}
            type="password"
            {...bind('password')}
            hint={t('seats.passwordHint')}
            autoComplete="new-password"
          />
        )}
      </div>
      <fieldset className="fieldset">
        <legend>{t('seats.groups')}</legend>
        {groups.length === 0 && <p className="muted small">{t('seats.noGroups')}</p>}
        <div className="checkbox-row">
          {groups.map((g) => (
            <CheckboxField
              key={g.id}
              variant="inline"
              label={g.name}
              testId={`${prefix}-group`}
              data-group-id={g.id}
              data-group-name={g.name}
              checked={form.groupIds.includes(g.id)}
              onChecked={(isOn) => set('groupIds')(isOn ? [...form.groupIds, g.id] : form.groupIds.filter((id) => id !== g.id))}
            />
          ))}
        </div>
        <FieldError errorKey={errors.groupIds} />
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="button button-primary" data-testid={`${prefix}-submit`} disabled={isBusy}>
          {seat ? t('common.save') : t('seats.create')}
        </button>
        <button type="button" className="button" data-testid={`${prefix}-cancel`} onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
