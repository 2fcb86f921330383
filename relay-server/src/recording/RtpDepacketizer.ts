/**
 * Reads one voice RTP packet (already SRTP-decrypted by libdatachannel) down to its Opus
 * payload, for the recording. RFC 7587: one RTP payload is exactly one Opus packet, so
 * depacketizing is only stripping what surrounds it.
 *
 * RTP header (RFC 3550), big-endian: V(2) P X CC(4) | M PT(7) | sequence(16) | timestamp(32) |
 * SSRC(32) | CSRC * CC | [X: profile(16) length-in-words(16) data] | payload | [P: padding,
 * whose last byte counts the padding bytes, itself included].
 */
import { isRtcp } from '../voice/RtpRewriter.ts';

export interface RtpPacket {
  payloadType: number;
  sequence: number;
  /** Sampling-clock ticks (48 kHz for Opus), wrapping at 2^32. */
  timestamp: number;
  ssrc: number;
  /** A view into the packet, not a copy. */
  payload: Uint8Array;
}

const RTP_HEADER_BYTES = 12;

/** The packet's fields and payload, or null for RTCP, another RTP version or a packet whose lengths do not add up. */
export function depacketize(packet: Uint8Array): RtpPacket | null {
  if (packet.length < RTP_HEADER_BYTES || isRtcp(packet)) return null;
  const first = packet[0]!;
  if (first >> 6 !== 2) return null;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  let start = RTP_HEADER_BYTES + (first & 0x0f) * 4;
  if (first & 0x10) {
    if (start + 4 > packet.length) return null;
    start += 4 + view.getUint16(start + 2) * 4;
  }
  let end = packet.length;
  if (first & 0x20) {
    const padding = packet[packet.length - 1]!;
    if (padding === 0) return null;
    end -= padding;
  }
  if (start > end) return null;
  return {
    payloadType: packet[1]! & 0x7f,
    sequence: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    payload: packet.subarray(start, end),
  };
}

/** Frame length by TOC configuration (RFC 6716 §3.1), in µs: SILK 0-11, hybrid 12-15, CELT 16-31. */
function frameUs(config: number): number {
  if (config < 12) return [10_000, 20_000, 40_000, 60_000][config & 3]!;
  if (config < 16) return (config & 1) === 0 ? 10_000 : 20_000;
  return [2500, 5000, 10_000, 20_000][config & 3]!;
}

/** An Opus packet lasts at most this long (RFC 6716 §3.2.5). */
const MAX_OPUS_PACKET_US = 120_000;

/**
 * How much audio one Opus packet holds, in µs, read from its TOC byte (and frame count for
 * code 3), or null if it is not a valid Opus packet. An empty payload (a DTX gap the sender
 * marks) holds nothing playable and is null too.
 */
export function opusDurationUs(payload: Uint8Array): number | null {
  if (payload.length === 0) return null;
  const toc = payload[0]!;
  let frames: number;
  switch (toc & 3) {
    case 0:
      frames = 1;
      break;
    case 1:
    case 2:
      frames = 2;
      break;
    default:
      if (payload.length < 2) return null;
      frames = payload[1]! & 0x3f;
  }
  const us = frames * frameUs(toc >> 3);
  return us > 0 && us <= MAX_OPUS_PACKET_US ? us : null;
}
