/**
 * Decides, frame by frame, whether a received video frame can be decoded, and when to ask
 * the customer for a keyframe. Pure (no timers, no DOM) so the policy is tested alone.
 *
 * A delta frame is only decodable if every frame since the last keyframe was decoded, so
 * after any loss (a sequence gap, a frame the reassembler dropped, a decoder error) or when
 * the decoder falls behind, deltas are skipped until the next keyframe.
 *
 * Keyframe requests are rate-limited, and while one is outstanding a new loss does not ask
 * again (on a 20 kB/s link one keyframe can take seconds to arrive; asking again would only
 * queue more keyframes). If none arrives within `retryMs`, the request is repeated; a keyframe
 * still arriving (its fragments keep coming) restarts that wait. The wait follows the link:
 * at least twice what the last keyframe took to arrive, plus a second (on a slow link the
 * customer also waits for room in front of the link before it sends one), up to
 * {@link MAX_KEYFRAME_RETRY_MS}.
 *
 * A keyframe that comes without asking is not asked for: a stream starts with one, and the
 * customer sends one right after every new stream-config ({@link expectKey}). Asking anyway
 * would cost a second keyframe straight after the first (tens of kB on a slow link).
 *
 * While the picture is not on screen (a background tab, a hidden window), only keyframes are
 * decoded and none is asked for: the relay then sends keyframes only, and a delta that was
 * still on its way is not worth decoding. Shown again after skipping, a keyframe is asked for
 * at once, whatever the rate limit said.
 */
export const KEYFRAME_REQUEST_MIN_INTERVAL_MS = 300;
export const KEYFRAME_RETRY_MS = 2000;
export const MAX_KEYFRAME_RETRY_MS = 8000;
/**
 * More frames than this waiting in the decoder means we are behind: catch up at a keyframe.
 * Not fewer: a busy machine holds the decoder's output for a frame or two now and then, and
 * the keyframe asked for then costs the customer's link far more (tens of kB, and the deltas
 * that refine it) than the short wait (a 20 kB/s link is blocked for seconds by it).
 */
export const MAX_DECODE_QUEUE = 6;
/**
 * ...and the oldest of them waiting at least this long. On a slow link the deltas held up
 * behind a keyframe arrive in one burst; the decoder takes them in a few ms, and a keyframe
 * asked for then would block the link again.
 */
export const MAX_DECODE_WAIT_MS = 400;

export type SkipReason = 'waiting-for-key' | 'gap' | 'backlog' | 'hidden';
export type GateDecision = { decode: true } | { decode: false; reason: SkipReason };

export interface GateOptions {
  minIntervalMs?: number;
  retryMs?: number;
  maxQueue?: number;
}

export class KeyframeGate {
  private isWaitingForKey = true;
  private isRequestWanted = true; // ask once at start unless told one is coming (expectKey)
  /** A keyframe is coming without a request; a delta first on a new stream means it went by. */
  private isExpectingKey = false;
  private lastRequestAt = Number.NEGATIVE_INFINITY;
  /** lastRequestAt was moved ahead by expectKey's wait; the keyframe's arrival undoes that. */
  private isWaitDeferred = false;
  private lastSeq: number | null = null;
  private isHidden = false;
  /** How long the last keyframe took from its first fragment to its last (null: none timed yet). */
  private keyTransferMs: number | null = null;
  private readonly minIntervalMs: number;
  private readonly retryMs: number;
  private readonly maxQueue: number;
  /** Frames skipped, for the status line and tests. */
  skippedFrames = 0;
  keyframeRequests = 0;
  /** Why the last frame was skipped (for the log line of a request). */
  lastSkipReason: SkipReason | null = null;

  constructor(opts: GateOptions = {}) {
    this.minIntervalMs = opts.minIntervalMs ?? KEYFRAME_REQUEST_MIN_INTERVAL_MS;
    this.retryMs = opts.retryMs ?? KEYFRAME_RETRY_MS;
    this.maxQueue = opts.maxQueue ?? MAX_DECODE_QUEUE;
  }

  get waitingForKey(): boolean {
    return this.isWaitingForKey;
  }

  /** Whether the picture is on screen (see the class comment). */
  setVisible(isVisible: boolean): void {
    if (this.isHidden !== isVisible) return;
    this.isHidden = !isVisible;
    if (isVisible && this.isWaitingForKey) {
      this.isRequestWanted = true;
      this.lastRequestAt = Number.NEGATIVE_INFINITY;
    }
  }

  get visible(): boolean {
    return !this.isHidden;
  }

  /**
   * A complete frame arrived; `queueSize` is the decoder's current `decodeQueueSize` and
   * `oldestWaitMs` how long the oldest frame given to the decoder has waited for its output.
   */
  onFrame(frame: { seq: number; isKey: boolean }, queueSize: number, oldestWaitMs = Number.POSITIVE_INFINITY): GateDecision {
    const expected = this.lastSeq === null ? null : (this.lastSeq + 1) >>> 0;
    const hasGap = expected !== null && frame.seq >>> 0 !== expected;
    const isFirstFrame = this.lastSeq === null;
    this.lastSeq = frame.seq >>> 0;
    if (frame.isKey) {
      this.isWaitingForKey = false;
      this.isRequestWanted = false;
      this.isExpectingKey = false;
      // The wait for it is over: a loss right after it may ask at once.
      if (this.isWaitDeferred) this.lastRequestAt = Number.NEGATIVE_INFINITY;
      this.isWaitDeferred = false;
      return { decode: true };
    }
    if (this.isExpectingKey && isFirstFrame) {
      // Joined a running stream: its keyframe went by before we came.
      this.isExpectingKey = false;
      this.isRequestWanted = true;
      this.lastRequestAt = Number.NEGATIVE_INFINITY;
    }
    if (this.isHidden) {
      this.isWaitingForKey = true;
      return this.skip('hidden');
    }
    if (this.isWaitingForKey) return this.skip('waiting-for-key');
    if (hasGap) {
      this.needKey();
      return this.skip('gap');
    }
    if (queueSize > this.maxQueue && oldestWaitMs >= MAX_DECODE_WAIT_MS) {
      this.needKey();
      return this.skip('backlog');
    }
    return { decode: true };
  }

  /** A fragment of a keyframe arrived (the frame is not complete yet): an outstanding request is being answered. */
  onKeyArriving(now: number): void {
    if (this.isWaitingForKey && !this.isRequestWanted) this.lastRequestAt = Math.max(this.lastRequestAt, now);
  }

  /**
   * A keyframe is on its way without a request (the stream is starting, or the customer sent a
   * new stream-config, which a keyframe follows): wait for it and skip deltas; ask only if a
   * delta comes first on a stream never seen before (it was already running), or if none
   * arrives within `waitMs` (a keyframe still arriving extends that).
   */
  expectKey(now: number, waitMs = this.retryWaitMs): void {
    this.isWaitingForKey = true;
    this.isRequestWanted = false;
    this.isExpectingKey = true;
    // As if a request went out now that is retried after `waitMs`.
    this.lastRequestAt = now + waitMs - this.retryWaitMs;
    this.isWaitDeferred = true;
  }

  /** Something was lost (a dropped incomplete frame, a decoder error). */
  needKey(): void {
    if (this.isWaitingForKey && !this.isRequestWanted) return; // one is already on its way
    this.isWaitingForKey = true;
    this.isRequestWanted = true;
  }

  /** Starts over, as for a new stream: wait for a keyframe and ask for one. */
  reset(): void {
    this.isWaitingForKey = true;
    this.isRequestWanted = true;
    this.isExpectingKey = false;
    this.lastSeq = null;
  }

  /** A keyframe arrived whole `ms` after its first fragment: how long the next may take. */
  onKeyTransfer(ms: number): void {
    if (Number.isFinite(ms) && ms >= 0) this.keyTransferMs = ms;
  }

  /** How long an unanswered request waits before it is repeated. */
  get retryWaitMs(): number {
    if (this.keyTransferMs === null) return this.retryMs;
    return Math.min(MAX_KEYFRAME_RETRY_MS, Math.max(this.retryMs, 1000 + 2 * this.keyTransferMs));
  }

  /**
   * True if a keyframe request should be sent now; the caller sends it. Call it after
   * every frame and from a timer while {@link waitingForKey}.
   */
  shouldRequestKeyframe(now: number): boolean {
    if (!this.isWaitingForKey || this.isHidden) return false;
    const sinceLast = now - this.lastRequestAt;
    const isDue = this.isRequestWanted ? sinceLast >= this.minIntervalMs : sinceLast >= this.retryWaitMs;
    if (!isDue) return false;
    this.isRequestWanted = false;
    this.lastRequestAt = now;
    this.keyframeRequests++;
    return true;
  }

  private skip(reason: SkipReason): GateDecision {
    this.skippedFrames++;
    this.lastSkipReason = reason;
    return { decode: false, reason };
  }
}
