/**
 * First run (`#/setup?token=…`, the link the relay prints once): names the organisation and
 * creates its owner, who is then signed in and taken to the seats page to add the team.
 */
import { SetupResponse, SetupStatusResponse } from '@beacon/shared/api';
import { useTranslation } from 'react-i18next';
import { checkSetupForm, type SetupField, type SetupForm } from '../common/forms.ts';
import { useClient } from './ClientContext.ts';
import { ErrorNotice } from './ErrorNotice.tsx';
import { TextField } from './ui/Field.tsx';
import { LoginCard } from './ui/LoginCard.tsx';
import { useApiQuery } from './ui/useApiQuery.ts';
import { useForm } from './ui/useForm.ts';
import { navigate } from './ui/useRoute.ts';

const EMPTY: SetupForm = { organisationName: '', login: '', displayName: '', password: '' };

export function SetupView({ token }: { token: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const status = useApiQuery((api) => api.get('/api/setup/status', SetupStatusResponse), []);
  const { errorKey, setErrorKey, isBusy, bind, submit } = useForm<SetupForm, SetupField | 'token'>(EMPTY);
  const onSubmit = submit({
    check: (f) => checkSetupForm(token, f),
    send: async (value) => {
      const signIn = await client.api.request('POST', '/api/setup', value, SetupResponse);
      // The token is spent: take it out of the address bar and history, then open the team page.
      navigate('#/admin/seats', true);
      client.adoptSignIn(signIn);
    },
    errorOverrides: { forbidden: 'setup.badToken', conflict: 'setup.conflict' },
    onInvalid: (errors) => setErrorKey(errors.token ?? null),
    onFailed: status.reload,
  });

  const isDone = status.data?.isSetupNeeded === false;
  return (
    <LoginCard title={t('setup.title')} className="setup-card" isBusy={isBusy} noValidate onSubmit={onSubmit}>
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
            {...bind('organisationName')}
            placeholder={t('setup.organisationPlaceholder')}
            autoFocus
            maxLength={120}
          />
          <fieldset className="fieldset">
            <legend>{t('setup.owner')}</legend>
            <TextField
              label={t('seats.displayName')}
              testId="setup-name-input"
              {...bind('displayName')}
              autoComplete="name"
              maxLength={120}
            />
            <TextField
              label={t('seats.login')}
              testId="setup-login-input"
              {...bind('login')}
              hint={t('seats.loginHint')}
              autoComplete="username"
              spellCheck={false}
              maxLength={64}
            />
            <TextField
              label={t('seats.password')}
              testId="setup-password-input"
              type="password"
              {...bind('password')}
              hint={t('seats.passwordHint')}
              autoComplete="new-password"
            />
          </fieldset>
          <button data-testid="setup-submit" className="button button-primary button-block" type="submit" disabled={isBusy || !token}>
            {isBusy ? t('setup.busy') : t('setup.submit')}
          </button>
        </>
      )}
    </LoginCard>
  );
}
