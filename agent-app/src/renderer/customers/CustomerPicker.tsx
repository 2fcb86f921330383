/**
 * Pick a directory customer, or create one from the typed name, in one field: used by the
 * connect form, a session tab and the log filters. Test IDs: `<prefix>-search`,
 * `<prefix>-option` (with `data-customer-id`), `<prefix>-create`, `<prefix>-selected`,
 * `<prefix>-clear`.
 */
import { Customer, CustomerList } from '@beacon/shared/api';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomerLabel } from '../../common/ConsoleModel.ts';
import { EMPTY_CUSTOMER_FORM, checkCreateCustomer } from '../../common/forms.ts';
import { toQuery } from '../../common/query.ts';
import { apiErrorKey } from '../ApiClient.ts';
import { useClient } from '../ClientContext.ts';

const SEARCH_DELAY_MS = 200;
const MAX_OPTIONS = 8;

export function CustomerPicker({
  testIdPrefix,
  label,
  value,
  onChange,
  canCreate = true,
  isDisabled = false,
}: {
  testIdPrefix: string;
  label: string;
  value: CustomerLabel | null;
  onChange: (customer: CustomerLabel | null) => void;
  canCreate?: boolean;
  isDisabled?: boolean;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const listId = useId();
  const [text, setText] = useState('');
  const [isOpen, setIsOpen] = useState(false);
  const [options, setOptions] = useState<Customer[]>([]);
  const [errorKey, setErrorKey] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const seq = useRef(0);

  useEffect(() => {
    if (!isOpen || value) return;
    const mine = ++seq.current;
    const timer = setTimeout(() => {
      client.api.get(`/api/customers${toQuery({ q: text.trim(), limit: MAX_OPTIONS })}`, CustomerList).then(
        (r) => {
          if (mine !== seq.current) return;
          setOptions(r.customers);
          setErrorKey(null);
        },
        (err: unknown) => {
          if (mine === seq.current) setErrorKey(apiErrorKey(err));
        },
      );
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [client, text, isOpen, value]);

  const pick = (c: CustomerLabel) => {
    onChange({ id: c.id, name: c.name });
    setText('');
    setIsOpen(false);
  };

  const create = async () => {
    const checked = checkCreateCustomer({ ...EMPTY_CUSTOMER_FORM, name: text });
    if (!checked.ok) {
      setErrorKey(checked.errors.name ?? 'form.errors.customerName');
      return;
    }
    setIsBusy(true);
    try {
      const created = await client.api.request('POST', '/api/customers', checked.value, Customer);
      pick(created);
    } catch (err) {
      setErrorKey(apiErrorKey(err));
    } finally {
      setIsBusy(false);
    }
  };

  if (value) {
    return (
      <div className="field">
        <span>{label}</span>
        <div className="picked" data-testid={`${testIdPrefix}-selected`} data-customer-id={value.id}>
          <span className="picked-name">{value.name}</span>
          {!isDisabled && (
            <button type="button" className="link-button" data-testid={`${testIdPrefix}-clear`} onClick={() => onChange(null)}>
              {t('customers.change')}
            </button>
          )}
        </div>
      </div>
    );
  }

  const typed = text.trim();
  return (
    <div className="field picker" onBlur={(e) => !e.currentTarget.contains(e.relatedTarget) && setIsOpen(false)}>
      <span>{label}</span>
      <input
        data-testid={`${testIdPrefix}-search`}
        role="combobox"
        aria-expanded={isOpen}
        aria-controls={listId}
        autoComplete="off"
        placeholder={canCreate ? t('customers.pickPlaceholder') : t('customers.searchPlaceholder')}
        value={text}
        disabled={isDisabled || isBusy}
        onFocus={() => setIsOpen(true)}
        onChange={(e) => {
          setText(e.target.value);
          setIsOpen(true);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setIsOpen(false);
          if (e.key === 'Enter') {
            // Inside a form, Enter would submit it: pick the first match instead, or create.
            e.preventDefault();
            const first = options[0];
            if (first) pick(first);
            else if (typed && canCreate) void create();
          }
        }}
      />
      {isOpen && (
        <div className="picker-menu" id={listId} role="listbox">
          {options.map((c) => (
            <button
              key={c.id}
              type="button"
              role="option"
              aria-selected={false}
              className="picker-option"
              data-testid={`${testIdPrefix}-option`}
              data-customer-id={c.id}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(c)}
            >
              <span className={`star-mark${c.isStarred ? ' is-on' : ''}`} aria-hidden="true">
                ★
              </span>
              <span className="picker-option-name">{c.name}</span>
              {c.company && <span className="muted">{c.company}</span>}
            </button>
          ))}
          {options.length === 0 && !typed && <div className="picker-empty muted">{t('customers.noneYet')}</div>}
          {typed && canCreate && (
            <button
              type="button"
              className="picker-option picker-create"
              data-testid={`${testIdPrefix}-create`}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => void create()}
            >
              ＋ {t('customers.createNamed', { name: typed })}
            </button>
          )}
        </div>
      )}
      {errorKey && (
        <small className="field-error" data-testid="field-error" role="alert">
          {t(errorKey)}
        </small>
      )}
    </div>
  );
}
