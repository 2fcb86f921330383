/**
 * The file transfers the relay is passing on (capability `file-transfer`): what each one is,
 * found by its ID or by its sender's lane (chunks name only the lane), and the agent's open
 * requests for files. Bytes are never stored: a transfer holds at most the chunks waiting for
 * the receiver's media queue to drain, which the sender's window bounds.
 */
import type { CtlFromRelay, FtPolicy, Role } from '@beacon/shared/protocol';
import { FT_MAX_OPEN_PER_SESSION, FT_WINDOW_BYTES } from '@beacon/shared/protocol';
import { ProtocolError } from '@beacon/shared/errors';

/** Requests for files one session may have open (each answered by the customer's offers). */
export const MAX_OPEN_REQUESTS = 4;
/** Chunks in flight when a link dropped may still arrive past the window; beyond this slack the sender is refused. */
const WINDOW_SLACK_BYTES = 256 * 1024;
/** Transfers open on the whole relay at once. */
export const MAX_RELAY_TRANSFERS = 128;
/** Outcomes (`ft-done`, `ft-failed`) a session keeps to tell again after a resume, newest last. */
export const RECENT_OUTCOMES = 16;

export type TransferPhase = 'offered' | 'moving' | 'ending';

export interface Transfer {
  readonly sessionId: string;
  readonly transferId: string;
  readonly lane: number;
  readonly name: string;
  readonly size: number;
  readonly batchId: string | undefined;
  /** Who sends it. */
  readonly from: Role;
  /** The sender's party (connId survives a resume). */
  readonly senderConnId: string;
  /**
   * The lane the receiver knows it by: the relay's own number (a receiver, an agent with
   * several sessions, hears from several senders who each number their own); chunks are
   * passed on with it.
   */
  readonly outLane: number;
  phase: TransferPhase;
  /** The next offset the relay takes from the sender. */
  expected: number;
  /** What the receiver last acknowledged. */
  acked: number;
  /** Chunks waiting for the receiver's media queue; bytes of them. */
  readonly queue: Uint8Array[];
  queuedBytes: number;
  /** The sender's hash, from `ft-end`. */
  sha256: string | null;
  lastActivity: number;
  readonly startedAt: number;
  /** Chunks dropped because they did not continue the file (in flight across a rewind). */
  strays: number;
  /** The offer as the receiver was told it (told again after a resume while unanswered). */
  offer: CtlFromRelay | null;
  /** The last pause or go-on, as passed on (told again after a resume: the drop may have lost it). */
  pause: { paused: boolean; by: Role } | null;
}

export type NewTransfer = Pick<Transfer, 'sessionId' | 'transferId' | 'lane' | 'name' | 'size' | 'batchId' | 'from' | 'senderConnId'>;

export class Transfers {
  private readonly byId = new Map<string, Transfer>();
  private readonly byLane = new Map<string, Transfer>();
  private readonly requests = new Map<string, Set<string>>();
  /** The policy each live session started with (the organisation's settings then). */
  private readonly policies = new Map<string, FtPolicy>();
  private readonly outcomes = new Map<string, CtlFromRelay[]>();
  private lastOutLane = 0;

  constructor(private readonly now: () => number) {}

  private idKey = (sessionId: string, transferId: string) => `${sessionId}/${transferId}`;
  private laneKey = (connId: string, lane: number) => `${connId}#${lane}`;

  get size(): number {
    return this.byId.size;
  }

  setPolicy(sessionId: string, policy: FtPolicy): void {
    this.policies.set(sessionId, policy);
  }

  policyOf(sessionId: string): FtPolicy | undefined {
    return this.policies.get(sessionId);
  }

  /** Throws `conflict` for an ID or lane in use, `too-many` past the session's or the relay's budget. */
  add(t: NewTransfer): Transfer {
    if (this.byId.has(this.idKey(t.sessionId, t.transferId))) throw new ProtocolError('conflict', 'that transfer ID is already in use');
    if (this.byLane.has(this.laneKey(t.senderConnId, t.lane))) throw new ProtocolError('conflict', 'that lane is already in use; pick another number');
    if (this.ofSession(t.sessionId).length >= FT_MAX_OPEN_PER_SESSION) {
      throw new ProtocolError('too-many', `at most ${FT_MAX_OPEN_PER_SESSION} files at once in a session; offer the next when one finishes`);
    }
    if (this.byId.size >= MAX_RELAY_TRANSFERS) throw new ProtocolError('too-many', 'the relay is passing on too many files; try again shortly');
    const now = this.now();
    this.lastOutLane = this.lastOutLane >= 0xffffffff ? 1 : this.lastOutLane + 1;
    const full: Transfer = { ...t, outLane: this.lastOutLane, phase: 'offered', expected: 0, acked: 0, queue: [], queuedBytes: 0, sha256: null, lastActivity: now, startedAt: now, strays: 0, offer: null, pause: null };
    this.byId.set(this.idKey(t.sessionId, t.transferId), full);
    this.byLane.set(this.laneKey(t.senderConnId, t.lane), full);
    return full;
  }

  /** The transfer, or `not-found`. */
  get(sessionId: string, transferId: string): Transfer {
    const t = this.byId.get(this.idKey(sessionId, transferId));
    if (!t) throw new ProtocolError('not-found', 'no such file transfer in this session');
    return t;
  }

  find(sessionId: string, transferId: string): Transfer | undefined {
    return this.byId.get(this.idKey(sessionId, transferId));
  }

  byChunk(connId: string, lane: number): Transfer | undefined {
    return this.byLane.get(this.laneKey(connId, lane));
  }

  remove(t: Transfer): void {
    this.byId.delete(this.idKey(t.sessionId, t.transferId));
    this.byLane.delete(this.laneKey(t.senderConnId, t.lane));
    t.queue.length = 0;
    t.queuedBytes = 0;
  }

  ofSession(sessionId: string): Transfer[] {
    return [...this.byId.values()].filter((t) => t.sessionId === sessionId);
  }

  /** Transfers with no chunk or answer for `ms`. */
  idle(ms: number): Transfer[] {
    const now = this.now();
    return [...this.byId.values()].filter((t) => now - t.lastActivity > ms);
  }

  /**
   * Whether a chunk of `length` bytes at `offset` continues the file. False for one that does
   * not (in flight across a rewind: dropped quietly); throws `bad-message` for one past the
   * end and `too-large` for a sender past its window.
   */
  admitChunk(t: Transfer, offset: number, length: number): boolean {
    if (offset !== t.expected) {
      t.strays++;
      return false;
    }
    if (offset + length > t.size) throw new ProtocolError('bad-message', `more than the ${t.size} bytes offered`);
    if (offset + length - t.acked > FT_WINDOW_BYTES + WINDOW_SLACK_BYTES) {
      throw new ProtocolError('too-large', `a sender keeps at most ${FT_WINDOW_BYTES} bytes unacknowledged`);
    }
    t.expected += length;
    t.lastActivity = this.now();
    return true;
  }

  openRequest(sessionId: string, requestId: string): void {
    const open = this.requests.get(sessionId) ?? new Set<string>();
    if (open.has(requestId)) throw new ProtocolError('conflict', 'that request ID is already in use');
    if (open.size >= MAX_OPEN_REQUESTS) throw new ProtocolError('too-many', 'wait for the customer to answer the requests already made');
    open.add(requestId);
    this.requests.set(sessionId, open);
  }

  hasRequest(sessionId: string, requestId: string): boolean {
    return this.requests.get(sessionId)?.has(requestId) ?? false;
  }

  closeRequest(sessionId: string, requestId: string): boolean {
    return this.requests.get(sessionId)?.delete(requestId) ?? false;
  }

  /** Keeps how a transfer ended, to tell again after a resume (a side that was away when it was told missed it). */
  keepOutcome(sessionId: string, msg: CtlFromRelay): void {
    const list = this.outcomes.get(sessionId) ?? [];
    list.push(msg);
    if (list.length > RECENT_OUTCOMES) list.shift();
    this.outcomes.set(sessionId, list);
  }

  outcomesOf(sessionId: string): readonly CtlFromRelay[] {
    return this.outcomes.get(sessionId) ?? [];
  }

  /** How this file ended, while the session keeps it. */
  outcomeOf(sessionId: string, transferId: string): CtlFromRelay | undefined {
    return this.outcomesOf(sessionId).find((o) => 'transferId' in o && o.transferId === transferId);
  }

  /** A session ended: its transfers, requests, policy and outcomes go (returns the transfers it had). */
  forgetSession(sessionId: string): Transfer[] {
    const gone = this.ofSession(sessionId);
    for (const t of gone) this.remove(t);
    this.requests.delete(sessionId);
    this.policies.delete(sessionId);
    this.outcomes.delete(sessionId);
    return gone;
  }
}
