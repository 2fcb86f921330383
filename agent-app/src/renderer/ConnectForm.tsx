import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDeviceId } from '../common/connectInput.ts';
import { useClient, useSnapshot } from './ClientContext.ts';

/**
 * The connect form. `inline` is the smaller copy shown in an ended tab, so the agent can ask
 * the same customer again (with their new code) without hunting for the form.
 */
export function ConnectForm({ initialDeviceId = '', inline = false }: { initialDeviceId?: string; inline?: boolean }) {
  const { t } = useTranslation();
  const client = useClient();
  const snap = useSnapshot();
  const [deviceId, setDeviceId] = useState(() => formatDeviceId(initialDeviceId));
  const [code, setCode] = useState('');
  const [control, setControl] = useState(true);
  const isBusy = snap.console.isConnecting;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (isBusy) return;
    client.connect(deviceId, code, control);
    // A code works once: clear it so the next attempt asks the customer for the new one.
    setCode('');
  };

  return (
    <div className={inline ? 'connect-inline' : 'connect-page'}>
      <form className="card connect-card" onSubmit={submit} aria-busy={isBusy}>
        <h2>{inline ? t('connect.again') : t('connect.heading')}</h2>
        <p className="muted">{inline ? t('connect.againIntro') : t('connect.intro')}</p>
        <div className="connect-fields">
          <label className="field">
            <span>{t('connect.deviceId')}</span>
            <input
              data-testid="device-id-input"
              className="input-id"
              inputMode="numeric"
              autoComplete="off"
              spellCheck={false}
              autoFocus={!inline}
              placeholder={t('connect.deviceIdPlaceholder')}
              value={deviceId}
              maxLength={20}
              onChange={(e) => setDeviceId(e.target.value)}
            />
          </label>
          <label className="field">
            <span>{t('connect.code')}</span>
            <input
              data-testid="code-input"
              className="input-code"
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              placeholder={t('connect.codePlaceholder')}
              value={code}
              maxLength={12}
              onChange={(e) => setCode(e.target.value)}
            />
          </label>
        </div>
        <label className="checkbox">
          <input data-testid="control-checkbox" type="checkbox" checked={control} onChange={(e) => setControl(e.target.checked)} />
          <span>
            {t('connect.control')}
            <small className="muted">{t('connect.controlHint')}</small>
          </span>
        </label>
        <button data-testid="connect-submit" className="button button-primary" type="submit" disabled={isBusy}>
          {isBusy ? t('connect.busy') : t('connect.submit')}
        </button>
      </form>
    </div>
  );
}
