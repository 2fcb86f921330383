import { z } from 'zod';
import { AgentDeskState, DeskConcurrencyLimit, DeskTransferView, HelpRequestId, HelpRequestView } from '../protocol.ts';
import { AccountId, EpochMs, GroupId, SeatRef } from './common.ts';
import { StatsQuery } from './history.ts';

/**
 * The service desk's HTTP API: the queue, agents' desk state, desk settings and queue
 * statistics. A help request's own shapes (`HelpRequestView`, `HelpRequestBody`) are in
 * protocol/desk.ts, since the WebSocket carries them too. The relay's rules (assignment, the
 * wait estimate, no-reply alerts) are described in relay-server/src/desk/ and relay-server/API.md.
 */

/* ---------- help requests (their shapes are in protocol/desk.ts) ---------- */

/** One queue (a group's, or `groupId: null` for the organisation's) and whether anyone can answer it. */
export const DeskQueueInfo = z.object({
  groupId: GroupId.nullable(),
  waiting: z.number().int().nonnegative(),
  /** No agent of the group is online, or all are away: the customer is offered to leave a message. */
  isNobodyAvailable: z.boolean(),
});
export type DeskQueueInfo = z.infer<typeof DeskQueueInfo>;

/** `GET /api/desk/queue`: open requests (waiting, offered, assigned) the caller may see, oldest first. */
export const DeskQueueResponse = z.object({ requests: z.array(HelpRequestView), queues: z.array(DeskQueueInfo) });
export type DeskQueueResponse = z.infer<typeof DeskQueueResponse>;

/** A message a customer left when nobody was available (the request ended `messaged`). */
export const DeskMessage = z.object({
  id: HelpRequestId,
  groupId: GroupId.nullable(),
  customerName: z.string(),
  phone: z.string().nullable(),
  description: z.string(),
  text: z.string(),
  createdAt: EpochMs,
  /** When the message was left. */
  at: EpochMs,
});
export type DeskMessage = z.infer<typeof DeskMessage>;
/** `GET /api/desk/messages`: the messages the caller may see (their groups' and the organisation's queue), newest first. */
export const DeskMessagesResponse = z.object({ messages: z.array(DeskMessage) });
export type DeskMessagesResponse = z.infer<typeof DeskMessagesResponse>;

/** `POST /api/desk/requests/:id/dispatch`: a supervisor assigns a waiting request to this agent. */
export const DispatchRequest = z.object({ agentId: AccountId });
export type DispatchRequest = z.infer<typeof DispatchRequest>;

/** `POST /api/desk/requests/:id/transfer`: hand an assigned request to an agent or a group. */
export const TransferRequest = z.object({ to: DeskTransferView.shape.to, note: z.string().trim().max(500).default('') });
export type TransferRequest = z.infer<typeof TransferRequest>;

/* ---------- agents ---------- */

// AgentDeskState and DeskConcurrencyLimit are in protocol/desk.ts (the WebSocket carries them too).
export { AGENT_DESK_STATES, AgentDeskState, DeskConcurrencyLimit } from '../protocol.ts';

export const AgentDeskStatus = z.object({
  seat: SeatRef,
  state: AgentDeskState,
  concurrencyLimit: DeskConcurrencyLimit,
  /** The seat's limit set by an administrator: the desk limit cannot exceed it. */
  maxConcurrencyLimit: z.number().int().min(1).max(50),
  isOnline: z.boolean(),
  /** Requests assigned now. */
  load: z.number().int().nonnegative(),
  /** Since when the agent has been idle (last assignment, finish, or becoming available). */
  idleSince: EpochMs.nullable(),
});
export type AgentDeskStatus = z.infer<typeof AgentDeskStatus>;
export const AgentDeskList = z.object({ agents: z.array(AgentDeskStatus) });
export type AgentDeskList = z.infer<typeof AgentDeskList>;

/** `GET /api/desk/colleagues`: who a running session can be transferred to (other agents at the desk, and the groups). */
export const DeskColleagues = z.object({
  /** `isAtAnotherRelay`: at the desk on another relay of the cluster only: a request may be dispatched and a session transferred to them (offered there), not an invitation to join a session. */
  agents: z.array(z.object({ id: AccountId, displayName: z.string(), state: AgentDeskState, hasRoom: z.boolean(), isAtAnotherRelay: z.boolean().default(false) })),
  groups: z.array(z.object({ id: GroupId, name: z.string() })),
});
export type DeskColleagues = z.infer<typeof DeskColleagues>;

/** `PATCH /api/desk/me`: an agent sets their own state and limit (kept across reloads and restarts). */
export const UpdateAgentDeskRequest = z
  .object({ state: AgentDeskState.optional(), concurrencyLimit: DeskConcurrencyLimit.optional() })
  .refine((r) => r.state !== undefined || r.concurrencyLimit !== undefined, 'change at least one field');
export type UpdateAgentDeskRequest = z.infer<typeof UpdateAgentDeskRequest>;

/* ---------- settings ---------- */

const Seconds = (min: number, max: number) => z.number().int().min(min).max(max);

export const DeskSettings = z.object({
  /** An offer not answered in this many seconds goes to the next agent. */
  offerTimeoutSec: Seconds(5, 600),
  /** An agent who has not answered the customer for this long raises an alert to their group. */
  agentNoReplySec: Seconds(30, 3600),
  /** A silent customer is reminded after this long… */
  customerReminderSec: Seconds(30, 3600),
  /** …and the waiting request or idle chat ends after this long. */
  customerEndSec: Seconds(60, 7200),
  /** How many finished sessions the median handle time is taken over. */
  handleTimeWindow: z.number().int().min(1).max(1000),
  /** The handle time assumed before any session has finished. */
  defaultHandleSec: Seconds(10, 7200),
});
export type DeskSettings = z.infer<typeof DeskSettings>;
export const UpdateDeskSettingsRequest = DeskSettings.partial().refine((r) => Object.values(r).some((v) => v !== undefined), 'change at least one field');
export type UpdateDeskSettingsRequest = z.infer<typeof UpdateDeskSettingsRequest>;

/* ---------- statistics ---------- */

/** Like the session statistics: requests created in [`from`, `to`), hours in `tzOffsetMinutes`. */
export const DeskStatsQuery = StatsQuery;
export type DeskStatsQuery = z.infer<typeof DeskStatsQuery>;

const Count = z.number().int().nonnegative();
const Ms = z.number().int().nonnegative();

/** Handle time (assigned to closed) of the sessions one agent or group finished. */
export const HandleTimeRow = z.object({ sessions: Count, medianHandleMs: Ms.nullable(), totalHandleMs: Ms });

/** At most this many requests are listed with their estimate (the median covers them all). */
export const MAX_ESTIMATE_ROWS = 200;

/** One answered request: the wait it was told when it queued, and the wait it had until an agent took it. */
export const EstimateRow = z.object({
  helpRequestId: z.string(),
  createdAt: EpochMs,
  customerName: z.string(),
  estimateMs: Ms,
  waitMs: Ms,
});
export type EstimateRow = z.infer<typeof EstimateRow>;

export const DeskStatsResponse = z.object({
  from: EpochMs.nullable(),
  to: EpochMs.nullable(),
  /** Requests created in the range. */
  requests: Count,
  /** `hour` is YYYY-MM-DDTHH in the requested time zone; hours without requests are left out. */
  byHour: z.array(z.object({ hour: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}$/), requests: Count })),
  /** Created to assigned, over assigned requests. */
  waitMedianMs: Ms.nullable(),
  waitP90Ms: Ms.nullable(),
  /** The customer left the queue. */
  abandoned: Count,
  expired: Count,
  messaged: Count,
  /** Created to the agent's first chat message. */
  firstResponseMedianMs: Ms.nullable(),
  byAgent: z.array(HandleTimeRow.extend({ seat: SeatRef })),
  /** `groupId` null: the organisation's queue. */
  byGroup: z.array(HandleTimeRow.extend({ groupId: GroupId.nullable(), groupName: z.string().nullable() })),
  transfers: Count,
  noReplyAlerts: Count,
  /** The wait estimated when the request was made against the wait it had (assigned requests). */
  estimate: z.object({
    samples: Count,
    medianAbsErrorMs: Ms.nullable(),
    /** Actual minus estimated, median: above 0, customers waited longer than they were told. */
    medianErrorMs: z.number().int().nullable(),
    /** Per request, newest first, at most MAX_ESTIMATE_ROWS. */
    requests: z.array(EstimateRow).max(MAX_ESTIMATE_ROWS),
  }),
});
export type DeskStatsResponse = z.infer<typeof DeskStatsResponse>;
