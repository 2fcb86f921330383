import { z } from 'zod';
import { SessionId } from './core.ts';

/**
 * Clipboard text between the agent and the customer's PC (capability `clipboard`), on request:
 * the agent sends their clipboard to the customer's (`clipboard-send`), or asks for the
 * customer's (`clipboard-fetch`, answered with `clipboard-send` or `clipboard-unavailable`).
 * Both need the session's control permission. The relay logs each transfer's direction and
 * length, never the text. Images and the automatic sync: capability `clipboard-sync` (below).
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

/**
 * `auto` (capability `clipboard-sync`): sent by the automatic clipboard sync, not on request. The
 * relay passes it on only in a direction the organisation allows (see `clipboard-policy`).
 */
const ClipboardSend = z.object({ type: z.literal('clipboard-send'), sessionId: SessionId, text: ClipboardText, auto: z.boolean().optional() });
const ClipboardUnavailable = z.object({
  type: z.literal('clipboard-unavailable'),
  sessionId: SessionId,
  /** `read`: the answer to a `clipboard-fetch`; `write`: a `clipboard-send` could not be put on the clipboard. */
  op: z.enum(['read', 'write']),
  problem: ClipboardProblem,
});

/**
 * Clipboard images (capability `clipboard-sync`): a PNG goes in order as `clipboard-image`
 * chunks over ctl, like chat attachments: at most {@link CLIPBOARD_IMAGE_CHUNK_BYTES} raw bytes
 * each (base64), `offset` the bytes before it, `size` the whole image's (the same in every
 * chunk). The image is complete with its last byte. A chunk at offset 0 starts a new image (one
 * not finished is dropped). Over the organisation's cap (`clipboard-policy.maxImageBytes`) the
 * relay refuses it (`too-large`).
 */
export const CLIPBOARD_IMAGE_CHUNK_BYTES = 48 * 1024;
/** The largest cap an organisation may set, and the default cap. */
export const CLIPBOARD_IMAGE_MAX_MB = 64;
export const CLIPBOARD_IMAGE_DEFAULT_MB = 8;
/** The bytes a base64 string holds. */
export function base64Size(b64: string): number {
  const pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return (b64.length / 4) * 3 - pad;
}
/** A whole PNG in base64, as the clipboards hand it over (IPC, the test bridge). */
export const ClipboardPng = z
  .string()
  .min(4)
  .max(Math.ceil((CLIPBOARD_IMAGE_MAX_MB * 1024 * 1024) / 3) * 4)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'a PNG in base64');
export const ClipId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
export const ClipboardImage = z.object({
  type: z.literal('clipboard-image'),
  sessionId: SessionId,
  clipId: ClipId,
  size: z.number().int().min(1).max(CLIPBOARD_IMAGE_MAX_MB * 1024 * 1024),
  offset: z.number().int().min(0),
  data: z
    .string()
    .min(1)
    .max(Math.ceil(CLIPBOARD_IMAGE_CHUNK_BYTES / 3) * 4)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'chunk data is base64'),
  auto: z.boolean().optional(),
});
export type ClipboardImage = z.infer<typeof ClipboardImage>;

/**
 * Relay -> both parties when a session starts (and to a party back after a drop): what this
 * session's clipboard may do. `toCustomer`/`toAgent`: the automatic sync in that direction is
 * allowed (the organisation's settings, both off by default); `maxImageBytes`: the image cap.
 */
export const ClipboardPolicy = z.object({
  type: z.literal('clipboard-policy'),
  sessionId: SessionId,
  toCustomer: z.boolean(),
  toAgent: z.boolean(),
  maxImageBytes: z.number().int().min(1),
});
export type ClipboardPolicy = z.infer<typeof ClipboardPolicy>;

/**
 * Client -> relay. Agent: `clipboard-send` (put this on the customer's clipboard) and
 * `clipboard-fetch`. Customer: `clipboard-send` only in answer to a fetch (within 30 s), and
 * `clipboard-unavailable`. Both (clipboard-sync): `clipboard-image` (the customer's in answer
 * to a fetch), and `auto` sends in an allowed direction while control is on.
 */
export const ClipboardCtlToRelay = z.discriminatedUnion('type', [
  ClipboardSend,
  z.object({ type: z.literal('clipboard-fetch'), sessionId: SessionId }),
  ClipboardUnavailable,
  ClipboardImage,
]);
/** Relay -> client: the same messages, passed on to the other party, and the session's policy. */
export const ClipboardCtlFromRelay = z.discriminatedUnion('type', [...ClipboardCtlToRelay.options, ClipboardPolicy]);
export type ClipboardCtl = z.infer<typeof ClipboardCtlToRelay>;
export type ClipboardCtlFromRelay = z.infer<typeof ClipboardCtlFromRelay>;
