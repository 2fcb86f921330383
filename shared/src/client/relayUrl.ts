/**
 * Where a desktop app finds its relay: `--relay=URL`, else `BEACON_RELAY_URL`, else a relay on
 * this machine. One resolver for both apps; what to do with a rejected value is the app's
 * choice (the console refuses to start, the portable client warns and uses the next source),
 * so a typo in a shortcut is never silently taken for an address. Pure: argv and env are passed in.
 */
export const DEFAULT_RELAY_URL = 'http://localhost:8080';

export type RelayUrlSource = 'arg' | 'env' | 'default';

export interface RejectedRelayUrl {
  source: Exclude<RelayUrlSource, 'default'>;
  /** Where it was given, for messages: `--relay` or `BEACON_RELAY_URL`. */
  where: string;
  value: string;
}

export interface RelayUrlChoice {
  url: string;
  source: RelayUrlSource;
  /** Values given before the chosen one that were not http(s)/ws(s) URLs, in order. */
  rejected: RejectedRelayUrl[];
}

/**
 * The relay base URL in the form both the API (fetch) and the signalling socket use: http(s),
 * no trailing slash. ws(s) is accepted and read as http(s); anything else is null.
 */
export function normalizeRelayUrl(value: string): string | null {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return null;
  }
  if (u.protocol === 'ws:') u.protocol = 'http:';
  else if (u.protocol === 'wss:') u.protocol = 'https:';
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  return u.toString().replace(/\/+$/, '');
}

export function resolveRelayUrl(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): RelayUrlChoice {
  const fromArg = argv.find((a) => a.startsWith('--relay='))?.slice('--relay='.length);
  const candidates = [
    { source: 'arg', where: '--relay', value: fromArg },
    { source: 'env', where: 'BEACON_RELAY_URL', value: env.BEACON_RELAY_URL },
  ] as const;
  const rejected: RejectedRelayUrl[] = [];
  for (const { source, where, value } of candidates) {
    if (value === undefined || value === '') continue;
    const url = normalizeRelayUrl(value);
    if (url) return { url, source, rejected };
    rejected.push({ source, where, value });
  }
  return { url: DEFAULT_RELAY_URL, source: 'default', rejected };
}
