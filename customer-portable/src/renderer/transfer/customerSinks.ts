/**
 * Where a file the customer accepted goes, never without the customer choosing: in the
 * Electron shell, main writes it into a folder picked in its dialog (the bridge); in a
 * browser with the File System Access API, into a folder picked here (asked once per
 * session); elsewhere into the browser's storage, then downloaded as the browser downloads.
 */
import type { FileSink } from '@beacon/shared/client/transferTypes';
import { canPickFolder, directorySink, download, pickFolder, privateSink, type DirectoryLike } from '@beacon/shared/browser/fileTransferIo';
import type { CustomerBridge } from '@beacon/shared/ipc';

export class CustomerSinks {
  private folder: DirectoryLike | null = null;

  constructor(private readonly bridge: CustomerBridge | undefined) {}

  /** A sink for an accepted file; null if the customer did not choose a place for it. */
  async open(transferId: string, name: string, size: number): Promise<FileSink | null> {
    const b = this.bridge;
    if (b?.openReceivedFile && b.writeReceivedFile && b.finishReceivedFile && b.abortReceivedFile) {
      const r = await b.openReceivedFile({ transferId, name, size });
      if (!r.ok) return null;
      const { writeReceivedFile, finishReceivedFile, abortReceivedFile } = b;
      return {
        write: (offset, data) => writeReceivedFile({ transferId, offset, data: data as Uint8Array<ArrayBuffer> }),
        finish: () => finishReceivedFile({ transferId }),
        abort: () => abortReceivedFile({ transferId }),
        savedAs: () => ({ label: r.label }),
      };
    }
    if (canPickFolder()) {
      this.folder ??= await pickFolder();
      return this.folder ? directorySink(this.folder, name) : null;
    }
    const sink = await privateSink(name);
    return {
      ...sink,
      finish: async () => {
        await sink.finish();
        const url = sink.savedAs?.().url;
        if (url) download(url, name);
      },
    };
  }
}
