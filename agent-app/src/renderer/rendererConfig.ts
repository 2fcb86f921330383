/**
 * Where the console's relay is and which languages the system prefers. Inside Electron
 * the main process answers (parsed: the bridge is a process boundary); in a browser the
 * page was served by the relay itself, unless `?relay=` points elsewhere (dev builds).
 */
import { RendererConfig } from '@beacon/shared/ipc';
import { parseUnknown } from '@beacon/shared/parse';

export async function loadRendererConfig(): Promise<RendererConfig> {
  const bridge = window.beaconAgent;
  if (bridge) {
    const r = parseUnknown(RendererConfig, await bridge.getConfig(), 'agent bridge getConfig');
    if (r.ok) return r.value;
    console.error('[beacon] bad config from the main process', r.error.message);
  }
  const fromQuery = new URLSearchParams(location.search).get('relay');
  const candidate = fromQuery ?? location.origin;
  const r = parseUnknown(RendererConfig, { relayUrl: candidate, locales: [...navigator.languages].slice(0, 10) }, 'page config');
  if (r.ok) return r.value;
  console.warn('[beacon] ignoring bad relay address', candidate);
  return { relayUrl: location.origin, locales: [...navigator.languages].slice(0, 10) };
}

/** Joins the relay base URL and an API path, keeping any path prefix the relay is mounted at. */
export function apiUrl(relayUrl: string, path: string): string {
  return `${relayUrl.replace(/\/+$/, '')}${path}`;
}
