/**
 * The audio m-lines of clients, one per connection, and the forwarding of RTP from one to
 * another with the header rewritten for the receiver (RtpRewriter). Voice keeps one set (each
 * client's first audio line), remote sound another (the second line).
 */
import { randomInt } from 'node:crypto';
import { ThrottledLogger, type Logger } from '../platform/logger.ts';
import { RtpRewriter, type AudioLine } from './RtpRewriter.ts';

/** A client's audio track as the router sees it (PeerLink owns the native object). */
export interface AudioPort {
  isOpen(): boolean;
  send(packet: Buffer): boolean;
}

interface Leg {
  line: AudioLine;
  port: AudioPort;
  /** Rewrites packets going to this leg, with one SSRC for everything it receives. */
  inbound: RtpRewriter;
}

export interface AudioStats {
  forwardedPackets: number;
  droppedPackets: number;
}

export class AudioLegs {
  private readonly legs = new Map<string, Leg>();
  private readonly rtpLog: ThrottledLogger;
  readonly stats: AudioStats = { forwardedPackets: 0, droppedPackets: 0 };

  constructor(
    log: Logger,
    /** Names the packets in the log (`voice`, `sound`). */
    private readonly what: string,
  ) {
    this.rtpLog = new ThrottledLogger(log);
  }

  /** A client's line was negotiated (or renegotiated). */
  set(connId: string, line: AudioLine, port: AudioPort): void {
    this.legs.set(connId, { line, port, inbound: new RtpRewriter(line, randomInt(1, 0xffffffff)) });
  }

  delete(connId: string): void {
    this.legs.delete(connId);
  }

  /** The Opus payload type `connId` sends with, or null if it has no line. */
  payloadTypeOf(connId: string): number | null {
    return this.legs.get(connId)?.line.opusPayloadType ?? null;
  }

  /** Forwards one packet sent with payload type `fromPt` to `toConnId`'s line, if it is open. Never throws. */
  forward(packet: Uint8Array, fromPt: number, toConnId: string, sessionId: string): void {
    const to = this.legs.get(toConnId);
    if (!to || !to.port.isOpen()) return;
    const out = to.inbound.rewrite(packet, fromPt);
    if (!out) return;
    if (to.port.send(out)) this.stats.forwardedPackets++;
    else {
      this.stats.droppedPackets++;
      this.rtpLog.warn(`${this.what} packet not sent`, { sessionId });
    }
  }
}
