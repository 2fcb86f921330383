import type { CustomerBridge } from '@beacon/shared/ipc';
import { RendererConfig } from '@beacon/shared/ipc';
import { parseUnknown } from '@beacon/shared/parse';

/**
 * Where to connect and which language to speak. Inside Electron, main decides (command
 * line, environment); served by the relay at `/customer/`, the page's own origin is the
 * relay, and `?relay=` overrides it (handy for testing against another relay).
 */
export async function loadConfig(bridge: CustomerBridge | undefined, loc: Location, languages: readonly string[]): Promise<RendererConfig> {
  if (bridge) {
    const r = parseUnknown(RendererConfig, await bridge.getConfig(), 'ipc getConfig');
    if (r.ok) return r.value;
    console.error('[beacon] bad config from main', r.error.message);
  }
  const fromQuery = new URLSearchParams(loc.search).get('relay');
  const r = parseUnknown(RendererConfig, { relayUrl: fromQuery ?? loc.origin, locales: [...languages].slice(0, 10) }, 'page config');
  if (r.ok) return r.value;
  console.warn('[beacon] ignoring ?relay=', r.error.message);
  return { relayUrl: loc.origin, locales: [...languages].slice(0, 10) };
}
