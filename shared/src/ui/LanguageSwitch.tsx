/**
 * The language switch both apps show: one button per locale, the chosen one pressed. The page's
 * `lang` follows the choice; the console also remembers it (`onChoose`).
 */
import { useTranslation } from 'react-i18next';
import { LOCALES, type Locale } from '../i18n.ts';

/** Each language named in itself, as a switch shows it by default. */
export const LOCALE_NAMES: Readonly<Record<Locale, string>> = { en: 'English', 'zh-CN': '中文' };

export interface LanguageSwitchProps {
  /** The button text of a locale (default: its own name). */
  label?: (locale: Locale) => string;
  onChoose?: (locale: Locale) => void;
}

export function LanguageSwitch({ label = (l) => LOCALE_NAMES[l], onChoose }: LanguageSwitchProps) {
  const { t, i18n } = useTranslation();
  const choose = (locale: Locale) => {
    onChoose?.(locale);
    void i18n.changeLanguage(locale);
    document.documentElement.lang = locale;
  };
  return (
    <div className="lang-switch" role="group" aria-label={t('lang.label')}>
      {LOCALES.map((locale) => (
        <button
          key={locale}
          type="button"
          lang={locale}
          data-testid={`lang-${locale}`}
          className={i18n.language === locale ? 'is-selected' : ''}
          aria-pressed={i18n.language === locale}
          onClick={() => choose(locale)}
        >
          {label(locale)}
        </button>
      ))}
    </div>
  );
}
