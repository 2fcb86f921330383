/**
 * One live session's recording: a tap on the customer's media fragments that reassembles
 * frames (the forwarder never does) and appends them to the chunk journal, plus the media clock
 * the event timeline shares.
 *
 * Media clock: 0 is when the session started (consent), on the relay's clock. Packets are
 * logged at their capture time relative to the first recorded frame (the customer's clock);
 * clock records say how to shift them onto the relay's: the smallest capture-to-arrival gap
 * seen so far estimates the clock difference plus the quickest trip, so a slow first frame
 * (the encoder warming up) does not push the whole video late. An event at relay time T sits
 * at T - startedAt, within one quick trip (capture to relay) of the picture it belongs to.
 *
 * Voice: each side of a call is an Opus track of its own (VoiceTrack), timed on the relay's
 * clock directly, so it needs no clock records.
 */
import { FramingError, Reassembler, type FrameHeader } from '@beacon/shared/framing';
import type { Role, StreamConfig } from '@beacon/shared/protocol';
import type { RecordingFailure } from '@beacon/shared/api';
import { ChunkJournalWriter, type ChunkJournalProblem } from './ChunkJournal.ts';
import type { JournalTail } from './RecordingContinuation.ts';
import { VoiceTrack } from './VoiceTrack.ts';

/**
 * The recording asks for a keyframe when none came for this long, so the file seeks well: a
 * seek decodes from the keyframe before it. Each forced keyframe costs the customer's uplink
 * (a 720p desktop keyframe is tens of kB, and the encoder spends about as much again on the
 * deltas that refine it), so this is a balance: 5 s; and only once the pictures since the last
 * keyframe add up to {@link SEEK_KEYFRAMES} keyframes (a seek then decodes at most that much
 * more than the keyframe itself), so forced keyframes take under a tenth of the stream: on a
 * 1 Mbit/s link a 720p keyframe holds the picture back for half a second, and at 4 (every 5–6 s
 * while text scrolled) they cost the agent a third of the frame rate. A still screen, or one
 * where only a clock changes, never gets periodic keyframes this way: its small deltas take
 * minutes to add up.
 */
export const KEYFRAME_INTERVAL_MS = 5000;
export const SEEK_KEYFRAMES = 10;
/**
 * What a keyframe cost is counted over this long from it: an encoder on a slow link sends a
 * small, coarse keyframe and then a delta several times its size that sharpens it, so the
 * keyframe alone would make a forced one look cheap.
 */
export const KEYFRAME_REFINE_MS = 1000;
/**
 * Bytes of one frame the recording rebuilds before it gives up on it. Fragments come in index
 * order (MediaCheck.ts), so a fragment 0 abandons any frame still open and at most one frame is
 * ever being rebuilt; this caps that one. A 4K keyframe of a busy screen is a few MB; the
 * protocol allows 16 MB (1024 fragments), which a hostile customer sent as 1023 fragments of
 * frame after frame to grow the reassembly to 380 MB. A frame over it is dropped, and the
 * recording resumes at the next keyframe.
 */
export const MAX_REASSEMBLY_BYTES = 8 * 1024 * 1024;
/** And repeats the ask at most this often while waiting. */
const KEYFRAME_ASK_INTERVAL_MS = 1000;
export const VIDEO_TRACK = 1;
/** Voice tracks, in this order in the file (a browser plays only the first audio track of a file). */
export const VOICE_TRACKS: Record<Role, number> = { agent: 2, customer: 3 };
/** The customer PC's sound (remote sound, issue 13): an Opus track of its own, after the voices. */
export const SOUND_TRACK = 4;
/** Agents who joined the call (`voice-multi`): an Opus track each, from this number on, in the order they first spoke. */
export const PARTICIPANT_TRACKS_FROM = 5;
/** At most this many participants' voices are recorded (a session has at most 8 besides its agent). */
const MAX_PARTICIPANT_TRACKS = 8;

export interface SessionRecordingOptions {
  sessionId: string;
  chunkJournalPath: string;
  /** Relay time (epoch ms) of media time 0. */
  startedAt: number;
  now: () => number;
  requestKeyframe: () => void;
  /** Called once if the chunk journal cannot keep up or be written; the session goes on. */
  onProblem: (code: RecordingFailure, detail: string) => void;
  /** The journal another relay started and this one goes on with (RecordingContinuation.ts). */
  continuing?: JournalTail;
}

export interface RecordingTally {
  frames: number;
  bytes: number;
  keyframes: number;
  keyframeRequests: number;
  droppedFrames: number;
}

export class SessionRecording {
  private readonly writer: ChunkJournalWriter;
  private readonly reassembler: Reassembler;
  private config: StreamConfig | null = null;
  private declared: StreamConfig | null = null;
  private firstCaptureTs: number | null = null;
  /** Smallest (arrival - captureTs) seen, ms: the clock offset plus the quickest trip. */
  private minLagMs = Infinity;
  private hasKey = false;
  private lastKeyAt = 0;
  private lastKeyBytes = 0;
  private lastKeyCaptureTs = Number.NEGATIVE_INFINITY;
  private bytesSinceKey = 0;
  private lastAskAt = -Infinity;
  private isClosed = false;
  /** Bytes of the frame being rebuilt, and whether it went over MAX_REASSEMBLY_BYTES. */
  private frameBytes = 0;
  private isFrameDropped = false;
  private readonly voiceTracks = new Map<Role, VoiceTrack>();
  private soundTrack: VoiceTrack | null = null;
  /** Participants' voices by agent ID. */
  private readonly participantTracks = new Map<number, VoiceTrack>();
  readonly tally: RecordingTally = { frames: 0, bytes: 0, keyframes: 0, keyframeRequests: 0, droppedFrames: 0 };

  constructor(private readonly o: SessionRecordingOptions) {
    const onProblem = (p: ChunkJournalProblem, detail: string) => o.onProblem(p, detail);
    const c = o.continuing;
    this.writer = c ? ChunkJournalWriter.append(o.chunkJournalPath, c.validBytes, onProblem, o.now) : ChunkJournalWriter.create(o.chunkJournalPath, { sessionId: o.sessionId, startedAt: o.startedAt }, onProblem, o.now);
    this.config = c?.config ?? null;
    this.declared = this.config;
    // Longer than a viewer's: a frame late for the live picture is still worth keeping.
    this.reassembler = new Reassembler({ timeoutMs: 3000, maxPending: 16, now: o.now });
    this.lastKeyAt = o.now();
  }

  get sessionId(): string {
    return this.o.sessionId;
  }

  get startedAt(): number {
    return this.o.startedAt;
  }

  get chunkJournalPath(): string {
    return this.o.chunkJournalPath;
  }

  /** Bytes of the chunk journal handed to the disk so far. */
  get writtenBytes(): number {
    return this.writer.writtenBytes;
  }

  get isFailed(): boolean {
    return this.writer.failed;
  }

  /** Where relay time `at` falls in the recording, in ms (never before its start). */
  mediaMs(at: number): number {
    return Math.max(0, Math.round(at - this.o.startedAt));
  }

  /** The customer's stream parameters (again after every encoder restart). */
  streamConfig(config: StreamConfig): void {
    this.config = config;
  }

  /** One fragment, already validated and forwarded. Never throws. */
  push(fragment: Uint8Array, h: FrameHeader): void {
    if (this.isClosed || this.writer.failed || !this.withinBudget(fragment, h)) return;
    let frame;
    try {
      frame = this.reassembler.push(fragment);
    } catch (err) {
      if (err instanceof FramingError) return;
      throw err;
    }
    if (!frame) return;
    const now = this.o.now();
    this.paceKeyframes(frame, now);
    const config = this.config;
    // Without parameters the track cannot be declared; without a keyframe it cannot be decoded.
    if (!config || (!this.hasKey && !frame.isKey)) {
      this.tally.droppedFrames++;
      return;
    }
    if (this.declared?.codec !== config.codec || this.declared.width !== config.width || this.declared.height !== config.height) {
      this.writer.track(VIDEO_TRACK, { kind: 'video', ...config });
      this.declared = config;
    }
    const timeUs = this.timeUsOf(frame.captureTs, now);
    this.hasKey = true;
    this.writer.packet({ track: VIDEO_TRACK, isKey: frame.isKey, timeUs, data: frame.data });
    this.tally.frames++;
    this.tally.bytes += frame.data.byteLength;
    if (frame.isKey) this.tally.keyframes++;
  }

  /**
   * A frame's packet time. A new journal counts from its first frame and writes the clock offset
   * as it improves; a continued one keeps the offset its first relay wrote (one offset for the
   * whole file), so its frames are put on the media clock with this relay's estimate directly.
   */
  private timeUsOf(captureTs: number, now: number): number {
    this.firstCaptureTs ??= captureTs;
    const lag = now - captureTs;
    const isBetter = lag < this.minLagMs - 1;
    if (isBetter) this.minLagMs = lag;
    const c = this.o.continuing;
    if (c) return (captureTs + this.minLagMs - this.o.startedAt) * 1000 - c.offsetUs;
    if (isBetter) this.writer.clock((this.firstCaptureTs + lag - this.o.startedAt) * 1000);
    return (captureTs - this.firstCaptureTs) * 1000;
  }

  /** Whether this fragment's frame is still worth rebuilding (see MAX_REASSEMBLY_BYTES). */
  private withinBudget(fragment: Uint8Array, h: FrameHeader): boolean {
    if (h.fragIndex === 0) {
      // The frame still open can never complete: its next fragment was never accepted.
      if (this.reassembler.pendingCount > 0) this.reassembler.clear();
      this.frameBytes = 0;
      this.isFrameDropped = false;
    }
    if (this.isFrameDropped) return false;
    this.frameBytes += fragment.byteLength;
    if (this.frameBytes <= MAX_REASSEMBLY_BYTES) return true;
    this.reassembler.clear();
    this.isFrameDropped = true;
    // The deltas after it cannot be decoded either.
    this.hasKey = false;
    this.tally.droppedFrames++;
    return false;
  }

  /** One voice RTP packet from `role`'s microphone, as forwarded during a call. Never throws. */
  voice(role: Role, packet: Uint8Array, opusPayloadType: number): void {
    if (this.isClosed || this.writer.failed) return;
    let track = this.voiceTracks.get(role);
    if (!track) {
      track = new VoiceTrack(VOICE_TRACKS[role], this.writer);
      this.voiceTracks.set(role, track);
    }
    track.push(packet, opusPayloadType, (this.o.now() - this.o.startedAt) * 1000);
  }

  /** One voice RTP packet of a participant who joined the call (`voice-multi`). Never throws. */
  participantVoice(agentId: number, packet: Uint8Array, opusPayloadType: number): void {
    if (this.isClosed || this.writer.failed) return;
    let track = this.participantTracks.get(agentId);
    if (!track) {
      if (this.participantTracks.size >= MAX_PARTICIPANT_TRACKS) return;
      track = new VoiceTrack(PARTICIPANT_TRACKS_FROM + this.participantTracks.size, this.writer);
      this.participantTracks.set(agentId, track);
    }
    track.push(packet, opusPayloadType, (this.o.now() - this.o.startedAt) * 1000);
  }

  /** One RTP packet of the customer PC's sound, as forwarded while the agent hears it. Never throws. */
  sound(packet: Uint8Array, opusPayloadType: number): void {
    if (this.isClosed || this.writer.failed) return;
    this.soundTrack ??= new VoiceTrack(SOUND_TRACK, this.writer);
    this.soundTrack.push(packet, opusPayloadType, (this.o.now() - this.o.startedAt) * 1000);
  }

  /** Sound packets written. */
  soundPackets(): number {
    return this.soundTrack?.tally.packets ?? 0;
  }

  /** Voice packets written per side. */
  voicePackets(): Record<Role, number> {
    return { agent: this.voiceTracks.get('agent')?.tally.packets ?? 0, customer: this.voiceTracks.get('customer')?.tally.packets ?? 0 };
  }

  /** Makes what arrived so far readable from the chunk journal (for a near-live snapshot). */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** Idempotent: marks where the session ended and closes the log. */
  async close(endedAt: number): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.writer.end(this.mediaMs(endedAt) * 1000);
    this.reassembler.clear();
    await this.writer.close();
  }

  /**
   * Asks for a keyframe once none came for KEYFRAME_INTERVAL_MS and the deltas since add up
   * to SEEK_KEYFRAMES times what it cost (with its first second of deltas); and while the recording has
   * none it could start from (it began after the stream's keyframe went by, or that one came
   * before the stream's parameters), at once, so the file does not lose its first seconds.
   */
  private paceKeyframes(frame: { isKey: boolean; data: Uint8Array; captureTs: number }, now: number): void {
    const bytes = frame.data.byteLength;
    if (frame.isKey) {
      this.lastKeyAt = now;
      this.lastKeyCaptureTs = frame.captureTs;
      this.lastKeyBytes = bytes;
      this.bytesSinceKey = 0;
      return;
    }
    // Capture time, not arrival: on a slow link the sharpening delta arrives seconds later.
    if (frame.captureTs - this.lastKeyCaptureTs < KEYFRAME_REFINE_MS) this.lastKeyBytes += bytes;
    else this.bytesSinceKey += bytes;
    const dueAfterMs = this.hasKey ? KEYFRAME_INTERVAL_MS : 0;
    if (this.hasKey && this.bytesSinceKey <= this.lastKeyBytes * SEEK_KEYFRAMES) return;
    if (now - this.lastKeyAt < dueAfterMs || now - this.lastAskAt < KEYFRAME_ASK_INTERVAL_MS) return;
    this.lastAskAt = now;
    this.tally.keyframeRequests++;
    this.o.requestKeyframe();
  }
}
