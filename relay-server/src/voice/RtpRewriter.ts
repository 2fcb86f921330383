/**
 * Turns one client's voice RTP packets into packets the other client accepts on its own
 * audio m-line. The relay does not decode audio; it rewrites the header only:
 *
 * - payload type: the receiver's Opus payload type (browsers may number Opus differently);
 * - SSRC: one fixed SSRC per direction, so the receiver sees a single stream even when the
 *   sender's SSRC changes (a new microphone track);
 * - header extensions: replaced by the receiver's MID extension alone. Chromium demuxes a
 *   BUNDLEd packet by its MID; a packet that carries the sender's MID (or none) is dropped
 *   without a trace. The other extensions (audio level, send time, transport-wide CC) are
 *   hop-by-hop information the receiver never negotiated with the sender.
 *
 * RTP header (RFC 3550): V(2) P X CC(4) | M PT(7) | sequence(16) | timestamp(32) | SSRC(32) |
 * CSRC*CC | [extension: profile(16) length-in-words(16) data]. RTCP shares the port (rtcp-mux)
 * and is recognised by its packet type 192..223 in the second byte.
 */

/** What the relay needs to know about one client's audio m-line, read from its offer. */
export interface AudioLine {
  mid: string;
  opusPayloadType: number;
  /** The id of `urn:ietf:params:rtp-hdrext:sdes:mid`, or null if not negotiated. */
  midExtensionId: number | null;
}

const RTP_HEADER_BYTES = 12;
const ONE_BYTE_EXTENSION_PROFILE = 0xbede;
const MID_EXTENSION_URI = 'urn:ietf:params:rtp-hdrext:sdes:mid';
/** One-byte header extension elements carry 1..16 bytes of data, ids 1..14. */
const MAX_ONE_BYTE_ELEMENT_BYTES = 16;

/** True for RTCP (sender/receiver reports, feedback) multiplexed on the RTP port. */
export function isRtcp(packet: Uint8Array): boolean {
  return packet.length >= 2 && packet[1]! >= 192 && packet[1]! <= 223;
}

/**
 * The first audio m-line of an SDP with Opus in it, or null. Only what forwarding needs is
 * read; the SDP has been accepted by libdatachannel already.
 */
export function parseAudioLine(sdp: string): AudioLine | null {
  return parseAudioLines(sdp)[0] ?? null;
}

/**
 * Every audio m-line of an SDP with Opus in it, in SDP order: voice first, then remote sound
 * (capability `remote-sound`, see shared/src/protocol/sound.ts).
 */
export function parseAudioLines(sdp: string): AudioLine[] {
  const out: AudioLine[] = [];
  const sections = sdp.split(/\r?\nm=/).slice(1);
  for (const section of sections) {
    if (!section.startsWith('audio ')) continue;
    const mid = /^a=mid:(\S+)$/m.exec(section)?.[1];
    const opus = /^a=rtpmap:(\d+) opus\/48000/im.exec(section)?.[1];
    if (!mid || !opus) continue;
    const ext = new RegExp(`^a=extmap:(\\d+)(?:/\\S+)? ${MID_EXTENSION_URI.replace(/[.:]/g, '\\$&')}\\s*$`, 'm').exec(section)?.[1];
    const midExtensionId = ext ? Number(ext) : null;
    out.push({
      mid,
      opusPayloadType: Number(opus),
      midExtensionId: midExtensionId !== null && midExtensionId >= 1 && midExtensionId <= 14 ? midExtensionId : null,
    });
  }
  return out;
}

export class RtpRewriter {
  private readonly extension: Buffer;

  constructor(
    private readonly to: AudioLine,
    private readonly ssrc: number,
  ) {
    this.extension = buildMidExtension(to);
  }

  /** The packet for the receiver, or null if it is not RTP we can carry (RTCP, truncated, not Opus). */
  rewrite(packet: Uint8Array, fromOpusPayloadType: number): Buffer | null {
    if (packet.length < RTP_HEADER_BYTES || isRtcp(packet)) return null;
    const first = packet[0]!;
    if (first >> 6 !== 2) return null;
    if ((packet[1]! & 0x7f) !== fromOpusPayloadType) return null;
    const csrcBytes = (first & 0x0f) * 4;
    let payloadStart = RTP_HEADER_BYTES + csrcBytes;
    if (payloadStart > packet.length) return null;
    if (first & 0x10) {
      if (payloadStart + 4 > packet.length) return null;
      const words = (packet[payloadStart + 2]! << 8) | packet[payloadStart + 3]!;
      payloadStart += 4 + words * 4;
      if (payloadStart > packet.length) return null;
    }
    const headerBytes = RTP_HEADER_BYTES + csrcBytes;
    const out = Buffer.allocUnsafe(headerBytes + this.extension.length + (packet.length - payloadStart));
    out.set(packet.subarray(0, headerBytes), 0);
    out[0] = (first & ~0x10) | (this.extension.length ? 0x10 : 0);
    out[1] = (packet[1]! & 0x80) | this.to.opusPayloadType;
    out.writeUInt32BE(this.ssrc >>> 0, 8);
    out.set(this.extension, headerBytes);
    out.set(packet.subarray(payloadStart), headerBytes + this.extension.length);
    return out;
  }
}

/** The one-byte-header extension block carrying only the receiver's MID, padded to 32 bits. */
function buildMidExtension(to: AudioLine): Buffer {
  const mid = Buffer.from(to.mid, 'utf8');
  if (to.midExtensionId === null || mid.length === 0 || mid.length > MAX_ONE_BYTE_ELEMENT_BYTES) return Buffer.alloc(0);
  const dataBytes = 1 + mid.length;
  const words = Math.ceil(dataBytes / 4);
  const block = Buffer.alloc(4 + words * 4);
  block.writeUInt16BE(ONE_BYTE_EXTENSION_PROFILE, 0);
  block.writeUInt16BE(words, 2);
  block[4] = (to.midExtensionId << 4) | (mid.length - 1);
  mid.copy(block, 5);
  return block;
}
