import type { Page } from 'playwright-core';
import { InjectInputRequest, SessionStateRequest, WriteClipboardRequest, type MonitorsResult, type SoundSourceResult } from '@beacon/shared/ipc';
import type { XClipboard } from './XClipboard.ts';
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
  /** The display's clipboard, when the bridge should offer it (the Electron shell always does). */
  clipboard?: XClipboard;
  /** The display's monitors as the OS would list them, when the bridge should offer them (the Electron shell always does). */
  monitors?: MonitorsResult;
  /** Remote sound: main's source of the PC's sound (the Electron shell always offers it). */
  sound?: { prepare(): Promise<SoundSourceResult>; release(): Promise<void> };
}

export interface CustomerBridgeLog {
  injections: InjectionRecord[];
  /** What the renderer asked the shell for (session bar shown, panel opened), in order. */
  sessionStates: SessionStateRequest[];
}

/**
 * Gives the customer renderer, running in plain Chromium, the same bridge the Electron
 * preload gives it, backed by the real main-process injector (robotjs) in this Node
 * process. Payloads are parsed exactly as main's validated IPC parses them.
 */
export async function installCustomerBridge(page: Page, injector: InjectorLike, relayUrl: string): Promise<CustomerBridgeLog> {
  const records: InjectionRecord[] = [];
  const sessionStates: SessionStateRequest[] = [];
  await page.exposeFunction('__beaconTestSessionState', (raw: unknown) => {
    const r = parseUnknown(SessionStateRequest, raw, 'test bridge set-session-state');
    if (!r.ok) throw r.error;
    sessionStates.push(r.value);
  });
  await page.exposeFunction('__beaconTestInject', async (raw: unknown) => {
    const r = parseUnknown(InjectInputRequest, raw, 'test bridge inject-input');
    if (!r.ok) throw r.error;
    const injectedAt = await injector.inject(r.value);
    records.push({ kind: r.value.event.kind, sentAt: r.value.event.t, injectedAt });
  });
  const clipboard = injector.clipboard;
  if (clipboard) {
    await page.exposeFunction('__beaconTestReadClipboard', () => clipboard.read());
    await page.exposeFunction('__beaconTestWriteClipboard', async (raw: unknown) => {
      const r = parseUnknown(WriteClipboardRequest, raw, 'test bridge write-clipboard');
      if (!r.ok) throw r.error;
      if ('text' in r.value) await clipboard.write(r.value.text);
      else await clipboard.writePng(Buffer.from(r.value.png, 'base64'));
    });
  }
  const monitors = injector.monitors;
  if (monitors) await page.exposeFunction('__beaconTestListMonitors', () => monitors);
  const sound = injector.sound;
  if (sound) {
    await page.exposeFunction('__beaconTestPrepareSound', () => sound.prepare());
    await page.exposeFunction('__beaconTestReleaseSound', () => sound.release());
  }
  const soundFns = sound ? 'prepareSound: () => window.__beaconTestPrepareSound(), releaseSound: () => window.__beaconTestReleaseSound(),' : '';
  const monitorFns = monitors ? 'listMonitors: () => window.__beaconTestListMonitors(),' : '';
  const clipboardFns = clipboard
    ? 'readClipboard: () => window.__beaconTestReadClipboard(), writeClipboard: (req) => window.__beaconTestWriteClipboard(req),'
    : '';
  await page.addInitScript(`
    window.beaconCustomer = {
      ${clipboardFns}
      ${monitorFns}
      ${soundFns}
      getConfig: async () => ({ relayUrl: ${JSON.stringify(relayUrl)}, locales: [...navigator.languages] }),
      injectInput: (req) => window.__beaconTestInject(req),
      setSessionState: (req) => window.__beaconTestSessionState(req),
      onStopHotkey: () => () => {},
    };
  `);
  return { injections: records, sessionStates };
}
