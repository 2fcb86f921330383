/**
 * One session's file transfers on one side (capability `file-transfer`, see
 * protocol/fileTransfer.ts): files this side sends (offered a few at a time, the rest queued),
 * files it receives (written to a sink it is given on accept), and the rows a panel shows.
 * Pure TS: sources, sinks, the link and the timers are given.
 *
 * Sending: chunks go while the send window (SendWindow) has room, nobody paused, and the media channel's own
 * queue is short (the customer's picture uses the same channel), read a block at a time.
 * Receiving: chunks are written in order and acknowledged once written; at `ft-end` the hash
 * of what was written is compared with the sender's, and only a match finishes the file.
 */
import type { FtCtlFromRelay, FtPolicy, Role } from '../protocol.ts';
import { decodeChunk, encodeChunk } from '../protocol/fileTransfer.ts';
import { Store } from './Store.ts';
import { ReceiveCursor, SendWindow } from './fileTransfer.ts';
import { entryRow, newEntry, offerOf, readChunk, repeatedAfterResume, type Entry } from './transferEntry.ts';
import { realTimers, type FileRequestRow, type FileSink, type FileSource, type TransferLinkPort, type TransferRow, type TransferTimers } from './transferTypes.ts';

/** Files this side has offered and not finished at once (the relay takes 8 per session, both sides together). */
export const MAX_ACTIVE_SENDS = 3;
/** Chunks wait while the media channel holds more than this (the picture goes first). */
export const SEND_LOW_WATER_BYTES = 256 * 1024;
const RETRY_MS = 5;
const ROWS_EVERY_MS = 250;

let lastLane = 0;
/** Lanes are numbered per connection, and an agent's one connection carries all its sessions. */
function nextLane(): number {
  lastLane = lastLane >= 0xffffffff ? 1 : lastLane + 1;
  return lastLane;
}

export interface FileTransferState {
  readonly rows: readonly TransferRow[];
  /** Customer: the agent's open requests for files. */
  readonly requests: readonly FileRequestRow[];
  /** Agent: what this session lets file transfer do (null until the relay said). */
  readonly policy: FtPolicy | null;
  /** Agent: the customer declined a request for files (cleared by the next request). */
  readonly requestDeclined: boolean;
}

export class FileTransferSession {
  readonly store = new Store<FileTransferState>({ rows: [], requests: [], policy: null, requestDeclined: false });
  private readonly entries = new Map<string, Entry>();
  private readonly incomingLanes = new Map<number, Entry>();
  private readonly requests = new Map<string, { queued: number }>();
  private idCounter = 0;
  private rowsTimer: unknown = null;
  private isDisposed = false;

  constructor(
    private readonly sessionId: string,
    private readonly role: Role,
    private readonly link: TransferLinkPort,
    private readonly timers: TransferTimers = realTimers,
    private readonly newId: () => string = () => `ft${Date.now().toString(36)}${(++this.idCounter).toString(36)}${Math.random().toString(36).slice(2, 8)}`,
  ) {}

  /** Queues files to send (a batch when several); the customer names the request they answer. */
  send(sources: readonly FileSource[], requestId?: string): void {
    const batchId = sources.length > 1 ? this.newId() : undefined;
    for (const source of sources) {
      const e = newEntry({ transferId: this.newId(), lane: nextLane(), name: source.name, size: source.size, direction: 'send', batchId, now: this.timers.now() });
      e.source = source;
      e.requestId = requestId;
      this.entries.set(e.transferId, e);
    }
    if (requestId) this.requests.set(requestId, { queued: sources.length });
    this.offerNext();
    this.publish(true);
  }

  /** Agent: asks the customer for files. */
  requestFiles(): void {
    this.link.sendCtl({ type: 'ft-request', sessionId: this.sessionId, requestId: this.newId() });
    this.store.set({ ...this.store.getSnapshot(), requestDeclined: false });
  }

  /** Customer: answers a request without files. */
  declineRequest(requestId: string): void {
    this.link.sendCtl({ type: 'ft-answer', sessionId: this.sessionId, id: requestId, accept: false });
    this.requests.delete(requestId);
    this.publish(true);
  }

  /** Accepts an incoming file into `sink`. */
  accept(transferId: string, sink: FileSink): void {
    const e = this.entries.get(transferId);
    if (!e || e.direction !== 'receive' || e.phase !== 'offered') return void sink.abort();
    e.sink = sink;
    e.cursor = new ReceiveCursor(e.size);
    e.phase = 'moving';
    e.needsConfirm = false;
    this.link.sendCtl({ type: 'ft-answer', sessionId: this.sessionId, id: transferId, accept: true });
    this.publish(true);
  }

  decline(transferId: string): void {
    this.link.sendCtl({ type: 'ft-answer', sessionId: this.sessionId, id: transferId, accept: false });
  }

  pause(transferId: string, paused: boolean): void {
    const e = this.entries.get(transferId);
    if (!e || (e.phase !== 'moving' && e.phase !== 'offered')) return;
    e.pausedBy = paused ? this.role : null;
    e.pauseSent = paused;
    this.link.sendCtl({ type: 'ft-pause', sessionId: this.sessionId, transferId, paused });
    this.pump(e);
    this.publish(true);
  }

  cancel(transferId: string): void {
    const e = this.entries.get(transferId);
    if (!e || e.phase === 'done' || e.phase === 'failed') return;
    if (e.phase === 'queued') {
      this.fail(e, 'cancelled', this.role);
      return;
    }
    e.cancelSent = 'cancelled';
    this.link.sendCtl({ type: 'ft-cancel', sessionId: this.sessionId, transferId, reason: 'cancelled' });
  }

  /** Every file of a batch (or every unfinished file, without one). */
  ids(batchId?: string): string[] {
    return [...this.entries.values()].filter((e) => (batchId === undefined || e.batchId === batchId) && e.phase !== 'done' && e.phase !== 'failed').map((e) => e.transferId);
  }

  /** This side is back on a new link: what it sent that the drop may have lost goes again. */
  resumed(): void {
    if (this.isDisposed) return;
    for (const msg of repeatedAfterResume(this.sessionId, this.entries.values())) this.link.sendCtl(msg);
  }

  handleCtl(msg: FtCtlFromRelay): void {
    if (this.isDisposed || msg.sessionId !== this.sessionId) return;
    switch (msg.type) {
      case 'ft-policy':
        return this.store.set({ ...this.store.getSnapshot(), policy: msg.policy });
      case 'ft-offer':
        return this.offered(msg);
      case 'ft-request':
        this.requests.set(msg.requestId, { queued: 0 });
        return this.publish(true);
      case 'ft-answer':
        return this.answered(msg.id, msg.accept);
      case 'ft-ack':
        return this.acked(msg.transferId, msg.offset);
      case 'ft-end':
        return void this.ended(msg.transferId, msg.sha256);
      case 'ft-pause':
        return this.withEntry(msg.transferId, (e) => {
          // The relay echoes this side's own pause: it arrived (nothing to ask again after a resume).
          if (msg.by === this.role) {
            if (msg.paused === e.pauseSent) e.pauseSent = null;
            return;
          }
          e.pausedBy = msg.paused ? msg.by : null;
          this.pump(e);
        });
      case 'ft-rewind':
        return this.withEntry(msg.transferId, (e) => this.rewound(e, msg.offset));
      case 'ft-done':
        return this.withEntry(msg.transferId, (e) => {
          e.phase = 'done';
          e.sha256 = msg.sha256;
          e.bytes = e.size;
          this.offerNext();
        });
      case 'ft-failed':
        return this.withEntry(msg.transferId, (e) => {
          e.cancelSent = null;
          this.fail(e, msg.reason, msg.by ?? null);
        });
    }
  }

  /** Whether a chunk on this lane is for one of this session's files. */
  hasLane(lane: number): boolean {
    return this.incomingLanes.has(lane);
  }

  /** A binary message from the media channel that is a file chunk. */
  handleChunk(bytes: Uint8Array): void {
    const d = decodeChunk(bytes);
    if (!d.ok) return;
    const e = this.incomingLanes.get(d.header.lane);
    if (!e?.cursor || !e.sink || e.phase !== 'moving') return;
    const fresh = e.cursor.take(d.header.offset, d.data);
    if (fresh) {
      const at = e.cursor.received - fresh.byteLength;
      // Copied: the chunk's buffer is reused by nobody, but a sink may keep what it is given.
      const sink = e.sink;
      e.writes = e.writes.then(() => sink.write(at, fresh.slice()));
    }
    // Also for a resent chunk that brings nothing new: its acknowledgement may be what a drop lost.
    const ack = e.cursor.ackDue();
    if (ack === null) return;
    e.writes
      .then(() => {
        if (e.phase !== 'moving' && e.phase !== 'verifying') return;
        if (ack > e.bytes) {
          e.bytes = ack;
          e.meter.add(this.timers.now(), ack);
        }
        this.link.sendCtl({ type: 'ft-ack', sessionId: this.sessionId, transferId: e.transferId, offset: ack });
        this.publish(ack === e.size);
      })
      .catch(() => this.giveUp(e, 'write-failed'));
  }

  dispose(): void {
    this.isDisposed = true;
    if (this.rowsTimer !== null) this.timers.clearTimeout(this.rowsTimer);
    for (const e of this.entries.values()) if (e.phase === 'moving' || e.phase === 'verifying') void e.sink?.abort().catch(() => undefined);
    this.store.dispose();
  }

  /** An offer; one told again after a resume sends again the yes that may have been lost. */
  private offered(msg: Extract<FtCtlFromRelay, { type: 'ft-offer' }>): void {
    const known = this.entries.get(msg.transferId);
    if (known) {
      if (known.direction === 'receive' && known.phase === 'moving') this.link.sendCtl({ type: 'ft-answer', sessionId: this.sessionId, id: known.transferId, accept: true });
      return;
    }
    const e = newEntry({ transferId: msg.transferId, lane: msg.lane, name: msg.name, size: msg.size, direction: 'receive', batchId: msg.batchId, now: this.timers.now() });
    e.needsConfirm = msg.confirm;
    e.phase = 'offered';
    this.entries.set(e.transferId, e);
    this.incomingLanes.set(e.lane, e);
    this.publish(true);
  }

  /**
   * Sender, after a drop: go on from `offset`. The relay rewinds only a file its receiver
   * accepted, so a sender still waiting for that yes lost it; one waiting for the result lost its
   * `ft-end` (sent again). The rewind may also acknowledge the last bytes (their ack was lost).
   */
  private rewound(e: Entry, offset: number): void {
    if (e.direction !== 'send') return;
    if (e.phase === 'offered') return this.answered(e.transferId, true);
    if (e.phase === 'verifying' && e.outgoing?.isComplete) {
      this.link.sendCtl({ type: 'ft-end', sessionId: this.sessionId, transferId: e.transferId, sha256: e.outgoing.digest() });
      return;
    }
    e.outgoing?.rewind(offset);
    this.afterAck(e);
  }

  private answered(id: string, accept: boolean): void {
    const e = this.entries.get(id);
    if (!e) {
      // The answer to our request for files: only a no is passed on.
      if (!accept) this.store.set({ ...this.store.getSnapshot(), requestDeclined: true });
      return;
    }
    if (!accept || e.direction !== 'send' || e.phase !== 'offered') return;
    e.phase = 'moving';
    e.outgoing = new SendWindow(e.size);
    this.afterAck(e);
    this.publish(true);
  }

  private acked(transferId: string, offset: number): void {
    const e = this.entries.get(transferId);
    if (!e?.outgoing || !e.outgoing.ack(offset)) return;
    e.bytes = offset;
    e.meter.add(this.timers.now(), offset);
    this.afterAck(e);
    this.publish(false);
  }

  /** All acknowledged: the sender's hash goes to the receiver; otherwise more chunks. */
  private afterAck(e: Entry): void {
    if (e.outgoing?.isComplete && e.phase === 'moving') {
      e.phase = 'verifying';
      this.link.sendCtl({ type: 'ft-end', sessionId: this.sessionId, transferId: e.transferId, sha256: e.outgoing.digest() });
      return;
    }
    this.pump(e);
  }

  /** Receiver: every byte is written; the hashes are compared, and only a match finishes the file. */
  private async ended(transferId: string, sha256: string): Promise<void> {
    const e = this.entries.get(transferId);
    if (!e?.cursor || !e.sink) return;
    if (e.phase !== 'moving') {
      // Told again after a resume: the result may be what the drop lost.
      if (e.result) this.link.sendCtl({ type: 'ft-result', sessionId: this.sessionId, transferId, ...e.result });
      return;
    }
    e.phase = 'verifying';
    this.publish(true);
    try {
      await e.writes;
    } catch {
      return this.giveUp(e, 'write-failed');
    }
    const mine = e.cursor.isComplete ? e.cursor.digest() : '0'.repeat(64);
    const ok = mine === sha256;
    if (ok) {
      try {
        await e.sink.finish();
        e.savedAs = e.sink.savedAs?.() ?? null;
      } catch {
        return this.giveUp(e, 'write-failed');
      }
    } else {
      await e.sink.abort().catch(() => undefined);
    }
    e.result = { sha256: mine, ok };
    this.link.sendCtl({ type: 'ft-result', sessionId: this.sessionId, transferId, ...e.result });
  }

  /** This side cannot go on with a file (its disk or its source failed). */
  private giveUp(e: Entry, reason: 'write-failed' | 'read-failed'): void {
    if (e.phase === 'failed') return;
    e.cancelSent = reason;
    this.link.sendCtl({ type: 'ft-cancel', sessionId: this.sessionId, transferId: e.transferId, reason });
    this.fail(e, reason, this.role);
  }

  private fail(e: Entry, reason: Entry['failure'], by: Role | null): void {
    if (e.phase === 'done' || e.phase === 'failed') return;
    e.phase = 'failed';
    e.failure = reason;
    e.failedBy = by;
    void e.sink?.abort().catch(() => undefined);
    this.offerNext();
    this.publish(true);
  }

  private withEntry(transferId: string, fn: (e: Entry) => void): void {
    const e = this.entries.get(transferId);
    if (!e) return;
    fn(e);
    this.publish(true);
  }

  /** Offers queued files while fewer than {@link MAX_ACTIVE_SENDS} are under way; closes requests fully offered. */
  private offerNext(): void {
    const active = () => [...this.entries.values()].filter((e) => e.direction === 'send' && ['offered', 'moving', 'verifying'].includes(e.phase)).length;
    for (const e of this.entries.values()) {
      if (active() >= MAX_ACTIVE_SENDS) break;
      if (e.direction !== 'send' || e.phase !== 'queued') continue;
      e.phase = 'offered';
      const { requestId } = e;
      this.link.sendCtl(offerOf(this.sessionId, e));
      const request = requestId ? this.requests.get(requestId) : undefined;
      if (request && requestId && --request.queued === 0) {
        this.link.sendCtl({ type: 'ft-answer', sessionId: this.sessionId, id: requestId, accept: true });
        this.requests.delete(requestId);
      }
    }
  }

  /** Sends chunks while it may; waits (and retries) while the media channel is busy. */
  private pump(e: Entry): void {
    const w = e.outgoing;
    if (!w || !e.source || e.phase !== 'moving' || e.pausedBy || e.cancelSent || e.isReading || !w.canSend() || this.isDisposed) return;
    if (this.link.bufferedAmount() > SEND_LOW_WATER_BYTES) {
      this.timers.setTimeout(() => this.pump(e), RETRY_MS);
      return;
    }
    const { offset, length } = w.next();
    e.isReading = true;
    readChunk(e, offset, length).then(
      (data) => {
        e.isReading = false;
        if (w.sent !== offset || e.phase !== 'moving') return this.pump(e); // rewound or ended meanwhile
        w.markSent(offset, data);
        this.link.sendChunk(encodeChunk({ lane: e.lane, offset }, data));
        this.pump(e);
      },
      () => {
        e.isReading = false;
        this.giveUp(e, 'read-failed');
      },
    );
  }

  /** Publishes the rows: at once for a change of phase, else at most every {@link ROWS_EVERY_MS}. */
  private publish(now: boolean): void {
    if (this.isDisposed) return;
    if (!now) {
      if (this.rowsTimer === null) this.rowsTimer = this.timers.setTimeout(() => this.publish(true), ROWS_EVERY_MS);
      return;
    }
    if (this.rowsTimer !== null) this.timers.clearTimeout(this.rowsTimer);
    this.rowsTimer = null;
    const rows = [...this.entries.values()].map(entryRow);
    const requests = this.role === 'customer' ? [...this.requests.entries()].filter(([, r]) => r.queued === 0).map(([requestId]) => ({ requestId })) : [];
    this.store.set({ ...this.store.getSnapshot(), rows, requests });
  }
}
