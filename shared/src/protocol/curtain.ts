import { z } from 'zod';
import { SessionId } from './core.ts';
import { guardOf } from './parts.ts';

/**
 * Privacy curtain (capability `privacy-curtain`): in a running screen session with control, the
 * agent asks to hide the customer's monitors from the customer (a topmost window on each monitor,
 * kept out of screen capture, so the agent still sees the real desktop). Nothing goes up without
 * the customer's yes; the customer lifts it at any time.
 *
 * - `curtain-request` agent -> relay -> customer: `up: true` asks to raise it (answered with
 *   `curtain-answer`, or with `curtain-state` `unavailable` where this PC cannot hide a window
 *   from capture); `up: false` lowers it (no answer needed: the customer lowers it and tells).
 *   Only the session's own agent, and only in a session with control.
 * - `curtain-answer` customer -> relay -> agent: yes or no to the open ask.
 * - `curtain-state` customer -> relay -> agent and every viewer: the curtain as it is now, and why.
 *   `on` only after a yes (`consented`); `off` when the customer lifted it (`customer-lifted`),
 *   the agent asked (`agent-lifted`) or its windows went away (`failed`); `unavailable`
 *   (`unsupported`: this OS cannot keep a window out of capture; `failed`: the windows could not
 *   be made). When the session ends the curtain comes down with it; no message is needed.
 */
export const CurtainState = z.enum(['on', 'off', 'unavailable']);
export type CurtainState = z.infer<typeof CurtainState>;
export const CurtainReason = z.enum(['consented', 'customer-lifted', 'agent-lifted', 'unsupported', 'failed']);
export type CurtainReason = z.infer<typeof CurtainReason>;

const CurtainRequest = z.object({ type: z.literal('curtain-request'), sessionId: SessionId, up: z.boolean() });
const CurtainAnswer = z.object({ type: z.literal('curtain-answer'), sessionId: SessionId, granted: z.boolean() });
const CurtainStateMessage = z.object({ type: z.literal('curtain-state'), sessionId: SessionId, state: CurtainState, reason: CurtainReason });

export const CurtainCtlToRelay = z.discriminatedUnion('type', [CurtainRequest, CurtainAnswer, CurtainStateMessage]);
export const CurtainCtlFromRelay = CurtainCtlToRelay;
export type CurtainCtl = z.infer<typeof CurtainCtlToRelay>;
export type CurtainCtlType = CurtainCtl['type'];
export type CurtainStateCtl = Extract<CurtainCtl, { type: 'curtain-state' }>;
export const isCurtainCtl = guardOf<CurtainCtlType>(CurtainCtlToRelay);
