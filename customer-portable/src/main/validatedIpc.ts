import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { z } from 'zod';
import { parseUnknown } from '@beacon/shared/parse';
import { isTrustedRendererUrl } from '../common/trustedSender.ts';

/**
 * The only place `ipcMain` is used. Every handler first checks that the call comes from the
 * main frame of our window showing our own page, then parses the payload with its shared
 * schema; a bad sender or payload is logged once and rejected, never acted on.
 */
export class ValidatedIpc {
  private readonly channels = new Set<string>();

  constructor(
    private readonly getWindow: () => BrowserWindow | null,
    private readonly rendererFileUrl: string,
  ) {}

  handle<S extends z.ZodType>(channel: string, schema: S, handler: (payload: z.infer<S>) => unknown): void {
    this.channels.add(channel);
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, payload: unknown) => {
      if (!this.isTrusted(event)) {
        console.warn(`[beacon] refused ${channel} from an untrusted sender (${event.senderFrame?.url ?? 'no frame'})`);
        throw new Error('untrusted sender');
      }
      const r = parseUnknown(schema, payload, `ipc ${channel}`);
      if (!r.ok) {
        console.warn(`[beacon] refused ${channel}: ${r.error.message}`);
        throw new Error(`bad ${channel} payload`);
      }
      return handler(r.value);
    });
  }

  private isTrusted(event: IpcMainInvokeEvent): boolean {
    const win = this.getWindow();
    const frame = event.senderFrame;
    if (!win || win.isDestroyed() || !frame || event.sender !== win.webContents) return false;
    if (frame !== win.webContents.mainFrame) return false;
    return isTrustedRendererUrl(frame.url, this.rendererFileUrl);
  }

  /** Idempotent. */
  dispose(): void {
    for (const channel of this.channels) ipcMain.removeHandler(channel);
    this.channels.clear();
  }
}
