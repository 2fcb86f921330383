/**
 * Main's half of file transfer (issue 13): files the customer accepted are written by the
 * FileSaver (src/node) into a folder the customer picks in a dialog, asked on the first file
 * (and again after a cancelled dialog). Only during a session. Thin: the writing is FileSaver's.
 */
import { dialog } from 'electron';
import { z } from 'zod';
import { ReceivedFileOpen, ReceivedFileWrite } from '@beacon/shared/ipc';
import { TransferId } from '@beacon/shared/collab';
import { CUSTOMER_IPC } from '@beacon/shared/ipcChannels';
import type { ValidatedIpc } from '@beacon/shared/client/ValidatedIpc';
import { FileSaver } from '../node/FileSaver.ts';

export function registerReceivedFiles(ipc: ValidatedIpc, isInSession: () => boolean): void {
  let saver: FileSaver | null = null;
  ipc.handle(CUSTOMER_IPC.openReceivedFile, ReceivedFileOpen, async (req) => {
    if (!isInSession()) return { ok: false as const };
    if (!saver) {
      const r = await dialog.showOpenDialog({ properties: ['openDirectory', 'createDirectory'] });
      const folder = r.canceled ? undefined : r.filePaths[0];
      if (!folder) return { ok: false as const };
      saver = new FileSaver(folder);
    }
    return { ok: true as const, label: await saver.open(req.transferId, req.name, req.size) };
  });
  ipc.handle(CUSTOMER_IPC.writeReceivedFile, ReceivedFileWrite, (req) => saver?.write(req.transferId, req.offset, req.data));
  ipc.handle(CUSTOMER_IPC.finishReceivedFile, z.object({ transferId: TransferId }), (req) => saver?.finish(req.transferId));
  ipc.handle(CUSTOMER_IPC.abortReceivedFile, z.object({ transferId: TransferId }), (req) => saver?.abort(req.transferId));
}
