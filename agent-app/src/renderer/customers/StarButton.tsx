/** The star on a customer (`customer-star`, `aria-pressed`): starred records sit at the top of the list. */
import type { Customer } from '@beacon/shared/api';
import { StarResponse } from '@beacon/shared/api';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiErrorKey } from '../ApiClient.ts';
import { useClient } from '../ClientContext.ts';

export function StarButton({
  customer,
  onChanged,
  onError,
}: {
  customer: Pick<Customer, 'id' | 'isStarred' | 'name'>;
  onChanged: (isStarred: boolean) => void;
  onError: (errorKey: string) => void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const [isBusy, setIsBusy] = useState(false);
  const [isStarred, setIsStarred] = useState(customer.isStarred);
  useEffect(() => setIsStarred(customer.isStarred), [customer.isStarred]);
  const toggle = async () => {
    setIsBusy(true);
    try {
      const r = await client.api.request(isStarred ? 'DELETE' : 'PUT', `/api/customers/${customer.id}/star`, undefined, StarResponse);
      setIsStarred(r.isStarred);
      onChanged(r.isStarred);
    } catch (err) {
      onError(apiErrorKey(err, { 'not-found': 'customers.notFound' }));
    } finally {
      setIsBusy(false);
    }
  };
  const label = isStarred ? t('customers.unstar', { name: customer.name }) : t('customers.star', { name: customer.name });
  return (
    <button
      type="button"
      className={`star-button${isStarred ? ' is-on' : ''}`}
      data-testid="customer-star"
      aria-pressed={isStarred}
      aria-label={label}
      title={label}
      disabled={isBusy}
      onClick={() => void toggle()}
    >
      {isStarred ? '★' : '☆'}
    </button>
  );
}
