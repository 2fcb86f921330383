/**
 * The agent asked for the files the customer now offers (the relay passes a customer's offer
 * only in answer to a request), so they are accepted at once, into the browser's private
 * storage; the agent saves each one from its row when it is done.
 */
import type { FileTransferSession } from '@beacon/shared/client/FileTransferSession';
import { privateSink } from '@beacon/shared/browser/fileTransferIo';

export function acceptRequestedFiles(files: FileTransferSession): void {
  const taken = new Set<string>();
  files.store.subscribe(() => {
    for (const row of files.store.getSnapshot().rows) {
      if (row.direction !== 'receive' || row.phase !== 'offered' || taken.has(row.transferId)) continue;
      taken.add(row.transferId);
      privateSink(row.name).then(
        (sink) => files.accept(row.transferId, sink),
        (err: unknown) => {
          console.warn('[beacon] no place to store a received file', err);
          files.decline(row.transferId);
        },
      );
    }
  });
}
