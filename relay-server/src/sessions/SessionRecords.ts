/**
 * What the session lifecycle leaves on record: each session's row in the `sessions` table and
 * its timeline in the event log, one method per step SessionManager takes. Writes are issued
 * in order on the serialized connection; only a new request's row is awaited, because a
 * session that is not on record must not run.
 */
import type { EndReason } from '@beacon/shared/errors';
import type { EventLog } from './EventLog.ts';
import { agentActor, customerActor, endedBy, type ActiveSession, type AgentParty, type CustomerParty, type EndedSession, type PendingSession } from './Session.ts';
import type { SessionOutcome, SessionStore } from './SessionStore.ts';

const OUTCOME_BY_REASON: Record<EndReason, SessionOutcome> = {
  'agent-ended': 'completed',
  'customer-stopped': 'customer-stopped',
  'customer-disconnected': 'dropped',
  'agent-disconnected': 'dropped',
  'relay-shutdown': 'dropped',
  'link-failed': 'dropped',
  'network-lost': 'dropped',
};

export class SessionRecords {
  constructor(
    private readonly store: SessionStore,
    private readonly events: EventLog,
  ) {}

  registered(c: CustomerParty): void {
    this.events.append({ sessionId: null, deviceId: c.deviceId, kind: 'registered', actor: customerActor(c.deviceId), detail: { address: c.address } });
  }

  /** A wrong code, a locked device or a limited address (an unknown device leaves nothing to record). */
  refused(agent: AgentParty, deviceId: string, code: string): void {
    this.events.append({ sessionId: null, deviceId, kind: 'connect-refused', actor: agentActor(agent.agent), detail: { code } });
  }

  /** The row, then its first event (back to back, so the row exists first). Resolves once the row is written. */
  requested(s: PendingSession, requestId: string): Promise<void> {
    const inserted = this.store.insert({ id: s.id, deviceId: s.deviceId, agentId: s.agent.agent.id, requestedAt: s.requestedAt, permissions: s.permissions, customerId: s.customerId });
    this.events.append({ sessionId: s.id, deviceId: s.deviceId, kind: 'connect-requested', actor: agentActor(s.agent.agent), detail: { permissions: s.permissions, mode: s.mode, requestId } });
    return inserted;
  }

  started(s: ActiveSession): void {
    this.store.markStarted(s.id, s.startedAt);
  }

  /** The consent on the timeline (after the session's subscribers started, so a recording puts it at 0). */
  consented(s: ActiveSession): void {
    this.events.append({ sessionId: s.id, deviceId: s.deviceId, kind: 'consent-granted', actor: customerActor(s.deviceId), detail: { permissions: s.permissions } });
    if (s.permissions.control) this.events.append({ sessionId: s.id, deviceId: s.deviceId, kind: 'control-started', actor: agentActor(s.agent.agent) });
  }

  ended(s: EndedSession): void {
    const at = { sessionId: s.id, deviceId: s.deviceId };
    switch (s.ending) {
      case 'unrecorded':
        return; // its row could not be written: there is nothing to close
      case 'denied':
        this.events.append({ ...at, kind: 'consent-denied', actor: customerActor(s.deviceId) });
        return this.store.markEnded(s.id, s.endedAt, 'denied', null);
      case 'consent-timeout':
        this.events.append({ ...at, kind: 'consent-timeout', actor: 'relay' });
        return this.store.markEnded(s.id, s.endedAt, 'consent-timeout', null);
      default: {
        const by = endedBy(s.ending);
        const actor = by === 'customer' ? customerActor(s.deviceId) : by === 'agent' ? agentActor(s.agent.agent) : 'relay';
        const wasActive = s.startedAt !== null;
        if (wasActive && s.permissions.control) this.events.append({ ...at, kind: 'control-stopped', actor });
        this.events.append({ ...at, kind: 'disconnected', actor, detail: { reason: s.ending } });
        // A request withdrawn or cut off before consent never ran: it is not "completed".
        this.store.markEnded(s.id, s.endedAt, wasActive ? OUTCOME_BY_REASON[s.ending] : 'dropped', s.ending);
      }
    }
  }
}
