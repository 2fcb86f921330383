/**
 * The customer's monitors and the agent's choice (see shared/protocol/monitors.ts): the
 * customer's list goes to the session's agent and is kept, so an agent whose ctl channel opens
 * later (a reload, a resumed link) is handed it again; the agent's choice goes to the customer.
 * Throws ProtocolError for the caller to answer with.
 */
import { ProtocolError } from '@beacon/shared/errors';
import type { MonitorCtl } from '@beacon/shared/protocol';
import type { ActiveSession } from '../sessions/Session.ts';

type MonitorList = Extract<MonitorCtl, { type: 'monitor-list' }>;

export class MonitorRelay {
  /** The latest list of each running session. */
  private readonly lists = new Map<string, MonitorList>();

  /** The agent's message (the caller checked the session is theirs, active and has a screen). */
  fromAgent(s: ActiveSession, msg: MonitorCtl): void {
    if (msg.type !== 'monitor-select') throw new ProtocolError('forbidden', `an agent may not send ${msg.type}`);
    const list = this.lists.get(s.id);
    if (list && msg.monitor !== 'all' && !list.monitors.some((m) => m.id === msg.monitor)) {
      throw new ProtocolError('not-found', 'the customer has no such monitor');
    }
    s.customer.sendCtl(msg);
  }

  fromCustomer(s: ActiveSession, msg: MonitorCtl): void {
    if (msg.type !== 'monitor-list') throw new ProtocolError('forbidden', `a customer may not send ${msg.type}`);
    if (msg.shown !== 'all' && !msg.monitors.some((m) => m.id === msg.shown)) throw new ProtocolError('bad-message', 'the shown monitor is not in the list');
    this.lists.set(s.id, msg);
    s.agent.sendCtl(msg);
  }

  /** What to hand an agent whose ctl channel opened while the session runs. */
  listOf(sessionId: string): MonitorList | null {
    return this.lists.get(sessionId) ?? null;
  }

  sessionEnded(sessionId: string): void {
    this.lists.delete(sessionId);
  }
}
