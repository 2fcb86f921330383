import { SetupStatusResponse } from '@beacon/shared/api';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient, useSnapshot } from './ClientContext.ts';
import { ErrorNotice } from './ErrorNotice.tsx';
import { TextField } from './ui/Field.tsx';
import { LoginCard } from './ui/LoginCard.tsx';

export function LoginView() {
  const { t } = useTranslation();
  const client = useClient();
  const snap = useSnapshot();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const isBusy = snap.phase === 'connecting';
  const isSetupNeeded = useSetupNeeded();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!login.trim() || !password || isBusy) return;
    void client.signInWith(login.trim(), password).finally(() => setPassword(''));
  };

  return (
    <LoginCard title={t('app.title')} isBusy={isBusy} onSubmit={submit}>
      <h1>{t('login.heading')}</h1>
      <p className="muted">{t('login.intro')}</p>
      {isSetupNeeded && (
        <div className="notice notice-info" role="status" data-testid="setup-needed">
          <span className="notice-icon" aria-hidden="true">i</span>
          <span className="notice-text">{t('login.setupNeeded')}</span>
        </div>
      )}
      <ErrorNotice messageKey={snap.loginErrorKey} />
      <TextField
        label={t('login.login')}
        testId="login-input"
        name="login"
        autoComplete="username"
        autoFocus
        value={login}
        disabled={isBusy}
        onValue={setLogin}
      />
      <TextField
        label={t('login.password')}
        testId="password-input"
        name="password"
        type="password"
        autoComplete="current-password"
        value={password}
        disabled={isBusy}
        onValue={setPassword}
      />
      <button data-testid="login-submit" className="button button-primary button-block" type="submit" disabled={isBusy}>
        {isBusy ? (snap.agent ? t('login.connecting') : t('login.busy')) : t('login.submit')}
      </button>
      <p className="login-relay muted">
        {t('login.relay')}: <code>{client.config.relayUrl}</code>
      </p>
    </LoginCard>
  );
}

/**
 * A relay that has no organisation yet has no seats either: say where the setup link is
 * instead of letting sign-ins fail. Older relays (no such endpoint) just show the form.
 */
function useSetupNeeded(): boolean {
  const client = useClient();
  const [isNeeded, setIsNeeded] = useState(false);
  useEffect(() => {
    let isCurrent = true;
    client.api.get('/api/setup/status', SetupStatusResponse).then(
      (r) => isCurrent && setIsNeeded(r.isSetupNeeded),
      () => undefined,
    );
    return () => {
      isCurrent = false;
    };
  }, [client]);
  return isNeeded;
}
