/**
 * One session's video: media fragments -> Reassembler -> KeyframeGate -> WebCodecs
 * VideoDecoder -> drawn on the session's canvas. The customer adapts its stream to us
 * through `keyframe-request` and the `receive-report`s (ReceiveReporter) that say what
 * arrived; everything else here is local.
 *
 * Not on screen (`setVisible(false)`), only keyframes are decoded and drawn (the relay sends
 * no more), so the canvas is at most one keyframe old; shown again, a keyframe is asked for
 * at once and the live picture resumes from it.
 */
import { FramingError, Reassembler } from '@beacon/shared/framing';
import type { StreamConfig } from '@beacon/shared/protocol';
import { KeyframeGate } from '../common/KeyframeGate.ts';
import { ReceiveReporter, type ReportFields } from '../common/ReceiveReporter.ts';
import { RollingWindow, kbpsFromBytesPerSecond } from '../common/RollingWindow.ts';
import { now } from './clock.ts';

/** How long a starting stream may take to send its first keyframe before one is asked for. */
const STREAM_START_WAIT_MS = 5000;
/** How often a pending keyframe request is reconsidered (the gate rate-limits the sends). */
const KEYFRAME_POLL_MS = 100;
/**
 * An incomplete frame with no new fragment for this long is dropped by the reassembler (on a
 * slow link it allows a few fragments' transfer time at the measured rate, if longer).
 */
const REASSEMBLY_TIMEOUT_MS = 1000;
/** This many decoder failures in the window means decoding cannot work: tell the agent. */
const MAX_DECODER_ERRORS = 5;
const DECODER_ERROR_WINDOW_MS = 10_000;
/** Frames handed to the decoder whose output never came are forgotten past this many. */
const MAX_IN_FLIGHT_META = 64;

export interface VideoPipelineOptions {
  sessionId: string;
  canvas: HTMLCanvasElement;
  requestKeyframe(): void;
  /** Tells the customer what arrived (see ReceiveReporter). */
  sendReport(report: ReportFields): void;
  /** The video size changed (first frame, or the customer switched resolution). */
  onVideoSize(width: number, height: number): void;
  /** Decoding cannot work at all (unsupported codec, repeated failures): an i18n key. */
  onFatal(messageKey: string): void;
}

export interface VideoStats {
  fps: number;
  kbps: number;
  width: number;
  height: number;
  codec: string | null;
}

function sameConfig(a: StreamConfig | null, b: StreamConfig): boolean {
  return a !== null && a.codec === b.codec && a.width === b.width && a.height === b.height;
}

export class VideoPipeline {
  private decoder: VideoDecoder | null = null;
  private config: StreamConfig | null = null;
  private readonly reassembler = new Reassembler({ timeoutMs: REASSEMBLY_TIMEOUT_MS, now: () => performance.now() });
  private readonly gate = new KeyframeGate();
  /** The keyframe now arriving: its first fragment's time, to time the whole transfer. */
  private keyArrival: { seq: number; startedAt: number } | null = null;
  private readonly reporter = new ReceiveReporter();
  private readonly drawn = new RollingWindow();
  private readonly received = new RollingWindow();
  /** Decode index -> the media header's seq/captureTs (for the frame probe) and when it went to the decoder; oldest first. */
  private readonly inFlight = new Map<number, { seq: number; captureTs: number; queuedAt: number }>();
  private decodeIndex = 0;
  private readonly ctx: CanvasRenderingContext2D | null;
  private readonly pollTimer: ReturnType<typeof setInterval>;
  private decoderErrorTimes: number[] = [];
  private isClosed = false;
  private hasFailed = false;
  private lastFramingLogAt = 0;
  framesDrawn = 0;
  videoWidth = 0;
  videoHeight = 0;

  constructor(private readonly opts: VideoPipelineOptions) {
    this.ctx = opts.canvas.getContext('2d', { alpha: false });
    this.pollTimer = setInterval(() => {
      this.expireStalled();
      this.maybeRequestKeyframe();
      this.maybeReport();
    }, KEYFRAME_POLL_MS);
    // A stream starts with a keyframe (once the customer's capture runs: allow it a while);
    // joining one mid-stream, the first delta asks for one.
    this.gate.expectKey(performance.now(), STREAM_START_WAIT_MS);
  }

  /** Applies the customer's `stream-config`; a new codec or size means a new decoder. */
  configure(config: StreamConfig): void {
    if (this.isClosed || this.hasFailed) return;
    if (sameConfig(this.config, config) && this.decoder?.state === 'configured') return;
    const isNewSize = this.config !== null && this.decoder !== null;
    this.config = config;
    if (typeof VideoDecoder === 'undefined') {
      // WebCodecs needs a secure context (https, or http://localhost).
      this.fail('no WebCodecs in this page');
      return;
    }
    // The customer sends a keyframe right after every stream-config: no need to ask for one.
    this.resetDecoder(true, isNewSize);
  }

  /** One fragment from the media channel whose header named this session's stream. */
  pushFragment(fragment: Uint8Array): void {
    if (this.isClosed) return;
    const t = performance.now();
    this.received.add(fragment.byteLength, t);
    this.reporter.onBytes(fragment.byteLength);
    const droppedBefore = this.reassembler.droppedFrames;
    let frame;
    try {
      frame = this.reassembler.push(fragment);
    } catch (err) {
      if (!(err instanceof FramingError)) throw err;
      if (t - this.lastFramingLogAt > 5000) {
        this.lastFramingLogAt = t;
        console.warn(`[beacon] session ${this.opts.sessionId}: dropped a bad media fragment: ${err.message}`);
      }
      this.gate.needKey();
      return;
    }
    if (this.reassembler.droppedFrames !== droppedBefore) {
      this.gate.needKey();
      this.reporter.setDropped(this.reassembler.droppedFrames);
    }
    const header = this.reassembler.lastHeader;
    if (header?.isKey && this.keyArrival?.seq !== header.seq) this.keyArrival = { seq: header.seq, startedAt: t };
    if (!frame) {
      if (header?.isKey) this.gate.onKeyArriving(t);
      return;
    }
    if (frame.isKey && this.keyArrival?.seq === frame.seq) this.gate.onKeyTransfer(t - this.keyArrival.startedAt);
    this.reporter.onFrame(frame.seq, t);
    this.maybeReport();
    const decoder = this.decoder;
    if (!decoder || decoder.state !== 'configured') {
      // No stream-config yet: this frame is lost to us, so ask again (still rate-limited).
      this.gate.reset();
      this.maybeRequestKeyframe();
      return;
    }
    const oldest = this.inFlight.values().next();
    const decision = this.gate.onFrame(frame, decoder.decodeQueueSize, oldest.done ? 0 : t - oldest.value.queuedAt);
    if (decision.decode) {
      const index = this.decodeIndex++;
      this.inFlight.set(index, { seq: frame.seq, captureTs: frame.captureTs, queuedAt: t });
      if (this.inFlight.size > MAX_IN_FLIGHT_META) {
        const oldest = this.inFlight.keys().next();
        if (!oldest.done) this.inFlight.delete(oldest.value);
      }
      try {
        decoder.decode(new EncodedVideoChunk({ type: frame.isKey ? 'key' : 'delta', timestamp: index, data: frame.data }));
      } catch (err) {
        this.onDecoderError(err);
      }
    }
    this.maybeRequestKeyframe();
  }

  stats(): VideoStats {
    const t = performance.now();
    return {
      fps: this.drawn.count(t),
      kbps: kbpsFromBytesPerSecond(this.received.sum(t)),
      width: this.videoWidth,
      height: this.videoHeight,
      codec: this.config?.codec ?? null,
    };
  }

  get skippedFrames(): number {
    return this.gate.skippedFrames;
  }

  setVisible(isVisible: boolean): void {
    if (this.isClosed || this.gate.visible === isVisible) return;
    this.gate.setVisible(isVisible);
    this.maybeRequestKeyframe();
  }

  /** Idempotent. Stops decoding; the canvas keeps the last picture. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearInterval(this.pollTimer);
    this.closeDecoder();
    this.reassembler.clear();
    this.inFlight.clear();
    this.drawn.clear();
    this.received.clear();
  }

  /** A fresh decoder for the current config; `isKeyComing`: the customer sends a keyframe without being asked. */
  private resetDecoder(isKeyComing = false, isNewSize = false): void {
    this.closeDecoder();
    const config = this.config;
    if (!config) return;
    const decoder = new VideoDecoder({
      output: (frame) => this.onOutput(frame),
      error: (err) => {
        if (this.decoder === decoder) this.onDecoderError(err);
      },
    });
    this.decoder = decoder;
    this.inFlight.clear();
    // Not reset(): a keyframe already on its way (expected or asked for) will do. A new size
    // mid-stream: its keyframe comes from a new encoder, after the stream-config and behind the
    // old size's last frames, so it gets as long as a starting stream (asking after 2 s cost a
    // second keyframe); the first stream-config of a stream keeps the usual wait.
    if (isKeyComing) this.gate.expectKey(performance.now(), isNewSize ? STREAM_START_WAIT_MS : undefined);
    else this.gate.needKey();
    try {
      // Annex B H.264 and VP8/9/AV1 need no description: parameters travel in the keyframes.
      decoder.configure({ codec: config.codec, codedWidth: config.width, codedHeight: config.height, optimizeForLatency: true });
    } catch (err) {
      this.onDecoderError(err);
      return;
    }
    this.maybeRequestKeyframe();
  }

  private closeDecoder(): void {
    const d = this.decoder;
    this.decoder = null;
    if (d && d.state !== 'closed') {
      try {
        d.close();
      } catch {
        /* already closed by an error */
      }
    }
  }

  private onDecoderError(err: unknown): void {
    if (this.isClosed || this.hasFailed) return;
    const name = err instanceof Error ? err.name : 'Error';
    console.warn(`[beacon] session ${this.opts.sessionId}: decoder error`, err);
    if (name === 'NotSupportedError' || name === 'TypeError') {
      this.fail(`codec ${this.config?.codec ?? '?'} not supported`);
      return;
    }
    const t = performance.now();
    this.decoderErrorTimes = [...this.decoderErrorTimes.filter((at) => t - at < DECODER_ERROR_WINDOW_MS), t];
    if (this.decoderErrorTimes.length >= MAX_DECODER_ERRORS) {
      this.fail('the decoder keeps failing');
      return;
    }
    // A failed decoder is closed for good: start a fresh one from the next keyframe.
    this.resetDecoder();
  }

  private fail(detail: string): void {
    if (this.hasFailed) return;
    this.hasFailed = true;
    console.error(`[beacon] session ${this.opts.sessionId}: video stopped: ${detail}`);
    this.closeDecoder();
    this.opts.onFatal('errors.decode-failed');
  }

  private onOutput(frame: VideoFrame): void {
    const meta = this.inFlight.get(frame.timestamp);
    this.inFlight.delete(frame.timestamp);
    if (this.isClosed || !this.ctx) {
      frame.close();
      return;
    }
    const canvas = this.opts.canvas;
    const width = frame.displayWidth;
    const height = frame.displayHeight;
    try {
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
      }
      this.ctx.drawImage(frame, 0, 0, width, height);
    } finally {
      frame.close();
    }
    const drawnAt = now();
    this.framesDrawn++;
    this.drawn.add(1, performance.now());
    canvas.dataset.frames = String(this.framesDrawn);
    if (width !== this.videoWidth || height !== this.videoHeight) {
      this.videoWidth = width;
      this.videoHeight = height;
      canvas.dataset.width = String(width);
      canvas.dataset.height = String(height);
      this.opts.onVideoSize(width, height);
    }
    const probe = window.__beaconFrameProbe;
    if (probe && meta) {
      try {
        probe({ sessionId: this.opts.sessionId, canvas, seq: meta.seq, captureTs: meta.captureTs, drawnAt });
      } catch (err) {
        console.warn('[beacon] frame probe failed', err);
      }
    }
  }

  /** A frame that stopped arriving is lost even if nothing else arrives after it: wait for a keyframe. */
  private expireStalled(): void {
    if (this.isClosed) return;
    const before = this.reassembler.droppedFrames;
    this.reassembler.expire();
    if (this.reassembler.droppedFrames === before) return;
    this.gate.needKey();
    this.reporter.setDropped(this.reassembler.droppedFrames);
  }

  private maybeReport(): void {
    if (this.isClosed) return;
    const report = this.reporter.due(performance.now());
    if (report) this.opts.sendReport(report);
  }

  private maybeRequestKeyframe(): void {
    if (this.isClosed || this.hasFailed) return;
    if (!this.gate.shouldRequestKeyframe(performance.now())) return;
    console.info(`[beacon] session ${this.opts.sessionId}: asking for a keyframe (${this.gate.skippedFrames} frames skipped, last for ${this.gate.lastSkipReason ?? '-'}; ${this.reassembler.droppedFrames} incomplete)`);
    this.opts.requestKeyframe();
  }
}
