import { LOCALES, type Locale } from '@beacon/shared/i18n';
import { useTranslation } from 'react-i18next';
import { rememberLocale } from './locale.ts';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const choose = (locale: Locale) => {
    rememberLocale(locale);
    void i18n.changeLanguage(locale);
    document.documentElement.lang = locale;
  };
  return (
    <div className="lang-switch" role="group" aria-label={t('lang.label')}>
      {LOCALES.map((locale) => (
        <button
          key={locale}
          type="button"
          data-testid={`lang-${locale}`}
          className={i18n.language === locale ? 'is-selected' : ''}
          aria-pressed={i18n.language === locale}
          onClick={() => choose(locale)}
        >
          {t(`lang.${locale}`)}
        </button>
      ))}
    </div>
  );
}
