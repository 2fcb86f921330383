/**
 * One customer: the record's form (create or edit), its star, who it is assigned to (owners
 * and admins may hand it to another seat), and its session history.
 */
import { Customer, GroupList, type CreateCustomerRequest, type UpdateCustomerRequest } from '@beacon/shared/api';
import { useTranslation } from 'react-i18next';
import { EMPTY_CUSTOMER_FORM, checkCreateCustomer, checkUpdateCustomer, type CustomerForm } from '../../common/forms.ts';
import { formatTags } from '../../common/query.ts';
import { canAdminister } from '../../common/roles.ts';
import { useClient, useSnapshot } from '../ClientContext.ts';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { CheckboxField, SavedNote, SelectField, TextAreaField, TextField } from '../ui/Field.tsx';
import { useFormatters } from '../ui/format.ts';
import { useApiQuery } from '../ui/useApiQuery.ts';
import { useForm } from '../ui/useForm.ts';
import { navigate } from '../ui/useRoute.ts';
import { CustomerAssign } from './CustomerAssign.tsx';
import { CustomerHistory } from './CustomerHistory.tsx';
import { StarButton } from './StarButton.tsx';

const NOT_FOUND = { 'not-found': 'customers.notFound' } as const;
/** Opening a record the seat may not read (handed to another seat, say) is refused as forbidden. */
const NOT_READABLE = { ...NOT_FOUND, forbidden: 'customers.notFound' } as const;

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
  const client = useClient();
  useSnapshot(); // the role arrives with /api/me
  const isNew = id === 'new';
  const record = useApiQuery((api) => api.get(`/api/customers/${id}`, Customer), [id], { isEnabled: !isNew, errorOverrides: NOT_READABLE });
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
      {canAdminister(client.role) && (
        <CustomerAssign
          key={record.data.id}
          customer={record.data}
          onAssigned={() => {
            record.reload();
            onSaved();
          }}
        />
      )}
      <CustomerHistory customerId={record.data.id} />
    </>
  );
}

function CustomerEditor({ customer, onSaved }: { customer: Customer | null; onSaved: () => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const fmt = useFormatters();
  const groups = useApiQuery((api) => api.get('/api/groups', GroupList), []);
  const { form, errors, errorKey, setErrorKey, isBusy, isSaved, set, bind, submit } = useForm<CustomerForm>(customer ? formOf(customer) : EMPTY_CUSTOMER_FORM);
  const onSubmit = submit<CreateCustomerRequest | UpdateCustomerRequest>({
    check: customer ? checkUpdateCustomer : checkCreateCustomer,
    send: async (value) => {
      const saved = customer
        ? await client.api.request('PATCH', `/api/customers/${customer.id}`, value, Customer)
        : await client.api.request('POST', '/api/customers', value, Customer);
      onSaved();
      if (!customer) navigate(`#/customers/${saved.id}`, true);
    },
    errorOverrides: NOT_FOUND,
  });

  return (
    <form className="card form-card" onSubmit={onSubmit} noValidate data-testid="customer-editor" data-customer-id={customer?.id ?? 'new'}>
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
        <TextField label={t('customers.name')} testId="customer-name-input" {...bind('name')} maxLength={120} autoFocus={!customer} />
        <TextField label={t('customers.company')} testId="customer-company-input" {...bind('company')} maxLength={120} />
        <TextField label={t('customers.phone')} testId="customer-phone-input" {...bind('phone')} maxLength={40} type="tel" />
        <TextField label={t('customers.tags')} testId="customer-tags-input" {...bind('tags')} hint={t('customers.tagsHint')} />
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
          <CheckboxField
            variant="field"
            label={t('customers.starNew')}
            testId="customer-starred-checkbox"
            checked={form.isStarred}
            onChecked={set('isStarred')}
          />
        )}
      </div>
      <TextAreaField
        label={t('customers.notes')}
        testId="customer-notes-input"
        {...bind('notes')}
        rows={5}
        maxLength={4000}
        placeholder={t('customers.notesPlaceholder')}
      />
      <div className="form-actions">
        <button type="submit" className="button button-primary" data-testid="customer-save" disabled={isBusy}>
          {customer ? t('common.save') : t('customers.create')}
        </button>
        {isSaved && <SavedNote testId="customer-saved" />}
      </div>
    </form>
  );
}
