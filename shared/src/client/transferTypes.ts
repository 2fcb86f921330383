/**
 * What a client's file transfer works with (capability `file-transfer`): where bytes come
 * from and go to, the link they travel on, and the row a transfer panel shows. Pure TS: the
 * DOM's files, folders and downloads are adapters in shared/src/browser/fileTransferIo.ts, the
 * Electron customer's folder is its main process.
 */
import type { CtlToRelay, FtFailure, Role } from '../protocol.ts';

/** A file to send: its path relative to what was chosen (a folder's files keep their folders). */
export interface FileSource {
  readonly name: string;
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** Where a received file is written. `finish` only after every byte and a matching hash; `abort` deletes what was written. */
export interface FileSink {
  write(offset: number, data: Uint8Array): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
  /** After `finish`, where the file is: a label to show (a path, or "Downloads"), and a URL to save it from, if any. */
  readonly savedAs?: () => { label: string; url?: string };
}

export interface TransferLinkPort {
  sendCtl(msg: CtlToRelay): boolean;
  sendChunk(bytes: Uint8Array): boolean;
  /** Bytes queued on the media channel (the picture's and ours). */
  bufferedAmount(): number;
}

export type TransferPhase = 'queued' | 'offered' | 'moving' | 'verifying' | 'done' | 'failed';

export interface TransferRow {
  readonly transferId: string;
  readonly name: string;
  readonly size: number;
  /** `send`: from this side; `receive`: to it. */
  readonly direction: 'send' | 'receive';
  readonly batchId: string | undefined;
  readonly phase: TransferPhase;
  /** Bytes the receiver holds. */
  readonly bytes: number;
  readonly bytesPerSecond: number;
  readonly secondsLeft: number | null;
  /** Who paused it, if it is paused. */
  readonly pausedBy: Role | null;
  readonly failure: FtFailure | null;
  readonly failedBy: Role | null;
  readonly sha256: string | null;
  /** An incoming offer the customer is asked about (policy `confirm`). */
  readonly needsConfirm: boolean;
  readonly savedAs: { label: string; url?: string } | null;
}

/** A request for files from the agent, as the customer sees it. */
export interface FileRequestRow {
  readonly requestId: string;
}

export interface TransferTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: TransferTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};
