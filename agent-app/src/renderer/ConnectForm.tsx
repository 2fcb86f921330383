import { DeviceDetails } from '@beacon/shared/api';
import { DeviceId } from '@beacon/shared/protocol';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionMode } from '@beacon/shared/protocol';
import type { CustomerLabel } from '../common/ConsoleModel.ts';
import { formatDeviceId } from '../common/connectInput.ts';
import { useClient, useSnapshot } from './ClientContext.ts';
import { CustomerPicker } from './customers/CustomerPicker.tsx';
import { CheckboxField, TextField } from './ui/Field.tsx';

/**
 * Once a full device ID is typed, suggests the customer last linked to that device (unless
 * the agent already picked one). Unknown devices and relays without the API suggest nothing.
 */
function useDeviceCustomer(rawDeviceId: string, onFound: (c: CustomerLabel) => void): void {
  const client = useClient();
  const onFoundRef = useRef(onFound);
  onFoundRef.current = onFound;
  const id = DeviceId.safeParse(rawDeviceId.replace(/[\s-]+/g, ''));
  const deviceId = id.success ? id.data : null;
  useEffect(() => {
    if (!deviceId) return;
    let isCurrent = true;
    client.api.get(`/api/devices/${deviceId}`, DeviceDetails).then(
      (d) => {
        if (isCurrent && d.customer) onFoundRef.current({ id: d.customer.id, name: d.customer.name });
      },
      () => undefined, // never seen, or not ours to see: nothing to suggest
    );
    return () => {
      isCurrent = false;
    };
  }, [client, deviceId]);
}

/**
 * The connect form. `inline` is the smaller copy shown in an ended tab, so the agent can ask
 * the same customer again (with their new code) without hunting for the form.
 */
export function ConnectForm({
  initialDeviceId = '',
  initialCustomer = null,
  initialMode = 'screen',
  inline = false,
}: {
  initialDeviceId?: string;
  initialCustomer?: CustomerLabel | null;
  /** An ended voice tab asks again for a call. */
  initialMode?: SessionMode;
  inline?: boolean;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const snap = useSnapshot();
  const [deviceId, setDeviceId] = useState(() => formatDeviceId(initialDeviceId));
  const [code, setCode] = useState('');
  const [control, setControl] = useState(true);
  const [isVoiceOnly, setVoiceOnly] = useState(initialMode === 'voice');
  const [isCameraFirst, setCameraFirst] = useState(false);
  const [customer, setCustomer] = useState<CustomerLabel | null>(initialCustomer);
  const [isCustomerPicked, setIsCustomerPicked] = useState(initialCustomer !== null);
  const [isSuggested, setIsSuggested] = useState(false);
  const isBusy = snap.console.isConnecting;
  // The tab's customer can be changed after this form appeared (relinking an ended session).
  useEffect(() => {
    if (!initialCustomer) return;
    setCustomer(initialCustomer);
    setIsCustomerPicked(true);
    setIsSuggested(false);
  }, [initialCustomer]);
  useDeviceCustomer(deviceId, (c) => {
    if (isCustomerPicked) return;
    setCustomer(c);
    setIsSuggested(true);
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (isBusy) return;
    client.connect(deviceId, code, control, customer, isVoiceOnly ? 'voice' : 'screen', isCameraFirst && !isVoiceOnly ? 'camera' : undefined);
    // A code works once: clear it so the next attempt asks the customer for the new one.
    setCode('');
  };

  return (
    <div className={inline ? 'connect-inline' : 'connect-page'}>
      <form className="card connect-card" onSubmit={submit} aria-busy={isBusy}>
        <h2>{inline ? t('connect.again') : t('connect.heading')}</h2>
        <p className="muted">{inline ? t('connect.againIntro') : t('connect.intro')}</p>
        <div className="connect-fields">
          <TextField
            label={t('connect.deviceId')}
            testId="device-id-input"
            className="input-id"
            inputMode="numeric"
            autoComplete="off"
            spellCheck={false}
            autoFocus={!inline}
            placeholder={t('connect.deviceIdPlaceholder')}
            value={deviceId}
            maxLength={20}
            onValue={setDeviceId}
          />
          <TextField
            label={t('connect.code')}
            testId="code-input"
            className="input-code"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            placeholder={t('connect.codePlaceholder')}
            value={code}
            maxLength={12}
            onValue={setCode}
          />
        </div>
        <CustomerPicker
          testIdPrefix="connect-customer"
          label={t('connect.customer')}
          value={customer}
          onChange={(c) => {
            setCustomer(c);
            setIsCustomerPicked(true);
            setIsSuggested(false);
          }}
        />
        {isSuggested && customer && (
          <small className="muted connect-hint" data-testid="connect-customer-hint">
            {t('connect.customerSuggested')}
          </small>
        )}
        <CheckboxField
          label={t('voiceOnly.connect')}
          hint={t('voiceOnly.connectHint')}
          testId="connect-voice-only"
          checked={isVoiceOnly}
          onChecked={setVoiceOnly}
        />
        {client.speaksCameraFirst() && (
          <CheckboxField
            label={t('camera.connectFirst')}
            hint={t('camera.connectFirstHint')}
            testId="connect-camera-first"
            checked={isCameraFirst && !isVoiceOnly}
            disabled={isVoiceOnly}
            onChecked={setCameraFirst}
          />
        )}
        <CheckboxField
          label={t('connect.control')}
          hint={t('connect.controlHint')}
          testId="control-checkbox"
          checked={control && !isVoiceOnly}
          disabled={isVoiceOnly}
          onChecked={setControl}
        />
        <button data-testid="connect-submit" className="button button-primary" type="submit" disabled={isBusy}>
          {isBusy ? t('connect.busy') : t('connect.submit')}
        </button>
      </form>
    </div>
  );
}
