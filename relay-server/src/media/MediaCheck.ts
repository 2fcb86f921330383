/**
 * What the relay checks of one customer's media fragments before any viewer or the recorder
 * sees them, and how the customer hears of a refusal.
 *
 * Order: the `media` channel is reliable and ordered, and a sender sends each frame's fragments
 * in index order, back to back (framing.ts). So fragment 0 starts a frame (and abandons one that
 * did not finish: the sender gave up on it), and every other fragment must be the next one of
 * the frame in progress. One that is not is refused, and so is the rest of its frame: a frame
 * whose fragment 0 was not seen, or that lost a fragment, can never be decoded. Nor can the
 * deltas after it, so the stream then resumes at the next keyframe (the caller asks for one).
 * The forwarder and the recorder can decide at fragment 0 and keep at most one frame open.
 *
 * Refusals: the customer gets a ctl `error` naming the frame (`re: {type: 'media', id: seq}`),
 * at most one per {@link ERROR_INTERVAL_MS} (a flood of bad fragments must not become a flood
 * of answers), and the log gets one line per interval with the count of those suppressed.
 */
import type { ErrorCode } from '@beacon/shared/errors';
import type { FrameHeader } from '@beacon/shared/framing';
import type { CtlFromRelay } from '@beacon/shared/protocol';
import type { Clock } from '../platform/clock.ts';
import { ThrottledLogger, type Logger } from '../platform/logger.ts';

export const ERROR_INTERVAL_MS = 1000;

/** The frame in progress on one stream: fragments 0..next-1 of `seq` were accepted. */
interface Open {
  seq: number;
  count: number;
  next: number;
}

/**
 * `ok`: pass it on. `out-of-order`: the sender broke the order (tell it). `awaiting-key`: the
 * rest of a broken frame, or a delta after one; dropped until the next keyframe.
 */
export type FragmentVerdict = 'ok' | 'out-of-order' | 'awaiting-key';

/** Whether fragments continue their frames in index order (see the file comment). */
export class FragmentOrder {
  private open: Open | null = null;
  private isAwaitingKey = false;

  accept(h: FrameHeader): FragmentVerdict {
    if (h.fragIndex === 0) {
      if (this.isAwaitingKey && !h.isKey) {
        this.open = null;
        return 'awaiting-key';
      }
      this.isAwaitingKey = false;
      this.open = h.fragCount > 1 ? { seq: h.seq, count: h.fragCount, next: 1 } : null;
      return 'ok';
    }
    const o = this.open;
    if (o && o.seq === h.seq && o.count === h.fragCount && o.next === h.fragIndex) {
      o.next++;
      if (o.next === o.count) this.open = null;
      return 'ok';
    }
    this.open = null;
    if (this.isAwaitingKey) return 'awaiting-key';
    this.isAwaitingKey = true;
    return 'out-of-order';
  }
}

/** One customer's media checks: the order of its fragments, and its throttled refusals. */
export class MediaCheck {
  readonly order = new FragmentOrder();
  private readonly logs: ThrottledLogger;
  private lastErrorAt = -Infinity;
  /** Refusals so far (sent or suppressed). */
  refused = 0;

  constructor(
    log: Logger,
    private readonly sendCtl: (msg: CtlFromRelay) => boolean,
    private readonly now: Clock = Date.now,
  ) {
    this.logs = new ThrottledLogger(log, 5000, now);
  }

  /** Drops a fragment: one log line per interval, and a ctl `error` to the customer at most once a second. */
  refuse(code: ErrorCode, message: string, fields: Record<string, unknown>, seq?: number): void {
    this.refused++;
    this.logs.warn(`media fragment dropped: ${message}`, fields);
    const t = this.now();
    if (t - this.lastErrorAt < ERROR_INTERVAL_MS) return;
    this.lastErrorAt = t;
    this.sendCtl({ type: 'error', code, message, re: seq === undefined ? { type: 'media' } : { type: 'media', id: String(seq) } });
  }
}
