/**
 * The only place `ipcMain` is used: it is handed to the shared ValidatedIpc, which checks the
 * sender (our window's top frame on our page) and parses each payload before its handler runs.
 */
import { ValidatedIpc, type TrustedPage } from '@beacon/shared/client/ValidatedIpc';
import { ipcMain } from 'electron';

export function createValidatedIpc(trustedPage: () => TrustedPage | null): ValidatedIpc {
  return new ValidatedIpc(ipcMain, trustedPage);
}
