/**
 * First run (`#/setup?token=…`, the link the relay prints once): names the organisation and
 * creates its owner, who is then signed in and taken to the seats page to add the team.
 */
import { SetupResponse, SetupStatusResponse } from '@beacon/shared/api';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { checkSetupForm, type FieldErrors, type SetupField, type SetupForm } from '../common/forms.ts';
import { apiErrorKey } from './ApiClient.ts';
import { useClient } from './ClientContext.ts';
import { ErrorNotice } from './ErrorNotice.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { TextField } from './ui/Field.tsx';
import { useApiQuery } from './ui/useApiQuery.ts';
import { navigate } from './ui/useRoute.ts';

const EMPTY: SetupForm = { organisationName: '', login: '', displayName: '', password: '' };

export function SetupView({ token }: { token: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const status = useApiQuery((api) => api.get('/api/setup/status', SetupStatusResponse), []);
  const [form, setForm] = useState<SetupForm>(EMPTY);
  const [errors, setErrors] = useState<FieldErrors<SetupField | 'token'>>({});
  const [errorKey, setErrorKey] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const field = (k: SetupField) => (v: string) => setForm((f) => ({ ...f, [k]: v }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (isBusy) return;
    const checked = checkSetupForm(token, form);
    if (!checked.ok) {
      setErrors(checked.errors);
      setErrorKey(checked.errors.token ?? null);
      return;
    }
    setErrors({});
    setErrorKey(null);
    setIsBusy(true);
    try {
      const signIn = await client.api.request('POST', '/api/setup', checked.value, SetupResponse);
      // The token is spent: take it out of the address bar and history, then open the team page.
      navigate('#/admin/seats', true);
      client.adoptSignIn(signIn);
    } catch (err) {
      setErrorKey(apiErrorKey(err, { forbidden: 'setup.badToken', conflict: 'setup.conflict' }));
      setIsBusy(false);
      status.reload();
    }
  };

  const isDone = status.data?.isSetupNeeded === false;
  return (
    <div className="login-page">
      <div className="login-corner">
        <LanguageSwitch />
      </div>
      <form className="login-card setup-card" onSubmit={submit} aria-busy={isBusy} noValidate>
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">{t('app.name')}</span>
          <span className="brand-title">{t('setup.title')}</span>
        </div>
        <h1>{t('setup.heading')}</h1>
        {isDone ? (
          <>
            <p className="muted" data-testid="setup-status" data-state="done">
              {t('setup.alreadyDone')}
            </p>
            <a className="button button-primary button-block" href="#/" data-testid="setup-to-login">
              {t('setup.toLogin')}
            </a>
          </>
        ) : (
          <>
            <p className="muted">{t('setup.intro')}</p>
            {!token && <ErrorNotice messageKey="setup.noToken" />}
            <ErrorNotice messageKey={errorKey ?? status.errorKey} />
            <TextField
              label={t('setup.organisation')}
              testId="setup-org-input"
              value={form.organisationName}
              onValue={field('organisationName')}
              errorKey={errors.organisationName}
              placeholder={t('setup.organisationPlaceholder')}
              autoFocus
              maxLength={120}
            />
            <fieldset className="fieldset">
              <legend>{t('setup.owner')}</legend>
              <TextField
                label={t('seats.displayName')}
                testId="setup-name-input"
                value={form.displayName}
                onValue={field('displayName')}
                errorKey={errors.displayName}
                autoComplete="name"
                maxLength={120}
              />
              <TextField
                label={t('seats.login')}
                testId="setup-login-input"
                value={form.login}
                onValue={field('login')}
                errorKey={errors.login}
                hint={t('seats.loginHint')}
                autoComplete="username"
                spellCheck={false}
                maxLength={64}
              />
              <TextField
                label={t('seats.password')}
                testId="setup-password-input"
                type="password"
                value={form.password}
                onValue={field('password')}
                errorKey={errors.password}
                hint={t('seats.passwordHint')}
                autoComplete="new-password"
              />
            </fieldset>
            <button data-testid="setup-submit" className="button button-primary button-block" type="submit" disabled={isBusy || !token}>
              {isBusy ? t('setup.busy') : t('setup.submit')}
            </button>
          </>
        )}
      </form>
    </div>
  );
}
