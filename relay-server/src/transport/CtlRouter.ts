/**
 * One client's `ctl` channel, inbound: each message is parsed, handed to the feature that owns
 * its type (voice, collaboration, or the screen traffic), and a refusal is answered with a ctl
 * `error` that names the message it answers (`re`: its type and, when it has one, its ID), so
 * a client with several requests in flight knows which one failed.
 *
 * Before any of that, each message is held to the party's budget (CtlBudget.ts): over it, the
 * message is dropped (`rate-limited`), and a party that stays over is cut off.
 *
 * Messages are handled in arrival order, in slices (SlicedQueue.ts): a burst that the
 * channel hands over at once never holds the event loop for long.
 */
import { ProtocolError, toWireError } from '@beacon/shared/errors';
import { parseJson, parseUnknown } from '@beacon/shared/parse';
import { CtlToRelay, isCameraCtl, isCollabCtl, isCurtainCtl, isFtCtl, isLinkProbeCtl, isSoundCtl, isVoiceCtl, isVoiceMultiCtl, type ErrorRe } from '@beacon/shared/protocol';
import type { AgentParty, CustomerParty } from '../sessions/Session.ts';
import type { ConnectionContext } from './ClientConnection.ts';
import { CtlBudget, peekAt, type Peek } from './CtlBudget.ts';
import { SlicedQueue } from './SlicedQueue.ts';

/**
 * What may wait for its slice at most, in messages and in characters. An honest sender never
 * gets near: its file transfer keeps at most a 1 MiB window in flight, and everything else is
 * small. A party past either floods faster than the relay can even look at its messages.
 */
export const MAX_WAITING_CTL = 4096;
export const MAX_WAITING_CTL_CHARS = 8 * 1024 * 1024;

const WHERE = 'ctl client->relay';
/** How long a party that is cut off keeps its connection, unheard, so its last errors reach it. */
const CUT_OFF_LINGER_MS = 250;

type Router = Pick<ConnectionContext, 'collab' | 'voice' | 'traffic' | 'log' | 'now' | 'transfer' | 'camera' | 'curtain'>;

/** What a refusal of `msg` names: its type, and the ID the sender gave it, if any. */
export function reOf(msg: CtlToRelay): ErrorRe {
  switch (msg.type) {
    case 'file-offer':
    case 'file-chunk':
    case 'file-end':
    case 'file-cancel':
    case 'ft-offer':
    case 'ft-ack':
    case 'ft-end':
    case 'ft-result':
    case 'ft-pause':
    case 'ft-cancel':
      return { type: msg.type, id: msg.transferId };
    case 'ft-request':
      return { type: msg.type, id: msg.requestId };
    case 'ft-answer':
      return { type: msg.type, id: msg.id };
    case 'screenshot-request':
      return { type: msg.type, id: msg.requestId };
    case 'stroke':
      return { type: msg.type, id: msg.stroke.id };
    case 'stroke-undo':
      return { type: msg.type, id: msg.strokeId };
    default:
      return { type: msg.type };
  }
}

export class CtlRouter {
  private readonly budget: CtlBudget;
  private hasWarned = false;
  private isCutOff = false;
  private readonly inbox = new SlicedQueue<string>(
    (text) => this.handleText(text),
    (text) => text.length,
  );

  constructor(
    private readonly ctx: Router,
    private readonly party: AgentParty | CustomerParty,
    private readonly connId: string,
    /** Counts a `bad-message` against the connection (it is cut off after too many). */
    private readonly onBadMessage: () => void,
    /** Closes the connection of a party that stayed over its budget (called once). */
    private readonly onOverBudget: () => void,
  ) {
    this.budget = new CtlBudget(ctx.now);
  }

  /** One ctl text message from the client, handled now or in its turn (never throws). */
  route(text: string): void {
    if (this.isCutOff) return;
    if (this.inbox.waiting >= MAX_WAITING_CTL || this.inbox.waitingSize >= MAX_WAITING_CTL_CHARS) return this.cutOff('its waiting messages');
    this.inbox.push(text);
  }

  /** The connection closed: what waits is dropped. */
  close(): void {
    this.inbox.close();
  }

  /**
   * Every failure is answered. The budget is checked before the message is validated (see
   * CtlBudget's Peek); one within it is then validated and handled, one over it dropped, and a
   * party that stays over is cut off.
   */
  private handleText(text: string): void {
    if (this.isCutOff) return;
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      // Reported the way every boundary reports text that is not JSON.
      const r = parseJson(CtlToRelay, text, WHERE);
      return r.ok ? undefined : this.refuse(r.error);
    }
    const peek = peekAt(data);
    const admission = this.budget.admit(peek);
    if (admission === 'cut-off') return this.cutOff('its message budget');
    if (admission === 'over') return this.drop(peek, data);
    const r = parseUnknown(CtlToRelay, data, WHERE);
    if (!r.ok) return this.refuse(r.error);
    const msg = r.value;
    this.dispatch(msg).catch((err: unknown) => this.refuse(err instanceof Error ? err : new Error(String(err)), reOf(msg)));
  }

  /**
   * A message over the budget: dropped, one log line per party, and an answer at most once a
   * second (only then is it validated, to name it in `re`).
   */
  private drop(peek: Peek, data: unknown): void {
    if (!this.hasWarned) {
      this.hasWarned = true;
      this.ctx.log.warn('party over its message budget; dropping its messages', { connId: this.connId, type: peek.type.slice(0, 40) });
    }
    if (!this.budget.shouldTell()) return;
    const r = parseUnknown(CtlToRelay, data, WHERE);
    const re = r.ok ? reOf(r.value) : undefined;
    const message = 'too many messages of this kind; slow down';
    this.party.sendCtl(re ? { type: 'error', code: 'rate-limited', message, re } : { type: 'error', code: 'rate-limited', message });
  }

  /**
   * Tells the client its message was refused, logs one line, and counts a bad message. Past
   * its refusal budget (CtlBudget.refused) a party is refused without an answer or a log line,
   * and then cut off.
   */
  refuse(err: Error & { code?: string }, re?: ErrorRe): void {
    if (this.isCutOff) return;
    const { code, message, internal } = toWireError(err);
    const verdict = internal ? 'tell' : this.budget.refused();
    if (verdict === 'cut-off') return this.cutOff('its refusal budget');
    if (verdict === 'tell') {
      if (internal) this.ctx.log.error('ctl handler failed', { connId: this.connId, err });
      else this.ctx.log.warn('ctl message refused', { connId: this.connId, code, re, detail: message.slice(0, 300) });
      this.party.sendCtl(re ? { type: 'error', code, message, re } : { type: 'error', code, message });
    }
    if (code === 'bad-message') this.onBadMessage();
  }

  /**
   * Once: one log line and a last `rate-limited`; nothing more from the party is handled, and its connection closes
   * after CUT_OFF_LINGER_MS, so the errors it was just sent reach it before its channels go.
   */
  private cutOff(over: string): void {
    this.isCutOff = true;
    this.inbox.close();
    // Told why, whichever bound it crossed (one past its waiting messages may never have been told rate-limited).
    this.party.sendCtl({ type: 'error', code: 'rate-limited', message: 'too many messages; this connection is cut off' });
    this.ctx.log.warn(`party stayed over ${over}; cutting it off`, { connId: this.connId, dropped: this.budget.dropped, refused: this.budget.refusals });
    setTimeout(this.onOverBudget, CUT_OFF_LINGER_MS).unref();
  }

  private async dispatch(msg: CtlToRelay): Promise<void> {
    const party = this.party;
    // A link probe is the sender's own business (no session): its last piece is acknowledged to it alone.
    if (isLinkProbeCtl(msg)) {
      if (msg.piece === msg.pieces - 1) party.sendCtl({ type: 'link-probe-ack', sessionId: msg.sessionId, id: msg.id });
      return;
    }
    if (isVoiceCtl(msg)) {
      if (!this.ctx.voice) throw new ProtocolError('forbidden', 'this relay has no voice');
      return this.ctx.voice.handle(party, msg);
    }
    if (isVoiceMultiCtl(msg)) {
      if (!this.ctx.voice) throw new ProtocolError('forbidden', 'this relay has no voice');
      return this.ctx.voice.multi.handle(party, msg);
    }
    if (isSoundCtl(msg)) {
      if (!this.ctx.voice?.sound) throw new ProtocolError('forbidden', 'this relay carries no sound');
      return this.ctx.voice.sound.handle(party, msg);
    }
    if (isCollabCtl(msg)) {
      if (!this.ctx.collab) throw new ProtocolError('forbidden', 'this relay has no chat or whiteboard');
      return this.ctx.collab.handle(party, msg);
    }
    if (isFtCtl(msg)) {
      if (!this.ctx.transfer) throw new ProtocolError('forbidden', 'this relay passes no files');
      return this.ctx.transfer.handle(party, msg);
    }
    if (isCameraCtl(msg)) {
      if (!this.ctx.camera) throw new ProtocolError('forbidden', 'this relay has no video guidance');
      return this.ctx.camera.handle(party, msg);
    }
    if (isCurtainCtl(msg)) {
      if (!this.ctx.curtain) throw new ProtocolError('forbidden', 'this relay has no privacy curtain');
      return this.ctx.curtain.handle(party, msg);
    }
    // No remote input while the picture shows the customer's camera (or nothing).
    if (msg.type === 'input') this.ctx.camera?.checkInput(msg.sessionId);
    if ('agent' in party) this.ctx.traffic.agentCtl(party, msg);
    else this.ctx.traffic.customerCtl(party, msg);
  }
}
