import type { Locale } from '@beacon/shared/i18n';
import { LanguageSwitch as SharedLanguageSwitch } from '@beacon/shared/ui/LanguageSwitch';
import { useTranslation } from 'react-i18next';
import { rememberLocale } from './locale.ts';

/** The console's switch: short names for the top bar, and the choice is kept for the next start. */
export function LanguageSwitch() {
  const { t } = useTranslation();
  return <SharedLanguageSwitch label={(locale: Locale) => t(`lang.${locale}`)} onChoose={rememberLocale} />;
}
