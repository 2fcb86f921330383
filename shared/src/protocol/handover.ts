import { z } from 'zod';
import { AccountId, EpochMs } from '../api/common.ts';
import { DeviceId, RequestId, SessionId } from './core.ts';
import { DeskTransferView, HelpRequestId } from './desk.ts';
import { Name } from './parts.ts';

/**
 * A running desk session changing hands (capability `desk-live`; docs/PROTOCOL.md, "Desk
 * sessions"): an agent transfers it to another agent or a group with a note, a supervisor
 * monitors it, takes it over or forces it on to someone else, and dispatches waiting
 * requests. The relay sends these only to a client that listed `desk-live`, and refuses them
 * (`forbidden`) from one that did not. The session itself (its ID, stream, recording, chat,
 * the customer's consent) goes on; only its agent changes.
 */

const Note = z.string().trim().max(500);

/** An agent's console, to the relay. */
export const HandoverAgentToRelay = z.discriminatedUnion('type', [
  /**
   * Hand a running desk session to another agent or a group. Answered with `transfer-status`
   * (`asking`) or an `error` with this `requestId`; the session stays with the agent until
   * someone accepts.
   */
  z.object({ type: z.literal('session-transfer'), requestId: RequestId, sessionId: SessionId, to: DeskTransferView.shape.to, note: Note }),
  /** Take a transfer offered with `desk-offer` (its `transfer` set): the session's `session-started` follows. */
  z.object({ type: z.literal('transfer-accept'), requestId: RequestId, helpRequestId: HelpRequestId }),
  z.object({ type: z.literal('transfer-decline'), helpRequestId: HelpRequestId }),
  /** Supervisors: take a running session over at once (its agent's tab ends); `session-started` follows. */
  z.object({ type: z.literal('session-take-over'), requestId: RequestId, sessionId: SessionId }),
  /** Supervisors: transfer someone's running desk session to this agent (offered as an agent's transfer is). */
  z.object({ type: z.literal('session-force-transfer'), requestId: RequestId, sessionId: SessionId, agentId: AccountId, note: Note }),
  /** Supervisors: give a waiting request to this agent without an offer; their console opens the session (the customer still consents). */
  z.object({ type: z.literal('request-dispatch'), requestId: RequestId, helpRequestId: HelpRequestId, agentId: AccountId }),
]);
export type HandoverAgentToRelay = z.infer<typeof HandoverAgentToRelay>;

/** A running session as a supervisor's live list shows it. */
export const LiveDeskSession = z.object({
  sessionId: SessionId,
  deviceId: DeviceId,
  /** The help request it serves (null: a session opened with an ID and code). */
  helpRequestId: HelpRequestId.nullable(),
  customerName: z.string().max(120).nullable(),
  agentId: AccountId,
  agentName: Name,
  startedAt: EpochMs,
});
export type LiveDeskSession = z.infer<typeof LiveDeskSession>;

/** Relay -> relay (shared state, channel `desk-live`): one relay's running sessions, for every relay's supervisors. */
export const LiveSessionsShare = z.object({ from: z.string().min(1).max(64), sessions: z.array(LiveDeskSession).max(500) });
export type LiveSessionsShare = z.infer<typeof LiveSessionsShare>;

/** The relay, to agents' consoles. */
export const HandoverRelayToAgent = z.discriminatedUnion('type', [
  /**
   * To the session's agent, on a transfer it asked for: `asking` (the agent named, or null for a
   * group while nobody is asked), `declined` or `nobody-available` (the session stays).
   */
  z.object({
    type: z.literal('transfer-status'),
    requestId: RequestId.optional(),
    sessionId: SessionId,
    state: z.enum(['asking', 'declined', 'nobody-available']),
    agentName: Name.nullable(),
  }),
  /** To the agent who had it: the session is another agent's now (transfer or take-over); its tab ends here. */
  z.object({ type: z.literal('session-handed-over'), sessionId: SessionId, agentName: Name, how: z.enum(['transfer', 'take-over']) }),
  /** To supervisors: every running session, oldest first; after `welcome` and whenever it changes. */
  z.object({ type: z.literal('desk-sessions'), sessions: z.array(LiveDeskSession).max(500) }),
]);
export type HandoverRelayToAgent = z.infer<typeof HandoverRelayToAgent>;

/** The relay, to the customer of a running session. */
export const HandoverRelayToCustomer = z.discriminatedUnion('type', [
  /** The session is with another agent now: the name the customer's bar shows. Nothing else changes. */
  z.object({ type: z.literal('session-agent-changed'), sessionId: SessionId, agentName: Name }),
]);
export type HandoverRelayToCustomer = z.infer<typeof HandoverRelayToCustomer>;
