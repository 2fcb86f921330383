/**
 * Clipboard text between an agent and the customer's PC (see shared/protocol/clipboard.ts):
 * the permission checks, the one answer a fetch allows, and the event log (direction and
 * length, never the text). Throws ProtocolError for the caller to answer with.
 */
import { ProtocolError } from '@beacon/shared/errors';
import type { ClipboardCtl } from '@beacon/shared/protocol';
import type { Clock } from '../platform/clock.ts';
import type { EventLog } from '../sessions/EventLog.ts';
import { agentActor, customerActor, type ActiveSession } from '../sessions/Session.ts';

/** How long a customer may take to answer a `clipboard-fetch` (its app reads the clipboard). */
export const CLIPBOARD_FETCH_TIMEOUT_MS = 30_000;

export class ClipboardRelay {
  /** Sessions whose agent asked for the customer's clipboard, and when. */
  private readonly fetches = new Map<string, number>();

  constructor(
    private readonly events: EventLog,
    private readonly now: Clock,
  ) {}

  /** The agent's message (the caller checked the session is theirs and active). */
  fromAgent(s: ActiveSession, msg: ClipboardCtl): void {
    if (!s.permissions.control) throw new ProtocolError('not-allowed', 'the clipboard needs the control permission');
    switch (msg.type) {
      case 'clipboard-send':
        s.customer.sendCtl(msg);
        this.log(s, 'to-customer', msg.text);
        return;
      case 'clipboard-fetch':
        this.fetches.set(s.id, this.now());
        s.customer.sendCtl(msg);
        return;
      case 'clipboard-unavailable':
        throw new ProtocolError('forbidden', 'an agent may not send clipboard-unavailable');
    }
  }

  /** The customer's message: text only in answer to a fetch, so a customer cannot push text at an agent. */
  fromCustomer(s: ActiveSession, msg: ClipboardCtl): void {
    switch (msg.type) {
      case 'clipboard-send':
        if (!this.takeFetch(s.id)) throw new ProtocolError('forbidden', 'the customer sends its clipboard only when the agent asks for it');
        s.agent.sendCtl(msg);
        this.log(s, 'to-agent', msg.text);
        return;
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
  }

  private takeFetch(sessionId: string): boolean {
    const at = this.fetches.get(sessionId);
    this.fetches.delete(sessionId);
    return at !== undefined && this.now() - at <= CLIPBOARD_FETCH_TIMEOUT_MS;
  }

  private log(s: ActiveSession, direction: 'to-customer' | 'to-agent', text: string): void {
    const actor = direction === 'to-customer' ? agentActor(s.agent.agent) : customerActor(s.deviceId);
    void this.events.append({ sessionId: s.id, deviceId: s.deviceId, kind: 'clipboard', actor, detail: { direction, kind: 'text', chars: text.length } });
  }
}
