import { z } from 'zod';
import { AccountId, EpochMs, GroupId } from '../api/common.ts';
import { DeviceId, RequestId } from './core.ts';
import { Name } from './parts.ts';
import { FirstSource } from './camera.ts';

/**
 * The service desk on the wire: a help request's shapes (the HTTP API in api/desk.ts uses
 * them too) and the WebSocket messages of the desk, which join the signalling unions and
 * are exchanged only with a peer that listed the `desk` capability (docs/PROTOCOL.md,
 * "Service desk").
 */

/* ---------- an agent at the desk (the HTTP API re-exports these) ---------- */

/** `available`: takes offers within the limit; `busy`: keeps sessions, gets no offers; `away`: not at the desk. */
export const AGENT_DESK_STATES = ['available', 'busy', 'away'] as const;
export const AgentDeskState = z.enum(AGENT_DESK_STATES);
export type AgentDeskState = z.infer<typeof AgentDeskState>;
/** An agent's own concurrency limit at the desk; 0 means busy. At most the seat's limit. */
export const DeskConcurrencyLimit = z.number().int().min(0).max(50);

/* ---------- a help request ---------- */

/** A help request's ID: random, so a customer holding one cannot guess another's. */
export const HelpRequestId = z.string().regex(/^[A-Za-z0-9_-]{16,32}$/);
export type HelpRequestId = z.infer<typeof HelpRequestId>;

/**
 * Where a request is:
 * - `waiting`: in its queue; `offered`: an agent is being asked to take it (until `offeredUntil`);
 * - `assigned`: an agent has it; `closed`: that agent's session with the customer ended;
 * - `left`: the customer left the queue; `expired`: it ended unanswered (the customer went
 *   silent, or the relay restarted); `messaged`: nobody was available and the customer left a message.
 */
export const HELP_REQUEST_STATES = ['waiting', 'offered', 'assigned', 'closed', 'left', 'expired', 'messaged'] as const;
export const HelpRequestState = z.enum(HELP_REQUEST_STATES);
export type HelpRequestState = z.infer<typeof HelpRequestState>;

/** What a customer gives when asking for help (the customer client sends it; `groupId` from its configuration or link). */
export const HelpRequestBody = z.object({
  customerName: z.string().trim().min(1).max(120),
  phone: z.string().trim().max(40).optional(),
  description: z.string().trim().max(2000),
  groupId: GroupId.nullable(),
});
export type HelpRequestBody = z.infer<typeof HelpRequestBody>;

/** Where a request or running session is transferred to. */
export const DeskTransferTarget = z.discriminatedUnion('kind', [z.object({ kind: z.literal('agent'), agentId: AccountId }), z.object({ kind: z.literal('group'), groupId: GroupId })]);
export type DeskTransferTarget = z.infer<typeof DeskTransferTarget>;

/** A pending transfer of an assigned request to another agent or group. */
export const DeskTransferView = z.object({
  fromAgentId: AccountId,
  to: DeskTransferTarget,
  note: z.string(),
  /** The agent being asked now, and until when. */
  offeredTo: AccountId.nullable(),
  offeredUntil: EpochMs.nullable(),
});
export type DeskTransferView = z.infer<typeof DeskTransferView>;

export const HelpRequestView = HelpRequestBody.extend({
  id: HelpRequestId,
  deviceId: DeviceId,
  createdAt: EpochMs,
  state: HelpRequestState,
  /** The agent it is offered to or assigned to. */
  agentId: AccountId.nullable(),
  offeredUntil: EpochMs.nullable(),
  /** Requests ahead of it in its queue (waiting or offered only). */
  position: z.number().int().nonnegative().nullable(),
  /** Estimated wait from now (waiting only); null when no agent can take it (nobody available). */
  estimatedWaitMs: z.number().int().nonnegative().nullable(),
  transfer: DeskTransferView.nullable(),
});
export type HelpRequestView = z.infer<typeof HelpRequestView>;

/* ---------- WebSocket messages (capability `desk`) ---------- */

const Ref = { helpRequestId: HelpRequestId };
const Text = z.string().trim().min(1).max(2000);

/** A customer's connection, to the relay. */
export const DeskCustomerToRelay = z.discriminatedUnion('type', [
  /** Ask for help from this device; answered with `help-queued` (with `requestId`) or an `error`. */
  z.object({ type: z.literal('help-request'), requestId: RequestId, help: HelpRequestBody }),
  /** Leave the queue (a waiting or offered request). */
  z.object({ type: z.literal('help-cancel'), ...Ref }),
  /** Nobody is available: leave a message for the back-office instead (the request ends `messaged`). */
  z.object({ type: z.literal('help-leave-message'), ...Ref, text: Text }),
  /** The customer is still there (after `help-reminder`): the silence timer starts again. */
  z.object({ type: z.literal('help-still-here'), ...Ref }),
]);
export type DeskCustomerToRelay = z.infer<typeof DeskCustomerToRelay>;

/** The relay, to a waiting customer. */
export const DeskRelayToCustomer = z.discriminatedUnion('type', [
  /** On creation and whenever the place, estimate or availability changes. `position`: requests ahead (0 = next). */
  z.object({
    type: z.literal('help-queued'),
    requestId: RequestId.optional(),
    ...Ref,
    position: z.number().int().nonnegative(),
    estimatedWaitMs: z.number().int().nonnegative().nullable(),
    isNobodyAvailable: z.boolean(),
  }),
  /** An agent took it (the consent request follows), or it was transferred: the name the customer now sees. */
  z.object({ type: z.literal('help-assigned'), ...Ref, agentName: Name }),
  /** The customer has been silent for `customerReminderSec`. */
  z.object({ type: z.literal('help-reminder'), ...Ref }),
  z.object({ type: z.literal('help-ended'), ...Ref, state: HelpRequestState.extract(['closed', 'left', 'expired', 'messaged']) }),
]);
export type DeskRelayToCustomer = z.infer<typeof DeskRelayToCustomer>;

/** An agent's console, to the relay. */
export const DeskAgentToRelay = z.discriminatedUnion('type', [
  /** The agent's own state and limit at the desk (kept across reloads); answered with `desk-status`. */
  z.object({ type: z.literal('agent-availability'), state: AgentDeskState, concurrencyLimit: DeskConcurrencyLimit }),
  /**
   * Take an offered request: the relay opens a pending session on the customer's device as
   * after `connect-request` (`session-pending` with this `requestId`, then the customer's consent).
   */
  z.object({
    type: z.literal('offer-accept'),
    requestId: RequestId,
    ...Ref,
    control: z.boolean(),
    /** Capability `camera-first`: the session starts on the customer's camera (see camera.ts). */
    source: FirstSource.optional(),
  }),
  z.object({ type: z.literal('offer-decline'), ...Ref }),
]);
export type DeskAgentToRelay = z.infer<typeof DeskAgentToRelay>;

/** The relay, to agents' consoles. */
/** A running session offered on (`desk-offer`'s `transfer`): who hands it on, and their note. */
export const TransferOffer = z.object({ fromAgentName: Name, note: z.string() });
export type TransferOffer = z.infer<typeof TransferOffer>;

export const DeskRelayToAgent = z.discriminatedUnion('type', [
  /** After hello and after every `agent-availability`: the agent's desk state as stored. */
  z.object({
    type: z.literal('desk-status'),
    state: AgentDeskState,
    concurrencyLimit: DeskConcurrencyLimit,
    maxConcurrencyLimit: z.number().int().min(1).max(50),
    load: z.number().int().nonnegative(),
  }),
  /** A request (or a transfer, with who hands it on and the note) is offered to this agent until `until`. */
  z.object({
    type: z.literal('desk-offer'),
    request: HelpRequestView,
    until: EpochMs,
    /** How long the agent has to answer, from when this is sent (so a console's countdown does not depend on its clock). */
    forMs: z.number().int().nonnegative(),
    transfer: TransferOffer.nullable(),
    /**
     * Capability `desk-cluster-offers`: a supervisor (this name) dispatched another relay's request
     * to this agent; the console accepts it at once, as a dispatch on the agent's own relay opens
     * the session without asking.
     */
    dispatchedBy: Name.optional(),
  }),
  /** The offer is gone: answered (here or in another window), timed out, the customer left, or the agent left the desk. */
  z.object({ type: z.literal('desk-offer-withdrawn'), ...Ref, reason: z.enum(['accepted', 'declined', 'expired', 'left', 'withdrawn', 'dispatched']) }),
  /** The open requests of the agent's queues (its groups' and the organisation's), oldest first; sent when they change. */
  z.object({ type: z.literal('desk-queue'), requests: z.array(HelpRequestView).max(500) }),
]);
export type DeskRelayToAgent = z.infer<typeof DeskRelayToAgent>;

/* ---------- not live yet (no peer may send or expect it) ---------- */

/** A request was assigned to this agent without an offer (a supervisor's dispatch). */
export const DeskAssigned = z.object({ type: z.literal('desk-assigned'), request: HelpRequestView });
