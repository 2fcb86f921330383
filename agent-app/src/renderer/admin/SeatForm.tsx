/**
 * Create a seat, or edit one (`seat-create-*` / `seat-edit-*`): name, login, role, groups,
 * concurrency limit and, for a new seat, its first password.
 */
import { Seat, type Group } from '@beacon/shared/api';
import type { AccountRole } from '@beacon/shared/protocol';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { checkCreateSeat, checkUpdateSeat, type FieldErrors, type SeatField, type SeatForm as Form } from '../../common/forms.ts';
import { apiErrorKey } from '../ApiClient.ts';
import { useClient } from '../ClientContext.ts';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { SelectField, TextField } from '../ui/Field.tsx';

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
  const [form, setForm] = useState<Form>(() => ({
    displayName: seat?.displayName ?? '',
    login: seat?.login ?? '',
    role: seat?.role ?? 'agent',
    groupIds: seat?.groups.map((g) => g.id) ?? [],
    concurrencyLimit: seat ? String(seat.concurrencyLimit) : '',
    password: '',
  }));
  const [errors, setErrors] = useState<FieldErrors<SeatField>>({});
  const [errorKey, setErrorKey] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const set = <K extends SeatField>(k: K) => (v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));
  const roleChoices = roles.includes(form.role) ? roles : [form.role, ...roles];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (isBusy) return;
    const checked = seat ? checkUpdateSeat(form) : checkCreateSeat(form);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setErrorKey(null);
    setIsBusy(true);
    try {
      const saved = seat
        ? await client.api.request('PATCH', `/api/seats/${seat.id}`, checked.value, Seat)
        : await client.api.request('POST', '/api/seats', checked.value, Seat);
      onDone(saved);
    } catch (err) {
      setErrorKey(apiErrorKey(err, { conflict: seat ? 'seats.conflict' : 'seats.loginTaken', 'not-found': 'seats.notFound' }));
      setIsBusy(false);
    }
  };

  return (
    <form className="card form-card seat-form" onSubmit={submit} noValidate data-testid={`${prefix}-form`}>
      <h2>{seat ? t('seats.editTitle', { name: seat.displayName }) : t('seats.createTitle')}</h2>
      <ErrorNotice messageKey={errorKey} />
      <div className="form-grid">
        <TextField
          label={t('seats.displayName')}
          testId={`${prefix}-name`}
          value={form.displayName}
          onValue={set('displayName')}
          errorKey={errors.displayName}
          hint={t('seats.displayNameHint')}
          maxLength={120}
          autoFocus
        />
        <TextField
          label={t('seats.login')}
          testId={`${prefix}-login`}
          value={form.login}
          onValue={set('login')}
          errorKey={errors.login}
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
          value={form.concurrencyLimit}
          onValue={set('concurrencyLimit')}
          errorKey={errors.concurrencyLimit}
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
            value={form.password}
            onValue={set('password')}
            errorKey={errors.password}
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
            <label key={g.id} className="checkbox checkbox-inline">
              <input
                type="checkbox"
                data-testid={`${prefix}-group`}
                data-group-id={g.id}
                data-group-name={g.name}
                checked={form.groupIds.includes(g.id)}
                onChange={(e) => set('groupIds')(e.target.checked ? [...form.groupIds, g.id] : form.groupIds.filter((id) => id !== g.id))}
              />
              <span>{g.name}</span>
            </label>
          ))}
        </div>
        {errors.groupIds && <small className="field-error">{t(errors.groupIds)}</small>}
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
