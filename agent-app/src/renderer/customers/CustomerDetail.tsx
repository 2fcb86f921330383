/** One customer: the record's form (create or edit), its star, and its session history. */
import { Customer, GroupList } from '@beacon/shared/api';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  EMPTY_CUSTOMER_FORM,
  checkCreateCustomer,
  checkUpdateCustomer,
  type CustomerField,
  type CustomerForm,
  type FieldErrors,
} from '../../common/forms.ts';
import { formatTags } from '../../common/query.ts';
import { apiErrorKey } from '../ApiClient.ts';
import { useClient } from '../ClientContext.ts';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { SelectField, TextAreaField, TextField } from '../ui/Field.tsx';
import { useFormatters } from '../ui/format.ts';
import { useApiQuery } from '../ui/useApiQuery.ts';
import { navigate } from '../ui/useRoute.ts';
import { CustomerHistory } from './CustomerHistory.tsx';
import { StarButton } from './StarButton.tsx';

const NOT_FOUND = { 'not-found': 'customers.notFound' } as const;

function formOf(c: Customer): CustomerForm {
  return {
    name: c.name,
    company: c.company,
    phone: c.phone,
    notes: c.notes,
    tags: formatTags(c.tags),
    sharedGroupId: c.sharedGroup?.id ?? null,
    isStarred: c.isStarred,
  };
}

export function CustomerDetail({ id, onSaved }: { id: number | 'new'; onSaved: () => void }) {
  const isNew = id === 'new';
  const record = useApiQuery((api) => api.get(`/api/customers/${id}`, Customer), [id], { isEnabled: !isNew, errorOverrides: NOT_FOUND });
  if (isNew) return <CustomerEditor customer={null} onSaved={onSaved} />;
  if (record.errorKey) return <ErrorNotice messageKey={record.errorKey} />;
  if (!record.data) return <div className="card placeholder muted">…</div>;
  return (
    <>
      <CustomerEditor
        key={record.data.updatedAt}
        customer={record.data}
        onSaved={() => {
          record.reload();
          onSaved();
        }}
      />
      <CustomerHistory customerId={record.data.id} />
    </>
  );
}

function CustomerEditor({ customer, onSaved }: { customer: Customer | null; onSaved: () => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const fmt = useFormatters();
  const groups = useApiQuery((api) => api.get('/api/groups', GroupList), []);
  const [form, setForm] = useState<CustomerForm>(customer ? formOf(customer) : EMPTY_CUSTOMER_FORM);
  const [errors, setErrors] = useState<FieldErrors<CustomerField>>({});
  const [errorKey, setErrorKey] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const [isSaved, setIsSaved] = useState(false);
  const set = <K extends CustomerField>(k: K) => (v: CustomerForm[K]) => {
    setIsSaved(false);
    setForm((f) => ({ ...f, [k]: v }));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (isBusy) return;
    const checked = customer ? checkUpdateCustomer(form) : checkCreateCustomer(form);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setErrorKey(null);
    setIsBusy(true);
    try {
      const saved = customer
        ? await client.api.request('PATCH', `/api/customers/${customer.id}`, checked.value, Customer)
        : await client.api.request('POST', '/api/customers', checked.value, Customer);
      setIsSaved(true);
      onSaved();
      if (!customer) navigate(`#/customers/${saved.id}`, true);
    } catch (err) {
      setErrorKey(apiErrorKey(err, NOT_FOUND));
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <form className="card form-card" onSubmit={submit} noValidate data-testid="customer-editor" data-customer-id={customer?.id ?? 'new'}>
      <div className="form-card-head">
        {customer && <StarButton customer={customer} onChanged={() => onSaved()} onError={setErrorKey} />}
        <h2>{customer ? customer.name : t('customers.new')}</h2>
        <span className="spacer" />
        {customer && (
          <span className="muted small">
            {t('customers.ownedBy', { name: customer.owner.displayName })} · {t('customers.updated', { when: fmt.dateTime(customer.updatedAt) })}
          </span>
        )}
      </div>
      <ErrorNotice messageKey={errorKey} />
      <div className="form-grid">
        <TextField label={t('customers.name')} testId="customer-name-input" value={form.name} onValue={set('name')} errorKey={errors.name} maxLength={120} autoFocus={!customer} />
        <TextField label={t('customers.company')} testId="customer-company-input" value={form.company} onValue={set('company')} errorKey={errors.company} maxLength={120} />
        <TextField label={t('customers.phone')} testId="customer-phone-input" value={form.phone} onValue={set('phone')} errorKey={errors.phone} maxLength={40} type="tel" />
        <TextField label={t('customers.tags')} testId="customer-tags-input" value={form.tags} onValue={set('tags')} errorKey={errors.tags} hint={t('customers.tagsHint')} />
        <SelectField
          label={t('customers.sharedGroup')}
          testId="customer-group-select"
          value={form.sharedGroupId === null ? '' : String(form.sharedGroupId)}
          onValue={(v) => set('sharedGroupId')(v ? Number(v) : null)}
          errorKey={errors.sharedGroupId}
        >
          <option value="">{t('customers.notShared')}</option>
          {(groups.data?.groups ?? []).map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
          {customer?.sharedGroup && !groups.data?.groups.some((g) => g.id === customer.sharedGroup?.id) && (
            <option value={customer.sharedGroup.id}>{customer.sharedGroup.name}</option>
          )}
        </SelectField>
        {!customer && (
          <label className="checkbox checkbox-field">
            <input type="checkbox" data-testid="customer-starred-checkbox" checked={form.isStarred} onChange={(e) => set('isStarred')(e.target.checked)} />
            <span>{t('customers.starNew')}</span>
          </label>
        )}
      </div>
      <TextAreaField
        label={t('customers.notes')}
        testId="customer-notes-input"
        value={form.notes}
        onValue={set('notes')}
        errorKey={errors.notes}
        rows={5}
        maxLength={4000}
        placeholder={t('customers.notesPlaceholder')}
      />
      <div className="form-actions">
        <button type="submit" className="button button-primary" data-testid="customer-save" disabled={isBusy}>
          {customer ? t('common.save') : t('customers.create')}
        </button>
        {isSaved && (
          <span className="saved-note" data-testid="customer-saved" role="status">
            ✓ {t('common.saved')}
          </span>
        )}
      </div>
    </form>
  );
}
