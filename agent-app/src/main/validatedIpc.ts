/**
 * The only place `ipcMain` is used. Every handler is registered through `handle`, which
 * checks the sender (our window's top frame on our page, see ipcGuard.ts) and parses the
 * payload with the channel's schema before the handler runs. Refusals are logged and
 * rejected; the renderer sees an error, main keeps running.
 */
import { parseUnknown } from '@beacon/shared/parse';
import { ipcMain, type BrowserWindow } from 'electron';
import type { z } from 'zod';
import { checkSender, type TrustedPage } from './ipcGuard.ts';

function refuse(channel: string, reason: string, detail?: readonly string[]): never {
  console.warn(JSON.stringify({ level: 'warn', msg: 'ipc call refused', channel, reason, detail }));
  throw new Error(`${channel}: refused (${reason})`);
}

export class ValidatedIpc {
  private readonly channels = new Set<string>();

  constructor(private readonly trustedPage: () => TrustedPage | null) {}

  handle<S extends z.ZodType, R>(channel: string, schema: S, handler: (payload: z.infer<S>) => R | Promise<R>): void {
    this.channels.add(channel);
    ipcMain.handle(channel, async (event, payload: unknown) => {
      const refused = checkSender({ sender: event.sender, senderFrame: event.senderFrame }, this.trustedPage());
      if (refused) refuse(channel, `sender: ${refused}`);
      const r = parseUnknown(schema, payload, `ipc ${channel}`);
      if (!r.ok) refuse(channel, 'bad payload', r.error.issues);
      return handler(r.value);
    });
  }

  /** Idempotent. Removes every handler registered here. */
  dispose(): void {
    for (const c of this.channels) ipcMain.removeHandler(c);
    this.channels.clear();
  }
}

export function trustedPageOf(win: BrowserWindow | null, pageUrl: string): TrustedPage | null {
  if (!win || win.isDestroyed()) return null;
  return { webContents: win.webContents, pageUrl };
}
