import { useTranslation } from 'react-i18next';

/** The one place errors are shown (`error-message`): translated, and saying what to do next. */
export function ErrorNotice({ messageKey, onDismiss }: { messageKey: string | null; onDismiss?: () => void }) {
  const { t } = useTranslation();
  if (!messageKey) return null;
  return (
    <div className="notice notice-error" role="alert">
      <span className="notice-icon" aria-hidden="true">!</span>
      <span className="notice-text" data-testid="error-message">
        {t(messageKey)}
      </span>
      {onDismiss && (
        <button type="button" className="notice-dismiss" aria-label={t('notice.dismiss')} title={t('notice.dismiss')} onClick={onDismiss}>
          ×
        </button>
      )}
    </div>
  );
}
