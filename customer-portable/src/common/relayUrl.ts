import { z } from 'zod';
import { parseUnknown } from '@beacon/shared/parse';

/** Where the portable client connects when nobody said otherwise. */
export const DEFAULT_RELAY_URL = 'http://localhost:8080';

const RelayUrl = z.string().refine((s) => URL.canParse(s) && /^(https?|wss?):$/.test(new URL(s).protocol), 'the relay URL must be an http(s) or ws(s) URL');

/**
 * The relay the customer app talks to: `--relay=URL` on the command line, else the
 * `BEACON_RELAY_URL` environment variable, else {@link DEFAULT_RELAY_URL}. A malformed value
 * is reported and skipped rather than silently used, so a typo in a shortcut still starts
 * the app against the next source.
 */
export function resolveRelayUrl(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  warn: (message: string) => void = () => undefined,
): string {
  const fromArg = argv.find((a) => a.startsWith('--relay='))?.slice('--relay='.length);
  for (const [where, value] of [
    ['--relay', fromArg],
    ['BEACON_RELAY_URL', env.BEACON_RELAY_URL],
  ] as const) {
    if (value === undefined || value === '') continue;
    const r = parseUnknown(RelayUrl, value, where);
    if (r.ok) return r.value;
    warn(`ignoring ${where}: ${r.error.message}`);
  }
  return DEFAULT_RELAY_URL;
}
