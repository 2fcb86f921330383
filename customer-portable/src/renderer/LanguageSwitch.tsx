import { useTranslation } from 'react-i18next';
import { LOCALES } from '@beacon/shared/i18n';
import { LOCALE_NAMES } from '../common/i18n.ts';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <div className="lang-switch" role="group" aria-label={t('lang.label')}>
      {LOCALES.map((locale) => (
        <button
          key={locale}
          type="button"
          lang={locale}
          data-testid={`lang-${locale}`}
          aria-pressed={i18n.language === locale}
          onClick={() => void i18n.changeLanguage(locale)}
        >
          {LOCALE_NAMES[locale]}
        </button>
      ))}
    </div>
  );
}
