import { z } from 'zod';
import { RequestId, SessionId } from './core.ts';
import { RelayTicket, SuperviseAction } from './cluster.ts';
import { AccountId } from '../api/common.ts';
import { AgentDeskState, DeskConcurrencyLimit, HelpRequestId, HelpRequestView } from './desk.ts';
import { LiveSessionsShare } from './handover.ts';
import { Name } from './parts.ts';

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
  /**
   * Capability `desk-cluster-offers`. Answers an `offer-accept` (same `requestId`) for a request
   * another relay offered to this seat (its customer waits there): connect to `url` (`<url>/ws`)
   * with `hello.ticket` = `ticket` before `expiresAt` and send the same `offer-accept` there. The
   * ticket is good for that help request only; the session then runs on that connection.
   */
  z.object({
    type: z.literal('offer-redirect'),
    requestId: RequestId,
    helpRequestId: HelpRequestId,
    url: z.string().url().max(2048),
    ticket: RelayTicket,
    expiresAt: z.number().int(),
  }),
]);
export type DeskClusterRelayToAgent = z.infer<typeof DeskClusterRelayToAgent>;

/**
 * What a relay's queue needs to offer its requests to a seat at another relay's desk
 * (capability `desk-cluster-offers`): the seat's desk state and limit, its offers pending there
 * (not counting those other relays made), since when it is idle (epoch ms) and its groups.
 */
export const SharedSeatDesk = z.object({
  state: AgentDeskState,
  limit: DeskConcurrencyLimit,
  offers: z.number().int().min(0).max(1000),
  idleSince: z.number(),
  groupIds: z.array(AccountId).max(1000),
  /** A console of the seat there speaks `desk-cluster-offers`: other relays may offer it their requests. */
  takesOffers: z.boolean(),
  /** The seat's display name (for the agent handing a session on to it: `transfer-status`); absent from older relays. */
  name: Name.optional(),
});
export type SharedSeatDesk = z.infer<typeof SharedSeatDesk>;

/**
 * A seat on one relay: its sessions there (`load`, desk requests assigned there). `isOnline`
 * false: not at that relay's desk, listed for its load or offers only (absent: at the desk, as
 * older relays share). `desk`: from relays that speak `desk-cluster-offers`, while at the desk.
 */
export const SharedDeskAgent = z.object({
  id: AccountId,
  load: z.number().int().min(0).max(1000),
  isOnline: z.boolean().optional(),
  desk: SharedSeatDesk.optional(),
});
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
