import { z } from 'zod';
import { FileSize, Sha256, TransferId } from '../collab.ts';
import { Role, SessionId } from './core.ts';
import { ctlGuard } from './parts.ts';

/**
 * File transfer inside a session (capability `file-transfer`): files and folders of any size
 * between the agent and the customer's PC, unlike the chat's small attachments.
 *
 * Control travels as ctl JSON (`ft-*`); the bytes travel as binary chunks on the `media`
 * channel (on the TCP fallback: binary WebSocket frames), told apart from picture fragments by
 * their first byte ({@link FILE_CHUNK_MAGIC}). The relay streams chunks through without
 * storing them: the receiver writes them and acknowledges what it holds (`ft-ack`); a sender
 * keeps at most {@link FT_WINDOW_BYTES} unacknowledged, and the relay passes chunks on only
 * while the receiver's media queue is short, so the picture goes first. After a resume the
 * relay tells the sender where to go on from (`ft-rewind`, the last acknowledged offset).
 * The sender's SHA-256 of the whole file (`ft-end`) is checked by the receiver (`ft-result`);
 * only a match is `ft-done`.
 */

/** First byte of a file chunk on the media channel (picture fragments start with 0xB7). */
export const FILE_CHUNK_MAGIC = 0xb9;
/**
 * A chunk: magic (1), flags 0 (1), reserved 0 (2), lane (4, uint32: the number the offer gave
 * the transfer), offset (8, float64, a whole number of bytes). Big-endian.
 */
export const FT_HEADER_BYTES = 16;
/** A whole chunk message: the size of a picture fragment, which every peer takes. */
export const FT_CHUNK_BYTES = 16 * 1024;
export const FT_PAYLOAD_BYTES = FT_CHUNK_BYTES - FT_HEADER_BYTES;
/** Bytes a sender may have sent and not yet seen acknowledged. */
export const FT_WINDOW_BYTES = 4 * 1024 * 1024;
/** A receiver acknowledges at least every this many bytes (and at the end). */
export const FT_ACK_EVERY_BYTES = 256 * 1024;
/** Files one side may have offered and not finished in one session (a folder waits in the sender's queue). */
export const FT_MAX_OPEN_PER_SESSION = 8;

export interface ChunkHeader {
  lane: number;
  offset: number;
}

/** Whether a binary message is a file chunk (and not a picture fragment). */
export function isFileChunk(msg: Uint8Array): boolean {
  return msg.byteLength > 0 && msg[0] === FILE_CHUNK_MAGIC;
}

/** One chunk message: header then `data` (at most {@link FT_PAYLOAD_BYTES}). */
export function encodeChunk(h: ChunkHeader, data: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(FT_HEADER_BYTES + data.byteLength);
  const v = new DataView(out.buffer);
  v.setUint8(0, FILE_CHUNK_MAGIC);
  v.setUint32(4, h.lane >>> 0);
  v.setFloat64(8, h.offset);
  out.set(data, FT_HEADER_BYTES);
  return out;
}

/** The header and payload of a chunk, or a reason it is malformed. */
export function decodeChunk(msg: Uint8Array): { ok: true; header: ChunkHeader; data: Uint8Array } | { ok: false; why: string } {
  if (msg.byteLength < FT_HEADER_BYTES) return { ok: false, why: `file chunk shorter than its header (${msg.byteLength} bytes)` };
  if (msg.byteLength > FT_CHUNK_BYTES) return { ok: false, why: `file chunk larger than ${FT_CHUNK_BYTES} bytes` };
  const v = new DataView(msg.buffer, msg.byteOffset, FT_HEADER_BYTES);
  if (v.getUint8(0) !== FILE_CHUNK_MAGIC || v.getUint8(1) !== 0 || v.getUint16(2) !== 0) return { ok: false, why: 'bad file chunk header' };
  const offset = v.getFloat64(8);
  if (!Number.isSafeInteger(offset) || offset < 0) return { ok: false, why: 'bad file chunk offset' };
  return { ok: true, header: { lane: v.getUint32(4), offset }, data: msg.subarray(FT_HEADER_BYTES) };
}

/**
 * Where a file goes, relative to the folder the receiver chose: `/`-separated names of a
 * folder that was sent whole, never absolute, never `.` or `..`, no control characters or `\`.
 */
export const RelativePath = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[^/\\\u0000-\u001f:*?"<>|]+(\/[^/\\\u0000-\u001f:*?"<>|]+)*$/, 'a relative path of names separated by /')
  .refine((p) => p.split('/').every((part) => part !== '.' && part !== '..' && part.trim() === part && !part.endsWith('.')), 'no ., .. or names with spaces or a dot at the end');
export const Lane = z.number().int().min(1).max(0xffffffff);

/** Why a transfer ended without a file. */
export const FtFailure = z.enum(['declined', 'cancelled', 'hash-mismatch', 'write-failed', 'read-failed', 'not-allowed', 'expired', 'peer-gone']);
export type FtFailure = z.infer<typeof FtFailure>;

/** What the organisation lets file transfer do (sent to the agent when a session starts). */
export const FtPolicy = z.object({
  agentMaySend: z.boolean(),
  agentMayReceive: z.boolean(),
  /** The customer confirms each incoming transfer (their client asks; default on). */
  confirm: z.boolean(),
});
export type FtPolicy = z.infer<typeof FtPolicy>;

const OfferFields = {
  transferId: TransferId,
  lane: Lane,
  name: RelativePath,
  size: FileSize,
  /** Files sent together (a folder, a multiple choice): shown and totalled as one batch. */
  batchId: TransferId.optional(),
  /** Customer: the agent's `ft-request` this answers. */
  requestId: TransferId.optional(),
};
const Ack = z.object({ type: z.literal('ft-ack'), sessionId: SessionId, transferId: TransferId, offset: FileSize });
const End = z.object({ type: z.literal('ft-end'), sessionId: SessionId, transferId: TransferId, sha256: Sha256 });
const Pause = z.object({ type: z.literal('ft-pause'), sessionId: SessionId, transferId: TransferId, paused: z.boolean() });

export const FtCtlToRelay = z.discriminatedUnion('type', [
  /** Sender: offers a file; its chunks follow once the receiver accepted (`ft-answer`). */
  z.object({ type: z.literal('ft-offer'), sessionId: SessionId, ...OfferFields }),
  /** Agent: asks the customer to choose files to send (answered with offers naming it, or `ft-answer` false). */
  z.object({ type: z.literal('ft-request'), sessionId: SessionId, requestId: TransferId }),
  /** Receiver: accepts or declines an offer; customer: declines a request (`id` is its requestId). */
  z.object({ type: z.literal('ft-answer'), sessionId: SessionId, id: TransferId, accept: z.boolean() }),
  Ack,
  End,
  /** Receiver: the SHA-256 of what it wrote, and whether it matched `ft-end`'s. */
  z.object({ type: z.literal('ft-result'), sessionId: SessionId, transferId: TransferId, sha256: Sha256, ok: z.boolean() }),
  Pause,
  /** Either side: stop it; the receiver deletes what it wrote. */
  z.object({ type: z.literal('ft-cancel'), sessionId: SessionId, transferId: TransferId, reason: z.enum(['cancelled', 'write-failed', 'read-failed']).default('cancelled') }),
]);
export const FtCtlFromRelay = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ft-offer'), sessionId: SessionId, from: Role, ...OfferFields, confirm: z.boolean() }),
  z.object({ type: z.literal('ft-request'), sessionId: SessionId, requestId: TransferId }),
  z.object({ type: z.literal('ft-answer'), sessionId: SessionId, id: TransferId, accept: z.boolean() }),
  Ack,
  End,
  Pause.extend({ by: Role }),
  /** Sender: go on from this offset (after a resume, the last one the receiver acknowledged). */
  z.object({ type: z.literal('ft-rewind'), sessionId: SessionId, transferId: TransferId, offset: FileSize }),
  /** Both: the receiver holds every byte and its hash matched. */
  z.object({ type: z.literal('ft-done'), sessionId: SessionId, transferId: TransferId, sha256: Sha256 }),
  /** Both: it ended without a file (`by`: who ended it, when a side did). */
  z.object({ type: z.literal('ft-failed'), sessionId: SessionId, transferId: TransferId, reason: FtFailure, by: Role.optional() }),
  /** Agent: what this session's file transfer may do. */
  z.object({ type: z.literal('ft-policy'), sessionId: SessionId, policy: FtPolicy }),
]);
export type FtCtlToRelay = z.infer<typeof FtCtlToRelay>;
export type FtCtlFromRelay = z.infer<typeof FtCtlFromRelay>;
export type FtCtlType = FtCtlToRelay['type'] | FtCtlFromRelay['type'];
export const FT_CTL_TYPES: readonly FtCtlType[] = ['ft-offer', 'ft-request', 'ft-answer', 'ft-ack', 'ft-end', 'ft-result', 'ft-pause', 'ft-cancel', 'ft-rewind', 'ft-done', 'ft-failed', 'ft-policy'];
export const isFtCtl = ctlGuard<FtCtlType>(FtCtlToRelay, FtCtlFromRelay);
