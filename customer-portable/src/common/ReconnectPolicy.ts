/**
 * When to try the relay again after a failed or dropped connection: 1, 2, 4, 8, then every
 * 15 s. A small random jitter keeps many customers whose relay restarted from all
 * reconnecting in the same instant.
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

  /** A connection succeeded: the next failure starts again at 1 s. */
  reset(): void {
    this.failures = 0;
  }
}
