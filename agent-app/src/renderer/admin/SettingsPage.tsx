/**
 * Organisation settings (`#/admin/settings`): its name (shown to customers in the consent
 * dialog), the default concurrency limit of new seats, and recording (on/off, keystrokes,
 * agents watching their own, retention). Managers
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
    if (s) {
      setForm({
        name: s.name,
        defaultConcurrencyLimit: String(s.defaultConcurrencyLimit),
        recordSessions: s.recordSessions,
        recordKeystrokes: s.recordKeystrokes,
        agentsMayWatchOwn: s.agentsMayWatchOwn,
        recordingMaxAgeDays: String(s.recordingMaxAgeDays),
        recordingMaxTotalMB: String(s.recordingMaxTotalMB),
      });
    }
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
            <h2 className="small-heading">{t('recording.settings.heading')}</h2>
            <label className="checkbox">
              <input type="checkbox" data-testid="settings-recording-checkbox" checked={form.recordSessions} onChange={(e) => edit('recordSessions')(e.target.checked)} />
              <span>
                {t('recording.settings.recordSessions')}
                <small className="muted">{t('recording.settings.recordSessionsHint')}</small>
              </span>
            </label>
            <label className="checkbox">
              <input type="checkbox" data-testid="settings-keystrokes-checkbox" checked={form.recordKeystrokes} onChange={(e) => edit('recordKeystrokes')(e.target.checked)} />
              <span>
                {t('recording.settings.recordKeystrokes')}
                <small className="muted">{t('recording.settings.recordKeystrokesHint')}</small>
              </span>
            </label>
            <label className="checkbox">
              <input type="checkbox" data-testid="settings-watch-own-checkbox" checked={form.agentsMayWatchOwn} onChange={(e) => edit('agentsMayWatchOwn')(e.target.checked)} />
              <span>
                {t('recording.settings.agentsMayWatchOwn')}
                <small className="muted">{t('recording.settings.agentsMayWatchOwnHint')}</small>
              </span>
            </label>
            <TextField
              label={t('recording.settings.maxAgeDays')}
              testId="settings-max-age-input"
              value={form.recordingMaxAgeDays}
              onValue={edit('recordingMaxAgeDays')}
              errorKey={errors.recordingMaxAgeDays}
              inputMode="numeric"
              maxLength={4}
            />
            <TextField
              label={t('recording.settings.maxTotalMB')}
              testId="settings-max-total-input"
              value={form.recordingMaxTotalMB}
              onValue={edit('recordingMaxTotalMB')}
              errorKey={errors.recordingMaxTotalMB}
              hint={t('recording.settings.maxTotalHint')}
              inputMode="numeric"
              maxLength={9}
            />
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
