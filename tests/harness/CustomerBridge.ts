import type { Page } from 'playwright-core';
import { InjectInputRequest } from '@beacon/shared/ipc';
import { parseUnknown } from '@beacon/shared/parse';

export interface InjectionRecord {
  kind: string;
  /** Agent's send time and the injector's finish time, epoch ms. */
  sentAt?: number;
  injectedAt: number;
}

export interface InjectorLike {
  /** Injects one event; resolves with the finish time (epoch ms). */
  inject(req: InjectInputRequest): Promise<number>;
}

/**
 * Gives the customer renderer, running in plain Chromium, the same bridge the Electron
 * preload gives it, backed by the real main-process injector (robotjs) in this Node
 * process. Payloads are parsed exactly as main's validated IPC parses them.
 */
export async function installCustomerBridge(page: Page, injector: InjectorLike, relayUrl: string): Promise<InjectionRecord[]> {
  const records: InjectionRecord[] = [];
  await page.exposeFunction('__beaconTestInject', async (raw: unknown) => {
    const r = parseUnknown(InjectInputRequest, raw, 'test bridge inject-input');
    if (!r.ok) throw r.error;
    const injectedAt = await injector.inject(r.value);
    records.push({ kind: r.value.event.kind, sentAt: r.value.event.t, injectedAt });
  });
  await page.addInitScript(`
    window.beaconCustomer = {
      getConfig: async () => ({ relayUrl: ${JSON.stringify(relayUrl)}, locales: [...navigator.languages] }),
      injectInput: (req) => window.__beaconTestInject(req),
      setSessionState: async () => {},
      onStopHotkey: () => () => {},
    };
  `);
  return records;
}
