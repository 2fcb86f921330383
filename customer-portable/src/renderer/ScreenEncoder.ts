import { fragmentFrame } from '@beacon/shared/framing';
import { DEFAULT_QUALITY_MODE, type CtlToRelay, type QualityMode, type StreamConfig } from '@beacon/shared/protocol';
import {
  averageFrameBytes,
  CODEC_CANDIDATES,
  encoderSettings,
  MAX_ENCODE_QUEUE,
  mediaBacklogLimit,
  type CodecCandidate,
} from '../common/encoderSettings.ts';
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
}

export interface EncoderStats {
  framesIn: number;
  framesEncoded: number;
  keyframes: number;
  /** Dropped because the encoder was busy or being (re)configured. */
  droppedBusy: number;
  /** Dropped because the network could not keep up (more than about two frames waiting to be sent). */
  droppedBackpressure: number;
  bytesSent: number;
}

/** After this many good frames, an earlier encoder error no longer counts against recovery. */
const RECOVERY_RESET_FRAMES = 90;
/** captureTs entries kept for frames inside the encoder; more would mean the encoder lost frames. */
const MAX_PENDING_TIMESTAMPS = 16;

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
 * Latency beats completeness: a frame that would queue (encoder busy, network backed up) is
 * dropped before encoding, so every encoded frame still references one the agent has. The
 * encoder is (re)configured whenever the frame size changes, and the agent is told with a
 * `stream-config` before the first frame of the new size (always a keyframe). A new quality
 * mode reconfigures the running encoder in place (bitrate and frame rate only): the stream
 * keeps its codec and size, so the agent's decoder goes on without a new `stream-config`;
 * the next frame is a keyframe.
 *
 * Every VideoFrame handed to {@link encode} is closed on every path.
 */
export class ScreenEncoder {
  readonly stats: EncoderStats = { framesIn: 0, framesEncoded: 0, keyframes: 0, droppedBusy: 0, droppedBackpressure: 0, bytesSent: 0 };

  private encoder: VideoEncoder | null = null;
  private config: StreamConfig | null = null;
  private codecCandidate: CodecCandidate | null = null;
  private mode: QualityMode;
  private isConfiguring = false;
  private isKeyPending = true;
  private isClosed = false;
  private seq = 0;
  private errors = 0;
  private framesSinceError = 0;
  /** Moving average of this stream's encoded frame sizes; null until the first frame. */
  private averageFrameBytes: number | null = null;
  private readonly captureTimes = new Map<number, number>();

  constructor(private readonly opts: ScreenEncoderOptions) {
    this.mode = opts.mode ?? DEFAULT_QUALITY_MODE;
  }

  get qualityMode(): QualityMode {
    return this.mode;
  }

  /**
   * Encodes in `mode` from the next frame on: the same encoder, told the mode's bitrate and
   * frame rate, and a keyframe next. If the encoder refuses, its error path starts a fresh one
   * (in the new mode) as after any encoder error.
   */
  setMode(mode: QualityMode): void {
    if (this.isClosed || mode === this.mode) return;
    this.mode = mode;
    const encoder = this.encoder;
    const config = this.config;
    const candidate = this.codecCandidate;
    // Being configured (or not yet): configure() reads the mode when it gets there.
    if (!encoder || encoder.state !== 'configured' || !config || !candidate || this.isConfiguring) return;
    try {
      encoder.configure(encoderSettings(candidate, config.width, config.height, mode));
      this.isKeyPending = true;
    } catch (err) {
      this.onEncoderError(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** The size of the video the agent sees, which is the space its input coordinates are in. */
  get frameSize(): { width: number; height: number } | null {
    return this.config ? { width: this.config.width, height: this.config.height } : null;
  }

  get codec(): string | null {
    return this.config?.codec ?? null;
  }

  /** Takes ownership of `frame`. `captureTs` is when it was read from the track (epoch ms). */
  encode(frame: VideoFrame, captureTs: number): void {
    try {
      if (this.isClosed) return;
      this.stats.framesIn++;
      const width = frame.displayWidth;
      const height = frame.displayHeight;
      const encoder = this.encoder;
      if (!encoder || encoder.state !== 'configured' || this.config?.width !== width || this.config.height !== height) {
        if (!this.isConfiguring) void this.configure(width, height);
        this.stats.droppedBusy++;
        return;
      }
      if (encoder.encodeQueueSize >= MAX_ENCODE_QUEUE) {
        this.stats.droppedBusy++;
        return;
      }
      if (this.opts.sink.mediaBufferedAmount > mediaBacklogLimit(this.averageFrameBytes)) {
        this.stats.droppedBackpressure++;
        return;
      }
      const keyFrame = this.isKeyPending;
      this.isKeyPending = false;
      this.rememberCaptureTs(frame.timestamp, captureTs);
      encoder.encode(frame, { keyFrame });
    } catch (err) {
      this.onEncoderError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      frame.close();
    }
  }

  /** The agent lost frames or just joined: the next encoded frame is a keyframe. */
  requestKeyframe(): void {
    this.isKeyPending = true;
    // A viewer that joined late needs the parameters too.
    if (this.config) this.sendStreamConfig(this.config);
  }

  /** Idempotent. Frames still inside the encoder are discarded with it. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.encoder && this.encoder.state !== 'closed') this.encoder.close();
    this.encoder = null;
    this.captureTimes.clear();
  }

  private async configure(width: number, height: number): Promise<void> {
    this.isConfiguring = true;
    try {
      const candidate = await pickCodec(width, height, this.mode);
      if (this.isClosed) return;
      // The mode as it is now: it may have changed while the codec was being picked.
      const settings = encoderSettings(candidate, width, height, this.mode);
      // A fresh encoder per size: chunks of the old size still inside the old one are
      // discarded rather than sent after the new stream-config.
      const old = this.encoder;
      this.encoder = null;
      if (old && old.state !== 'closed') old.close();
      this.encoder = this.createEncoder();
      this.encoder.configure(settings);
      this.config = { codec: settings.codec, width, height };
      this.codecCandidate = candidate;
      this.isKeyPending = true;
      this.captureTimes.clear();
      this.averageFrameBytes = null; // another size, other frame sizes
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
    this.averageFrameBytes = averageFrameBytes(this.averageFrameBytes, data.byteLength);
    const fragments = fragmentFrame(data, { isKey, stream: this.opts.streamId, seq: this.seq, captureTs });
    this.seq = (this.seq + 1) >>> 0;
    for (const f of fragments) {
      if (!this.opts.sink.sendMedia(f)) return;
      this.stats.bytesSent += f.byteLength;
    }
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
