/**
 * "Assigned to" on a customer record, for owners and admins: hand the record to another
 * active seat (`PATCH /api/customers/:id` with `ownerAccountId`; the relay audits it as
 * customer-reassigned). Agents never see it, and the relay refuses them anyway.
 */
import { Customer, SeatList, UpdateCustomerRequest } from '@beacon/shared/api';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Checked } from '../../common/forms.ts';
import { useClient } from '../ClientContext.ts';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { SelectField } from '../ui/Field.tsx';
import { useApiQuery } from '../ui/useApiQuery.ts';
import { useForm } from '../ui/useForm.ts';

interface AssignForm {
  /** The chosen seat's id, as the select holds it. */
  seatId: string;
}

const ASSIGN_ERRORS = {
  'bad-message': 'account.assign.seatGone',
  forbidden: 'account.assign.notAllowed',
  'not-found': 'customers.notFound',
} as const;

function checkAssign(f: AssignForm): Checked<UpdateCustomerRequest, 'seatId'> {
  const r = UpdateCustomerRequest.safeParse({ ownerAccountId: Number(f.seatId) });
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: { seatId: 'account.assign.seatGone' } };
}

export function CustomerAssign({ customer, onAssigned }: { customer: Customer; onAssigned: () => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const seats = useApiQuery((api) => api.get('/api/seats', SeatList), []);
  const [assignedTo, setAssignedTo] = useState<string | null>(null);
  const { form, errors, errorKey, isBusy, isSaved, set, submit } = useForm<AssignForm>({ seatId: String(customer.owner.id) });
  const active = (seats.data?.seats ?? []).filter((s) => !s.isDisabled).sort((a, b) => a.displayName.localeCompare(b.displayName));
  const isOwnerListed = active.some((s) => s.id === customer.owner.id);
  const onSubmit = submit({
    check: checkAssign,
    send: async (value) => {
      const saved = await client.api.request('PATCH', `/api/customers/${customer.id}`, value, Customer);
      setAssignedTo(saved.owner.displayName);
      onAssigned();
    },
    errorOverrides: ASSIGN_ERRORS,
  });

  return (
    <form className="card customer-assign" onSubmit={onSubmit} noValidate data-testid="customer-assign" data-owner-id={customer.owner.id}>
      <ErrorNotice messageKey={errorKey ?? seats.errorKey} />
      {isSaved && assignedTo !== null && (
        <div className="notice notice-ok" role="status" data-testid="customer-assign-done">
          <span className="notice-text">{t('account.assign.done', { name: assignedTo })}</span>
        </div>
      )}
      <div className="customer-assign-row">
        <SelectField
          label={t('account.assign.title')}
          testId="customer-assign-select"
          value={form.seatId}
          onValue={set('seatId')}
          errorKey={errors.seatId}
          disabled={!seats.data}
        >
          {!isOwnerListed && <option value={customer.owner.id}>{t('account.assign.inactive', { name: customer.owner.displayName })}</option>}
          {active.map((s) => (
            <option key={s.id} value={s.id}>
              {t('account.assign.seatOption', { name: s.displayName, login: s.login })}
            </option>
          ))}
        </SelectField>
        <button
          type="submit"
          className="button"
          data-testid="customer-assign-submit"
          disabled={isBusy || !seats.data || form.seatId === String(customer.owner.id)}
        >
          {isBusy ? t('account.assign.busy') : t('account.assign.submit')}
        </button>
      </div>
      <p className="muted small">{t('account.assign.hint')}</p>
    </form>
  );
}
