/**
 * Organisation settings (`#/admin/settings`): its name (shown to customers in the consent
 * dialog), the default concurrency limit of new seats, and recording (on/off, keystrokes,
 * agents watching their own, retention), how long a session waits for a party whose link
 * dropped (the reconnect grace period), and file transfer (who may send, who may ask, whether
 * the customer accepts each file), and the clipboard (the automatic sync per direction, the
 * image cap). Managers
 * see them read-only; the relay refuses their changes anyway.
 */
import { ALL_ACCOUNT_ROLES, OrgSettings } from '@beacon/shared/api';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { checkSettings, type SettingsForm } from '../../common/forms.ts';
import { canAdminister } from '../../common/roles.ts';
import { useClient, useSnapshot } from '../ClientContext.ts';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { CheckboxField, SavedNote, TextField } from '../ui/Field.tsx';
import { PageHeader } from '../ui/Labels.tsx';
import { useApiQuery } from '../ui/useApiQuery.ts';
import { useForm } from '../ui/useForm.ts';

/** The recording switches, in the order shown: the form's field and the checkbox's test id. */
const RECORDING_SWITCHES = [
  ['recordSessions', 'settings-recording-checkbox'],
  ['recordKeystrokes', 'settings-keystrokes-checkbox'],
  ['agentsMayWatchOwn', 'settings-watch-own-checkbox'],
] as const;

/** The file transfer switches (issue 13), in the order shown. */
const FILE_SWITCHES = [
  ['agentsMaySendFiles', 'settings-files-send-checkbox'],
  ['agentsMayReceiveFiles', 'settings-files-receive-checkbox'],
  ['confirmFileTransfers', 'settings-files-confirm-checkbox'],
] as const;

/** The automatic clipboard sync, per direction (issue 13), in the order shown. */
const CLIPBOARD_SWITCHES = [
  ['clipboardSyncToCustomer', 'settings-clipboard-to-customer-checkbox'],
  ['clipboardSyncToAgent', 'settings-clipboard-to-agent-checkbox'],
] as const;

function formOf(s: OrgSettings): SettingsForm {
  return {
    name: s.name,
    defaultConcurrencyLimit: String(s.defaultConcurrencyLimit),
    recordSessions: s.recordSessions,
    recordKeystrokes: s.recordKeystrokes,
    agentsMayWatchOwn: s.agentsMayWatchOwn,
    recordingMaxAgeDays: String(s.recordingMaxAgeDays),
    recordingMaxTotalMB: String(s.recordingMaxTotalMB),
    resumeGraceSeconds: String(s.resumeGraceSeconds),
    agentsMaySendFiles: s.agentsMaySendFiles,
    agentsMayReceiveFiles: s.agentsMayReceiveFiles,
    confirmFileTransfers: s.confirmFileTransfers,
    fileTransferRoles: [...s.fileTransferRoles],
    clipboardSyncToCustomer: s.clipboardSyncToCustomer,
    clipboardSyncToAgent: s.clipboardSyncToAgent,
    clipboardMaxImageMB: String(s.clipboardMaxImageMB),
  };
}

export function SettingsPage() {
  const client = useClient();
  useSnapshot();
  const isAdmin = canAdminister(client.role);
  const settings = useApiQuery((api) => api.get('/api/settings', OrgSettings), []);
  return (
    <div className="page">
      <PageHeader titleKey="settings.title" introKey={isAdmin ? 'settings.intro' : 'settings.readOnly'} />
      <ErrorNotice messageKey={settings.errorKey} />
      {settings.data && <SettingsEditor settings={settings.data} isAdmin={isAdmin} onSaved={settings.reload} />}
    </div>
  );
}

function SettingsEditor({ settings, isAdmin, onSaved }: { settings: OrgSettings; isAdmin: boolean; onSaved: () => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const { form, errorKey, isBusy, isSaved, set, bind, reset, submit } = useForm<SettingsForm>(() => formOf(settings));
  // What the relay saved comes back (normalised): show it.
  useEffect(() => reset(formOf(settings)), [settings, reset]);
  const onSubmit = submit({
    check: checkSettings,
    send: async (value) => {
      await client.api.send('PATCH', '/api/settings', value);
      onSaved();
      client.refreshMe(); // the top bar shows the organisation's name
    },
  });

  return (
    <>
      <ErrorNotice messageKey={errorKey} />
      <form className="card form-card settings-form" onSubmit={onSubmit} noValidate data-testid="settings-form">
        <fieldset className="fieldset-plain" disabled={!isAdmin}>
          <TextField label={t('settings.name')} testId="settings-name-input" {...bind('name')} hint={t('settings.nameHint')} maxLength={120} />
          <TextField
            label={t('settings.defaultLimit')}
            testId="settings-limit-input"
            {...bind('defaultConcurrencyLimit')}
            hint={t('settings.defaultLimitHint')}
            inputMode="numeric"
            maxLength={2}
          />
          <TextField
            label={t('settings.resumeGrace')}
            testId="settings-resume-grace-input"
            {...bind('resumeGraceSeconds')}
            hint={t('settings.resumeGraceHint')}
            inputMode="numeric"
            maxLength={3}
          />
          <h2 className="small-heading">{t('recording.settings.heading')}</h2>
          {RECORDING_SWITCHES.map(([k, testId]) => (
            <CheckboxField
              key={k}
              label={t(`recording.settings.${k}`)}
              hint={t(`recording.settings.${k}Hint`)}
              testId={testId}
              checked={form[k]}
              onChecked={set(k)}
            />
          ))}
          <TextField label={t('recording.settings.maxAgeDays')} testId="settings-max-age-input" {...bind('recordingMaxAgeDays')} inputMode="numeric" maxLength={4} />
          <TextField
            label={t('recording.settings.maxTotalMB')}
            testId="settings-max-total-input"
            {...bind('recordingMaxTotalMB')}
            hint={t('recording.settings.maxTotalHint')}
            inputMode="numeric"
            maxLength={9}
          />
          <h2 className="small-heading">{t('settings.files.heading')}</h2>
          {FILE_SWITCHES.map(([k, testId]) => (
            <CheckboxField key={k} label={t(`settings.files.${k}`)} hint={t(`settings.files.${k}Hint`)} testId={testId} checked={form[k]} onChecked={set(k)} />
          ))}
          <fieldset className="fieldset-plain" data-testid="settings-files-roles">
            <legend>{t('settings.files.roles')}</legend>
            {ALL_ACCOUNT_ROLES.map((role) => (
              <CheckboxField
                key={role}
                variant="inline"
                label={t(`roles.${role}`)}
                testId={`settings-files-role-${role}`}
                checked={form.fileTransferRoles.includes(role)}
                onChecked={(on) => set('fileTransferRoles')(ALL_ACCOUNT_ROLES.filter((r) => (r === role ? on : form.fileTransferRoles.includes(r))))}
              />
            ))}
            <p className="small muted">{t('settings.files.rolesHint')}</p>
          </fieldset>
          <h2 className="small-heading">{t('settings.clipboard.heading')}</h2>
          {CLIPBOARD_SWITCHES.map(([k, testId]) => (
            <CheckboxField key={k} label={t(`settings.clipboard.${k}`)} hint={t(`settings.clipboard.${k}Hint`)} testId={testId} checked={form[k]} onChecked={set(k)} />
          ))}
          <TextField
            label={t('settings.clipboard.maxImageMB')}
            testId="settings-clipboard-max-image-input"
            {...bind('clipboardMaxImageMB')}
            hint={t('settings.clipboard.maxImageHint')}
            inputMode="numeric"
            maxLength={2}
          />
        </fieldset>
        {isAdmin && (
          <div className="form-actions">
            <button type="submit" className="button button-primary" data-testid="settings-save" disabled={isBusy}>
              {t('common.save')}
            </button>
            {isSaved && <SavedNote testId="settings-saved" />}
          </div>
        )}
      </form>
    </>
  );
}
