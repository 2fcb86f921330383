import { z } from 'zod';
import { RequestId, SessionId } from './core.ts';
import { RelayTicket, SuperviseAction } from './cluster.ts';

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
