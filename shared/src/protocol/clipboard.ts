import { z } from 'zod';
import { SessionId } from './core.ts';

/**
 * Clipboard text between the agent and the customer's PC (capability `clipboard`), on request:
 * the agent sends their clipboard to the customer's (`clipboard-send`), or asks for the
 * customer's (`clipboard-fetch`, answered with `clipboard-send` or `clipboard-unavailable`).
 * Both need the session's control permission. The relay logs each transfer's direction and
 * length, never the text. Text only (images are not carried yet).
 */

/**
 * The longest clipboard text carried, in UTF-16 code units: even as JSON with every character
 * escaped (6 bytes) it stays under the 64 KiB ctl message every peer takes.
 */
export const CLIPBOARD_MAX_CHARS = 10_000;
export const ClipboardText = z.string().min(1).max(CLIPBOARD_MAX_CHARS);

/**
 * Why a clipboard could not be read or written: `no-access` (this app may not use the
 * clipboard here), `empty` (no text on it), `too-large` (over {@link CLIPBOARD_MAX_CHARS}).
 */
export const ClipboardProblem = z.enum(['no-access', 'empty', 'too-large']);
export type ClipboardProblem = z.infer<typeof ClipboardProblem>;

const ClipboardSend = z.object({ type: z.literal('clipboard-send'), sessionId: SessionId, text: ClipboardText });
const ClipboardUnavailable = z.object({
  type: z.literal('clipboard-unavailable'),
  sessionId: SessionId,
  /** `read`: the answer to a `clipboard-fetch`; `write`: a `clipboard-send` could not be put on the clipboard. */
  op: z.enum(['read', 'write']),
  problem: ClipboardProblem,
});

/**
 * Client -> relay. Agent: `clipboard-send` (put this on the customer's clipboard) and
 * `clipboard-fetch`. Customer: `clipboard-send` only in answer to a fetch (within 30 s), and
 * `clipboard-unavailable`.
 */
export const ClipboardCtlToRelay = z.discriminatedUnion('type', [
  ClipboardSend,
  z.object({ type: z.literal('clipboard-fetch'), sessionId: SessionId }),
  ClipboardUnavailable,
]);
/** Relay -> client: the same messages, passed on to the other party. */
export const ClipboardCtlFromRelay = ClipboardCtlToRelay;
export type ClipboardCtl = z.infer<typeof ClipboardCtlToRelay>;
