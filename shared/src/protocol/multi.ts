import { z } from 'zod';
import { AccountId } from '../api/common.ts';
import { RequestId, SessionId } from './core.ts';
import { Name, guardOf } from './parts.ts';

/**
 * Several agents in one running session (capability `desk-multi`; docs/PROTOCOL.md, "Several
 * agents in a session"): a supervisor monitors a session (view only) or joins it, and the
 * session's agent invites a colleague. The session's own agent (its owner) keeps it: it alone
 * passes the keyboard and mouse to a participant who joined and takes them back, and the relay
 * lets only the participant holding them (the controller) send input. A monitor sends nothing
 * that reaches the customer's PC. Every agent's pointer on the picture is shown to the others
 * (`pointer` / `peer-pointer` on ctl). The relay sends these only to a client that listed
 * `desk-multi`, and refuses them (`forbidden`) from one that did not.
 */

/** How an agent takes part: the session's own agent, a view-only supervisor, or a colleague who joined. */
export const ParticipantRole = z.enum(['owner', 'monitor', 'guest']);
export type ParticipantRole = z.infer<typeof ParticipantRole>;

export const Participant = z.object({ agentId: AccountId, name: Name, role: ParticipantRole });
export type Participant = z.infer<typeof Participant>;

/** At most this many agents take part in one session besides its owner. */
export const MAX_PARTICIPANTS = 8;

/** An agent's console, to the relay (WebSocket). */
export const MultiAgentToRelay = z.discriminatedUnion('type', [
  /** Supervisors: watch a running session, view only; its `session-started` (without control) follows. */
  z.object({ type: z.literal('session-monitor'), requestId: RequestId, sessionId: SessionId }),
  /** Supervisors: take part in a running session (as a guest: the owner may pass them control). */
  z.object({ type: z.literal('session-join'), requestId: RequestId, sessionId: SessionId }),
  /** The session's agent: ask a colleague at the desk in; they are sent `session-invitation`. */
  z.object({ type: z.literal('session-invite'), requestId: RequestId, sessionId: SessionId, agentId: AccountId }),
  /** The invited colleague: yes (`session-started` follows) or no (the inviter is told). */
  z.object({ type: z.literal('invite-answer'), requestId: RequestId, sessionId: SessionId, isAccepted: z.boolean() }),
  /** A monitor or guest stops taking part (its tab ends with `session-ended`). */
  z.object({ type: z.literal('session-leave'), sessionId: SessionId }),
  /** The owner: the keyboard and mouse go to this participant (a guest), or back to the owner (its own ID). */
  z.object({ type: z.literal('control-pass'), requestId: RequestId, sessionId: SessionId, agentId: AccountId }),
]);
export type MultiAgentToRelay = z.infer<typeof MultiAgentToRelay>;

/** Who takes part in a session now, and who holds the keyboard and mouse. */
const SessionParticipants = z.object({
  type: z.literal('session-participants'),
  sessionId: SessionId,
  /** The owner first, then the others in the order they came. */
  participants: z.array(Participant).min(1).max(MAX_PARTICIPANTS + 1),
  /** The agent whose input reaches the customer's PC (the owner unless they passed control). */
  controllerId: AccountId,
});

/** The relay, to agents' consoles (WebSocket). */
export const MultiRelayToAgent = z.discriminatedUnion('type', [
  /**
   * To the invited colleague: join this running session? Answer with `invite-answer`. With
   * `handover`: take the session over (a session opened with an ID and code being transferred;
   * the agent who had it hears `transfer-status`).
   */
  z.object({
    type: z.literal('session-invitation'),
    sessionId: SessionId,
    fromAgentName: Name,
    customerName: z.string().max(120).nullable(),
    handover: z.object({ note: z.string().max(500) }).optional(),
  }),
  /** To the inviter: the colleague's answer (a yes also shows in `session-participants`). */
  z.object({ type: z.literal('invite-answered'), sessionId: SessionId, agentName: Name, isAccepted: z.boolean() }),
  /** To the owner and every participant, whenever someone comes, goes or control moves. */
  SessionParticipants,
]);
export type MultiRelayToAgent = z.infer<typeof MultiRelayToAgent>;

/** The relay, to the customer of the session (its bar lists who is connected); in RelayToClient through MultiRelayToAgent. */
export const MultiRelayToCustomer = z.discriminatedUnion('type', [SessionParticipants]);
export type MultiRelayToCustomer = z.infer<typeof MultiRelayToCustomer>;

/** A point on the picture in the customer's video pixels; null: the pointer left the picture. */
const PointerAt = z.object({ x: z.number().int().min(0).max(16_384), y: z.number().int().min(0).max(16_384) }).nullable();

/** Agent -> relay (ctl): where this agent's pointer is on the session's picture. Never reaches the customer. */
export const MultiCtlToRelay = z.discriminatedUnion('type', [z.object({ type: z.literal('pointer'), sessionId: SessionId, at: PointerAt })]);
/** Relay -> the session's other agents (ctl): where one agent's pointer is. */
export const MultiCtlFromRelay = z.discriminatedUnion('type', [z.object({ type: z.literal('peer-pointer'), sessionId: SessionId, agentId: AccountId, name: Name, at: PointerAt })]);
export type MultiCtl = z.infer<typeof MultiCtlToRelay> | z.infer<typeof MultiCtlFromRelay>;
export type MultiCtlType = MultiCtl['type'];
export const isMultiCtl = guardOf<MultiCtlType>(z.discriminatedUnion('type', [...MultiCtlToRelay.options, ...MultiCtlFromRelay.options]));
