import { fragmentFrame } from '@beacon/shared/framing';
import { DEFAULT_QUALITY_MODE, type CtlToRelay, type QualityMode, type ReceiveReport, type StreamConfig } from '@beacon/shared/protocol';
import { bitrateFor, CODEC_CANDIDATES, encoderSettings, MAX_ENCODE_QUEUE, modeSettings, type CodecCandidate, type EncoderRate } from '../common/encoderSettings.ts';
import { scaledSize } from '../common/stream/Ladder.ts';
import { probePieces } from '../common/stream/LinkProbe.ts';
import { StreamController, type StreamPlan } from '../common/stream/StreamController.ts';
import { ChangeDetector } from './ChangeDetector.ts';
import { epochNow } from './ScreenCapture.ts';

/** Where encoded video goes: the relay connection (or a test's stand-in). */
export interface MediaSink {
  sendCtl(msg: CtlToRelay): boolean;
  sendMedia(fragment: Uint8Array): boolean;
  readonly mediaBufferedAmount: number;
}

export interface ScreenEncoderOptions {
  sink: MediaSink;
  sessionId: string;
  streamId: number;
  /** The encoder failed twice in a row: the session cannot go on. */
  onFatal: (err: Error) => void;
  /** The quality mode to start in; absent: balanced. */
  mode?: QualityMode;
  /** What the link is assumed to carry before the agent's reports measure it (bits/s); absent: a slow link's rate. */
  startBps?: number;
  /** False: the consoles are known not to send `receive-report` (an older console), so nothing waits for a first one. Absent: they are expected to. */
  isReported?: boolean;
}

export interface EncoderStats {
  framesIn: number;
  framesEncoded: number;
  keyframes: number;
  /** Dropped because the encoder was busy or being (re)configured. */
  droppedBusy: number;
  /** Dropped because the link could not keep up (about one frame already in front of it). */
  droppedBackpressure: number;
  /** Not encoded because the picture had not changed (a still screen). */
  skippedStill: number;
  bytesSent: number;
}

/** The agent hears of a new target when it moved by more than this share, at most this often. */
const STATE_SHARE = 0.2;
const STATE_INTERVAL_MS = 1000;
/** The bitrate is re-applied to the encoder when it is off by more than this share... */
const RETUNE_SHARE = 0.1;
/** ...at most this often (each reconfigure costs the encoder a flush). */
const RETUNE_INTERVAL_MS = 500;

/** After this many good frames, an earlier encoder error no longer counts against recovery. */
const RECOVERY_RESET_FRAMES = 90;
/** captureTs entries kept for frames inside the encoder; more would mean the encoder lost frames. */
const MAX_PENDING_TIMESTAMPS = 16;

/** The most a mode may spend on a screen of this size (the rate control's ceiling). */
function maxBitrate(width: number, height: number, mode: QualityMode): number {
  return bitrateFor(width, height, modeSettings(mode).bitrateFactor);
}

export class NoSupportedCodecError extends Error {
  readonly code = 'capture-failed' as const;
  constructor(width: number, height: number) {
    super(`no supported video encoder for ${width}x${height}`);
    this.name = 'NoSupportedCodecError';
  }
}

/** The first codec this browser encodes at this size (and mode). */
async function pickCodec(width: number, height: number, mode: QualityMode): Promise<CodecCandidate> {
  for (const candidate of CODEC_CANDIDATES) {
    const settings = encoderSettings(candidate, width, height, mode);
    try {
      const support = await VideoEncoder.isConfigSupported(settings);
      if (support.supported) return candidate;
    } catch {
      // A codec string this browser does not know: try the next one.
    }
  }
  throw new NoSupportedCodecError(width, height);
}

/**
 * Encodes captured screen frames with WebCodecs and sends them as framed fragments on the
 * media channel.
 *
 * Latency beats completeness: a frame that would queue (encoder busy, about one frame already
 * in front of the link) is dropped before encoding, so every encoded frame still references
 * one the agent has. How much the link carries is the StreamController's business: it sets the
 * bitrate and frame rate (applied to the running encoder) and the encoded size (a scaled copy
 * of the capture: a new size means a fresh encoder and a `stream-config` before its first
 * frame, always a keyframe). A still screen is not encoded (see ChangeDetector). A new
 * quality mode moves the rate control to that mode's ladder in the same stream (no new
 * `stream-config`); the next frame is a keyframe.
 *
 * Every VideoFrame handed to {@link encode} is closed on every path.
 */
export class ScreenEncoder {
  readonly stats: EncoderStats = { framesIn: 0, framesEncoded: 0, keyframes: 0, droppedBusy: 0, droppedBackpressure: 0, skippedStill: 0, bytesSent: 0 };
  /** The link estimate, the bitrate target and the ladder (see StreamController). */
  readonly stream: StreamController;

  private encoder: VideoEncoder | null = null;
  private config: StreamConfig | null = null;
  private codecCandidate: CodecCandidate | null = null;
  private mode: QualityMode;
  private isConfiguring = false;
  private isKeyPending = true;
  private isConfigRepeatPending = false;
  private isClosed = false;
  private seq = 0;
  /** The timestamp (µs) the last frame was encoded under (see encodeRetimed). */
  private encodeTimestamp = 0;
  private errors = 0;
  private framesSinceError = 0;
  private readonly captureTimes = new Map<number, number>();
  private readonly detector = new ChangeDetector();
  /** A frame is being compared with the previous one (frames arriving meanwhile are dropped). */
  private isComparing = false;
  /** The bitrate and frame rate the encoder was last configured with. */
  private applied: EncoderRate | null = null;
  private appliedAt = Number.NEGATIVE_INFINITY;
  /** What the agent was last told about the stream's adaptation (`stream-state`). */
  private stateSent: { plan: StreamPlan; at: number } | null = null;
  private decreasesLogged = 0;
  /** The captured size, whose scaled copy is encoded. */
  private sourceSize: { width: number; height: number } | null = null;

  constructor(private readonly opts: ScreenEncoderOptions) {
    this.mode = opts.mode ?? DEFAULT_QUALITY_MODE;
    this.stream = new StreamController(this.mode, maxBitrate(1280, 720, this.mode), performance.now(), opts.startBps, true);
    if (opts.isReported === false) this.stream.assumeNoReports();
  }

  get qualityMode(): QualityMode {
    return this.mode;
  }

  /**
   * Encodes in `mode` from the next frame on: the rate control moves to the mode's ladder
   * (applied to the same encoder, no new stream-config), and the next frame is a keyframe.
   */
  setMode(mode: QualityMode): void {
    if (this.isClosed || mode === this.mode) return;
    this.mode = mode;
    const source = this.sourceSize ?? { width: 1280, height: 720 };
    this.stream.setMode(mode, maxBitrate(source.width, source.height, mode), performance.now());
    this.isKeyPending = true;
  }

  /** What reached the agent: the rate control's acknowledgement. */
  onReceiveReport(report: Pick<ReceiveReport, 'lastSeq' | 'heldMs' | 'bytes'>): void {
    if (this.isClosed) return;
    const now = performance.now();
    this.stream.onReport(report, now);
    this.probeLink(now);
  }

  /** The relay acknowledged a start-up probe (see LinkProbe). */
  onProbeAck(id: number): void {
    if (this.isClosed) return;
    const now = performance.now();
    this.stream.onProbeAck(id, now);
    this.probeLink(now);
  }

  /** Sends the start-up probe that is due, if any; a relay that cannot take one ends probing. */
  private probeLink(now: number): void {
    const bytes = this.stream.probeDue(now);
    if (bytes === 0) return;
    const id = this.stream.onProbeSent(bytes, now);
    for (const piece of probePieces(this.opts.sessionId, id, bytes, this.stream.plan().fragmentPayload)) {
      if (!this.opts.sink.sendCtl(piece)) return this.stream.stopProbing(now);
    }
  }

  /** The size of the video the agent sees, which is the space its input coordinates are in. */
  get frameSize(): { width: number; height: number } | null {
    return this.config ? { width: this.config.width, height: this.config.height } : null;
  }

  get codec(): string | null {
    return this.config?.codec ?? null;
  }

  /**
   * Takes ownership of `frame`. `captureTs` is when it was read from the track (epoch ms).
   * The frame is encoded only if the encoder is free, the rate control admits it (frame rate,
   * the queue in front of the link) and the picture changed (or is still being refined).
   */
  encode(frame: VideoFrame, captureTs: number): void {
    let isHandedOn = false;
    try {
      if (this.isClosed) return;
      this.stats.framesIn++;
      const now = performance.now();
      this.stream.onBuffered(this.opts.sink.mediaBufferedAmount, now);
      const plan = this.stream.plan();
      const size = scaledSize(frame.displayWidth, frame.displayHeight, plan.scale);
      const encoder = this.encoder;
      if (!encoder || encoder.state !== 'configured' || this.config?.width !== size.width || this.config.height !== size.height) {
        if (!this.isConfiguring) void this.configure(size.width, size.height, { width: frame.displayWidth, height: frame.displayHeight });
        this.stats.droppedBusy++;
        return;
      }
      this.tellState(plan, now);
      this.logDecrease();
      if (encoder.encodeQueueSize >= MAX_ENCODE_QUEUE || this.isComparing) {
        this.stats.droppedBusy++;
        return;
      }
      if (!this.stream.admits(now)) {
        this.stats.droppedBackpressure++;
        return;
      }
      this.retune(encoder, plan, now);
      isHandedOn = true;
      void this.encodeIfChanged(encoder, frame, captureTs, now);
    } catch (err) {
      this.onEncoderError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      if (!isHandedOn) frame.close();
    }
  }

  /** Compares `frame` with the previous one, then encodes it unless nothing changed. Closes it. */
  private async encodeIfChanged(encoder: VideoEncoder, frame: VideoFrame, captureTs: number, now: number): Promise<void> {
    this.isComparing = true;
    try {
      const isUnchanged = await this.detector.isUnchanged(frame);
      if (this.isClosed) return;
      if (this.encoder !== encoder || encoder.state !== 'configured') {
        this.stats.droppedBusy++; // reconfigured meanwhile
        return;
      }
      const keyFrame = this.isKeyPending && this.stream.mayKeyframe(now);
      if (isUnchanged && !keyFrame && !this.stream.wantsUnchanged(now)) {
        this.stats.skippedStill++;
        return;
      }
      if (!isUnchanged) this.stream.onPictureChanged(now);
      if (keyFrame) {
        this.isKeyPending = false;
        if (this.isConfigRepeatPending && this.config) this.sendStreamConfig(this.config);
        this.isConfigRepeatPending = false;
      }
      this.stream.onEncoding(now);
      this.encodeRetimed(encoder, frame, captureTs, keyFrame);
    } catch (err) {
      this.onEncoderError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      this.isComparing = false;
      frame.close();
    }
  }

  /**
   * Encodes `frame` (the caller still closes it) one planned frame interval after the previous
   * one. The encoder's rate control budgets a frame by the time since the one before: after
   * frames held back for the link, or a still screen's pause, the real gap would grant the next
   * frame seconds' worth of bits at once, which a slow link then carries for seconds.
   */
  private encodeRetimed(encoder: VideoEncoder, frame: VideoFrame, captureTs: number, keyFrame: boolean): void {
    const interval = Math.round(1_000_000 / this.stream.plan().fps);
    this.encodeTimestamp += interval;
    const timed = new VideoFrame(frame, { timestamp: this.encodeTimestamp, duration: interval });
    try {
      this.rememberCaptureTs(this.encodeTimestamp, captureTs);
      encoder.encode(timed, { keyFrame });
    } finally {
      timed.close();
    }
  }

  /** Tells the agent how the stream adapts when that changed (a step, or the target moved a lot). */
  private tellState(plan: StreamPlan, now: number): void {
    const sent = this.stateSent;
    if (sent) {
      const isStep = sent.plan.isSteppedDown !== plan.isSteppedDown || sent.plan.fps !== plan.fps || sent.plan.scale !== plan.scale;
      const hasMoved = Math.abs(plan.targetBps - sent.plan.targetBps) > sent.plan.targetBps * STATE_SHARE;
      if (!(isStep || hasMoved) || now - sent.at < STATE_INTERVAL_MS) return;
    }
    const msg: CtlToRelay = { type: 'stream-state', sessionId: this.opts.sessionId, targetBps: Math.round(plan.targetBps), fps: plan.fps, isSteppedDown: plan.isSteppedDown };
    if (this.sourceSize) Object.assign(msg, { sourceWidth: this.sourceSize.width, sourceHeight: this.sourceSize.height });
    if (!this.opts.sink.sendCtl(msg)) return;
    this.stateSent = { plan, at: now };
    const link = this.stream.link(now);
    console.info(
      `[beacon] stream: target ${Math.round(plan.targetBps / 1000)} kbit/s, ${plan.fps} fps, scale ${plan.scale}${plan.isSteppedDown ? ' (stepped down)' : ''};` +
        ` link ${Math.round((link.deliveryRate * 8) / 1000)} kbit/s, rtt ${link.rttMs === null ? '-' : Math.round(link.rttMs)} ms, queue ${Math.round(link.queueDelayMs)} ms`,
    );
  }

  /** Logs why the rate control lowered the target (once per decrease). */
  private logDecrease(): void {
    const d = this.stream.decreases;
    if (d.count === this.decreasesLogged) return;
    this.decreasesLogged = d.count;
    console.info(`[beacon] rate down: ${d.last ?? '?'}`);
  }

  /** Gives the encoder the rate control's bitrate and frame rate when they moved enough. */
  private retune(encoder: VideoEncoder, plan: StreamPlan, now: number): void {
    const applied = this.applied;
    const config = this.config;
    const candidate = this.codecCandidate;
    if (!applied || !config || !candidate) return;
    const isOff = Math.abs(plan.encoderBps - applied.bitrate) > applied.bitrate * RETUNE_SHARE;
    if (plan.fps === applied.framerate && !(isOff && now - this.appliedAt >= RETUNE_INTERVAL_MS)) return;
    const rate = { bitrate: plan.encoderBps, framerate: plan.fps };
    encoder.configure(encoderSettings(candidate, config.width, config.height, this.mode, rate));
    this.applied = rate;
    this.appliedAt = now;
  }

  /**
   * The agent lost frames or just joined: a keyframe follows as soon as the link allows (see
   * StreamController.mayKeyframe), with the stream parameters again just before it (a viewer
   * that joined late needs them too).
   */
  requestKeyframe(): void {
    this.isKeyPending = true;
    this.isConfigRepeatPending = true;
  }

  /**
   * The session resumed on a new link: what was sent on the old one is lost, so nothing counts
   * as in flight or waits for an acknowledgement that cannot come, and a keyframe (with the
   * stream parameters) goes out at once.
   */
  linkReplaced(): void {
    // A probe in flight on the old link is never answered.
    this.stream.stopProbing(performance.now());
    this.stream.onNewStream();
    this.requestKeyframe();
  }

  /** Idempotent. Frames still inside the encoder are discarded with it. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.encoder && this.encoder.state !== 'closed') this.encoder.close();
    this.encoder = null;
    this.captureTimes.clear();
  }

  private async configure(width: number, height: number, source: { width: number; height: number }): Promise<void> {
    this.isConfiguring = true;
    try {
      if (this.sourceSize?.width !== source.width || this.sourceSize.height !== source.height) {
        this.sourceSize = source;
        this.codecCandidate = null;
        this.stream.setMode(this.mode, maxBitrate(source.width, source.height, this.mode), performance.now());
      }
      // Picked once per captured size, at that size: the ladder's smaller sizes use it too
      // (a size step then costs no round of support checks).
      const candidate = this.codecCandidate ?? (await pickCodec(source.width, source.height, this.mode));
      if (this.isClosed) return;
      // The plan as it is now: it may have changed while the codec was being picked.
      const plan = this.stream.plan();
      const rate = { bitrate: plan.encoderBps, framerate: plan.fps };
      const settings = encoderSettings(candidate, width, height, this.mode, rate);
      // A fresh encoder per size: chunks of the old size still inside the old one are
      // discarded rather than sent after the new stream-config.
      const old = this.encoder;
      this.encoder = null;
      if (old && old.state !== 'closed') old.close();
      this.encoder = this.createEncoder();
      this.encoder.configure(settings);
      this.config = { codec: settings.codec, width, height };
      this.codecCandidate = candidate;
      this.applied = rate;
      this.appliedAt = performance.now();
      this.isKeyPending = true;
      this.captureTimes.clear();
      this.detector.reset();
      this.stream.onNewStream();
      this.sendStreamConfig(this.config);
    } catch (err) {
      if (err instanceof NoSupportedCodecError) this.fatal(err);
      else this.onEncoderError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      this.isConfiguring = false;
    }
  }

  private createEncoder(): VideoEncoder {
    const encoder: VideoEncoder = new VideoEncoder({
      output: (chunk) => this.onChunk(chunk),
      // Only the current encoder's errors count; a replaced one may still report.
      error: (err) => {
        if (this.encoder === encoder) this.onEncoderError(err);
      },
    });
    return encoder;
  }

  private onChunk(chunk: EncodedVideoChunk): void {
    if (this.isClosed) return;
    const captureTs = this.captureTimes.get(chunk.timestamp) ?? epochNow();
    this.captureTimes.delete(chunk.timestamp);
    const data = new Uint8Array(chunk.byteLength);
    chunk.copyTo(data);
    const isKey = chunk.type === 'key';
    const seq = this.seq;
    const fragments = fragmentFrame(data, { isKey, stream: this.opts.streamId, seq, captureTs }, this.stream.plan().fragmentPayload);
    this.seq = (this.seq + 1) >>> 0;
    let bytes = 0;
    for (const f of fragments) {
      if (!this.opts.sink.sendMedia(f)) return;
      bytes += f.byteLength;
    }
    this.stats.bytesSent += bytes;
    this.stream.onFrameSent(seq, bytes, isKey, performance.now());
    if (isKey) console.info(`[beacon] keyframe ${seq}: ${bytes} B at ${this.config?.width}x${this.config?.height}`);
    this.stats.framesEncoded++;
    if (isKey) this.stats.keyframes++;
    if (++this.framesSinceError >= RECOVERY_RESET_FRAMES) this.errors = 0;
  }

  private rememberCaptureTs(timestamp: number, captureTs: number): void {
    if (this.captureTimes.size >= MAX_PENDING_TIMESTAMPS) {
      const oldest = this.captureTimes.keys().next();
      if (!oldest.done) this.captureTimes.delete(oldest.value);
    }
    this.captureTimes.set(timestamp, captureTs);
  }

  private sendStreamConfig(config: StreamConfig): void {
    this.opts.sink.sendCtl({ type: 'stream-config', sessionId: this.opts.sessionId, config: { ...config } });
  }

  /** One error: start over with a fresh encoder (on the next frame). Two in a row: give up. */
  private onEncoderError(err: Error): void {
    if (this.isClosed) return;
    console.warn('[beacon] video encoder error', err.message);
    const old = this.encoder;
    this.encoder = null;
    this.config = null;
    if (old && old.state !== 'closed') old.close();
    this.framesSinceError = 0;
    if (++this.errors > 1) this.fatal(err);
  }

  private fatal(err: Error): void {
    if (this.isClosed) return;
    this.close();
    this.opts.onFatal(err);
  }
}
