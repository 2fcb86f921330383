/**
 * The privacy curtain in main: whether this OS can keep a window out of capture
 * (common/curtainPlan.ts), raising and lowering the curtain windows for the customer page, and
 * the ways the customer lifts it (Stop on the curtain, CURTAIN_HOTKEY), which the page is told
 * of so that it tells the agent. Only during a session: when the session ends, the curtain goes.
 *
 * The curtain page's calls are taken only from the window with the Stop button, on our
 * curtain page, through a ValidatedIpc of its own; the customer page's through main's.
 */
import { globalShortcut } from 'electron';
import { release } from 'node:os';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { RaiseCurtainRequest, type CurtainLiftedEvent, type CurtainSupportResult, type RaiseCurtainResult } from '@beacon/shared/ipc';
import { CURTAIN_HOTKEY, CURTAIN_IPC, CUSTOMER_IPC } from '@beacon/shared/ipcChannels';
import type { ValidatedIpc } from '@beacon/shared/client/ValidatedIpc';
import { curtainSupport } from '../common/curtainPlan.ts';
import { CurtainWindows } from './CurtainWindows.ts';
import { createValidatedIpc } from './validatedIpc.ts';

export interface CurtainShell {
  isInSession(): boolean;
  /** Tells the customer page something (here: the curtain came down by itself, and why). */
  tellPage(channel: string, payload: unknown): void;
}

export interface CurtainControl {
  /** Lowers the curtain (the session ended), without telling the page. */
  lower(): void;
  dispose(): void;
}

export function registerCurtain(ipc: ValidatedIpc, shell: CurtainShell, files: { html: string; preload: string }): CurtainControl {
  const isSupported = curtainSupport(process.platform, release()).isSupported;
  const cameDown = (why: CurtainLiftedEvent['why']) => {
    lower();
    shell.tellPage(CUSTOMER_IPC.curtainLifted, { why } satisfies CurtainLiftedEvent);
  };
  const liftedByCustomer = () => cameDown('customer-lifted');
  const windows = new CurtainWindows(files.html, files.preload, () => cameDown('failed'));
  const lower = () => {
    if (windows.isUp) globalShortcut.unregister(CURTAIN_HOTKEY);
    windows.lower();
  };
  ipc.handle(CUSTOMER_IPC.curtainSupport, z.undefined(), (): CurtainSupportResult => ({ isSupported }));
  ipc.handle(CUSTOMER_IPC.raiseCurtain, RaiseCurtainRequest, (req): RaiseCurtainResult => {
    if (!isSupported || !shell.isInSession()) return { ok: false };
    const wasUp = windows.isUp;
    if (!windows.raise(req)) return { ok: false };
    if (!wasUp && !globalShortcut.register(CURTAIN_HOTKEY, liftedByCustomer)) console.warn(`[beacon] the curtain hotkey ${CURTAIN_HOTKEY} is taken by another program`);
    return { ok: true };
  });
  ipc.handle(CUSTOMER_IPC.lowerCurtain, z.undefined(), () => lower());

  const pageUrl = pathToFileURL(files.html).href;
  const curtainIpc = createValidatedIpc(() => {
    const webContents = windows.stopContents;
    return webContents ? { webContents, pageUrl } : null;
  });
  curtainIpc.handle(CURTAIN_IPC.lift, z.undefined(), () => liftedByCustomer());
  curtainIpc.handle(CURTAIN_IPC.pointerOverStop, z.boolean(), (isOver) => windows.pointerOverStop(isOver));
  return {
    lower,
    dispose: () => {
      lower();
      curtainIpc.dispose();
    },
  };
}
