/**
 * What the agent tells the customer about the video it receives (`receive-report`), so the
 * customer's rate control can see what left the link: the newest frame that arrived complete
 * and how long ago, the bytes received and the frames dropped incomplete.
 *
 * A report goes soon after each new frame (at most every {@link MIN_INTERVAL_MS}: on a LAN at
 * 60 fps that is a few hundred bytes a second), and while a big frame is still arriving every
 * {@link IDLE_INTERVAL_MS}, so the customer knows the link is moving. When nothing arrived
 * since the last report (a still screen), a repeat tells the customer nothing new, so it goes
 * only every {@link QUIET_INTERVAL_MS}: on a still screen the reports (and the customer's
 * acknowledgements of them) would otherwise cost more of its uplink than the picture.
 * Pure: time is passed in.
 */
export const MIN_INTERVAL_MS = 50;
export const IDLE_INTERVAL_MS = 250;
export const QUIET_INTERVAL_MS = 2000;

export interface ReportFields {
  lastSeq: number;
  heldMs: number;
  bytes: number;
  dropped: number;
}

export class ReceiveReporter {
  private lastSeq: number | null = null;
  private completedAt = 0;
  private bytes = 0;
  private dropped = 0;
  private hasNewFrame = false;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private reportedBytes = -1;
  private reportedDropped = -1;

  /** Bytes of media (one fragment) arrived. */
  onBytes(n: number): void {
    this.bytes += n;
  }

  /** A frame arrived complete. */
  onFrame(seq: number, now: number): void {
    this.lastSeq = seq >>> 0;
    this.completedAt = now;
    this.hasNewFrame = true;
  }

  /** The total of frames dropped incomplete so far. */
  setDropped(total: number): void {
    this.dropped = total;
  }

  /** The report to send now, or null (nothing new, or too soon). */
  due(now: number): ReportFields | null {
    if (this.lastSeq === null) return null;
    const since = now - this.lastSentAt;
    const hasMoved = this.bytes !== this.reportedBytes || this.dropped !== this.reportedDropped;
    const interval = this.hasNewFrame ? MIN_INTERVAL_MS : hasMoved ? IDLE_INTERVAL_MS : QUIET_INTERVAL_MS;
    if (since < interval) return null;
    this.hasNewFrame = false;
    this.lastSentAt = now;
    this.reportedBytes = this.bytes;
    this.reportedDropped = this.dropped;
    return { lastSeq: this.lastSeq, heldMs: Math.max(0, Math.min(60_000, Math.round(now - this.completedAt))), bytes: this.bytes, dropped: this.dropped };
  }
}
