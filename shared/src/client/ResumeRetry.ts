/**
 * How often a client with a session to resume tries the relay again (capability `resume`).
 * Right after a drop it tries every {@link RESUME_FAST_RETRY_MS}, so a link that comes back is
 * used within a quarter second (a failed attempt on a dead link costs nothing: it fails at
 * once); after {@link RESUME_FAST_FOR_MS} it backs off to once a second for the rest of the
 * grace period. Pure: the clock is injected.
 */
export const RESUME_FAST_RETRY_MS = 250;
export const RESUME_FAST_FOR_MS = 10_000;
export const RESUME_SLOW_RETRY_MS = 1000;
/**
 * How a resuming attempt opens its socket (RelayConnection's `race`): a socket not open after
 * 300 ms gets another beside it, up to 8; the first open wins. A connection started while the
 * link was dead can wait seconds for its next SYN, while a live relay answers in milliseconds.
 */
export const RESUME_RACE = { everyMs: 300, max: 8 } as const;

export class ResumeRetry {
  private since: number | null = null;

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** The delay before the next attempt; the first call after a drop (or a {@link reset}) starts the clock. */
  nextDelayMs(): number {
    const t = this.now();
    this.since ??= t;
    return t - this.since < RESUME_FAST_FOR_MS ? RESUME_FAST_RETRY_MS : RESUME_SLOW_RETRY_MS;
  }

  /** The link is up again. */
  reset(): void {
    this.since = null;
  }
}
