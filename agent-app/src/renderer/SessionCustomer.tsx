/**
 * The customer a session is for, on its tab: pick or create one while it runs or after it
 * ended. The link is stored on the relay (`PATCH /api/sessions/:id`), which also remembers
 * it for the device, so the next connect form suggests it.
 */
import { DeviceDetails } from '@beacon/shared/api';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionEntry } from '../common/ConsoleModel.ts';
import { apiErrorKey } from './ApiClient.ts';
import { useClient } from './ClientContext.ts';
import { CustomerPicker } from './customers/CustomerPicker.tsx';
import { useApiQuery } from './ui/useApiQuery.ts';

export function SessionCustomer({ entry }: { entry: SessionEntry }) {
  const { t } = useTranslation();
  const client = useClient();
  const [errorKey, setErrorKey] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  // Not linked yet: offer the customer this device was last linked to, if the agent may see it.
  const device = useApiQuery((api) => api.get(`/api/devices/${entry.deviceId}`, DeviceDetails), [entry.deviceId], { isEnabled: entry.customer === null });
  const suggestion = entry.customer === null ? (device.data?.customer ?? null) : null;

  const link = async (customer: SessionEntry['customer']) => {
    setIsBusy(true);
    setErrorKey(null);
    try {
      await client.api.send('PATCH', `/api/sessions/${encodeURIComponent(entry.sessionId)}`, { customerId: customer?.id ?? null });
      client.setSessionCustomer(entry.sessionId, customer);
    } catch (err) {
      setErrorKey(apiErrorKey(err, { 'not-found': 'customers.sessionNotFound' }));
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <div className="session-customer" data-testid="session-customer" data-customer-id={entry.customer?.id ?? ''}>
      <CustomerPicker testIdPrefix="session-customer" label={t('session.customerLabel')} value={entry.customer} onChange={(c) => void link(c)} isDisabled={isBusy} />
      {suggestion && (
        <button
          type="button"
          className="link-button"
          data-testid="session-customer-suggest"
          data-customer-id={suggestion.id}
          disabled={isBusy}
          onClick={() => void link({ id: suggestion.id, name: suggestion.name })}
        >
          {t('session.linkSuggested', { name: suggestion.name })}
        </button>
      )}
      {entry.customer && (
        <a className="link-button" href={`#/customers/${entry.customer.id}`} data-testid="session-customer-open">
          {t('session.openCustomer')}
        </a>
      )}
      {errorKey && (
        <small className="field-error" role="alert" data-testid="field-error">
          {t(errorKey)}
        </small>
      )}
    </div>
  );
}
