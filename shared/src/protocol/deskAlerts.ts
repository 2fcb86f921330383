import { z } from 'zod';
import { AccountId, EpochMs, GroupId } from '../api/common.ts';
import { DeviceId, RequestId, SessionId } from './core.ts';
import { HelpRequestId } from './desk.ts';
import { Name } from './parts.ts';

/**
 * No-reply alerts at the desk (capability `desk-alerts`; docs/PROTOCOL.md, "No-reply alerts"):
 * an agent who has not answered their customer for `agentNoReplySec` raises an alert to the
 * other members of the request's group (every agent at the desk for the organisation's queue),
 * any of whom may take the session over from it. The relay sends these only to a client that
 * listed `desk-alerts`, and refuses them (`forbidden`) from one that did not.
 */

/** Why an alert is gone from the consoles that were shown it. */
export const DESK_ALERT_CLEARED_REASONS = ['answered', 'taken-over', 'ended'] as const;

/** The relay, to agents' consoles. */
export const AlertRelayToAgent = z.discriminatedUnion('type', [
  /** `agentName` has not answered `customerName` since `silentSince`; `alert-take-over` takes the session. */
  z.object({
    type: z.literal('desk-alert'),
    helpRequestId: HelpRequestId,
    kind: z.literal('no-reply'),
    agentId: AccountId,
    agentName: Name,
    customerName: z.string().max(120),
    groupId: GroupId.nullable(),
    /** The running session that serves the request (null while none runs: `alert-take-over` then takes the request). */
    sessionId: SessionId.nullable(),
    silentSince: EpochMs,
    /** The customer's device: a console that takes a request no session serves yet shows its new attempt by it. */
    deviceId: DeviceId.optional(),
  }),
  /** The alert is over: the agent answered, someone took the session, or the request ended. */
  z.object({ type: z.literal('desk-alert-cleared'), helpRequestId: HelpRequestId, reason: z.enum(DESK_ALERT_CLEARED_REASONS) }),
]);
export type AlertRelayToAgent = z.infer<typeof AlertRelayToAgent>;

/** An agent's console, to the relay. */
export const AlertAgentToRelay = z.discriminatedUnion('type', [
  /**
   * Take over the session of an alert this console was sent; `session-started` follows, or an `error` with `requestId`.
   * With no running session, the request is taken: it moves to this agent and `session-pending` with `requestId` follows (the customer is asked again).
   */
  z.object({ type: z.literal('alert-take-over'), requestId: RequestId, helpRequestId: HelpRequestId }),
]);
export type AlertAgentToRelay = z.infer<typeof AlertAgentToRelay>;
