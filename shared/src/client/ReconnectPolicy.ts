/**
 * When a client tries the relay again after a failed or dropped link: 1, 2, 4, 8, then every
 * 15 s. A small random jitter keeps many clients whose relay restarted from all coming back in
 * the same instant; it is only ever added, so a retry is never earlier than the countdown the
 * customer is shown. Pure: the random source is injected for tests.
 */
export const RECONNECT_BASE_MS = 1000;
export const RECONNECT_MAX_MS = 15_000;
/** Jitter is up to this fraction of the delay, added (never subtracted, so 1 s stays >= 1 s). */
export const RECONNECT_JITTER = 0.1;

export class ReconnectPolicy {
  private failures = 0;

  constructor(private readonly random: () => number = Math.random) {}

  /** The delay before the next attempt; each call counts one more failure. */
  nextDelayMs(): number {
    const base = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.min(this.failures, 16));
    this.failures++;
    return Math.round(base * (1 + RECONNECT_JITTER * this.random()));
  }

  /** A link came up: the next failure starts again at 1 s. */
  reset(): void {
    this.failures = 0;
  }
}
