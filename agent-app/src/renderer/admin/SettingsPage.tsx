/**
 * Organisation settings (`#/admin/settings`): its name (shown to customers in the consent
 * dialog), the default concurrency limit of new seats, and the recording default. Managers
 * see them read-only; the relay refuses their changes anyway.
 */
import { OrgSettings } from '@beacon/shared/api';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { checkSettings, type FieldErrors, type SettingsField, type SettingsForm } from '../../common/forms.ts';
import { canAdminister } from '../../common/roles.ts';
import { apiErrorKey } from '../ApiClient.ts';
import { useClient, useSnapshot } from '../ClientContext.ts';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { TextField } from '../ui/Field.tsx';
import { PageHeader } from '../ui/Labels.tsx';
import { useApiQuery } from '../ui/useApiQuery.ts';

export function SettingsPage() {
  const { t } = useTranslation();
  const client = useClient();
  useSnapshot();
  const isAdmin = canAdminister(client.role);
  const settings = useApiQuery((api) => api.get('/api/settings', OrgSettings), []);
  const [form, setForm] = useState<SettingsForm | null>(null);
  const [errors, setErrors] = useState<FieldErrors<SettingsField>>({});
  const [errorKey, setErrorKey] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const [isSaved, setIsSaved] = useState(false);

  useEffect(() => {
    const s = settings.data;
    if (s) setForm({ name: s.name, defaultConcurrencyLimit: String(s.defaultConcurrencyLimit), recordingDefault: s.recordingDefault });
  }, [settings.data]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!form || isBusy) return;
    const checked = checkSettings(form);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setErrorKey(null);
    setIsBusy(true);
    try {
      await client.api.send('PATCH', '/api/settings', checked.value);
      setIsSaved(true);
      settings.reload();
      client.refreshMe(); // the top bar shows the organisation's name
    } catch (err) {
      setErrorKey(apiErrorKey(err));
    } finally {
      setIsBusy(false);
    }
  };

  const edit = <K extends SettingsField>(k: K) => (v: SettingsForm[K]) => {
    setIsSaved(false);
    setForm((f) => (f ? { ...f, [k]: v } : f));
  };

  return (
    <div className="page">
      <PageHeader titleKey="settings.title" introKey={isAdmin ? 'settings.intro' : 'settings.readOnly'} />
      <ErrorNotice messageKey={settings.errorKey ?? errorKey} />
      {form && (
        <form className="card form-card settings-form" onSubmit={submit} noValidate data-testid="settings-form">
          <fieldset className="fieldset-plain" disabled={!isAdmin}>
            <TextField
              label={t('settings.name')}
              testId="settings-name-input"
              value={form.name}
              onValue={edit('name')}
              errorKey={errors.name}
              hint={t('settings.nameHint')}
              maxLength={120}
            />
            <TextField
              label={t('settings.defaultLimit')}
              testId="settings-limit-input"
              value={form.defaultConcurrencyLimit}
              onValue={edit('defaultConcurrencyLimit')}
              errorKey={errors.defaultConcurrencyLimit}
              hint={t('settings.defaultLimitHint')}
              inputMode="numeric"
              maxLength={2}
            />
            <label className="checkbox">
              <input type="checkbox" data-testid="settings-recording-checkbox" checked={form.recordingDefault} onChange={(e) => edit('recordingDefault')(e.target.checked)} />
              <span>
                {t('settings.recording')}
                <small className="muted">{t('settings.recordingHint')}</small>
              </span>
            </label>
          </fieldset>
          {isAdmin && (
            <div className="form-actions">
              <button type="submit" className="button button-primary" data-testid="settings-save" disabled={isBusy}>
                {t('common.save')}
              </button>
              {isSaved && (
                <span className="saved-note" data-testid="settings-saved" role="status">
                  ✓ {t('common.saved')}
                </span>
              )}
            </div>
          )}
        </form>
      )}
    </div>
  );
}
