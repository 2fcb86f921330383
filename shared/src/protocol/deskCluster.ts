import { z } from 'zod';
import { RequestId, SessionId } from './core.ts';
import { RelayTicket, SuperviseAction } from './cluster.ts';
import { AccountId } from '../api/common.ts';
import { HelpRequestView } from './desk.ts';
import { LiveSessionsShare } from './handover.ts';

/**
 * Supervisors across relays (capability `desk-cluster`; docs/PROTOCOL.md, "Supervisors across
 * relays"): a supervisor's `session-monitor`, `session-join` or `session-take-over` for a
 * session another relay holds is answered with `supervise-redirect`. The console opens a
 * connection to that relay with the ticket (as after `relay-redirect`) and sends the same
 * action there; that relay performs and audits it, and the connection carries the session.
 */

/** Relay -> supervisor's console. */
export const DeskClusterRelayToAgent = z.discriminatedUnion('type', [
  /**
   * Answers a supervisor action (same `requestId`) on a session relay `url` holds: connect there
   * (`<url>/ws`) with `hello.ticket` = `ticket` before `expiresAt` and send `{type: action,
   * requestId, sessionId}` again. The ticket is good for that session only.
   */
  z.object({
    type: z.literal('supervise-redirect'),
    requestId: RequestId,
    sessionId: SessionId,
    action: SuperviseAction,
    url: z.string().url().max(2048),
    ticket: RelayTicket,
    expiresAt: z.number().int(),
  }),
]);
export type DeskClusterRelayToAgent = z.infer<typeof DeskClusterRelayToAgent>;

/** A seat at the desk on one relay: its sessions there (`load`). */
export const SharedDeskAgent = z.object({ id: AccountId, load: z.number().int().min(0).max(1000) });
export type SharedDeskAgent = z.infer<typeof SharedDeskAgent>;

/**
 * Relay -> relay (shared state, channel `desk-live`): one relay's running sessions and, from
 * relays that speak it, its open help requests (as its supervisors see them, with their place
 * and wait estimate) and the seats at the desk on it. An older relay's share has neither list.
 */
export const DeskShare = LiveSessionsShare.extend({
  requests: z.array(HelpRequestView).max(500).optional(),
  agents: z.array(SharedDeskAgent).max(5000).optional(),
});
export type DeskShare = z.infer<typeof DeskShare>;
