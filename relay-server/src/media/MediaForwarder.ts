/**
 * Fans one customer's media fragments out to the viewers of its session, unchanged (no
 * re-encoding, no reassembly), with a drop policy per viewer so a slow viewer only ever
 * hurts itself:
 *
 * - Decisions are made once per frame, at fragment 0; a frame that is being forwarded is
 *   forwarded whole, so a viewer never receives half a frame because its buffer filled.
 *   Fragments come in index order (TrafficHandler drops any that do not; see MediaCheck.ts).
 * - A viewer whose buffer is above the high-water mark skips delta frames and is marked
 *   `needsKey`: deltas are useless to it until the next keyframe, so they are skipped too.
 *   The mark follows the viewer's measured drain rate (ViewerDrain: about a second of its
 *   link, plus its last keyframe), so a viewer on a slow link skips stale frames instead of
 *   watching a queue of them; HIGH_WATER_BYTES is the most it ever is.
 * - A keyframe clears `needsKey` unless the buffer is above the hard cap.
 * - A frame being forwarded stops, part-way, if the viewer's buffer would pass
 *   MAX_VIEWER_QUEUE_BYTES (the viewer then waits for a keyframe): deciding at fragment 0 alone
 *   would let one 16 MB frame land on top of a buffer at the hard cap.
 * - The customer is asked for a keyframe (at most once per interval per session) once a
 *   viewer that skipped has drained below the high-water mark, and again while it still waits
 *   for one. A viewer that skipped because its own link is full (a supervisor on a bad link)
 *   asks at most every CONGESTED_KEYFRAME_INTERVAL_MS: it then sees a keyframe every few
 *   seconds, while every keyframe costs the customer's uplink, which all viewers and the
 *   recording share (tens of kB; seconds on a 20 kB/s link). The customer's rate control
 *   follows the session's agent only, so a slow supervisor never lowers the stream's rate.
 * - A viewer whose picture is not on screen (`setVisible(id, false)`: a background tab, a
 *   minimised console) gets keyframes only, and asks for none: it would only draw them to
 *   nobody. The stream goes on at full rate for the others and the recording. Shown again,
 *   it waits for a keyframe like a viewer that just joined, and one is asked for at once.
 */
import type { FrameHeader } from '@beacon/shared/framing';
import type { Clock } from '../platform/clock.ts';
import type { MediaSink } from '../sessions/Session.ts';
import { ViewerDrain } from './ViewerDrain.ts';

export const HIGH_WATER_BYTES = 1024 * 1024;
export const HARD_CAP_BYTES = 8 * 1024 * 1024;
export const KEYFRAME_REQUEST_INTERVAL_MS = 300;
/** A viewer whose own link is full asks for a keyframe at most this often (see the file comment). */
export const CONGESTED_KEYFRAME_INTERVAL_MS = 5000;
/**
 * The most a viewer's channel may hold, in bytes: the hard cap plus a big keyframe (a few MB).
 * Each viewer's queue is memory of the relay; a stalled viewer must not hold tens of MB.
 */
export const MAX_VIEWER_QUEUE_BYTES = HARD_CAP_BYTES + 4 * 1024 * 1024;

/** A viewer's media channel, as the forwarder needs it. */
export interface ViewerStats {
  forwardedFrames: number;
  droppedFrames: number;
  forwardedBytes: number;
  /** Frames whose fragments the channel refused part-way; the viewer then waits for a keyframe. */
  brokenFrames: number;
  /** Delta frames not sent because the viewer's picture was not on screen (not in droppedFrames). */
  hiddenFrames: number;
  needsKey: boolean;
  isVisible: boolean;
}

export interface ForwarderStats {
  framesIn: number;
  fragmentsIn: number;
  bytesIn: number;
  keyframeRequests: number;
  viewers: Record<string, ViewerStats>;
}

interface Viewer {
  sink: MediaSink;
  needsKey: boolean;
  isVisible: boolean;
  frameSeq: number | null;
  isForwarding: boolean;
  /** It skipped frames because its channel was full, and has not had a keyframe since. */
  isCongested: boolean;
  /** When it last asked for a keyframe because it was congested. */
  lastCongestedAskAt: number;
  drain: ViewerDrain;
  stats: ViewerStats;
}

export interface MediaForwarderOptions {
  /** Sends a keyframe request to the customer. */
  requestKeyframe: () => void;
  now?: Clock;
  highWaterBytes?: number;
  hardCapBytes?: number;
  keyframeRequestIntervalMs?: number;
}

export class MediaForwarder {
  private readonly viewers = new Map<string, Viewer>();
  private readonly now: Clock;
  private readonly highWater: number;
  private readonly hardCap: number;
  private readonly keyframeIntervalMs: number;
  private lastKeyframeRequestAt = -Infinity;
  private readonly counters = { framesIn: 0, fragmentsIn: 0, bytesIn: 0, keyframeRequests: 0 };

  constructor(private readonly opts: MediaForwarderOptions) {
    this.now = opts.now ?? Date.now;
    this.highWater = opts.highWaterBytes ?? HIGH_WATER_BYTES;
    this.hardCap = opts.hardCapBytes ?? HARD_CAP_BYTES;
    this.keyframeIntervalMs = opts.keyframeRequestIntervalMs ?? KEYFRAME_REQUEST_INTERVAL_MS;
  }

  /**
   * A viewer joining mid-stream cannot decode deltas, so it starts by waiting for a keyframe and
   * the customer is asked for one. Not before the stream's first frame: that one is a keyframe
   * anyway (asking would cost a second one right after it, tens of kB on a slow link); and a
   * stream that starts with deltas (a customer that came back) asks with its first delta.
   */
  addViewer(id: string, sink: MediaSink): void {
    this.viewers.set(id, {
      sink,
      needsKey: true,
      isVisible: true,
      frameSeq: null,
      isForwarding: false,
      isCongested: false,
      lastCongestedAskAt: Number.NEGATIVE_INFINITY,
      drain: new ViewerDrain(),
      stats: { forwardedFrames: 0, droppedFrames: 0, forwardedBytes: 0, brokenFrames: 0, hiddenFrames: 0, needsKey: true, isVisible: true },
    });
    if (this.counters.framesIn > 0) this.requestKeyframe();
  }

  /**
   * Whether the viewer's picture is on its screen. Hidden: keyframes only from the next frame
   * on. Shown: if it missed a frame while hidden, it waits for a keyframe, and the customer is
   * asked for one now (throttled; if this request is throttled, the next delta asks again).
   * Returns false for an unknown viewer.
   */
  setVisible(id: string, isVisible: boolean): boolean {
    const v = this.viewers.get(id);
    if (!v) return false;
    if (v.isVisible === isVisible) return true;
    v.isVisible = isVisible;
    v.stats.isVisible = isVisible;
    if (isVisible && v.needsKey) this.requestKeyframe();
    return true;
  }

  removeViewer(id: string): void {
    this.viewers.delete(id);
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  /** One fragment from the customer, already validated by `readHeader`. */
  push(fragment: Uint8Array, h: FrameHeader): void {
    this.counters.fragmentsIn++;
    this.counters.bytesIn += fragment.byteLength;
    if (h.fragIndex === 0) this.counters.framesIn++;
    for (const v of this.viewers.values()) {
      if (h.fragIndex === 0) {
        v.frameSeq = h.seq;
        v.isForwarding = this.decide(v, h, fragment.byteLength);
        if (v.isForwarding) v.stats.forwardedFrames++;
        else if (!v.isVisible && !h.isKey) v.stats.hiddenFrames++;
        else v.stats.droppedFrames++;
        v.stats.needsKey = v.needsKey;
      } else if (v.frameSeq !== h.seq) {
        // The rest of a frame whose start this viewer never saw (it joined mid-frame).
        continue;
      }
      if (!v.isForwarding) continue;
      const isOverQueue = h.fragIndex > 0 && v.sink.bufferedAmount() + fragment.byteLength > MAX_VIEWER_QUEUE_BYTES;
      if (!isOverQueue && v.sink.send(fragment)) {
        v.stats.forwardedBytes += fragment.byteLength;
      } else {
        v.isForwarding = false;
        v.needsKey = true;
        v.stats.needsKey = true;
        v.stats.brokenFrames++;
      }
    }
  }

  stats(): ForwarderStats {
    const viewers: Record<string, ViewerStats> = {};
    for (const [id, v] of this.viewers) viewers[id] = { ...v.stats };
    return { ...this.counters, viewers };
  }

  /** Whether the frame that starts with this fragment goes to the viewer. */
  private decide(v: Viewer, h: FrameHeader, firstBytes: number): boolean {
    if (!v.sink.isOpen()) {
      v.needsKey = true;
      return false;
    }
    const buffered = v.sink.bufferedAmount();
    v.drain.sample(this.now(), v.stats.forwardedBytes, buffered);
    const highWater = v.drain.highWater(this.highWater);
    if (h.isKey) {
      if (buffered > this.hardCap) {
        v.needsKey = true;
        return false;
      }
      v.needsKey = false;
      v.isCongested = false;
      v.drain.onKey(firstBytes * h.fragCount); // at most: the last fragment is the smallest
      return true;
    }
    if (!v.isVisible) {
      // Its decoder cannot use the deltas after this one either, so it waits for a keyframe,
      // but it asks for none: that is for when it is shown again.
      v.needsKey = true;
      return false;
    }
    if (v.needsKey) {
      // Still congested: a keyframe now would only be dropped too. Ask once it drained.
      if (buffered <= highWater) this.askForViewer(v);
      return false;
    }
    if (buffered > highWater) {
      v.needsKey = true;
      v.isCongested = true;
      return false;
    }
    return true;
  }

  /** A waiting viewer asks; a congested one at most every CONGESTED_KEYFRAME_INTERVAL_MS. */
  private askForViewer(v: Viewer): void {
    if (!v.isCongested) {
      this.requestKeyframe();
      return;
    }
    const t = this.now();
    if (t - v.lastCongestedAskAt < CONGESTED_KEYFRAME_INTERVAL_MS) return;
    if (this.requestKeyframe()) v.lastCongestedAskAt = t;
  }

  /** Asks the customer for a keyframe, at most once per interval for the whole session; false if throttled. */
  requestKeyframe(): boolean {
    const t = this.now();
    if (t - this.lastKeyframeRequestAt < this.keyframeIntervalMs) return false;
    this.lastKeyframeRequestAt = t;
    this.counters.keyframeRequests++;
    this.opts.requestKeyframe();
    return true;
  }
}
