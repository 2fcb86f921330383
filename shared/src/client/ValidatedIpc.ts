/**
 * The one way an Electron main process answers its renderer (pure: Electron's `ipcMain` is
 * passed in by the shell, so this is tested in plain Node). Every handler checks the sender
 * first (our window's top frame showing our own page) and parses the payload with the
 * channel's schema before it runs; a refusal is logged and rejected, main keeps running.
 */
import type { z } from 'zod';
import { parseUnknown } from '../parse.ts';

/** The parts of an IpcMainInvokeEvent that the check reads. */
export interface InvokeEventLike {
  sender: unknown;
  senderFrame: { url: string; parent: unknown } | null;
}

/** The parts of Electron's `ipcMain` the helper uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, payload: unknown) => unknown): void;
  removeHandler(channel: string): void;
}

export interface TrustedPage {
  /** Our window's webContents; calls from any other are refused. */
  webContents: unknown;
  /** The file:// URL of our renderer page. */
  pageUrl: string;
}

/** The same file:// page, whatever its query or hash (the page may add `?relay=` in development). */
function isSamePage(actual: string, expected: string): boolean {
  if (!URL.canParse(actual) || !URL.canParse(expected)) return false;
  const a = new URL(actual);
  const b = new URL(expected);
  return a.protocol === 'file:' && b.protocol === 'file:' && a.host === b.host && a.pathname === b.pathname;
}

/** Null if the caller is trusted, else why it is not (for the log line). */
export function checkSender(event: InvokeEventLike, trusted: TrustedPage | null): string | null {
  if (!trusted) return 'no window';
  if (event.sender !== trusted.webContents) return 'not our window';
  const frame = event.senderFrame;
  if (!frame) return 'frame gone';
  if (frame.parent !== null) return 'not the top frame';
  if (!isSamePage(frame.url, trusted.pageUrl)) return `unexpected page ${frame.url}`;
  return null;
}

export class IpcRefusedError extends Error {
  constructor(
    readonly channel: string,
    readonly reason: string,
  ) {
    super(`${channel}: refused (${reason})`);
    this.name = 'IpcRefusedError';
  }
}

function refuse(channel: string, reason: string, detail?: readonly string[]): never {
  console.warn(JSON.stringify({ level: 'warn', msg: 'ipc call refused', channel, reason, detail }));
  throw new IpcRefusedError(channel, reason);
}

export class ValidatedIpc {
  private readonly channels = new Set<string>();

  constructor(
    private readonly ipcMain: IpcMainLike,
    private readonly trustedPage: () => TrustedPage | null,
  ) {}

  handle<S extends z.ZodType, R>(channel: string, schema: S, handler: (payload: z.infer<S>) => R | Promise<R>): void {
    this.channels.add(channel);
    this.ipcMain.handle(channel, async (event, payload) => {
      const refused = checkSender({ sender: event.sender, senderFrame: event.senderFrame }, this.trustedPage());
      if (refused) refuse(channel, `sender: ${refused}`);
      const r = parseUnknown(schema, payload, `ipc ${channel}`);
      if (!r.ok) refuse(channel, 'bad payload', r.error.issues);
      return handler(r.value);
    });
  }

  /** Idempotent. Removes every handler registered here. */
  dispose(): void {
    for (const c of this.channels) this.ipcMain.removeHandler(c);
    this.channels.clear();
  }
}

/** The trusted page of a window (null while there is none): structural, so this file needs no Electron. */
export function trustedPageOf(win: { isDestroyed(): boolean; webContents: unknown } | null, pageUrl: string): TrustedPage | null {
  if (!win || win.isDestroyed()) return null;
  return { webContents: win.webContents, pageUrl };
}
