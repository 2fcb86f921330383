/**
 * The clipboard between an agent and the customer's PC (see shared/protocol/clipboard.ts): the
 * permission checks, the one answer a fetch allows, the automatic sync in the directions the
 * organisation allows (capability `clipboard-sync`), images in order and under the cap, and the
 * event log (direction, kind and size; the text only when the organisation keeps keystrokes,
 * an image never). Throws ProtocolError for the caller to answer with.
 */
import { ProtocolError } from '@beacon/shared/errors';
import type { OrgSettings } from '@beacon/shared/api';
import type { ClipboardCtl, ClipboardImage } from '@beacon/shared/protocol';
import type { Clock } from '../platform/clock.ts';
import type { EventLog } from '../sessions/EventLog.ts';
import { agentActor, customerActor, type ActiveSession, type LiveSession } from '../sessions/Session.ts';
import { ClipboardImages, clipboardRulesOf, type ClipboardDirection, type ClipboardRules } from './clipboardPolicy.ts';

/** How long a customer may take to answer a `clipboard-fetch` (its app reads the clipboard). */
export const CLIPBOARD_FETCH_TIMEOUT_MS = 30_000;

export class ClipboardRelay {
  /** Sessions whose agent asked for the customer's clipboard, and when. */
  private readonly fetches = new Map<string, number>();
  /** Each live session's rules, from the organisation's settings when it started. */
  private readonly rules = new Map<string, ClipboardRules>();
  private readonly images = new ClipboardImages();

  constructor(
    private readonly events: EventLog,
    private readonly now: Clock,
    /** The organisation's settings now (null: the defaults). */
    private readonly settings: () => OrgSettings | null = () => null,
  ) {}

  /** A session started: it keeps the organisation's rules of now, and both parties are told them. */
  sessionStarted(s: LiveSession): void {
    this.rules.set(s.id, clipboardRulesOf(this.settings()));
    this.tellPolicy(s, 'agent');
    this.tellPolicy(s, 'customer');
  }

  /** Tells a party (again, after a drop or a reload) the session's rules. */
  tellPolicy(s: LiveSession, who: 'agent' | 'customer'): void {
    const party = who === 'agent' ? s.agent : s.customer;
    party.sendCtl({ type: 'clipboard-policy', sessionId: s.id, ...this.rulesOf(s.id) });
  }

  /** The agent's message (the caller checked the session is theirs and active). */
  fromAgent(s: ActiveSession, msg: ClipboardCtl): void {
    if (!s.permissions.control) throw new ProtocolError('not-allowed', 'the clipboard needs the control permission');
    switch (msg.type) {
      case 'clipboard-send':
        if (msg.auto) this.checkAuto(s, 'to-customer', 'text');
        s.customer.sendCtl(msg);
        this.logText(s, 'to-customer', msg.text, msg.auto);
        return;
      case 'clipboard-image':
        if (msg.auto && !this.images.isContinuing(s.id, 'to-customer', msg)) this.checkAuto(s, 'to-customer', 'image');
        return this.passImage(s, 'to-customer', msg);
      case 'clipboard-fetch':
        this.fetches.set(s.id, this.now());
        s.customer.sendCtl(msg);
        return;
      case 'clipboard-unavailable':
        throw new ProtocolError('forbidden', 'an agent may not send clipboard-unavailable');
    }
  }

  /** The customer's message: only in answer to a fetch, or sent automatically where the organisation allows it. */
  fromCustomer(s: ActiveSession, msg: ClipboardCtl): void {
    switch (msg.type) {
      case 'clipboard-send':
        if (msg.auto) this.checkAuto(s, 'to-agent', 'text');
        else this.checkFetched(s);
        s.agent.sendCtl(msg);
        this.logText(s, 'to-agent', msg.text, msg.auto);
        return;
      case 'clipboard-image':
        if (!this.images.isContinuing(s.id, 'to-agent', msg)) {
          if (msg.auto) this.checkAuto(s, 'to-agent', 'image');
          else this.checkFetched(s);
        }
        return this.passImage(s, 'to-agent', msg);
      case 'clipboard-unavailable':
        if (msg.op === 'read') this.takeFetch(s.id);
        s.agent.sendCtl(msg);
        return;
      case 'clipboard-fetch':
        throw new ProtocolError('forbidden', 'a customer may not send clipboard-fetch');
    }
  }

  sessionEnded(sessionId: string): void {
    this.fetches.delete(sessionId);
    this.rules.delete(sessionId);
    this.images.sessionEnded(sessionId);
  }

  private rulesOf(sessionId: string): ClipboardRules {
    return this.rules.get(sessionId) ?? clipboardRulesOf(this.settings());
  }

  private passImage(s: ActiveSession, direction: ClipboardDirection, msg: ClipboardImage): void {
    const isLast = this.images.take(s.id, direction, msg, this.rulesOf(s.id).maxImageBytes);
    (direction === 'to-customer' ? s.customer : s.agent).sendCtl(msg);
    if (isLast) this.log(s, direction, { kind: 'image', bytes: msg.size, ...(msg.auto ? { auto: true } : {}) });
  }

  /** The automatic sync: only while control is on, and only in a direction the organisation allows (a refusal is logged). */
  private checkAuto(s: ActiveSession, direction: ClipboardDirection, kind: 'text' | 'image'): void {
    const rules = this.rulesOf(s.id);
    const allowed = s.permissions.control && (direction === 'to-customer' ? rules.toCustomer : rules.toAgent);
    if (allowed) return;
    this.log(s, direction, { kind, auto: true, refused: s.permissions.control ? 'policy' : 'no-control' });
    const which = direction === 'to-customer' ? 'from the agent to the customer' : 'from the customer to the agent';
    throw new ProtocolError('forbidden', `this organisation does not sync the clipboard ${which} automatically; copy it on request instead`);
  }

  private checkFetched(s: ActiveSession): void {
    if (!this.takeFetch(s.id)) throw new ProtocolError('forbidden', 'the customer sends its clipboard only when the agent asks for it');
  }

  private takeFetch(sessionId: string): boolean {
    const at = this.fetches.get(sessionId);
    this.fetches.delete(sessionId);
    return at !== undefined && this.now() - at <= CLIPBOARD_FETCH_TIMEOUT_MS;
  }

  /** Text: its length, and the text itself only when the organisation keeps keystrokes. */
  private logText(s: ActiveSession, direction: ClipboardDirection, text: string, auto: boolean | undefined): void {
    const isKept = this.settings()?.recordKeystrokes ?? false;
    this.log(s, direction, { kind: 'text', chars: text.length, ...(auto ? { auto: true } : {}), ...(isKept ? { text } : {}) });
  }

  private log(s: ActiveSession, direction: ClipboardDirection, detail: Record<string, unknown>): void {
    const actor = direction === 'to-customer' ? agentActor(s.agent.agent) : customerActor(s.deviceId);
    void this.events.append({ sessionId: s.id, deviceId: s.deviceId, kind: 'clipboard', actor, detail: { direction, ...detail } });
  }
}
