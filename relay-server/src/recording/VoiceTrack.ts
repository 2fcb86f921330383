/**
 * One side of a voice call in the recording: its RTP packets, as they pass the relay, become
 * Opus audio records on the recording's media clock.
 *
 * Timing: the RTP timestamp (48 kHz) keeps the sender's exact spacing, which arrival times
 * (jitter, bursts after a stall) do not. It is anchored to the media clock at the first
 * packet's arrival, and again whenever the stream starts over: a new SSRC (a new microphone
 * track), or a timestamp that strays more than RE_ANCHOR_US from the arrival time (the sender
 * paused, jumped or its clock drifted). Times never go backwards within the track: a packet
 * that would (a late or repeated one) is left out, as a player would skip it anyway.
 */
import type { ChunkJournalWriter } from './ChunkJournal.ts';
import { depacketize, opusDurationUs } from './RtpDepacketizer.ts';

export const OPUS_CLOCK_HZ = 48_000;
/** A timestamp this far from the arrival time starts a new anchor. */
export const RE_ANCHOR_US = 1_000_000;
/** WebM and MP4 count in milliseconds: two packets closer than this would share a timestamp. */
const MIN_STEP_US = 1000;

export interface VoiceTrackTally {
  packets: number;
  bytes: number;
  /** Not Opus RTP, or out of order. */
  skipped: number;
  anchors: number;
}

export class VoiceTrack {
  private ssrc: number | null = null;
  private anchorTs = 0;
  private anchorUs = 0;
  /** The last timestamp, unwrapped (it counts on past 2^32). */
  private lastExtTs = 0;
  private lastRawTs = 0;
  private lastUs = -Infinity;
  private isDeclared = false;
  readonly tally: VoiceTrackTally = { packets: 0, bytes: 0, skipped: 0, anchors: 0 };

  constructor(
    private readonly track: number,
    private readonly writer: ChunkJournalWriter,
  ) {}

  /**
   * One RTP packet of this side, arriving `nowUs` after the session started. Never throws;
   * RTCP and packets of another payload type are skipped.
   */
  push(packet: Uint8Array, opusPayloadType: number, nowUs: number): void {
    const rtp = depacketize(packet);
    if (!rtp || rtp.payloadType !== opusPayloadType || opusDurationUs(rtp.payload) === null) {
      this.tally.skipped++;
      return;
    }
    let extTs: number;
    if (this.ssrc !== rtp.ssrc) {
      extTs = this.anchor(rtp.ssrc, rtp.timestamp, nowUs);
    } else {
      // The signed 32-bit step from the last timestamp, so a wrap at 2^32 carries on.
      extTs = this.lastExtTs + ((rtp.timestamp - this.lastRawTs) | 0);
      if (Math.abs(this.timeOf(extTs) - nowUs) > RE_ANCHOR_US) extTs = this.anchor(rtp.ssrc, rtp.timestamp, nowUs);
    }
    const timeUs = this.timeOf(extTs);
    if (timeUs < this.lastUs + MIN_STEP_US) {
      this.tally.skipped++;
      return;
    }
    if (!this.isDeclared) {
      // Chromium sends mono voice; a stereo packet still decodes, downmixed.
      this.writer.track(this.track, { kind: 'audio', codec: 'opus', sampleRate: OPUS_CLOCK_HZ, channels: 1 });
      this.isDeclared = true;
    }
    this.lastExtTs = extTs;
    this.lastRawTs = rtp.timestamp;
    this.lastUs = timeUs;
    this.writer.audio({ track: this.track, timeUs, data: rtp.payload });
    this.tally.packets++;
    this.tally.bytes += rtp.payload.byteLength;
  }

  private anchor(ssrc: number, timestamp: number, nowUs: number): number {
    this.ssrc = ssrc;
    this.anchorTs = timestamp;
    this.anchorUs = Math.max(0, nowUs, this.lastUs + MIN_STEP_US);
    this.lastExtTs = timestamp;
    this.lastRawTs = timestamp;
    this.tally.anchors++;
    return timestamp;
  }

  private timeOf(extTs: number): number {
    return this.anchorUs + ((extTs - this.anchorTs) * 1e6) / OPUS_CLOCK_HZ;
  }
}
