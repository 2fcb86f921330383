/**
 * "My account" (`#/account`, linked from the name in the top bar): the seat signed in on
 * this console, and changing its own password. The relay keeps this console's token and
 * revokes the seat's other sign-ins, so the page stays signed in after a change.
 */
import { MeResponse } from '@beacon/shared/api';
import { useTranslation } from 'react-i18next';
import { EMPTY_PASSWORD_FORM, checkChangePassword, type PasswordForm } from '../../common/accountForms.ts';
import { useClient } from '../ClientContext.ts';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { TextField } from '../ui/Field.tsx';
import { useFormatters } from '../ui/format.ts';
import { PageHeader, RoleBadge } from '../ui/Labels.tsx';
import { useApiQuery } from '../ui/useApiQuery.ts';
import { useForm } from '../ui/useForm.ts';

/** The relay's refusals, said in terms of this form (the shared wording talks about other things). */
const PASSWORD_ERRORS = {
  forbidden: 'account.password.wrongCurrent',
  'rate-limited': 'account.password.rateLimited',
  'bad-message': 'account.password.tooShort',
} as const;

export function AccountPage() {
  const me = useApiQuery((api) => api.get('/api/me', MeResponse), []);
  return (
    <div className="page account-page" data-testid="account-page">
      <PageHeader titleKey="account.title" introKey="account.intro" />
      <ErrorNotice messageKey={me.errorKey} />
      {me.data && <WhoAmI me={me.data} />}
      <PasswordChange />
    </div>
  );
}

function WhoAmI({ me }: { me: MeResponse }) {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const a = me.account;
  return (
    <section className="card account-card" data-testid="account-details" data-login={a.login} data-role={a.role}>
      <dl className="detail-list">
        <dt>{t('account.name')}</dt>
        <dd data-testid="account-name">{a.displayName}</dd>
        <dt>{t('account.login')}</dt>
        <dd className="mono" data-testid="account-login">
          {a.login}
        </dd>
        <dt>{t('account.role')}</dt>
        <dd data-testid="account-role">
          <RoleBadge role={a.role} />
        </dd>
        {me.organisation && (
          <>
            <dt>{t('account.organisation')}</dt>
            <dd>{me.organisation.name}</dd>
          </>
        )}
        <dt>{t('account.groups')}</dt>
        <dd>{a.groups.length ? a.groups.map((g) => g.name).join(', ') : t('account.noGroups')}</dd>
      </dl>
      <p className="muted small account-expiry">{t('account.expires', { when: fmt.dateTime(me.expiresAt) })}</p>
    </section>
  );
}

function PasswordChange() {
  const { t } = useTranslation();
  const client = useClient();
  const { errorKey, isBusy, isSaved, bind, reset, submit } = useForm<PasswordForm>(EMPTY_PASSWORD_FORM);
  const onSubmit = submit({
    check: checkChangePassword,
    send: async (value) => {
      await client.api.send('POST', '/api/me/password', value);
      // Passwords do not linger in the page once they did their job. Typing again hides the note.
      reset(EMPTY_PASSWORD_FORM);
    },
    errorOverrides: PASSWORD_ERRORS,
  });

  return (
    <form className="card form-card" onSubmit={onSubmit} noValidate data-testid="password-form">
      <div>
        <h2 className="card-title">{t('account.password.title')}</h2>
        <p className="muted small">{t('account.password.intro')}</p>
      </div>
      <ErrorNotice messageKey={errorKey} />
      {isSaved && (
        <div className="notice notice-ok" role="status" data-testid="password-changed">
          <span className="notice-text">{t('account.password.changed')}</span>
        </div>
      )}
      <div className="form-grid">
        <TextField
          label={t('account.password.current')}
          testId="password-current-input"
          type="password"
          autoComplete="current-password"
          maxLength={512}
          {...bind('currentPassword')}
        />
        <TextField
          label={t('account.password.new')}
          testId="password-new-input"
          type="password"
          autoComplete="new-password"
          maxLength={512}
          hint={t('account.password.newHint')}
          {...bind('newPassword')}
        />
        <TextField
          label={t('account.password.confirm')}
          testId="password-confirm-input"
          type="password"
          autoComplete="new-password"
          maxLength={512}
          {...bind('confirmPassword')}
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" data-testid="password-submit" disabled={isBusy}>
          {isBusy ? t('account.password.busy') : t('account.password.submit')}
        </button>
      </div>
    </form>
  );
}
