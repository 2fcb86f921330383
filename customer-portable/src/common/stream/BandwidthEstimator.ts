/**
 * What the customer knows about its link to the agent, from what the data channel tells it:
 *
 * - every frame it hands to the media channel (seq, bytes, when);
 * - the agent's `receive-report`s: the newest frame that arrived (so everything up to it has
 *   left the link), how long the agent held the report, and the bytes it received so far;
 * - the media channel's `bufferedAmount`, sampled, and how fast it drains.
 *
 * From these: bytes still in flight, the round trip (a frame's send -> its report), the
 * queueing delay on top of the quickest round trip seen, and the delivery rate (bytes the
 * agent acknowledged per second), flagged app-limited when the link was idle at times in that
 * second (a still screen sends little, which says nothing about what the link could carry).
 *
 * Pure: time is passed in, so the estimator is tested on recorded and synthetic traces.
 */

/** The quickest round trip is remembered this long (a route change can make it slower for good). */
const BASE_RTT_WINDOW_MS = 30_000;
/** Delivery samples are averaged over about this long. */
const RATE_WINDOW_MS = 1000;
/** The agent stopped acknowledging (hidden view, older console, stalled link) after this long without progress. */
export const REPORT_STALE_MS = 1500;
/** Only frames this small time the quickest round trip (a big frame's own transfer time is not the path's). */
const BASE_RTT_FRAME_BYTES = 1500;
/** Acknowledged bytes from an idle link measure its rate only when there were at least this many... */
const BIG_SAMPLE_BYTES = 4000;
/** ...and their transfer took at least this long (shorter is within a busy machine's jitter). */
const SLOW_TRANSFER_MS = 200;
/** Frames acknowledged this much faster than they were sent were paced by the sender (see onReport). */
const SENDER_PACED_SHARE = 1.1;
/** What the link was seen to carry is remembered this long (a still screen measures nothing). */
const CAPACITY_WINDOW_MS = 3000;
/** What the stream itself sent is averaged over this long. */
const SEND_RATE_WINDOW_MS = 2000;
/** Frames remembered for matching reports; older ones count as delivered. */
const MAX_TRACKED_FRAMES = 512;

interface SentFrame {
  seq: number;
  bytes: number;
  sentAt: number;
}

interface RateSample {
  at: number;
  bytes: number;
  ms: number;
  isAppLimited: boolean;
}

export interface LinkSnapshot {
  /** Bytes handed to the media channel and not yet acknowledged by the agent. */
  inFlightBytes: number;
  /** The channel's own queue (not yet on the network). */
  bufferedBytes: number;
  /** Smoothed round trip, ms (null: no report yet). */
  rttMs: number | null;
  /** The quickest round trip seen recently, ms. */
  baseRttMs: number | null;
  /** How much longer than the quickest round trip the latest two frames took (the lesser), less their own transfer time. */
  queueDelayMs: number;
  /** Bytes per second the agent acknowledged over the last second (0: not known yet). */
  deliveryRate: number;
  /** The link was idle at times in that second: it could carry more than {@link deliveryRate}. */
  isAppLimited: boolean;
  /** The most the link was seen to carry (busy, not app-limited) in the last seconds, bytes/s (0: never measured). */
  capacity: number;
  /** The last such measurement however old, bytes/s (0: never measured): what an app-limited stream last knew of the link. */
  lastCapacity: number;
  /** Whether the agent's reports are current (acknowledgements are arriving). */
  hasReports: boolean;
  /** Bytes per second the channel's buffer drained at while it was not empty (0: not known). */
  drainRate: number;
  /** Bytes per second the stream handed to the media channel over the last two seconds. */
  sendRate: number;
}

export class BandwidthEstimator {
  private readonly sent: SentFrame[] = [];
  private sentBytes = 0;
  private ackedBytes = 0;
  private lastAckSeq: number | null = null;
  private lastAckAt: number | null = null;
  /** When the newest acknowledged frame was sent. */
  private lastAckedSentAt: number | null = null;
  private lastProgressAt = Number.NEGATIVE_INFINITY;
  private lastReportBytes = -1;
  private srttMs: number | null = null;
  private baseRtt: { ms: number; at: number } | null = null;
  private hasSmallBase = false;
  private queueDelay = 0;
  private readonly samples: RateSample[] = [];
  private deliveryRateBps = 0;
  private isDeliveryAppLimited = true;
  private capacity: { rate: number; at: number } | null = null;
  private lastHeldBackAt = Number.NEGATIVE_INFINITY;
  /** The previous queueing-delay sample: one spike (a busy machine) is not congestion. */
  private previousQueueDelay = 0;
  private buffered = 0;
  private bufferedAt: number | null = null;
  private sentSinceBufferSample = 0;
  private drainRateBps = 0;
  /** The newest keyframe: when it went out, its size, and when it arrived (null: not yet acknowledged). */
  private lastKey: { seq: number; bytes: number; sentAt: number; arrivedAt: number | null } | null = null;
  /** The newest start-up probe (padding on ctl, see LinkProbe), likewise; its answer stands in for its arrival. */
  private lastProbe: { bytes: number; sentAt: number; arrivedAt: number | null } | null = null;
  /** Frames sent in the last {@link SEND_RATE_WINDOW_MS}, oldest first. */
  private readonly recentSends: { at: number; bytes: number }[] = [];

  /** A frame of `bytes` was handed to the media channel. */
  onFrameSent(seq: number, bytes: number, now: number, isKey = false): void {
    if (isKey) this.lastKey = { seq: seq >>> 0, bytes, sentAt: now, arrivedAt: null };
    this.sent.push({ seq: seq >>> 0, bytes, sentAt: now });
    this.recentSends.push({ at: now, bytes });
    this.sentBytes += bytes;
    this.sentSinceBufferSample += bytes;
    if (this.sent.length > MAX_TRACKED_FRAMES) {
      const old = this.sent.shift();
      if (old) this.ackedBytes += old.bytes;
    }
  }

  /** The agent's report: `lastSeq` arrived `heldMs` before the report was sent; `bytes` received so far. */
  onReport(report: { lastSeq: number; heldMs: number; bytes: number }, now: number): void {
    if (report.bytes !== this.lastReportBytes) {
      this.lastReportBytes = report.bytes;
      this.lastProgressAt = now;
    }
    const seq = report.lastSeq >>> 0;
    const ackedAt = now - Math.max(0, report.heldMs);
    let newlyAcked = 0;
    let newest: SentFrame | null = null;
    let oldestNew: SentFrame | null = null;
    // seq wraps at 2^32: "up to seq" means within half the space behind it.
    while (this.sent.length && ((seq - (this.sent[0] as SentFrame).seq) >>> 0) < 0x80000000) {
      const f = this.sent.shift() as SentFrame;
      oldestNew ??= f;
      newest = f;
      newlyAcked += f.bytes;
    }
    if (!newest || !oldestNew) return;
    const key = this.lastKey;
    if (key && key.arrivedAt === null && ((seq - key.seq) >>> 0) < 0x80000000) key.arrivedAt = ackedAt;
    this.ackedBytes += newlyAcked;
    this.lastProgressAt = now;
    // The path's own round trip as known before these frames: the first of them may have queued
    // behind a big one, so its round trip is not the path's.
    const pathMs = this.hasSmallBase && this.baseRtt ? this.baseRtt.ms : 0;
    if (newest.seq === seq) this.onRtt(ackedAt - newest.sentAt, newest.bytes + this.bigAheadOf(newest), ackedAt);
    // The interval the acknowledged bytes took: from the previous ack while frames overlapped
    // in flight; else from when the first of them was sent, less the path's own round trip. It
    // measures the link only if frames were held back for it meanwhile (the sender wanted more
    // than the link took), or the transfer alone took long (a big frame on a slow link); else
    // it says only "at least this fast".
    const prevAck = this.lastAckAt;
    const wasBusy = prevAck !== null && oldestNew.sentAt <= prevAck;
    const from = wasBusy && prevAck !== null ? prevAck : oldestNew.sentAt + pathMs;
    const wasHeldBack = prevAck !== null && this.lastHeldBackAt >= prevAck - 1;
    // Held back counts only if frames overlapped on the link: a frame that arrived before the
    // next was sent crossed an idle link, and what was held back meanwhile waited for the
    // acknowledgement's pace, not for the link.
    // A start-up probe on the link meanwhile: it crossed the link too, but its bytes are not
    // in this sample, which then understates the link (by a quarter of it, measured on a real
    // 1 Mbit/s link): it says only "at least this fast".
    const probe = this.lastProbe;
    const isBehindProbe = probe !== null && probe.sentAt <= newest.sentAt && (probe.arrivedAt === null || probe.arrivedAt > (prevAck ?? oldestNew.sentAt));
    // Nor faster than they were sent: frames that queued behind a big one are acknowledged
    // together, which says nothing about the link (acknowledgement compression).
    const sendMs = this.lastAckedSentAt === null ? 0 : newest.sentAt - this.lastAckedSentAt;
    // Acknowledged faster than they were sent (a backlog draining): the sender's pace, not the
    // link's, sets that sample's rate, so it does not measure the link.
    const isSenderPaced = sendMs > (ackedAt - from) * SENDER_PACED_SHARE;
    const isLinkLimited = !isBehindProbe && !isSenderPaced && ((wasHeldBack && wasBusy) || (newlyAcked >= BIG_SAMPLE_BYTES && ackedAt - from >= SLOW_TRANSFER_MS));
    this.addSample({ at: ackedAt, bytes: newlyAcked, ms: Math.max(1, ackedAt - from, sendMs), isAppLimited: !isLinkLimited }, now);
    this.lastAckedSentAt = newest.sentAt;
    this.lastAckSeq = seq;
    this.lastAckAt = ackedAt;
  }

  /** A start-up probe of `bytes` went out on the same link. */
  onProbeSent(bytes: number, now: number): void {
    this.lastProbe = { bytes, sentAt: now, arrivedAt: null };
  }

  /** The newest probe was answered. */
  onProbeAnswered(now: number): void {
    if (this.lastProbe && this.lastProbe.arrivedAt === null) this.lastProbe.arrivedAt = now;
  }

  /** A frame was held back because too much was in front of the link. */
  onHeldBack(now: number): void {
    this.lastHeldBackAt = now;
  }

  /** A sample of the media channel's `bufferedAmount`. */
  onBuffered(bufferedAmount: number, now: number): void {
    const prevAt = this.bufferedAt;
    if (prevAt !== null && now > prevAt && (this.buffered > 0 || bufferedAmount > 0) && bufferedAmount > 0) {
      const drained = this.buffered + this.sentSinceBufferSample - bufferedAmount;
      const sample = (Math.max(0, drained) * 1000) / (now - prevAt);
      this.drainRateBps = this.drainRateBps > 0 ? this.drainRateBps * 0.7 + sample * 0.3 : sample;
    }
    this.buffered = bufferedAmount;
    this.bufferedAt = now;
    this.sentSinceBufferSample = 0;
  }

  snapshot(now: number): LinkSnapshot {
    const inFlight = Math.max(0, this.sentBytes - this.ackedBytes);
    return {
      inFlightBytes: inFlight,
      bufferedBytes: this.buffered,
      rttMs: this.srttMs,
      baseRttMs: this.baseRtt?.ms ?? null,
      queueDelayMs: this.queueDelay,
      deliveryRate: this.deliveryRateBps,
      isAppLimited: this.isDeliveryAppLimited,
      capacity: this.capacity && now - this.capacity.at <= CAPACITY_WINDOW_MS ? this.capacity.rate : 0,
      lastCapacity: this.capacity?.rate ?? 0,
      hasReports: this.hasReports(now, inFlight),
      drainRate: this.drainRateBps,
      sendRate: this.sendRate(now),
    };
  }

  private sendRate(now: number): number {
    while (this.recentSends.length && now - (this.recentSends[0] as { at: number }).at > SEND_RATE_WINDOW_MS) this.recentSends.shift();
    return (this.recentSends.reduce((a, f) => a + f.bytes, 0) * 1000) / SEND_RATE_WINDOW_MS;
  }

  /** Newest acknowledged frame (null: none yet). */
  /** Bytes of frames the agent acknowledged so far (a running count). */
  get acknowledgedBytes(): number {
    return this.ackedBytes;
  }

  get lastAcknowledgedSeq(): number | null {
    return this.lastAckSeq;
  }

  /** Forgets all frames in flight (a new stream: its frames are counted afresh). */
  resetInFlight(): void {
    this.ackedBytes = this.sentBytes;
    this.sent.length = 0;
  }

  private hasReports(now: number, inFlight: number): boolean {
    if (this.lastAckAt === null) return false;
    // Nothing outstanding: nothing to wait for, the reports are as current as they can be.
    if (inFlight === 0) return true;
    return now - this.lastProgressAt <= REPORT_STALE_MS;
  }

  /**
   * The bytes of a keyframe or a start-up probe still on its way when `f` was sent: both are big
   * by design and the frames right behind them wait for them, which is their own transfer, not a
   * queue the target built up (it made a 1 Mbit/s link look congested at every keyframe, and
   * ended start-up before the probe could measure the link).
   */
  private bigAheadOf(f: SentFrame): number {
    const key = this.lastKey;
    const probe = this.lastProbe;
    const isAhead = (x: { sentAt: number; arrivedAt: number | null }) => x.sentAt <= f.sentAt && (x.arrivedAt === null || x.arrivedAt > f.sentAt);
    const keyBytes = key && key.seq !== f.seq && isAhead(key) ? key.bytes : 0;
    return keyBytes + (probe && isAhead(probe) ? probe.bytes : 0);
  }

  /** `frameBytes`: the frame's own bytes and those it had to wait for by design (see bigAheadOf). */
  private onRtt(rttMs: number, frameBytes: number, at: number): void {
    if (!(rttMs >= 0)) return;
    this.srttMs = this.srttMs === null ? rttMs : this.srttMs * 0.8 + rttMs * 0.2;
    const isSmall = frameBytes <= BASE_RTT_FRAME_BYTES;
    // Until a small frame was timed, the quickest of any (an overestimate) stands in.
    const isFirst = !this.baseRtt || (!this.hasSmallBase && isSmall);
    if (isFirst || (this.baseRtt && (rttMs <= this.baseRtt.ms || at - this.baseRtt.at > BASE_RTT_WINDOW_MS) && (isSmall || !this.hasSmallBase))) {
      this.baseRtt = { ms: rttMs, at };
      if (isSmall) this.hasSmallBase = true;
    }
    if (!this.baseRtt) return;
    // The frame's own transfer time is not queueing: a big keyframe is slow on a slow link by itself.
    const ownMs = this.deliveryRateBps > 0 ? (frameBytes * 1000) / this.deliveryRateBps : 0;
    const sample = Math.max(0, rttMs - this.baseRtt.ms - ownMs);
    this.queueDelay = Math.min(sample, this.previousQueueDelay);
    this.previousQueueDelay = sample;
  }

  private addSample(s: RateSample, now: number): void {
    this.samples.push(s);
    while (this.samples.length && now - (this.samples[0] as RateSample).at > RATE_WINDOW_MS) this.samples.shift();
    const sum = (xs: RateSample[]) => xs.reduce((a, x) => ({ bytes: a.bytes + x.bytes, ms: a.ms + x.ms }), { bytes: 0, ms: 0 });
    const busy = this.samples.filter((x) => !x.isAppLimited);
    // The link's rate from the samples that measured it; only if none did, what was delivered.
    const { bytes, ms } = sum(busy.length ? busy : this.samples);
    this.deliveryRateBps = (bytes * 1000) / Math.max(1, ms);
    this.isDeliveryAppLimited = busy.length === 0;
    if (busy.length && (!this.capacity || this.deliveryRateBps >= this.capacity.rate || now - this.capacity.at > CAPACITY_WINDOW_MS)) {
      this.capacity = { rate: this.deliveryRateBps, at: now };
    }
  }
}
