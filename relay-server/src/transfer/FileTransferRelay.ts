/**
 * File transfer inside a session (capability `file-transfer`, see
 * shared/src/protocol/fileTransfer.ts): who may send what, passing offers, answers and
 * acknowledgements between the two sides, and the bytes through without storing them.
 *
 * Who may: the agent sends only in a session with control and when the organisation lets
 * agents send; the customer sends only in answer to the agent's `ft-request` (which needs
 * control and the organisation letting agents receive), and chunks flow only after the
 * receiver accepted the offer (the customer's client asks the customer, or chooses the
 * folder the customer picked). Every file that arrives whole with a matching hash, and every
 * one that fails its hash, goes to the audit log and the session's event log.
 *
 * Chunks go to the receiver behind the picture (ChunkPump.ts). After a resume (`back`) the
 * sender is told to go on from the last acknowledged offset (`ft-rewind`).
 */
import { ProtocolError } from '@beacon/shared/errors';
import { decodeChunk, type AccountRole, type CtlFromRelay, type FtCtlToRelay, type FtFailure, type FtPolicy, type Role } from '@beacon/shared/protocol';
import type { AgentParty, CustomerParty, LiveSession } from '../sessions/Session.ts';
import { Transfers, type Transfer } from './Transfers.ts';
import { ChunkPump } from './ChunkPump.ts';
import type { TransferRecords } from './TransferRecords.ts';

type Party = AgentParty | CustomerParty;
type Msg<T extends FtCtlToRelay['type']> = Extract<FtCtlToRelay, { type: T }>;

/** A transfer with no chunk or answer for this long is ended `expired` (longer than any resume grace). */
export const TRANSFER_IDLE_MS = 15 * 60_000;

export class FileTransferRelay {
  readonly transfers: Transfers;
  private readonly pump: ChunkPump;

  constructor(
    private readonly records: TransferRecords,
    /** The organisation's policy now for a session of an agent with this seat role. */
    private readonly policyNow: (role: AccountRole) => FtPolicy,
    private readonly now: () => number,
  ) {
    this.transfers = new Transfers(now);
    this.pump = new ChunkPump();
  }

  /** A session started: it keeps the organisation's policy of now, and the agent is told it. */
  started(s: LiveSession): void {
    const policy = this.policyNow(s.agent.agent.role);
    this.transfers.setPolicy(s.id, policy);
    s.agent.sendCtl({ type: 'ft-policy', sessionId: s.id, policy });
  }

  handle(s: LiveSession, party: Party, msg: FtCtlToRelay): void {
    if (s.state !== 'active') throw new ProtocolError('not-found', 'that session is not running');
    const role: Role = s.agent === party ? 'agent' : 'customer';
    switch (msg.type) {
      case 'ft-offer':
        return this.offer(s, party, role, msg);
      case 'ft-request':
        return this.request(s, role, msg);
      case 'ft-answer':
        return this.answer(s, role, msg);
      case 'ft-ack': {
        // One in flight when the file ended (a cancel it had not heard of yet): dropped quietly.
        if (!this.transfers.find(s.id, msg.transferId) && this.transfers.outcomeOf(s.id, msg.transferId)) return;
        const t = this.receivedBy(s, role, msg.transferId);
        // One from before a rewind (or overtaken by a later one) is stale: dropped quietly.
        if (msg.offset < t.acked || msg.offset > t.expected) return;
        t.acked = msg.offset;
        t.lastActivity = this.now();
        this.sender(s, t).sendCtl(msg);
        return;
      }
      case 'ft-end': {
        const t = this.sentBy(s, role, msg.transferId);
        if (t.phase !== 'moving' || t.acked !== t.size) throw new ProtocolError('bad-message', `ft-end after ${t.acked} of ${t.size} bytes were acknowledged`);
        t.phase = 'ending';
        t.sha256 = msg.sha256;
        this.receiver(s, t).sendCtl(msg);
        return;
      }
      case 'ft-result':
        return this.result(s, role, msg);
      case 'ft-pause': {
        const t = this.transfers.get(s.id, msg.transferId);
        t.pause = { paused: msg.paused, by: role };
        t.lastActivity = this.now();
        // Echoed to its sender too: it then knows the pause arrived (and need not ask again after a resume).
        this.tellBoth(s, { ...msg, by: role }, false);
        return;
      }
      case 'ft-cancel': {
        const t = this.transfers.find(s.id, msg.transferId);
        if (t) return this.fail(s, t, msg.reason, role);
        // Sent again after a resume, and the file ended meanwhile: its outcome is told again.
        if (!this.tellAgain(party, s.id, msg.transferId)) throw new ProtocolError('not-found', 'no such file transfer in this session');
        return;
      }
    }
  }

  private offer(s: LiveSession, party: Party, role: Role, msg: Msg<'ft-offer'>): void {
    if (this.offeredAgain(s, party, msg)) return;
    const policy = this.policyOf(s);
    if (role === 'agent') {
      if (!s.permissions.control) throw new ProtocolError('not-allowed', 'only the agent of a session with control sends files');
      if (!policy.agentMaySend) throw new ProtocolError('forbidden', 'this organisation does not let agents send files');
      if (msg.requestId !== undefined) throw new ProtocolError('bad-message', 'requestId is for the customer’s answers');
    } else if (msg.requestId === undefined || !this.transfers.hasRequest(s.id, msg.requestId)) {
      throw new ProtocolError('forbidden', 'the customer sends files only when the agent asked for them');
    }
    const { transferId, lane, name, size, batchId, requestId } = msg;
    const t = this.transfers.add({ sessionId: s.id, transferId, lane, name, size, batchId, from: role, senderConnId: party.connId });
    const confirm = role === 'agent' && policy.confirm;
    const forwarded: CtlFromRelay = { type: 'ft-offer', sessionId: s.id, from: role, transferId, lane: t.outLane, name, size, confirm };
    if (batchId) forwarded.batchId = batchId;
    if (requestId) forwarded.requestId = requestId;
    t.offer = forwarded;
    if (!this.other(s, role).sendCtl(forwarded)) this.fail(s, t, 'peer-gone');
  }

  /**
   * An offer its sender sent again after a resume (it cannot know whether the drop lost it): a
   * no-op for one the relay has (`back` tells the receiver again), the outcome for one that ended.
   */
  private offeredAgain(s: LiveSession, party: Party, msg: Msg<'ft-offer'>): boolean {
    const t = this.transfers.find(s.id, msg.transferId);
    if (t) return t.senderConnId === party.connId && t.lane === msg.lane; // else a conflict, below
    return this.tellAgain(party, s.id, msg.transferId);
  }

  /** Tells `party` again how a file of the session ended; false when the session keeps no outcome for it. */
  private tellAgain(party: Party, sessionId: string, transferId: string): boolean {
    const out = this.transfers.outcomeOf(sessionId, transferId);
    if (out) party.sendCtl(out);
    return out !== undefined;
  }

  private request(s: LiveSession, role: Role, msg: Msg<'ft-request'>): void {
    if (role !== 'agent') throw new ProtocolError('forbidden', 'only the agent asks for files');
    if (!s.permissions.control) throw new ProtocolError('not-allowed', 'only the agent of a session with control asks for files');
    if (!this.policyOf(s).agentMayReceive) throw new ProtocolError('forbidden', 'this organisation does not let agents receive files');
    this.transfers.openRequest(s.id, msg.requestId);
    s.customer.sendCtl(msg);
  }

  /** The receiver's yes or no to an offer, or the customer's answer to a request (no: declined; yes: no more offers for it). */
  private answer(s: LiveSession, role: Role, msg: Msg<'ft-answer'>): void {
    const t = this.transfers.find(s.id, msg.id);
    if (!t) {
      if (role !== 'customer' || !this.transfers.closeRequest(s.id, msg.id)) throw new ProtocolError('not-found', 'no such file offer or request');
      s.agent.sendCtl(msg);
      return;
    }
    if (t.from === role) throw new ProtocolError('forbidden', 'the receiver answers an offer, not its sender');
    if (t.phase !== 'offered') throw new ProtocolError('conflict', 'that offer was answered already');
    if (!msg.accept) return this.fail(s, t, 'declined', role);
    t.phase = 'moving';
    t.lastActivity = this.now();
    this.sender(s, t).sendCtl(msg);
  }

  private result(s: LiveSession, role: Role, msg: Msg<'ft-result'>): void {
    const t = this.receivedBy(s, role, msg.transferId);
    if (t.phase !== 'ending' || t.sha256 === null) throw new ProtocolError('bad-message', 'ft-result before the sender’s ft-end');
    const ok = msg.ok && msg.sha256 === t.sha256;
    this.transfers.remove(t);
    this.records.finished(s, t, ok ? 'done' : 'hash-mismatch', msg.sha256);
    const out: CtlFromRelay = ok
      ? { type: 'ft-done', sessionId: s.id, transferId: t.transferId, sha256: t.sha256 }
      : { type: 'ft-failed', sessionId: s.id, transferId: t.transferId, reason: 'hash-mismatch' };
    this.tellBoth(s, out);
  }

  /** A binary chunk from `party`: passed on behind the picture, or refused. */
  chunk(party: Party, bytes: Uint8Array, sessionOf: (sessionId: string) => LiveSession | undefined): void {
    const d = decodeChunk(bytes);
    if (!d.ok) throw new ProtocolError('bad-message', d.why);
    const t = this.transfers.byChunk(party.connId, d.header.lane);
    if (!t) throw new ProtocolError('not-found', 'no file transfer of yours has that lane');
    const s = sessionOf(t.sessionId);
    if (!s) return;
    if (t.phase !== 'moving') throw new ProtocolError('forbidden', 'chunks flow only after the receiver accepted the offer');
    if (!this.transfers.admitChunk(t, d.header.offset, d.data.byteLength)) return;
    new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(4, t.outLane);
    this.pump.push(t, bytes, this.receiver(s, t));
  }

  /**
   * One side is back after a drop, and what either side sent while it was away is lost: each
   * sender goes on from what its receiver acknowledged (and sends its hash again if that was
   * lost), an unanswered offer and a hash not yet answered are told again, and so are the
   * outcomes of the last files, and the last pause or go-on (to the side that did not ask for
   * it). Both clients take a message they already had as a no-op.
   */
  back(s: LiveSession): void {
    for (const t of this.transfers.ofSession(s.id)) {
      if (t.phase === 'offered' && t.offer) this.receiver(s, t).sendCtl(t.offer);
      if (t.pause) this.other(s, t.pause.by).sendCtl({ type: 'ft-pause', sessionId: s.id, transferId: t.transferId, ...t.pause });
      if (t.phase === 'ending' && t.sha256) this.receiver(s, t).sendCtl({ type: 'ft-end', sessionId: s.id, transferId: t.transferId, sha256: t.sha256 });
      if (t.phase !== 'moving') continue;
      this.pump.drop(t);
      t.expected = t.acked;
      this.sender(s, t).sendCtl({ type: 'ft-rewind', sessionId: s.id, transferId: t.transferId, offset: t.acked });
    }
    for (const out of this.transfers.outcomesOf(s.id)) this.tellBoth(s, out, false);
  }

  /** One side's link dropped: chunks waiting for it are dropped (they are sent again after the rewind). */
  away(s: LiveSession): void {
    for (const t of this.transfers.ofSession(s.id)) this.pump.drop(t);
  }

  /** The session ended: unfinished transfers are logged as ended with it. */
  ended(s: { id: string } & Pick<LiveSession, 'deviceId' | 'agent'>): void {
    for (const t of this.transfers.forgetSession(s.id)) {
      this.pump.drop(t);
      this.records.finished(s, t, 'peer-gone', null);
    }
  }

  /** Transfers nobody moved for {@link TRANSFER_IDLE_MS} end `expired`. */
  sweep(sessionOf: (sessionId: string) => LiveSession | undefined): void {
    for (const t of this.transfers.idle(TRANSFER_IDLE_MS)) {
      const s = sessionOf(t.sessionId);
      if (s) this.fail(s, t, 'expired');
      else this.transfers.remove(t);
    }
  }

  close(): void {
    this.pump.close();
  }

  /** Ends a transfer without a file, for both sides. */
  private fail(s: LiveSession, t: Transfer, reason: FtFailure, by?: Role): void {
    this.transfers.remove(t);
    this.pump.drop(t);
    this.records.finished(s, t, reason, null, by);
    this.tellBoth(s, { type: 'ft-failed', sessionId: s.id, transferId: t.transferId, reason, ...(by ? { by } : {}) });
  }

  /** How a transfer ended, to both sides; kept (`keep`) to tell again after a resume. */
  private tellBoth(s: LiveSession, out: CtlFromRelay, keep = true): void {
    if (keep) this.transfers.keepOutcome(s.id, out);
    s.agent.sendCtl(out);
    s.customer.sendCtl(out);
  }

  private policyOf(s: LiveSession): FtPolicy {
    return this.transfers.policyOf(s.id) ?? this.policyNow(s.agent.agent.role);
  }

  private other(s: LiveSession, role: Role): Party {
    return role === 'agent' ? s.customer : s.agent;
  }

  private sender(s: LiveSession, t: Transfer): Party {
    return t.from === 'agent' ? s.agent : s.customer;
  }

  private receiver(s: LiveSession, t: Transfer): Party {
    return t.from === 'agent' ? s.customer : s.agent;
  }

  private sentBy(s: LiveSession, role: Role, transferId: string): Transfer {
    const t = this.transfers.get(s.id, transferId);
    if (t.from !== role) throw new ProtocolError('forbidden', 'only the sender of a file does that');
    return t;
  }

  private receivedBy(s: LiveSession, role: Role, transferId: string): Transfer {
    const t = this.transfers.get(s.id, transferId);
    if (t.from === role) throw new ProtocolError('forbidden', 'only the receiver of a file does that');
    return t;
  }
}
