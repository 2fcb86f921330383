/**
 * The service desk's data, as the pure queue (DeskQueue.ts) keeps it: help requests as a
 * union of their states (an offered request has an agent and a deadline, a waiting one has
 * neither), agents at the desk, and the events every change emits (stored in `desk_events`).
 */
import type { AgentDeskState } from '@beacon/shared/api';
import type { DeskRelayToAgent, HelpRequestState } from '@beacon/shared/protocol';
import { ProtocolError, type ErrorCode } from '@beacon/shared/errors';

export type TransferTarget = { kind: 'agent'; agentId: number } | { kind: 'group'; groupId: number };

/** An assigned request being handed on: the first agent keeps it until another accepts. */
export interface PendingTransfer {
  readonly fromAgentId: number;
  readonly to: TransferTarget;
  readonly note: string;
  /** Who started it: the agent, or a supervisor forcing it. */
  readonly actorId: number;
  offeredTo: number | null;
  until: number | null;
  /** Group transfers: agents who declined in the current round. */
  readonly declinedBy: Set<number>;
}

export type RequestState =
  | { kind: 'waiting' }
  | { kind: 'offered'; agentId: number; until: number }
  | { kind: 'assigned'; agentId: number; since: number; transfer: PendingTransfer | null }
  | { kind: 'closed' | 'left' | 'expired' | 'messaged'; at: number; agentId: number | null };

export const OPEN_STATES: ReadonlySet<HelpRequestState> = new Set(['waiting', 'offered', 'assigned']);

export interface NewHelpRequest {
  readonly id: string;
  /** null: the organisation's queue, which every agent serves. */
  readonly groupId: number | null;
  readonly customerName: string;
  readonly phone: string | null;
  readonly description: string;
  readonly deviceId: string;
}

export interface HelpRequest extends NewHelpRequest {
  readonly createdAt: number;
  state: RequestState;
  /** Agents who declined it (or let the offer time out) in the current round; see pickAgent. */
  readonly declinedBy: Set<number>;
  /** The wait estimated when it was created (null: nobody could take it then). */
  estimateMs: number | null;
}

export interface DeskAgent {
  readonly id: number;
  groupIds: readonly number[];
  state: AgentDeskState;
  /** 0 means busy: no offers. */
  limit: number;
  /** Requests assigned now. */
  load: number;
  /** Offers (queue or transfer) waiting for this agent's answer; at most one at a time. */
  offers: number;
  /** Since the last assignment, finish, or becoming available: the longest idle is offered first. */
  idleSince: number;
  isOnline: boolean;
  /** The seat at the other relays' desks (LiveElsewhere.seats); absent or null: on no other relay. */
  elsewhere?: ElsewhereSeat | null;
  /** Its desk's relay answered an offer from here "busy": offered nothing more from here until that relay's seats are taken in again. */
  isBusyElsewhere?: boolean;
}

/**
 * A seat as the other relays of a cluster share it: its requests assigned and offers pending
 * there (summed), and, when it is at a desk there whose console takes requests of other relays
 * (capability `desk-cluster-offers`), that desk's view of it and the relay an offer goes to.
 */
export interface ElsewhereSeat {
  load: number;
  offers: number;
  desk: { relayId: string; state: AgentDeskState; limit: number; idleSince: number; groupIds: readonly number[]; name?: string } | null;
}

export const DESK_EVENT_KINDS = [
  'created',
  'offered',
  'declined',
  'offer-expired',
  'offer-withdrawn',
  'assigned',
  'dispatched',
  'left',
  'expired',
  'messaged',
  'closed',
  'transfer-requested',
  'transfer-offered',
  'transfer-declined',
  'transfer-accepted',
  'transfer-failed',
  'first-response',
  'no-reply-alert',
  'customer-reminder',
] as const;
export type DeskEventKind = (typeof DESK_EVENT_KINDS)[number];

export interface DeskEvent {
  readonly kind: DeskEventKind;
  readonly requestId: string;
  readonly at: number;
  /** The agent the event is about (offered to, assigned to, declined by). */
  readonly agentId: number | null;
  /** Who caused it when that is not the agent (a supervisor's dispatch or forced transfer). */
  readonly actorId: number | null;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** A refused desk operation; its code is what the HTTP or WebSocket boundary answers. */
export class DeskRefusedError extends ProtocolError {
  constructor(code: ErrorCode, message: string) {
    super(code, message);
    this.name = 'DeskRefusedError';
  }
}

export function isMember(agent: DeskAgent, groupId: number | null): boolean {
  return groupId === null || agent.groupIds.includes(groupId);
}

export type WithdrawReason = Extract<DeskRelayToAgent, { type: 'desk-offer-withdrawn' }>['reason'];
/** The desk events that take an offer back from its agent, and why they are told it went. */
export const WITHDRAWN_BY: Partial<Record<DeskEventKind, WithdrawReason>> = {
  assigned: 'accepted',
  declined: 'declined',
  'offer-expired': 'expired',
  'offer-withdrawn': 'withdrawn',
  dispatched: 'dispatched',
  left: 'left',
  expired: 'expired',
  messaged: 'left',
};
const ENDED = ['closed', 'left', 'expired', 'messaged'] as const;
/** The desk events that end a request (its customer is told `help-ended` with that state). */
export const isEnded = (kind: string): kind is (typeof ENDED)[number] => (ENDED as readonly string[]).includes(kind);
