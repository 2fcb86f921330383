/**
 * Copies of live chunk journals off the relay's machine, so a relay that dies (SIGKILL, a lost
 * host) loses at most the last seconds of a recording and any relay can finalise the rest.
 *
 * Why numbered chunk objects and not one multipart upload: a multipart upload is invisible
 * until it is completed, its parts must be 5 MB or more (a still desktop sends a few kB a
 * second, so a part could take minutes to fill), and only the process holding the upload
 * can reliably complete it. A chunk object is readable as soon as its PUT returns. So every
 * JOURNAL_SHIP_INTERVAL_MS the bytes the journal gained are PUT as the next numbered chunk;
 * the chunks concatenated in order are a prefix of the journal, which reads as a journal
 * cut short (ChunkJournalReader stops at the first incomplete record). The finished file
 * itself goes up as a multipart upload once the session is finalised.
 */
import { open } from 'node:fs/promises';
import type { Logger } from '../../platform/logger.ts';

/** How often the journal's new bytes are copied: a relay's death loses at most about this much. */
export const JOURNAL_SHIP_INTERVAL_MS = 2000;
/** With nothing new to copy, a live journal still says it is alive this often. */
export const JOURNAL_HEARTBEAT_MS = 10_000;
/** A journal not copied to for this long belongs to no running relay: any relay may finalise it. */
export const JOURNAL_STALE_MS = 30_000;
/** The most one chunk holds (a store that was down for a while is caught up in several). */
export const MAX_CHUNK_BYTES = 16 * 1024 * 1024;

export interface JournalFollower {
  /** Bytes copied so far. */
  readonly shippedBytes: number;
  /** Copies what the journal holds now (tests, and before a snapshot). */
  flush(): Promise<void>;
  /** Copies the rest and stops; the journal must be closed first. Never throws. */
  close(): Promise<void>;
}

/** Where a copy stands: the number of the chunk that comes next, and the bytes the chunks before it hold. */
export interface ContinuedCopy {
  seq: number;
  bytes: number;
}

export interface JournalStore {
  /**
   * Starts copying the local journal of `sessionId` as it grows (`writtenBytes`: what is on disk);
   * `from`: a journal continued from its copy (the next chunk's number, the bytes the copy holds).
   */
  follow(sessionId: string, localPath: string, writtenBytes: () => number, from?: ContinuedCopy): JournalFollower;
  /** When the session's copy last grew or said it was alive (epoch ms), or null if there is none. */
  lastShippedAt(sessionId: string): Promise<number | null>;
  /** Writes the copied journal into `localPath` (a new file); its size, or null if there is no copy. */
  fetch(sessionId: string, localPath: string): Promise<number | null>;
  /** Like `fetch`, and how many chunks it was made of (a relay that takes a session over continues the copy). */
  fetchChunks(sessionId: string, localPath: string): Promise<ContinuedCopy | null>;
  /** Idempotent: deletes the session's copy. */
  remove(sessionId: string): Promise<void>;
}

/**
 * The bucket's copy of a journal this relay does not have, for recovery: fetched into
 * `localPath`; 'elsewhere' while a relay may still be writing or finalising it (its copy grew
 * or its session ended less than JOURNAL_STALE_MS ago); 'none' if there is no copy.
 */
export async function takeOverCopy(
  journals: JournalStore | null,
  row: { sessionId: string; startedAt: number; endedAt: number | null },
  localPath: string,
  now: number,
  log: Logger,
): Promise<'fetched' | 'elsewhere' | 'none'> {
  if (!journals) return 'none';
  const last = await journals.lastShippedAt(row.sessionId);
  // A live journal's first chunk goes up within seconds of its start.
  if (last === null) return now - row.startedAt < JOURNAL_HEARTBEAT_MS ? 'elsewhere' : 'none';
  if (now - Math.max(last, row.endedAt ?? 0) < JOURNAL_STALE_MS) return 'elsewhere';
  const bytes = await journals.fetch(row.sessionId, localPath);
  if (bytes === null) return 'none';
  log.info('recording journal fetched from the bucket', { sessionId: row.sessionId, bytes });
  return 'fetched';
}

export interface ShipperOptions {
  localPath: string;
  writtenBytes: () => number;
  /** Stores chunk `seq` (0, 1, 2, ...). */
  putChunk: (seq: number, bytes: Uint8Array) => Promise<void>;
  /** Says the journal is alive although nothing new was written. */
  heartbeat: () => Promise<void>;
  /** A failed copy (retried at the next interval); reported once until one succeeds again. */
  onError: (err: unknown) => void;
  now?: () => number;
  intervalMs?: number;
  /** A continued copy: where its chunks stand. */
  from?: ContinuedCopy;
}

/** Attempts at close before the rest is given up on (it stays in the local journal). */
const CLOSE_ATTEMPTS = 3;

/** Copies a growing local file as numbered chunks, one copy at a time, in order. */
export class JournalShipper implements JournalFollower {
  shippedBytes = 0;
  private seq = 0;
  private lastShipAt: number;
  private running: Promise<boolean> | null = null;
  private readonly timer: NodeJS.Timeout;
  private isFailing = false;
  private closing: Promise<void> | null = null;
  private readonly now: () => number;

  constructor(private readonly o: ShipperOptions) {
    this.now = o.now ?? Date.now;
    this.seq = o.from?.seq ?? 0;
    this.shippedBytes = o.from?.bytes ?? 0;
    this.lastShipAt = this.now();
    this.timer = setInterval(() => void this.ship(), o.intervalMs ?? JOURNAL_SHIP_INTERVAL_MS);
    this.timer.unref();
  }

  async flush(): Promise<void> {
    while (this.running) await this.running;
    await this.ship();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.timer);
      for (let i = 0; i < CLOSE_ATTEMPTS && this.shippedBytes < this.o.writtenBytes(); i++) {
        while (this.running) await this.running;
        if (!(await this.ship())) await new Promise((r) => setTimeout(r, 200));
      }
    })();
    return this.closing;
  }

  /** One copy step; false if it failed. Concurrent calls share the step in progress. */
  private ship(): Promise<boolean> {
    this.running ??= this.step().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async step(): Promise<boolean> {
    try {
      const end = Math.min(this.o.writtenBytes(), this.shippedBytes + MAX_CHUNK_BYTES);
      if (end > this.shippedBytes) {
        const bytes = await readRange(this.o.localPath, this.shippedBytes, end);
        await this.o.putChunk(this.seq, bytes);
        this.seq++;
        this.shippedBytes += bytes.byteLength;
        this.lastShipAt = this.now();
      } else if (this.now() - this.lastShipAt >= JOURNAL_HEARTBEAT_MS) {
        await this.o.heartbeat();
        this.lastShipAt = this.now();
      }
      this.isFailing = false;
      return true;
    } catch (err) {
      if (!this.isFailing) this.o.onError(err);
      this.isFailing = true;
      return false;
    }
  }
}

async function readRange(file: string, start: number, end: number): Promise<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(end - start);
    let got = 0;
    while (got < buf.byteLength) {
      const { bytesRead } = await fh.read(buf, got, buf.byteLength - got, start + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}
