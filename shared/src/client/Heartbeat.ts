/**
 * The client's side of noticing a dead link (capability `resume`): a `heartbeat` goes to the
 * relay every second and the relay answers each one, so a link that carries nothing for
 * {@link HEARTBEAT_SILENCE_MS} is gone, even when the socket has not noticed (a cut cable
 * sends no FIN). The owner then drops the connection and reconnects, resuming its session.
 * Pure: the clock and timers are injected.
 */
import type { LinkTimers } from './ReconnectingLink.ts';

export const HEARTBEAT_EVERY_MS = 1000;
export const HEARTBEAT_SILENCE_MS = 3500;

export interface HeartbeatOptions {
  send(): void;
  onSilent(): void;
  now?: () => number;
  timers?: Pick<LinkTimers, 'setTimeout' | 'clearTimeout'>;
}

/**
 * Silence is counted only while this page was listening: a tick that comes late (a busy or
 * throttled main thread) adds at most two periods, since the relay's answers may be waiting
 * unread behind it.
 */
export class Heartbeat {
  private quietMs = 0;
  private lastTickAt: number;
  private timer: unknown = null;
  private isStopped = false;
  private readonly now: () => number;
  private readonly timers: Pick<LinkTimers, 'setTimeout' | 'clearTimeout'>;

  constructor(private readonly opts: HeartbeatOptions) {
    this.now = opts.now ?? (() => Date.now());
    this.timers = opts.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) };
    this.lastTickAt = this.now();
    this.tick();
  }

  /** Anything arrived from the relay. */
  heard(): void {
    this.quietMs = 0;
  }

  /** Idempotent. */
  stop(): void {
    this.isStopped = true;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private tick(): void {
    if (this.isStopped) return;
    const t = this.now();
    this.quietMs += Math.min(t - this.lastTickAt, 2 * HEARTBEAT_EVERY_MS);
    this.lastTickAt = t;
    if (this.quietMs > HEARTBEAT_SILENCE_MS) {
      this.stop();
      this.opts.onSilent();
      return;
    }
    this.opts.send();
    this.timer = this.timers.setTimeout(() => this.tick(), HEARTBEAT_EVERY_MS);
  }
}
