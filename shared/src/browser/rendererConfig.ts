/**
 * Where a renderer's relay is and which languages the system prefers, the same in both apps.
 * Inside Electron the main process answers (parsed: the bridge is a process boundary); a page
 * served by the relay talks to its own origin, unless `?relay=` points elsewhere (testing
 * against another relay, dev builds).
 */
import { RendererConfig } from '../ipc.ts';
import { parseUnknown } from '../parse.ts';

/** The part of an app's preload bridge this needs. */
export interface ConfigBridge {
  getConfig(): Promise<unknown>;
}

export async function loadRendererConfig(bridge: ConfigBridge | undefined, loc: Pick<Location, 'search' | 'origin'>, languages: readonly string[]): Promise<RendererConfig> {
  if (bridge) {
    const r = parseUnknown(RendererConfig, await bridge.getConfig(), 'ipc getConfig');
    if (r.ok) return r.value;
    console.error('[beacon] bad config from the main process', r.error.message);
  }
  const locales = [...languages].slice(0, 10);
  const fromQuery = new URLSearchParams(loc.search).get('relay');
  const r = parseUnknown(RendererConfig, { relayUrl: fromQuery ?? loc.origin, locales }, 'page config');
  if (r.ok) return r.value;
  console.warn('[beacon] ignoring ?relay=', r.error.message);
  return { relayUrl: loc.origin, locales };
}
