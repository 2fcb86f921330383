/** One file transfer as FileTransferSession keeps it, its panel row, and block-wise reading of its source. Pure TS. */
import type { FtCtlToRelay, FtFailure, Role } from '../protocol.ts';
import { RateMeter, type ReceiveCursor, type SendWindow } from './fileTransfer.ts';
import type { FileSink, FileSource, TransferPhase, TransferRow } from './transferTypes.ts';

/** A source is read this much at a time (one read per block, not per chunk). */
export const READ_BLOCK_BYTES = 1024 * 1024;

export interface Entry {
  readonly transferId: string;
  readonly lane: number;
  readonly name: string;
  readonly size: number;
  readonly direction: 'send' | 'receive';
  readonly batchId: string | undefined;
  phase: TransferPhase;
  bytes: number;
  pausedBy: Role | null;
  failure: FtFailure | null;
  failedBy: Role | null;
  sha256: string | null;
  needsConfirm: boolean;
  savedAs: { label: string; url?: string } | null;
  readonly meter: RateMeter;
  source?: FileSource;
  requestId?: string | undefined;
  outgoing?: SendWindow;
  isReading: boolean;
  block: { offset: number; data: Uint8Array } | null;
  sink?: FileSink;
  cursor?: ReceiveCursor;
  /** The receiver's writes, one after another. */
  writes: Promise<void>;
  /** Receiver: the `ft-result` it sent (sent again if the relay tells the sender's hash again). */
  result: { sha256: string; ok: boolean } | null;
  /** The pause this side asked for that the relay has not echoed yet (asked again after a resume). */
  pauseSent: boolean | null;
  /** The cancel this side sent that no `ft-failed` answered yet (sent again after a resume). */
  cancelSent: FtCancelReason | null;
}

export type FtCancelReason = 'cancelled' | 'write-failed' | 'read-failed';

export function newEntry(o: Pick<Entry, 'transferId' | 'lane' | 'name' | 'size' | 'direction' | 'batchId'> & { now: number }): Entry {
  const meter = new RateMeter();
  meter.add(o.now, 0);
  return {
    transferId: o.transferId,
    lane: o.lane,
    name: o.name,
    size: o.size,
    direction: o.direction,
    batchId: o.batchId,
    phase: 'queued',
    bytes: 0,
    pausedBy: null,
    failure: null,
    failedBy: null,
    sha256: null,
    needsConfirm: false,
    savedAs: null,
    meter,
    isReading: false,
    block: null,
    writes: Promise.resolve(),
    result: null,
    pauseSent: null,
    cancelSent: null,
  };
}

export function entryRow(e: Entry): TransferRow {
  const moving = e.phase === 'moving' && !e.pausedBy;
  return {
    transferId: e.transferId,
    name: e.name,
    size: e.size,
    direction: e.direction,
    batchId: e.batchId,
    phase: e.phase,
    bytes: e.bytes,
    bytesPerSecond: moving ? e.meter.bytesPerSecond() : 0,
    secondsLeft: moving ? e.meter.secondsLeft(e.size - e.bytes) : null,
    pausedBy: e.pausedBy,
    failure: e.failure,
    failedBy: e.failedBy,
    sha256: e.sha256,
    needsConfirm: e.needsConfirm,
    savedAs: e.savedAs,
  };
}

/** `length` bytes at `offset` of the entry's source, from the block read last when it holds them. */
export async function readChunk(e: Entry, offset: number, length: number): Promise<Uint8Array> {
  const source = e.source;
  if (!source) throw new Error('nothing to read');
  let b = e.block;
  if (!b || offset < b.offset || offset + length > b.offset + b.data.byteLength) {
    const data = await source.read(offset, Math.min(READ_BLOCK_BYTES, source.size - offset));
    if (data.byteLength < Math.min(length, source.size - offset)) throw new Error('the file is shorter than it was');
    b = { offset, data };
    e.block = b;
  }
  return b.data.subarray(offset - b.offset, offset - b.offset + length);
}

/** The `ft-offer` a sender sends for an entry (again after a resume when the relay may not have had it). */
export function offerOf(sessionId: string, e: Entry): FtCtlToRelay {
  const { transferId, lane, name, size, batchId, requestId } = e;
  return { type: 'ft-offer', sessionId, transferId, lane, name, size, ...(batchId ? { batchId } : {}), ...(requestId ? { requestId } : {}) };
}

/**
 * After a resume, what this side sent that the drop may have lost and the relay cannot tell
 * again (it never had it): an offer not yet answered, a pause not yet echoed, a cancel not yet
 * answered. The relay takes each of them again as a no-op when it had it.
 */
export function repeatedAfterResume(sessionId: string, entries: Iterable<Entry>): FtCtlToRelay[] {
  const out: FtCtlToRelay[] = [];
  for (const e of entries) {
    const { transferId } = e;
    if (e.cancelSent !== null) {
      out.push({ type: 'ft-cancel', sessionId, transferId, reason: e.cancelSent });
      continue;
    }
    if (e.phase !== 'offered' && e.phase !== 'moving') continue;
    if (e.direction === 'send' && e.phase === 'offered') out.push(offerOf(sessionId, e));
    if (e.pauseSent !== null) out.push({ type: 'ft-pause', sessionId, transferId, paused: e.pauseSent });
  }
  return out;
}
