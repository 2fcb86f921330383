/**
 * Chat, attachments, screenshots and whiteboard inside a session (flows in shared/src/collab.ts):
 * who may send what, storing it (SQLite + files on disk + the event log), and passing it to
 * the other party. Throws ProtocolError to refuse; the connection turns that into a ctl
 * `error` reply and one log line, and the session goes on.
 *
 * An attachment is `file-done` only when the relay stored every byte (with the offered hash)
 * and passed every byte on to the receiver: a chunk the receiver's channel refused (closed,
 * full, or a message larger than it takes) ends the transfer `not-delivered` for both.
 *
 * What a session may store, and how many of its writes may wait, is bounded (SessionBudget.ts,
 * and the attachment budgets in FileTransfers.ts).
 */
import { ProtocolError, toWireError, type ErrorCode } from '@beacon/shared/errors';
import type { CollabCtlToRelay, CtlFromRelay } from '@beacon/shared/protocol';
import { fileRef, type CollabStore } from './CollabStore.ts';
import type { EventLog } from '../sessions/EventLog.ts';
import { FileTransfers, type TransferMeta } from './FileTransfers.ts';
import { SessionBudget } from './SessionBudget.ts';
import { fitChunk } from './fitChunk.ts';
import type { Logger } from '../platform/logger.ts';
import { agentActor, customerActor, type AgentParty, type CustomerParty, type LiveSession as Session } from '../sessions/Session.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import type { Participants } from '../sessions/Participants.ts';
import { Emitter } from '@beacon/shared/client/lifecycle';
import type { ChatMessage } from '@beacon/shared/collab';

export type CollabCtl = CollabCtlToRelay;

const IDLE_SWEEP_MS = 5000;
/** Screenshot requests a session may have outstanding (each answered by one upload). */
const MAX_OPEN_SCREENSHOTS = 4;

type Party = AgentParty | CustomerParty;

export class CollabHandler {
  /** Outstanding screenshot request IDs, per session. */
  private readonly screenshots = new Map<string, Set<string>>();
  private readonly budget = new SessionBudget();
  private readonly sweeper: NodeJS.Timeout;
  /** A chat message was stored and passed on (the service desk's no-reply timers and its session's participants listen). */
  readonly chatSent = new Emitter<[sessionId: string, from: 'agent' | 'customer', message: ChatMessage]>();
  /** Agents taking part in sessions besides their own agent (capability `desk-multi`): guests and monitors chat too. */
  private participants: Pick<Participants, 'roleOf'> | null = null;

  constructor(
    private readonly sessions: SessionManager,
    private readonly store: CollabStore,
    readonly files: FileTransfers,
    private readonly events: EventLog,
    private readonly log: Logger,
  ) {
    this.sweeper = setInterval(() => this.sweep(), IDLE_SWEEP_MS);
    this.sweeper.unref();
    sessions.onSessionEvent((e) => {
      if (e.type !== 'ended') return;
      this.screenshots.delete(e.session.id);
      this.budget.forget(e.session.id);
      files.forgetSession(e.session.id);
    });
  }

  useParticipants(p: Pick<Participants, 'roleOf'>): void {
    this.participants = p;
  }

  async handle(party: Party, msg: CollabCtl): Promise<void> {
    // A guest or monitor writes in the chat; everything else in a session stays the owner's.
    if (msg.type === 'chat-send' && 'agent' in party) {
      const taking = this.takingPart(party, msg.sessionId);
      if (taking) return this.participantChat(taking.s, party, taking.role, msg.text);
    }
    const s = this.sessions.owned(party, msg.sessionId);
    const isAgent = s.agent === party;
    const from = isAgent ? 'agent' : 'customer';
    const other = otherOf(s, party);
    switch (msg.type) {
      case 'chat-send':
        return this.chat(s, party, msg.text);
      case 'file-offer':
        return this.offer(s, party, msg);
      case 'file-chunk':
        return this.chunk(s, party, msg);
      case 'file-end':
        return this.finish(s, party, msg.transferId);
      case 'file-cancel':
        this.files.meta(s.id, msg.transferId, party.connId); // only the sender may cancel
        await this.abortTransfer(s, msg.transferId, new ProtocolError('not-found', 'cancelled'), 'cancelled by sender');
        return;
      case 'stroke':
      case 'stroke-undo':
      case 'board-clear': {
        active(s);
        if (msg.board === 'screen' && !(isAgent && s.permissions.control)) {
          throw new ProtocolError('not-allowed', 'only the agent of a session with control draws on the screen');
        }
        other.sendCtl({ ...msg, from });
        this.logStroke(s, from, msg);
        return;
      }
      case 'screenshot-request': {
        active(s);
        if (!isAgent || !s.permissions.control) throw new ProtocolError('not-allowed', 'only the agent of a session with control takes screenshots');
        const open = this.screenshots.get(s.id) ?? new Set<string>();
        if (open.size >= MAX_OPEN_SCREENSHOTS) throw new ProtocolError('rate-limited', 'wait for the screenshots already asked for');
        open.add(msg.requestId);
        this.screenshots.set(s.id, open);
        s.customer.sendCtl(msg);
        return;
      }
    }
  }

  /**
   * The other party gets the message at once; its row (and event) are written in order behind
   * it, and the sender's own copy, its acknowledgement, follows once the row is stored. So a
   * flood in another session, whose writes hold up the one database connection, no longer
   * delays the delivery; a message the sender saw confirmed is never lost.
   */
  private async chat(s: Session, party: Party, text: string): Promise<void> {
    const from = s.agent === party ? 'agent' : 'customer';
    this.budget.chat(s.id);
    const message = await this.store.newChat({ sessionId: s.id, from, senderName: from === 'agent' ? s.agent.agent.displayName : 'customer', text });
    otherOf(s, party).sendCtl({ type: 'chat', sessionId: s.id, message });
    const stored = this.budget.track(s.id, this.store.writeChat(message));
    this.event(s, 'chat', from, { messageId: message.id, from, text: text.slice(0, 500) });
    await stored;
    party.sendCtl({ type: 'chat', sessionId: s.id, message });
    this.chatSent.fire(s.id, from, message);
  }

  /** The running session `agent` takes part in without owning it, and how; null otherwise. */
  private takingPart(agent: AgentParty, sessionId: string): { s: Session; role: 'guest' | 'monitor' } | null {
    const s = this.participants ? this.sessions.get(sessionId) : undefined;
    if (!this.participants || s?.state !== 'active' || s.agent === agent) return null;
    const role = this.participants.roleOf(s, agent);
    return role === 'guest' || role === 'monitor' ? { s, role } : null;
  }

  /**
   * A guest's or monitor's message, under their own name and role: the customer and the owner
   * get it at once; the participants (the sender's acknowledgement among them) once it is
   * stored, through `chatSent` (DeskMulti). On the timeline with who wrote it.
   */
  private async participantChat(s: Session, agent: AgentParty, role: 'guest' | 'monitor', text: string): Promise<void> {
    this.budget.chat(s.id);
    const message: ChatMessage = { ...(await this.store.newChat({ sessionId: s.id, from: 'agent', senderName: agent.agent.displayName, text })), senderRole: role };
    for (const to of [s.customer, s.agent]) to.sendCtl({ type: 'chat', sessionId: s.id, message });
    const stored = this.budget.track(s.id, this.store.writeChat(message));
    this.event(s, 'chat', 'agent', { messageId: message.id, from: 'agent', role, text: text.slice(0, 500) }, agent);
    await stored;
    this.chatSent.fire(s.id, 'agent', message);
  }

  /** An upload starts: a screenshot only in answer to a request; the other side is offered it. */
  private async offer(s: Session, party: Party, msg: Extract<CollabCtl, { type: 'file-offer' }>): Promise<void> {
    const from = s.agent === party ? 'agent' : 'customer';
    if (msg.purpose === 'screenshot') {
      const open = this.screenshots.get(s.id);
      if (from === 'agent' || !open?.delete(msg.transferId)) throw new ProtocolError('forbidden', 'a screenshot is sent only by the customer, in answer to a request');
    }
    const { transferId, name, mime, size, purpose, sha256 } = msg;
    const meta: TransferMeta = { sessionId: s.id, transferId, senderConnId: party.connId, from, name, mime, size, purpose, sha256 };
    try {
      this.files.begin(meta);
    } catch (err) {
      if (err instanceof ProtocolError) party.sendCtl({ type: 'file-abort', sessionId: s.id, transferId: msg.transferId, code: err.code });
      throw err;
    }
    const forwarded = { type: 'file-offer', sessionId: s.id, from, transferId, name, mime, size, purpose, ...(sha256 ? { sha256 } : {}) } as const;
    if (!otherOf(s, party).sendCtl(forwarded)) return this.undelivered(s, transferId);
  }

  /**
   * Passes a chunk on to the receiver, cut to fit its max-message-size. False if any piece
   * could not be sent: the receiver would be missing bytes, so the transfer cannot be done.
   */
  private forwardChunk(receiver: Party, msg: Extract<CollabCtl, { type: 'file-chunk' }>): boolean {
    const pieces = fitChunk(msg, receiver.maxCtlBytes());
    return pieces !== null && pieces.every((piece) => receiver.sendCtl(piece));
  }

  /** The receiver could not be sent part of a transfer: it ends for both, never as `file-done`. */
  private async undelivered(s: Session, transferId: string): Promise<void> {
    this.log.warn('attachment not delivered to the other party', { sessionId: s.id, transferId });
    await this.abortTransfer(s, transferId, new ProtocolError('not-delivered', 'the other party could not be sent the file'));
  }

  /** One chunk: passed on at once, stored, and the sender told how much is stored. */
  private async chunk(s: Session, party: Party, msg: Extract<CollabCtl, { type: 'file-chunk' }>): Promise<void> {
    const data = Buffer.from(msg.data, 'base64');
    let stored: Promise<number>;
    let size: number;
    try {
      size = this.files.meta(s.id, msg.transferId, party.connId).size;
      stored = this.files.chunk(s.id, msg.transferId, party.connId, msg.offset, data);
    } catch (err) {
      await this.abortTransfer(s, msg.transferId, err);
      throw err;
    }
    if (!this.forwardChunk(otherOf(s, party), msg)) {
      // Before any await: a file-end right behind this chunk must find the transfer gone.
      stored.catch(() => undefined);
      return this.undelivered(s, msg.transferId);
    }
    let received: number;
    try {
      received = await stored;
    } catch (err) {
      this.log.error('attachment write failed', { err, sessionId: s.id });
      await this.abortTransfer(s, msg.transferId, new ProtocolError('internal', 'the relay could not store the file'));
      throw new ProtocolError('internal', 'the relay could not store the file');
    }
    // Chunks are not awaited one by one (ctl messages are handled as they come), so the
    // transfer may already be finished here; the size was read before.
    party.sendCtl({ type: 'file-progress', sessionId: s.id, transferId: msg.transferId, received, size });
  }

  /** A connection closed: its uploads are aborted and their partial files deleted. */
  connectionClosed(connId: string): void {
    for (const m of this.files.list((t) => t.senderConnId === connId)) {
      void this.files.abort(m.sessionId, m.transferId, 'sender disconnected');
    }
  }

  /** Idempotent: stops the sweeper and deletes every partial file. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all(this.files.list(() => true).map((m) => this.files.abort(m.sessionId, m.transferId, 'relay closing')));
  }

  private async finish(s: Session, party: Party, transferId: string): Promise<void> {
    let done;
    try {
      done = await this.files.finish(s.id, transferId, party.connId);
    } catch (err) {
      await this.abortTransfer(s, transferId, err);
      throw err;
    }
    const { meta, storedName } = done;
    let file;
    try {
      file = await this.store.addFile({
        session_id: s.id,
        sender_role: meta.from,
        purpose: meta.purpose,
        transfer_id: meta.transferId,
        name: meta.name,
        mime: meta.mime,
        size: meta.size,
        stored_name: storedName,
      });
    } catch (err) {
      await this.files.removeStored(storedName);
      this.toBoth(s, { type: 'file-abort', sessionId: s.id, transferId, code: 'internal' });
      throw err;
    }
    this.event(s, meta.purpose === 'screenshot' ? 'screenshot' : 'file', meta.from, { fileId: file.id, name: meta.name, mime: meta.mime, size: meta.size });
    this.toBoth(s, { type: 'file-done', sessionId: s.id, file: fileRef(file) });
    if (meta.purpose === 'chat') {
      const senderName = meta.from === 'agent' ? s.agent.agent.displayName : 'customer';
      const message = await this.store.addChat({ sessionId: s.id, from: meta.from, senderName, text: '', file });
      this.event(s, 'chat', meta.from, { messageId: message.id, from: meta.from, fileId: file.id });
      this.toBoth(s, { type: 'chat', sessionId: s.id, message });
    }
  }

  private async abortTransfer(s: Session, transferId: string, err: unknown, why?: string): Promise<void> {
    const { code } = toWireError(err);
    const meta = await this.files.abort(s.id, transferId, why ?? (err instanceof Error ? err.message : String(err)));
    if (meta) this.toBoth(s, { type: 'file-abort', sessionId: s.id, transferId, code });
  }

  private sweep(): void {
    for (const m of this.files.idle()) {
      const s = this.sessions.get(m.sessionId);
      void this.files.abort(m.sessionId, m.transferId, 'idle').then(() => {
        if (s) this.toBoth(s, { type: 'file-abort', sessionId: s.id, transferId: m.transferId, code: 'not-found' });
      });
    }
  }

  private toBoth(s: Session, msg: CtlFromRelay): void {
    s.agent.sendCtl(msg);
    s.customer.sendCtl(msg);
  }

  /** `by`: the agent who did it (the session's own unless a participant). */
  private event(s: Session, kind: 'chat' | 'stroke' | 'screenshot' | 'file', from: 'agent' | 'customer', detail: Record<string, unknown>, by: AgentParty = s.agent): void {
    const actor = from === 'agent' ? agentActor(by.agent) : customerActor(s.deviceId);
    void this.budget.track(s.id, this.events.append({ sessionId: s.id, deviceId: s.deviceId, kind, actor, detail }));
  }

  /** A whiteboard action goes into the event log while the session's budget allows (see SessionBudget). */
  private logStroke(s: Session, from: 'agent' | 'customer', msg: Extract<CollabCtl, { type: 'stroke' | 'stroke-undo' | 'board-clear' }>): void {
    const verdict = this.budget.stroke(s.id);
    if (verdict === 'first-skip') this.log.warn('whiteboard actions of this session are no longer logged (over its budget)', { sessionId: s.id });
    if (verdict !== 'log') return;
    const detail = msg.type === 'stroke' ? { action: 'draw', stroke: msg.stroke } : msg.type === 'stroke-undo' ? { action: 'undo', strokeId: msg.strokeId } : { action: 'clear' };
    this.event(s, 'stroke', from, { board: msg.board, ...detail });
  }
}

function otherOf(s: Session, party: Party): Party {
  return s.agent === party ? s.customer : s.agent;
}

function active(s: Session): void {
  if (s.state !== 'active') throw new ProtocolError('not-found', 'that session is not running');
}

