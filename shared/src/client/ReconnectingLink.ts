/**
 * One link to the relay that comes back by itself: opens a connection, hands it to its owner
 * with a {@link DisposableStore} scoped to that connection, and when the connection fails to
 * open or is lost tells the owner, who decides whether to {@link ReconnectingLink.retryLater}.
 * Pure (no DOM, no Node): the connection factory and the timers are injected; the browser
 * binds it to RelayConnection in `browser/RelayLink.ts`.
 *
 * Superseded attempts never reach the owner: a connection that opens after a newer attempt
 * began (or after `stop`) is closed at once, and a connection's scope is disposed (its
 * listeners removed) before it is closed or replaced, so late events from it are not heard.
 */
import { DisposableStore } from './lifecycle.ts';
import { ReconnectPolicy } from './ReconnectPolicy.ts';

/** The part of a connection the link needs. */
export interface LinkConnection<R> {
  close(reason?: R): void;
  readonly onClose: { on(listener: (reason: R) => void): () => void };
}

export interface LinkTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL_TIMERS: LinkTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface LinkOwner<C, R> {
  /** An attempt begins (first or retry). */
  onOpening?(): void;
  /** A connection is up; subscribe to it through `scope`. */
  onUp(conn: C, scope: DisposableStore): void;
  /** Opening failed (`wasUp` false) or the connection was lost (`wasUp` true). */
  onDown(reason: R, wasUp: boolean): void;
}

export interface ReconnectingLinkOptions<C, R> {
  open: () => Promise<C>;
  /** Why an open failed, from what it threw. */
  failureReason: (err: unknown) => R;
  /** The reason the link uses when it closes a connection itself. */
  closedReason: R;
  owner: LinkOwner<C, R>;
  policy?: ReconnectPolicy;
  timers?: LinkTimers;
}

export class ReconnectingLink<C extends LinkConnection<R>, R> {
  private attempt = 0;
  private conn: C | null = null;
  private scope: DisposableStore | null = null;
  private retryTimer: unknown = null;
  private retryDelayMs = 0;
  private readonly policy: ReconnectPolicy;
  private readonly timers: LinkTimers;

  constructor(private readonly opts: ReconnectingLinkOptions<C, R>) {
    this.policy = opts.policy ?? new ReconnectPolicy();
    this.timers = opts.timers ?? REAL_TIMERS;
  }

  /** The connection that is up, or null. */
  get connection(): C | null {
    return this.conn;
  }

  /** A retry is scheduled. */
  get isRetryPending(): boolean {
    return this.retryTimer !== null;
  }

  /** Opens a connection now (dropping any attempt or connection before it). */
  connect(): void {
    this.cancelRetry();
    this.drop();
    const attempt = ++this.attempt;
    this.opts.owner.onOpening?.();
    this.opts.open().then(
      (conn) => {
        if (attempt !== this.attempt) conn.close(this.opts.closedReason);
        else this.up(conn, attempt);
      },
      (err: unknown) => {
        if (attempt === this.attempt) this.opts.owner.onDown(this.opts.failureReason(err), false);
      },
    );
  }

  /**
   * Schedules the next attempt after the policy's delay, but no later than `capMs` (a client
   * with a session to resume tries every second: the session waits only for its grace period);
   * returns the delay (the one already planned, if any).
   */
  retryLater(capMs = Infinity): number {
    if (this.retryTimer !== null) return this.retryDelayMs;
    this.retryDelayMs = Math.min(capMs, this.policy.nextDelayMs());
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, this.retryDelayMs);
    return this.retryDelayMs;
  }

  /** Idempotent. Cancels the attempt and any retry, closes the connection, starts the backoff again. */
  stop(): void {
    this.attempt++;
    this.cancelRetry();
    this.drop();
    this.policy.reset();
  }

  private up(conn: C, attempt: number): void {
    const scope = new DisposableStore();
    this.conn = conn;
    this.scope = scope;
    scope.add(
      conn.onClose.on((reason) => {
        if (this.conn !== conn) return;
        this.release();
        this.opts.owner.onDown(reason, true);
      }),
    );
    this.opts.owner.onUp(conn, scope);
    // The owner may have refused the connection (closed it) while taking it.
    if (attempt === this.attempt && this.conn === conn) this.policy.reset();
  }

  /** Forgets the current connection: its listeners go first, so closing it is not reported. */
  private release(): void {
    this.scope?.dispose();
    this.scope = null;
    this.conn = null;
  }

  private drop(): void {
    const conn = this.conn;
    this.release();
    conn?.close(this.opts.closedReason);
  }

  private cancelRetry(): void {
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
