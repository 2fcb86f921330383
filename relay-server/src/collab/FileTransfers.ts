/**
 * Attachment uploads on their way to disk. Each transfer writes to `<dir>/<session>/<transfer>.part`
 * in order and becomes `<transfer>` only when complete, with as many bytes as offered and, when
 * the offer named one, the same SHA-256; anything that ends it early (too large, out of order,
 * a hash that does not match, cancelled, idle, sender gone) deletes the partial file, so
 * nothing half-written or altered is ever left behind or served.
 */
import { createHash, type Hash } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { COLLAB_LIMITS, type FilePurpose } from '@beacon/shared/collab';
import { ProtocolError } from '@beacon/shared/errors';
import type { Logger } from '../platform/logger.ts';

/** A transfer that makes no progress for this long is aborted (a sender that vanished mid-file). */
export const TRANSFER_IDLE_MS = 30_000;
/**
 * Transfers one party may have open at once in one session (`too-many` past it). Each holds a
 * `.part` file open; a person sends a few files at a time, and the 1 MiB window makes more in
 * parallel no faster.
 */
export const MAX_OPEN_TRANSFERS_PER_PARTY = 4;
/**
 * Transfers open on the whole relay at once (`too-many` past it): each holds a file descriptor,
 * and the relay needs the rest of the usual 1024 for its sockets and database (20,000 offers
 * once used them all, and /healthz and new customers failed).
 */
export const MAX_OPEN_TRANSFERS = 256;
/**
 * Attachment bytes one session may store, finished and offered (`too-large` past it): 20 files
 * at the 10 MiB limit, far more than a support session sends; one customer once stored 330 MB.
 */
export const MAX_SESSION_ATTACHMENT_BYTES = 200 * 1024 * 1024;

export interface TransferMeta {
  sessionId: string;
  transferId: string;
  /** The party that sends it (its connId) and its role. */
  senderConnId: string;
  from: 'customer' | 'agent';
  name: string;
  mime: string;
  size: number;
  purpose: FilePurpose;
  /** The SHA-256 the sender offered (hex), checked on finish; absent from senders before version 3. */
  sha256?: string | undefined;
}

interface Transfer extends TransferMeta {
  partPath: string;
  finalPath: string;
  received: number;
  lastActivity: number;
  /** Writes run one after another, in arrival order. */
  chain: Promise<void>;
  handle: Promise<FileHandle>;
  /** Of the bytes received so far, in order. */
  hash: Hash;
  isDone: boolean;
}

export class FileTransfers {
  private readonly transfers = new Map<string, Transfer>();
  /** Bytes of finished attachments per live session (forgotten when it ends: `forgetSession`). */
  private readonly storedBytes = new Map<string, number>();

  constructor(
    readonly dir: string,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  private key(sessionId: string, transferId: string): string {
    return `${sessionId}/${transferId}`;
  }

  /** Path of a complete stored file, from its `stored_name`. */
  pathOf(storedName: string): string {
    return path.join(this.dir, storedName);
  }

  get activeCount(): number {
    return this.transfers.size;
  }

  /**
   * Throws `too-large` past the size limit or the session's quota, `too-many` past the open
   * transfers allowed, `conflict` for a transfer ID in use.
   */
  begin(meta: TransferMeta): void {
    if (meta.size > COLLAB_LIMITS.maxAttachmentBytes) {
      throw new ProtocolError('too-large', `${meta.size} bytes is over the ${COLLAB_LIMITS.maxAttachmentBytes}-byte attachment limit`);
    }
    const key = this.key(meta.sessionId, meta.transferId);
    if (this.transfers.has(key)) throw new ProtocolError('conflict', 'that transfer ID is already in use');
    this.checkBudgets(meta);
    const sessionDir = path.join(this.dir, meta.sessionId);
    const finalPath = path.join(sessionDir, meta.transferId);
    const partPath = `${finalPath}.part`;
    const handle = mkdir(sessionDir, { recursive: true }).then(() => open(partPath, 'wx'));
    handle.catch(() => undefined); // observed by the first write
    this.transfers.set(key, { ...meta, partPath, finalPath, received: 0, lastActivity: this.now(), chain: Promise.resolve(), handle, hash: createHash('sha256'), isDone: false });
  }

  private checkBudgets(meta: TransferMeta): void {
    const ofSession = [...this.transfers.values()].filter((t) => t.sessionId === meta.sessionId);
    if (ofSession.filter((t) => t.senderConnId === meta.senderConnId).length >= MAX_OPEN_TRANSFERS_PER_PARTY) {
      throw new ProtocolError('too-many', `at most ${MAX_OPEN_TRANSFERS_PER_PARTY} attachments at once; wait for one to finish`);
    }
    if (this.transfers.size >= MAX_OPEN_TRANSFERS) throw new ProtocolError('too-many', 'the relay is receiving too many attachments; try again shortly');
    const offered = ofSession.reduce((sum, t) => sum + t.size, 0);
    if ((this.storedBytes.get(meta.sessionId) ?? 0) + offered + meta.size > MAX_SESSION_ATTACHMENT_BYTES) {
      throw new ProtocolError('too-large', `this session has used its ${MAX_SESSION_ATTACHMENT_BYTES}-byte attachment quota`);
    }
  }

  /** A session ended: its quota is forgotten (its transfers are aborted by their senders' going). */
  forgetSession(sessionId: string): void {
    this.storedBytes.delete(sessionId);
  }

  /** The transfer if `connId` is its sender; `not-found` otherwise. */
  private own(sessionId: string, transferId: string, connId: string): Transfer {
    const t = this.transfers.get(this.key(sessionId, transferId));
    if (!t || t.senderConnId !== connId) throw new ProtocolError('not-found', 'no such transfer in progress');
    return t;
  }

  meta(sessionId: string, transferId: string, connId: string): TransferMeta {
    return this.own(sessionId, transferId, connId);
  }

  /**
   * Appends one chunk; resolves with the bytes stored so far. Rejects (and the caller must
   * `abort`) if the chunk is out of order or would pass the declared size.
   */
  chunk(sessionId: string, transferId: string, connId: string, offset: number, data: Buffer): Promise<number> {
    const t = this.own(sessionId, transferId, connId);
    if (offset !== t.received) throw new ProtocolError('bad-message', `chunk at ${offset}, expected ${t.received}`);
    if (t.received + data.length > t.size) throw new ProtocolError('too-large', `more than the ${t.size} bytes offered`);
    t.received += data.length;
    t.hash.update(data);
    t.lastActivity = this.now();
    const write = t.chain.then(async () => {
      const fh = await t.handle;
      await fh.write(data);
    });
    t.chain = write.catch(() => undefined);
    const storedAfter = t.received;
    return write.then(() => storedAfter);
  }

  /**
   * All bytes arrived: checks their SHA-256 against the offer's, closes and renames the file;
   * resolves with its `stored_name`. Rejects (and the caller must `abort`) on a short file or a
   * hash that does not match.
   */
  async finish(sessionId: string, transferId: string, connId: string): Promise<{ meta: TransferMeta; storedName: string }> {
    const t = this.own(sessionId, transferId, connId);
    if (t.received !== t.size) throw new ProtocolError('bad-message', `file-end after ${t.received} of ${t.size} bytes`);
    const sha256 = t.hash.digest('hex');
    if (t.sha256 !== undefined && sha256 !== t.sha256) throw new ProtocolError('bad-message', `the file's SHA-256 is ${sha256}, the offer said ${t.sha256}`);
    t.isDone = true;
    this.transfers.delete(this.key(sessionId, transferId));
    try {
      await t.chain;
      const fh = await t.handle;
      await fh.close();
      await rename(t.partPath, t.finalPath);
    } catch (err) {
      await this.discard(t);
      throw err;
    }
    this.storedBytes.set(sessionId, (this.storedBytes.get(sessionId) ?? 0) + t.size);
    return { meta: t, storedName: path.relative(this.dir, t.finalPath) };
  }

  /** Ends a transfer and deletes what was written. Idempotent; resolves when the file is gone. */
  async abort(sessionId: string, transferId: string, why: string): Promise<TransferMeta | null> {
    const t = this.transfers.get(this.key(sessionId, transferId));
    if (!t) return null;
    this.transfers.delete(this.key(sessionId, transferId));
    this.log.info('attachment transfer aborted', { sessionId, transferId, why, received: t.received, size: t.size });
    await this.discard(t);
    return t;
  }

  /** Deletes a finished file whose database row could not be written. */
  async removeStored(storedName: string): Promise<void> {
    await rm(this.pathOf(storedName), { force: true });
  }

  /** Transfers sent by this connection, or of this session (to abort when they go away). */
  list(filter: (m: TransferMeta) => boolean): TransferMeta[] {
    return [...this.transfers.values()].filter(filter);
  }

  /** Transfers with no chunk for TRANSFER_IDLE_MS. */
  idle(): TransferMeta[] {
    const now = this.now();
    return [...this.transfers.values()].filter((t) => now - t.lastActivity > TRANSFER_IDLE_MS);
  }

  private async discard(t: Transfer): Promise<void> {
    await t.chain;
    try {
      const fh = await t.handle;
      await fh.close().catch(() => undefined);
    } catch {
      /* never opened */
    }
    await rm(t.partPath, { force: true });
  }
}
