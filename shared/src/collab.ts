import { z } from 'zod';

/**
 * Collaboration inside a session (issue 6): chat with attachments, screenshots and the
 * whiteboard. The ctl messages that carry these live in protocol.ts (`CtlToRelay` /
 * `CtlFromRelay`); this file holds their payloads, limits and the HTTP API schemas.
 *
 * Chat: `chat-send` -> the relay stores it and sends `chat` to both parties (the sender's
 * copy is its confirmation). It works from `session-pending` on, so the customer can type
 * while the consent dialog is up.
 *
 * Attachments (chat files, images, screenshots): the sender sends `file-offer`, then
 * `file-chunk`s (base64, in order, `offset` = bytes before this chunk), then `file-end`.
 * The offer carries the file's SHA-256 (version 3 on). The relay writes the chunks to a
 * `.part` file, acknowledges each with `file-progress` (the sender's progress bar and flow
 * control), and forwards offer and chunks to the other party, cut to fit that party's
 * max-message-size (a chunk may arrive as several smaller ones, in order). On `file-end` it
 * checks size and hash, renames the file into place and sends `file-done` (and, for chat
 * files, a `chat` message) to both. The receiver checks the bytes it assembled (count and
 * hash) before it shows the file. Anything wrong (too large, out of order, a chunk the
 * receiver could not be sent: `not-delivered`, a hash that does not match, aborted, session
 * gone) ends the transfer with `file-abort {code}` to both and deletes the partial file:
 * `file-done` means both the relay and the receiver have every byte.
 *
 * Whiteboard: `stroke`, `stroke-undo`, `board-clear` on board `screen` (drawn over the
 * customer's real screen; agents with control only) or `blank` (both parties). Points are
 * in pixels of the captured screen (the video's coordinate space), simplified by the
 * sender (see whiteboard.ts), so any view size maps them the same way.
 *
 * Screenshot: `screenshot-request` (agent with control) -> the customer answers with an
 * attachment of purpose `screenshot` whose transferId is the request's `requestId`.
 */

export const COLLAB_LIMITS = {
  /** Characters in one chat message. */
  maxChatChars: 2000,
  /** An attachment larger than this is refused (`too-large`) and nothing of it is kept. */
  maxAttachmentBytes: 10 * 1024 * 1024,
  /** Raw bytes per chunk (base64 on the wire: 4/3 of this, well under the ctl message limit). */
  chunkBytes: 48 * 1024,
  /** Unacknowledged bytes a sender may have in flight. */
  windowBytes: 1024 * 1024,
  /** Points in one stroke after simplification. */
  maxStrokePoints: 1000,
  /** Characters of a text-tool stroke. */
  maxStrokeText: 200,
  /** Largest screen coordinate (the protocol's frame size limit). */
  maxCoordinate: 16384,
  /** Quick replies per seat, and characters in each. */
  maxQuickReplies: 50,
  maxQuickReplyChars: 500,
  /** How long a fading stroke stays on screen. */
  fadeMs: 4000,
} as const;

export const TransferId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
export const StrokeId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const ChatText = z
  .string()
  .max(COLLAB_LIMITS.maxChatChars, `a chat message has at most ${COLLAB_LIMITS.maxChatChars} characters`)
  .refine((s) => s.trim().length > 0, 'a chat message is not empty');

/** What an attachment is for: a file or image in the chat, or the answer to a screenshot request. */
export const FilePurpose = z.enum(['chat', 'screenshot']);
export type FilePurpose = z.infer<typeof FilePurpose>;

/** A file name as shown; path separators and control characters are not allowed. */
export const FileName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^/\\\u0000-\u001f]+$/, 'a file name has no path separators or control characters');
export const MimeType = z.string().regex(/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/i).max(100);
/** Declared size; checked against the limit by the relay so the sender gets `too-large`, not `bad-message`. */
export const FileSize = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** Base64 of at most `chunkBytes` bytes. */
export const ChunkData = z
  .string()
  .max(Math.ceil(COLLAB_LIMITS.chunkBytes / 3) * 4)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'chunk data is base64');

/** SHA-256 of a file's bytes, lower-case hex. */
export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 is 64 lower-case hex digits');

/** A stored attachment, as chat messages and the API name it. */
export const FileRef = z.object({
  id: z.number().int().positive(),
  transferId: TransferId,
  name: FileName,
  mime: MimeType,
  size: FileSize,
  purpose: FilePurpose,
});
export type FileRef = z.infer<typeof FileRef>;

export const ChatMessage = z.object({
  id: z.number().int().positive(),
  sessionId: z.string(),
  at: z.number(),
  from: z.enum(['customer', 'agent']),
  /** The seat's display name, or `customer`. */
  senderName: z.string().max(120),
  /**
   * Set when an agent taking part in someone else's session wrote it (capability `desk-multi`):
   * an invited colleague (`guest`) or a monitoring supervisor (`monitor`); absent for the
   * session's own agent and the customer. Live messages carry it; the stored chat does not.
   */
  senderRole: z.enum(['guest', 'monitor']).optional(),
  text: z.string().max(COLLAB_LIMITS.maxChatChars),
  file: FileRef.optional(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const BoardId = z.enum(['screen', 'blank']);
export type BoardId = z.infer<typeof BoardId>;
export const StrokeTool = z.enum(['pen', 'arrow', 'rect', 'ellipse', 'text']);
export type StrokeTool = z.infer<typeof StrokeTool>;
const Coordinate = z.number().finite().min(0).max(COLLAB_LIMITS.maxCoordinate);
export const Point = z.tuple([Coordinate, Coordinate]);
export type Point = z.infer<typeof Point>;

/**
 * One whiteboard stroke. Pen: the simplified path. Arrow, rect, ellipse: two points (start,
 * end / opposite corners). Text: one point (top-left of the text) and `text`.
 */
export const Stroke = z
  .object({
    id: StrokeId,
    tool: StrokeTool,
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'colour is #rrggbb'),
    width: z.number().int().min(1).max(40),
    points: z.array(Point).min(1).max(COLLAB_LIMITS.maxStrokePoints),
    text: z.string().min(1).max(COLLAB_LIMITS.maxStrokeText).optional(),
    /** Fades out after `fadeMs` instead of staying until undone or cleared. */
    isFading: z.boolean(),
  })
  .refine((s) => s.tool !== 'text' || s.text !== undefined, { message: 'a text stroke has text', path: ['text'] })
  .refine((s) => !['arrow', 'rect', 'ellipse'].includes(s.tool) || s.points.length === 2, {
    message: 'arrow, rect and ellipse have exactly two points',
    path: ['points'],
  });
export type Stroke = z.infer<typeof Stroke>;

/* ---------- HTTP API ---------- */

/** `GET /api/sessions/:id/chat`, `GET /api/customers/:id/chat`: oldest first. */
export const ChatHistory = z.object({ messages: z.array(ChatMessage) });
export type ChatHistory = z.infer<typeof ChatHistory>;

/** `GET /api/sessions/:id/files`: attachments and screenshots stored with the session. */
export const SessionFileList = z.object({
  files: z.array(FileRef.extend({ at: z.number(), from: z.enum(['customer', 'agent']) })),
});
export type SessionFileList = z.infer<typeof SessionFileList>;

/** `GET`/`PUT /api/me/quick-replies`: the seat's own list, in order. */
export const QuickReplies = z.object({
  replies: z.array(z.string().trim().min(1).max(COLLAB_LIMITS.maxQuickReplyChars)).max(COLLAB_LIMITS.maxQuickReplies),
});
export type QuickReplies = z.infer<typeof QuickReplies>;
