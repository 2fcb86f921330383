/**
 * No-reply timers as a function of state and time, so the relay can run it on a tick and
 * tests can call it with any clock. Who is waiting on whom decides which timer runs:
 *
 * - Waiting in the queue: the customer's last sign of life (the request, or their last chat
 *   message) starts the silence. After `customerReminderSec` they are reminded; after
 *   `customerEndSec` the request ends (`customer-timeout`).
 * - Assigned, and the customer spoke last (or nobody has since the assignment): the agent owes
 *   an answer. After `agentNoReplySec` the agent's group is alerted (`agent-no-reply`); any
 *   member may take the session over.
 * - Assigned, and the agent spoke last: the customer owes an answer; reminder and end as in the
 *   queue, counted from the agent's message. While a remote session is live the customer is
 *   never ended or reminded: the agent is working on their screen, chat silence is normal.
 *
 * Each alert names its `anchor` (the moment the silence started). The caller records the
 * anchors it acted on and passes them back, so an alert fires once per silence and a new
 * message (a new anchor) re-arms it.
 */
import type { DeskSettings } from '@beacon/shared/api';

export interface ConversationTimes {
  phase: 'waiting' | 'assigned';
  createdAt: number;
  /** When the current agent got it (assigned only). */
  assignedAt: number | null;
  lastAgentMessageAt: number | null;
  lastCustomerMessageAt: number | null;
  isRemoteSessionLive: boolean;
  /** Anchors already acted on, per alert kind. */
  handled: Readonly<Partial<Record<NoReplyAlertKind, number>>>;
}

export type NoReplyAlertKind = 'agent-no-reply' | 'customer-reminder' | 'customer-timeout';

export interface NoReplyAlert {
  kind: NoReplyAlertKind;
  /** When the silence began. */
  anchor: number;
  /** When the alert became due. */
  dueAt: number;
}

type Timers = Pick<DeskSettings, 'agentNoReplySec' | 'customerReminderSec' | 'customerEndSec'>;

/** Who owes the next message, and since when. */
export function silence(c: ConversationTimes): { owedBy: 'agent' | 'customer'; since: number } {
  const customerSpoke = c.lastCustomerMessageAt ?? c.createdAt;
  if (c.phase === 'waiting') return { owedBy: 'customer', since: customerSpoke };
  const start = c.assignedAt ?? c.createdAt;
  const agentSpoke = c.lastAgentMessageAt ?? null;
  if (agentSpoke !== null && agentSpoke >= customerSpoke && agentSpoke >= start) return { owedBy: 'customer', since: agentSpoke };
  return { owedBy: 'agent', since: Math.max(start, c.lastCustomerMessageAt ?? start) };
}

/** The alerts due at `now` and not yet handled for the current silence. */
export function dueAlerts(c: ConversationTimes, t: Timers, now: number): NoReplyAlert[] {
  const { owedBy, since } = silence(c);
  const candidates: { kind: NoReplyAlertKind; afterSec: number }[] =
    owedBy === 'agent'
      ? [{ kind: 'agent-no-reply', afterSec: t.agentNoReplySec }]
      : c.phase === 'assigned' && c.isRemoteSessionLive
        ? []
        : [
            { kind: 'customer-reminder', afterSec: t.customerReminderSec },
            { kind: 'customer-timeout', afterSec: t.customerEndSec },
          ];
  const due: NoReplyAlert[] = [];
  for (const { kind, afterSec } of candidates) {
    const dueAt = since + afterSec * 1000;
    if (now >= dueAt && c.handled[kind] !== since) due.push({ kind, anchor: since, dueAt });
  }
  return due;
}

/** When `dueAlerts` will next have something new (for scheduling a tick), or null. */
export function nextAlertAt(c: ConversationTimes, t: Timers): number | null {
  const { owedBy, since } = silence(c);
  if (owedBy === 'agent') return c.handled['agent-no-reply'] === since ? null : since + t.agentNoReplySec * 1000;
  if (c.phase === 'assigned' && c.isRemoteSessionLive) return null;
  if (c.handled['customer-reminder'] !== since) return since + t.customerReminderSec * 1000;
  return c.handled['customer-timeout'] === since ? null : since + t.customerEndSec * 1000;
}
