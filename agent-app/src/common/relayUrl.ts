/**
 * Where the Electron console finds its relay: `--relay=URL`, else `BEACON_RELAY_URL`, else
 * a relay on this machine. Only http(s) URLs are accepted; a bad value is reported, not
 * silently replaced, so a typo in a shortcut does not quietly connect somewhere else.
 */
export const DEFAULT_RELAY_URL = 'http://localhost:8080';

export type RelayUrlResult = { ok: true; url: string; source: 'arg' | 'env' | 'default' } | { ok: false; value: string; source: 'arg' | 'env' };

function normalize(value: string): string | null {
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.toString().replace(/\/$/, '');
  } catch {
    return null;
  }
}

export function resolveRelayUrl(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): RelayUrlResult {
  const arg = argv.find((a) => a.startsWith('--relay='));
  if (arg !== undefined) {
    const value = arg.slice('--relay='.length);
    const url = normalize(value);
    return url ? { ok: true, url, source: 'arg' } : { ok: false, value, source: 'arg' };
  }
  const fromEnv = env.BEACON_RELAY_URL;
  if (fromEnv) {
    const url = normalize(fromEnv);
    return url ? { ok: true, url, source: 'env' } : { ok: false, value: fromEnv, source: 'env' };
  }
  return { ok: true, url: DEFAULT_RELAY_URL, source: 'default' };
}
