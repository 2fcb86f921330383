/** One file transfer as FileTransferSession keeps it, its panel row, and block-wise reading of its source. Pure TS. */
import type { FtFailure, Role } from '../protocol.ts';
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
}

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
