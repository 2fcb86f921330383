/**
 * The bitrate the stream may use, from the link estimate (see BandwidthEstimator).
 *
 * - Start-up: the first frames go out small (the link is unknown; a big keyframe on a 20 kB/s
 *   link would be seconds late). As soon as the agent acknowledges them, the target jumps to
 *   most of what the link delivered, so a LAN reaches full quality within a few frames.
 * - Congestion (frames queue: the delay on top of the quickest round trip grows, or without
 *   reports the channel's buffer stops draining): down to 85% of what the link delivered (to
 *   what it delivered, if frames were held back for it but nothing queued), but at most by half, at once and again every few hundred ms while it lasts: a shrunken
 *   link is followed within about a second, and one delivery sample that understates the
 *   link (the sender paused meanwhile) does not throw the picture to its smallest size.
 *   Frames held back while the link was idle (the agent's reports not in yet) are no sign of
 *   a short link.
 * - Otherwise, after a hold since the last decrease: up by about 30% a second (70% once twice
 *   past the rate at which the link last filled up), so a link that grew back is used again
 *   within ten seconds; near the rate at which the link last filled up
 *   only by about 10% a second, so a steady link is probed gently, every few seconds. A stream
 *   that needs far less than its target (typing, a still screen) grows it, in start-up too,
 *   only to a step past (1.2 times; twice in start-up) what the link last carried when it was measured busy: it has not
 *   shown the link carries more, and a larger picture bought on an untested target costs a
 *   keyframe the link may then not carry (a LAN, never measured busy, is not capped).
 *
 * Pure: time is passed in.
 */
import type { LinkSnapshot } from './BandwidthEstimator.ts';

/** Queueing delay above this means the link is full. */
export const OVERUSE_DELAY_MS = 150;
/** Queueing delay under this means there is room. */
export const UNDERUSE_DELAY_MS = 60;
/** Without reports: the channel buffer holding more than this long of data means the link is full. */
const OVERUSE_BUFFER_MS = 300;
const DECREASE_FACTOR = 0.85;
const DECREASE_INTERVAL_MS = 400;
/** One decrease never takes the target below this share of what it was. */
const MAX_DECREASE_STEP = 0.5;
/** No increase for this long after a decrease. */
export const HOLD_AFTER_DECREASE_MS = 2500;
const INCREASE_FACTOR = 1.15;
/**
 * Near the rate at which the link last filled up, the target creeps (this factor per
 * interval) instead: the link is probed, not flooded; past it, the fast growth resumes.
 */
const CREEP_FACTOR = 1.08;
const CREEP_ZONE = [0.95, 1.1] as const;
/**
 * Twice past the rate at which the link last filled up with nothing queueing since: the link
 * grew, and the target grows faster (this factor per interval) to use it within ten seconds.
 */
const FAR_ABOVE = 2;
const FAR_INCREASE_FACTOR = 1.3;
/** The target is not probed past this many times what the link was recently seen to carry. */
const PROBE_CEILING = 1.5;
/**
 * A stream that needs less than half its target grows it to this many times what the link last
 * carried busy, at most: past about 1.2 the encoder's share of the target is more than the link,
 * and the stream's next burst (a keyframe, a page scrolled) queues and halves the target (on the
 * 1 Mbit/s bench link, scrolling text at 600 kbit/s let the target drift to 1.5 Mbit/s every 5 s).
 */
const APP_LIMITED_CEILING = 1.2;
const INCREASE_INTERVAL_MS = 500;
/** A stream sending less than this share of its target needs no more (see appLimitedCeiling). */
const DEMAND_SHARE = 0.5;
/** Start-up ends at the first congestion, or after this long. */
const STARTUP_MS = 4000;
/** In start-up, the target grows by this factor per interval while nothing queues (like TCP's slow start). */
const STARTUP_FACTOR = 2;
const STARTUP_INTERVAL_MS = 100;
/** Frames held back for the queue in front of the link this recently mean the target is more than the link carries. */
const HELD_BACK_MS = 1000;
/** ...and then, a delivery rate under this share of the target is congestion too. */
const HELD_BACK_DELIVERY_SHARE = 0.8;

export interface RateLimits {
  minBps: number;
  maxBps: number;
  startBps: number;
}

export class RateController {
  private target: number;
  private limits: RateLimits;
  /** When the first frame went out: start-up's time limit runs from there (capture can be slow to start). */
  private startedAt: number | null = null;
  private isStartup = true;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  private lastIncreaseAt = Number.NEGATIVE_INFINITY;
  private lastHeldBackAt = Number.NEGATIVE_INFINITY;
  /** What the link delivered when it last filled up (bits per second), or null. */
  private congestedAt: number | null = null;
  /** Start-up grows the target to this at most (bits per second; null: no limit): see LinkProbe. */
  private startupCeiling: number | null = null;
  /** What the start-up probe measured the link at (bits per second), or 0: an app-limited stream's ceiling until frames measure it. */
  private probedBps = 0;
  /** Times the target went down, for tests and the bench. */
  decreases = 0;
  /** Why it last went down (for the customer's log), or null. */
  lastDecrease: string | null = null;

  constructor(limits: RateLimits) {
    this.limits = limits;
    this.target = clamp(limits.startBps, limits);
  }

  /** A frame went out; the first one starts start-up's clock. */
  onSent(now: number): void {
    this.startedAt ??= now;
  }

  get targetBps(): number {
    return this.target;
  }

  /** Still measuring the link for the first time (no congestion seen yet). */
  get inStartup(): boolean {
    return this.isStartup;
  }

  /** New bounds (the quality mode changed); the target is kept within them. */
  setLimits(limits: RateLimits): void {
    this.limits = limits;
    this.target = clamp(this.target, limits);
  }

  /** What the start-up probe allows start-up to grow to (null: no limit). */
  setStartupCeiling(bps: number | null): void {
    this.startupCeiling = bps;
  }

  /**
   * The start-up probe measured the link full at `bps`: start-up ends there, a little under
   * it, as after a congestion the link was measured in.
   */
  onLinkMeasured(bps: number, now: number): void {
    if (!this.isStartup) return;
    this.isStartup = false;
    this.congestedAt = bps;
    this.probedBps = bps;
    this.target = clamp(bps * DECREASE_FACTOR, this.limits);
    this.lastDecreaseAt = now;
  }

  /** A frame was not encoded because too much was still in front of the link. */
  onHeldBack(now: number): void {
    this.lastHeldBackAt = now;
  }

  /** Re-evaluates the target from the link's state; returns it (bits per second). */
  update(link: LinkSnapshot, now: number): number {
    if (this.isStartup && this.startedAt !== null && now - this.startedAt > STARTUP_MS) this.isStartup = false;
    const deliveredBps = link.deliveryRate * 8;
    // Held back while no recent delivery measured the link busy: the frames waited for the
    // acknowledgements' pace (the agent reports every 50 ms or so), the link was idle.
    const isHeldBack = now - this.lastHeldBackAt < HELD_BACK_MS && !(link.hasReports && link.isAppLimited);
    const isLinkShort = isHeldBack && link.hasReports && !link.isAppLimited && deliveredBps > 0 && deliveredBps < this.target * HELD_BACK_DELIVERY_SHARE;
    if (this.isOverused(link) || isLinkShort) {
      this.isStartup = false;
      // Frames sent before the last decrease are still draining: wait a round trip for its effect.
      if (now - this.lastDecreaseAt >= Math.max(DECREASE_INTERVAL_MS, link.rttMs ?? 0)) {
        // What the link carried says how far down, if it was measured (not a still screen's trickle).
        const measured = link.hasReports ? (link.isAppLimited ? 0 : deliveredBps) : link.drainRate * 8;
        // Nothing queues, but frames were held back and the link delivered less than the target:
        // the target goes to what the link delivered (the encoder's share leaves the margin).
        const isQueueing = this.isOverused(link);
        const fromLink = measured > 0 ? measured * (isQueueing ? DECREASE_FACTOR : 1) : Infinity;
        if (measured > 0) this.congestedAt = measured;
        // At most halved per step: a delivery sample can understate the link (the sender
        // paused meanwhile), and a halving a round trip still follows a real drop within a second.
        const before = this.target;
        this.target = clamp(Math.max(this.target * MAX_DECREASE_STEP, Math.min(this.target * DECREASE_FACTOR, fromLink)), this.limits);
        this.lastDecreaseAt = now;
        this.decreases++;
        const why = this.isOverused(link) ? `queue ${Math.round(link.queueDelayMs)} ms` : `held back, delivered ${Math.round(deliveredBps / 1000)} kbit/s`;
        this.lastDecrease = `${Math.round(before / 1000)} -> ${Math.round(this.target / 1000)} kbit/s: ${why}; rtt ${Math.round(link.rttMs ?? -1)} ms (base ${Math.round(link.baseRttMs ?? -1)}), in flight ${link.inFlightBytes} B`;
      }
      return this.target;
    }
    if (this.isStartup) {
      // What got through with room to spare is a floor for what the link carries; and while
      // nothing queues, the target grows fast until something does.
      if (link.hasReports && link.queueDelayMs < UNDERUSE_DELAY_MS && !isHeldBack) {
        const isDue = now - this.lastIncreaseAt >= STARTUP_INTERVAL_MS;
        // Never more than a step past what the link was seen to carry (a still screen measures nothing: no cap).
        const cap = link.capacity > 0 ? link.capacity * 8 * STARTUP_FACTOR : appLimitedCeiling(link, this.target, STARTUP_FACTOR, this.probedBps);
        const grown = isDue ? Math.min(this.target * STARTUP_FACTOR, cap) : this.target;
        if (grown > this.target) this.lastIncreaseAt = now;
        const measured = link.isAppLimited ? 0 : deliveredBps * 0.8;
        const ceiling = this.startupCeiling === null ? Infinity : Math.max(this.target, this.startupCeiling);
        this.target = clamp(Math.min(Math.max(this.target, grown, measured), ceiling), this.limits);
      }
      return this.target;
    }
    const canIncrease =
      !isHeldBack &&
      now - this.lastDecreaseAt >= HOLD_AFTER_DECREASE_MS &&
      now - this.lastIncreaseAt >= INCREASE_INTERVAL_MS &&
      (link.hasReports ? link.queueDelayMs < UNDERUSE_DELAY_MS : link.bufferedBytes === 0);
    if (canIncrease && this.target < this.limits.maxBps) {
      const c = this.congestedAt;
      const isNear = c !== null && this.target >= c * CREEP_ZONE[0] && this.target < c * CREEP_ZONE[1];
      const ceiling = link.capacity > 0 ? link.capacity * 8 * PROBE_CEILING : appLimitedCeiling(link, this.target, APP_LIMITED_CEILING, this.probedBps);
      const isFarAbove = c !== null && this.target >= c * FAR_ABOVE;
      const factor = isNear ? CREEP_FACTOR : isFarAbove ? FAR_INCREASE_FACTOR : INCREASE_FACTOR;
      const grown = Math.min(this.target * factor, Math.max(this.target, ceiling));
      this.target = clamp(grown, this.limits);
      this.lastIncreaseAt = now;
    }
    return this.target;
  }

  private isOverused(link: LinkSnapshot): boolean {
    if (link.hasReports) return link.queueDelayMs > OVERUSE_DELAY_MS;
    if (link.drainRate <= 0) return false;
    return (link.bufferedBytes * 1000) / link.drainRate > OVERUSE_BUFFER_MS;
  }
}

/**
 * For a stream that needs far less than its target (its frames, not the link, limit what it
 * sends), `factor` times what the link last carried when measured busy (or, never measured so,
 * what the start-up probe measured: `probedBps`); else no ceiling.
 */
function appLimitedCeiling(link: LinkSnapshot, targetBps: number, factor: number, probedBps: number): number {
  const needsLess = link.sendRate * 8 < targetBps * DEMAND_SHARE;
  const known = link.lastCapacity > 0 ? link.lastCapacity * 8 : probedBps;
  return needsLess && known > 0 ? known * factor : Infinity;
}

function clamp(bps: number, l: RateLimits): number {
  return Math.round(Math.min(l.maxBps, Math.max(l.minBps, bps)));
}
