/**
 * How the screen stream adapts to the link, in one place the encoder asks: the link estimate
 * (BandwidthEstimator), the bitrate target (RateController), the step on the ladder (Ladder:
 * frame rate and encoded size), and three admission rules:
 *
 * - Never queue stale frames: a frame is encoded only when what is in front of the link (sent
 *   and not yet acknowledged by the agent, or without reports, still in the channel's buffer)
 *   is about one frame plus a round trip's worth at the target rate. A frame that would wait
 *   is not encoded at all, so the next one is fresher and nothing references a dropped frame.
 * - Keyframes cost seconds on a slow link: a request is served once the last keyframe has
 *   left the link (the agent acknowledged it), not before (it is served then).
 * - A still screen costs almost nothing: an unchanged picture is not encoded, except while the
 *   encoder is still refining the last change (its deltas are not yet small; for a second at
 *   most) and as a heartbeat every two seconds (a couple of hundred bytes) so the agent sees
 *   the stream is alive.
 *
 * Pure: time is passed in.
 */
import { MAX_PAYLOAD_BYTES, MIN_PAYLOAD_BYTES } from '@beacon/shared/framing';
import { averageFrameBytes, mediaBacklogLimit } from '../encoderSettings.ts';
import type { QualityMode, ReceiveReport } from '@beacon/shared/protocol';
import { BandwidthEstimator, type LinkSnapshot } from './BandwidthEstimator.ts';
import { effectiveMode, Ladder, type Rung } from './Ladder.ts';
import { LinkProbe } from './LinkProbe.ts';
import { RateController, type RateLimits } from './RateController.ts';

/** The encoder is given this share of the target; the rest absorbs keyframes and overshoot. */
export const ENCODER_SHARE = 0.85;
/** The first frames go out at this rate until the link is measured. */
export const START_BPS = 250_000;
export const MIN_BPS = 60_000;
/** Extra time in front of the link allowed beyond the round trip. */
const QUEUE_ALLOWANCE_MS = 100;
/** A delta this small means the encoder has finished refining a still picture. */
export const SETTLED_DELTA_BYTES = 600;
/** A change is refined for at most this long (the encoder may keep polishing a still picture for a while). */
export const REFINE_MS = 1000;
/** An unchanged screen still sends a frame this often. */
export const HEARTBEAT_MS = 2000;
const MIN_KEYFRAME_INTERVAL_MS = 300;
const MAX_KEYFRAME_INTERVAL_MS = 3000;
/**
 * No report at all this long after the first frame went out: the console is from before rate
 * control (it never reports). The stream then runs at the mode's full settings, as it did then.
 */
export const NO_REPORTS_AFTER_MS = 3000;
/**
 * The encoded size goes down only if a frame was held back for the link this recently: a
 * still screen sends little whatever its size, and its controller's dips (a busy machine's
 * late reports) are not worth a keyframe at a smaller size.
 */
const SHRINK_AFTER_HELD_BACK_MS = 2000;
/** Fragments are cut to about this long on the link (so ctl messages get a turn between them). */
const FRAGMENT_MS = 25;

export interface StreamPlan {
  /** Bits per second for the encoder. */
  encoderBps: number;
  /** Bits per second the link is thought to carry (the target). */
  targetBps: number;
  fps: number;
  scale: number;
  isSteppedDown: boolean;
  /** Payload bytes per media fragment. */
  fragmentPayload: number;
}

export class StreamController {
  readonly estimator = new BandwidthEstimator();
  private readonly rate: RateController;
  private readonly ladder: Ladder;
  private mode: QualityMode;
  private maxBps: number;
  private lastEncodeAt = Number.NEGATIVE_INFINITY;
  private lastKeyAt = Number.NEGATIVE_INFINITY;
  private lastKeySeq: number | null = null;
  private lastHeldBackAt = Number.NEGATIVE_INFINITY;
  private lastDeltaBytes = Number.POSITIVE_INFINITY;
  private lastChangeAt = Number.NEGATIVE_INFINITY;
  private averageDelta: number | null = null;
  private hasEverHadReports = false;
  private firstSentAt: number | null = null;
  private isWithoutReports = false;
  /** The ladder has seen start-up end (see update). */
  private hasLeftStartup = false;
  private readonly startBps: number;
  /** The start-up probe (see LinkProbe); off for a stream whose sender sends no probes. */
  readonly probe: LinkProbe;

  /**
   * `startBps`: what the link is assumed to carry before it is measured (default {@link START_BPS}).
   * `isProbing`: the sender sends the start-up probes ({@link probeDue}); start-up then waits for their verdict.
   */
  constructor(mode: QualityMode, maxBps: number, now: number, startBps = START_BPS, isProbing = false) {
    this.mode = mode;
    this.maxBps = maxBps;
    this.startBps = startBps;
    this.probe = new LinkProbe(maxBps, isProbing);
    this.rate = new RateController(this.limits());
    this.ladder = new Ladder(effectiveMode(mode, this.rate.targetBps), this.rate.targetBps, maxBps, now);
  }

  /** The agent's quality mode, or the screen's ceiling for it, changed. */
  setMode(mode: QualityMode, maxBps: number, now: number): void {
    this.mode = mode;
    this.maxBps = maxBps;
    this.probe.setMaxBps(maxBps);
    this.rate.setLimits(this.limits());
    this.update(now);
  }

  /** Bytes of the start-up probe to send now (0: none): once the first frame was acknowledged, one probe at a time. */
  probeDue(now: number): number {
    if (this.probe.isDone) return 0;
    const bytes = this.probe.due(now, this.estimator.lastAcknowledgedSeq !== null);
    this.applyProbe(now);
    return bytes;
  }

  /** The probe of `bytes` went out: its ID, for the acknowledgement. */
  onProbeSent(bytes: number, now: number): number {
    this.estimator.onProbeSent(bytes, now);
    return this.probe.onSent(bytes, now, this.estimator.acknowledgedBytes);
  }

  /** Probing stops (a probe could not be sent, or the link it was on is gone): start-up goes on without it. */
  stopProbing(now: number): void {
    if (this.probe.isDone) return;
    this.probe.turnOff();
    this.update(now);
  }

  onProbeAck(id: number, now: number): void {
    this.estimator.onProbeAnswered(now);
    this.probe.onAck(id, now, this.estimator.acknowledgedBytes);
    this.applyProbe(now);
  }

  private applyProbe(now: number): void {
    const v = this.probe.verdict;
    if (v?.kind === 'measured') this.rate.onLinkMeasured(v.bytesPerSec * 8, now);
    this.update(now);
  }

  onReport(r: Pick<ReceiveReport, 'lastSeq' | 'heldMs' | 'bytes'>, now: number): void {
    this.hasEverHadReports = true;
    this.estimator.onReport(r, now);
    this.update(now);
  }

  /** A sample of the media channel's buffer; call it for every captured frame and from a timer. */
  onBuffered(bufferedAmount: number, now: number): void {
    this.estimator.onBuffered(bufferedAmount, now);
    this.update(now);
  }

  /** A frame went to the media channel. */
  onFrameSent(seq: number, bytes: number, isKey: boolean, now: number): void {
    this.firstSentAt ??= now;
    this.rate.onSent(now);
    this.estimator.onFrameSent(seq, bytes, now, isKey);
    if (isKey) {
      this.lastKeyAt = now;
      this.lastKeySeq = seq >>> 0;
    } else {
      this.lastDeltaBytes = bytes;
      this.averageDelta = averageFrameBytes(this.averageDelta, bytes);
    }
  }

  /** The stream restarted (new size or encoder): its first frames start a new picture. */
  onNewStream(): void {
    this.estimator.resetInFlight();
    this.lastChangeAt = Number.NEGATIVE_INFINITY;
    this.lastKeyAt = Number.NEGATIVE_INFINITY; // its first frame is a keyframe, whatever the pacing
    this.lastDeltaBytes = Number.POSITIVE_INFINITY;
    this.averageDelta = null;
  }

  plan(): StreamPlan {
    const rung: Rung = this.ladder.rung;
    const target = this.rate.targetBps;
    const bytesPerSec = target / 8;
    const payload = Math.round(Math.min(MAX_PAYLOAD_BYTES, Math.max(MIN_PAYLOAD_BYTES, (bytesPerSec * FRAGMENT_MS) / 1000)));
    return {
      encoderBps: Math.round(target * ENCODER_SHARE),
      targetBps: target,
      fps: rung.fps,
      scale: rung.scale,
      isSteppedDown: this.ladder.isSteppedDown,
      fragmentPayload: payload,
    };
  }

  /** Times the target went down, and why it last did (for the customer's log). */
  get decreases(): { count: number; last: string | null } {
    return { count: this.rate.decreases, last: this.rate.lastDecrease };
  }

  link(now: number): LinkSnapshot {
    return this.estimator.snapshot(now);
  }

  /** Whether a captured frame may be encoded now: the frame rate and the queue in front of the link allow it. */
  admits(now: number): boolean {
    const interval = 1000 / this.ladder.rung.fps;
    // Capture timing jitters by a few ms; a frame slightly early still counts as on time.
    if (now - this.lastEncodeAt < interval - 4) return false;
    if (this.hasRoom(now)) return true;
    this.lastHeldBackAt = now;
    this.rate.onHeldBack(now);
    this.estimator.onHeldBack(now);
    return false;
  }

  get hasReports(): boolean {
    return this.hasEverHadReports;
  }

  /** The frame admitted at `now` is being encoded. */
  onEncoding(now: number): void {
    this.lastEncodeAt = now;
  }

  /** The picture changed (the frame about to be encoded differs from the one before). */
  onPictureChanged(now: number): void {
    this.lastChangeAt = now;
  }

  /** Whether an unchanged picture is still worth a frame (refining the last change, or the heartbeat). */
  wantsUnchanged(now: number): boolean {
    const isRefining = this.lastDeltaBytes > SETTLED_DELTA_BYTES && now - this.lastChangeAt < REFINE_MS;
    return isRefining || now - this.lastEncodeAt >= HEARTBEAT_MS;
  }

  /**
   * Whether a pending keyframe request may be served now: not while the last keyframe is
   * still on the link (the agent has not acknowledged it; for MAX_KEYFRAME_INTERVAL_MS at
   * most), and not more often than MIN_KEYFRAME_INTERVAL_MS.
   */
  mayKeyframe(now: number): boolean {
    const since = now - this.lastKeyAt;
    if (since < MIN_KEYFRAME_INTERVAL_MS) return false;
    // A console that does not report: nothing to wait for (as before rate control).
    if (!this.hasEverHadReports) return true;
    const acked = this.estimator.lastAcknowledgedSeq;
    const isAcked = acked !== null && this.lastKeySeq !== null && ((acked - this.lastKeySeq) >>> 0) < 0x80000000;
    return isAcked || since >= MAX_KEYFRAME_INTERVAL_MS;
  }

  private hasRoom(now: number): boolean {
    const link = this.estimator.snapshot(now);
    const expected = Math.max(this.averageDelta ?? 0, 1000);
    // Without any report (an older console), the channel's buffer limit from before rate control.
    if (this.isWithoutReports) return link.bufferedBytes <= mediaBacklogLimit(this.averageDelta);
    // Before the first report the link is unknown: about one frame in front of it, counted from
    // what was sent (the channel's own buffer empties into the transport's window long before
    // the bytes are on a slow link: at 160 kbit/s 65 kB went out behind the first keyframe before
    // its report came back, 3.5 s later, and the picture then ran 2 s late).
    const bytesPerSec = this.rate.targetBps / 8;
    if (!this.hasEverHadReports) return link.inFlightBytes <= expected + (bytesPerSec * QUEUE_ALLOWANCE_MS) / 1000;
    const rttMs = link.baseRttMs ?? 0;
    const allowance = expected + (bytesPerSec * (rttMs + QUEUE_ALLOWANCE_MS)) / 1000;
    if (link.hasReports) return link.inFlightBytes <= allowance;
    // Reports stalled (a hidden view gets keyframes only, or the link stalled): the channel's own buffer decides.
    return link.bufferedBytes <= allowance;
  }

  /** The console does not report (it never did within {@link NO_REPORTS_AFTER_MS}, or it is known not to): the channel's buffer decides, at the mode's full settings. */
  assumeNoReports(): void {
    if (this.hasEverHadReports || this.isWithoutReports) return;
    this.isWithoutReports = true;
    this.rate.setLimits({ ...this.limits(), minBps: this.maxBps });
  }

  private update(now: number): void {
    if (!this.hasEverHadReports && !this.isWithoutReports && this.firstSentAt !== null && now - this.firstSentAt > NO_REPORTS_AFTER_MS) this.assumeNoReports();
    const link = this.estimator.snapshot(now);
    this.rate.setStartupCeiling(this.probe.ceilingBps());
    const target = this.rate.update(link, now);
    // Whether the link is slow follows the averaged target (its probing peaks and dips are not the link).
    const linkBps = this.rate.inStartup ? Math.max(target, link.deliveryRate * 8) : this.ladder.smoothedBps;
    // While start-up is still doubling the target, the size waits for where it lands: every size
    // change costs a keyframe, and on a LAN the target reaches the top within a few reports.
    if (this.rate.inStartup && target < this.maxBps) return;
    // The update that ends start-up fits the rung to where the target landed at once: start-up
    // measured the link (the probe, or its first congestion), and the ladder, not updated while
    // it ran, still held the start value (it then took 5-10 s to climb from 640x360 to 1280x720
    // on a 1 Mbit/s link, most of the bench's window).
    const isFastUp = this.rate.inStartup || !this.hasLeftStartup;
    this.hasLeftStartup = !this.rate.inStartup;
    const wasSlow = this.ladder.ladderMode !== this.mode;
    const mayShrink = now - this.lastHeldBackAt < SHRINK_AFTER_HELD_BACK_MS;
    this.ladder.update(effectiveMode(this.mode, isFastUp ? target : linkBps, wasSlow), target, this.maxBps, now, isFastUp, mayShrink);
  }

  private limits(): RateLimits {
    // A console that never reports: the mode's full settings (the floor is the ceiling).
    if (this.isWithoutReports) return { minBps: this.maxBps, maxBps: this.maxBps, startBps: this.maxBps };
    return { minBps: MIN_BPS, maxBps: Math.max(MIN_BPS, this.maxBps), startBps: Math.min(this.startBps, this.maxBps) };
  }
}
