/**
 * A `file-chunk` cut to fit the receiver's largest ctl message. A sender's chunk holds up to
 * 48 KiB of raw bytes, about 66 KB of JSON; a peer that announces `a=max-message-size:65536`
 * (aiortc, and every peer that names none) cannot take it, and libdatachannel refuses the send.
 * The pieces carry the same bytes in order, each with its own `offset`, so a receiver that
 * appends chunks as they come rebuilds the same file.
 */
import type { CtlFromRelay } from '@beacon/shared/protocol';

export type FileChunk = Extract<CtlFromRelay, { type: 'file-chunk' }>;

/** The smallest piece worth sending: below this a peer's limit is too small to be real. */
const MIN_PIECE_BYTES = 1024;

/**
 * The chunk as pieces whose JSON is at most `maxBytes` long; the chunk itself when it fits or
 * `maxBytes` is 0 (unknown). Null when not even a {@link MIN_PIECE_BYTES} piece would fit.
 */
export function fitChunk(chunk: FileChunk, maxBytes: number): FileChunk[] | null {
  if (maxBytes <= 0 || Buffer.byteLength(JSON.stringify(chunk)) <= maxBytes) return [chunk];
  const data = Buffer.from(chunk.data, 'base64');
  // The envelope with the largest offset any piece will carry (the IDs and base64 are ASCII).
  const envelope = JSON.stringify({ ...chunk, offset: chunk.offset + data.length, data: '' }).length;
  const piece = Math.floor((maxBytes - envelope) / 4) * 3;
  if (piece < MIN_PIECE_BYTES) return null;
  const out: FileChunk[] = [];
  for (let at = 0; at < data.length; at += piece) {
    out.push({ ...chunk, offset: chunk.offset + at, data: data.subarray(at, at + piece).toString('base64') });
  }
  return out;
}
