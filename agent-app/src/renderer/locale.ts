/** The UI language: the agent's explicit choice if they made one here, else the system's. */
import { LOCALES, detectLocale, type Locale } from '@beacon/shared/i18n';

const STORAGE_KEY = 'beacon.agent.locale';

function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v);
}

export function initialLocale(systemLocales: readonly string[]): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (isLocale(saved)) return saved;
  } catch {
    /* storage disabled */
  }
  return detectLocale(systemLocales);
}

export function rememberLocale(locale: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    /* storage disabled: the choice lasts until reload */
  }
}
