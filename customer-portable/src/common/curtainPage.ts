/**
 * What the curtain page (renderer/curtain.html) is told by main, in its URL's query: the
 * organisation whose technician works on the PC, the customer's language, and whether this
 * window (the primary monitor's) carries the Stop button. Main writes it with curtainQuery; the
 * page parses it back, so nothing in the address is trusted without the schema.
 */
import { z } from 'zod';
import { detectLocale, type Locale } from '@beacon/shared/i18n';
import { parseUnknown } from '@beacon/shared/parse';

const CurtainQuery = z.object({
  org: z.string().max(120).default(''),
  lang: z.string().max(20).default('en'),
  stop: z.enum(['0', '1']).default('0'),
});

export interface CurtainPageParams {
  orgName: string;
  locale: Locale;
  hasStopButton: boolean;
}

/** The query main loads the page with (Electron's `loadFile(path, { query })`). */
export function curtainQuery(p: { orgName: string; locale: string; hasStopButton: boolean }): Record<string, string> {
  return { org: p.orgName.slice(0, 120), lang: p.locale.slice(0, 20), stop: p.hasStopButton ? '1' : '0' };
}

/** The page's parameters from `location.search`; a malformed query shows the page in English, without an organisation. */
export function curtainPageParams(search: string): CurtainPageParams {
  const raw = Object.fromEntries(new URLSearchParams(search));
  const r = parseUnknown(CurtainQuery, raw, 'curtain page query');
  const q = r.ok ? r.value : { org: '', lang: 'en', stop: '1' };
  return { orgName: q.org.trim(), locale: detectLocale([q.lang]), hasStopButton: q.stop === '1' };
}
