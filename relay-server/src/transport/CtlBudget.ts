/**
 * How many `ctl` messages one party (one client connection, in any session state, pending
 * included) may send: a token bucket per kind of message, each with a burst and a sustained
 * rate well above what a person at a real client produces.
 *
 * A message over its budget is dropped before any work is done for it (no database write, no
 * forwarding), and the party is told `rate-limited`, at most once per ERROR_INTERVAL_MS (a flood
 * of drops must not become a flood of answers). A party that stays over is cut off: every
 * dropped message also spends from a second bucket per kind (the strikes) that holds
 * STRIKE_SECONDS of the sustained rate and refills at that rate. So a client at up to twice
 * its rate is never cut off, one at three times it is cut off after about STRIKE_SECONDS, and
 * a flood hundreds of times over in a fraction of a second.
 *
 * What this cannot bound: node-datachannel hands every message it received to JavaScript, with
 * no backpressure, so what a fast sender pushed before the cut-off still arrives afterwards
 * (and is ignored by the closed PeerLink). On a loaded 2-core machine that costs the relay a
 * stall of up to a few seconds once, after which the flooder is gone (tests/e2e/flood.test.ts).
 */
import { COLLAB_LIMITS } from '@beacon/shared/collab';
import type { Clock } from '../platform/clock.ts';
import { TokenBucket, type BucketSize } from '../platform/TokenBucket.ts';

export type BudgetKind = 'ctl' | 'chat' | 'stroke' | 'file-bytes' | 'probe-bytes';

/** The budgets of one party, per kind of message. */
export const CTL_BUDGETS: Readonly<Record<BudgetKind, BucketSize>> = {
  /**
   * Everything not named below, per message. The busiest real sender is an agent moving the
   * mouse: one `input` per pointer event (60 to 250 a second on a fast mouse), plus keys and a
   * few `receive-report`s a second. 200 a second, 2 s of it at once.
   */
  ctl: { burst: 400, perSecond: 200 },
  /** `chat-send`, per message: people type far slower; the burst covers pasting a few lines. Each one is a database write. */
  chat: { burst: 20, perSecond: 5 },
  /**
   * `stroke`, `stroke-undo`, `board-clear`, per message. A stroke is sent once a line is
   * finished (up to 1000 points, about 12 kB); a quick drawer finishes a few a second, and an
   * undo spree is a burst. Each one is a database write (the event log).
   */
  stroke: { burst: 60, perSecond: 20 },
  /**
   * `file-chunk`, in raw bytes: two whole attachments at full speed, then 8 MiB/s (64 Mbit/s,
   * more than most links a relay serves); the 1 MiB window already paces an honest sender.
   */
  'file-bytes': { burst: 2 * COLLAB_LIMITS.maxAttachmentBytes, perSecond: 8 * 1024 * 1024 },
  /**
   * `link-probe`, in padding characters: a client's start-up probes (4 kB doubling to 128 kB at
   * most, about 252 kB in all) twice over, then 16 kB/s: probing is for learning a link, not
   * for filling it.
   */
  'probe-bytes': { burst: 512 * 1024, perSecond: 16 * 1024 },
};

/**
 * Refusals (an `error` answer: not found, not allowed, too many, bad message...) a party may
 * earn. An honest client gets a few (a message racing a session's end); one that keeps sending
 * what is refused is probing or broken, and each answer costs the relay a send. Past the budget
 * its refusals go unanswered and unlogged, and past the strikes it is cut off.
 */
export const REFUSAL_BUDGET: BucketSize = { burst: 50, perSecond: 5 };

/** A party that keeps dropping this many seconds' worth of its sustained rate is cut off. */
export const STRIKE_SECONDS = 5;
/**
 * The WebSocket close code of a party cut off for staying over its budget (the private range:
 * 4000 + the HTTP status for "too many requests").
 */
export const CLOSE_OVER_BUDGET = 4029;
/** A party over budget is told so at most this often. */
export const ERROR_INTERVAL_MS = 1000;

/** `ok`: handle it. `over`: drop it (and tell the party, see `shouldTell`). `cut-off`: close the connection. */
export type Admission = 'ok' | 'over' | 'cut-off';

/**
 * What the budget reads of a message before it is validated: its `type`, and the length of a
 * chunk's `data` (a probe's `pad`). The budget is checked first, so a flood is dropped for the cost of
 * JSON.parse, not of the full validation (a 1000-point stroke takes half a millisecond).
 */
export interface Peek {
  type: string;
  dataChars: number;
}

/** The peek of a message JSON.parse gave (anything else is `ctl`, costing 1, and fails its validation after). */
export function peekAt(data: unknown): Peek {
  if (typeof data !== 'object' || data === null) return { type: '', dataChars: 0 };
  const m = data as { type?: unknown; data?: unknown; pad?: unknown };
  const payload = m.type === 'link-probe' ? m.pad : m.data;
  return { type: typeof m.type === 'string' ? m.type : '', dataChars: typeof payload === 'string' ? payload.length : 0 };
}

export function budgetKindOf(type: string): BudgetKind {
  switch (type) {
    case 'chat-send':
      return 'chat';
    case 'stroke':
    case 'stroke-undo':
    case 'board-clear':
      return 'stroke';
    case 'file-chunk':
      return 'file-bytes';
    case 'link-probe':
      return 'probe-bytes';
    default:
      return 'ctl';
  }
}

/** What a message costs in its kind's units: raw bytes for a chunk (its base64 is 4/3 of them), a probe's padding, else 1. */
function costOf(p: Peek): number {
  if (p.type === 'file-chunk') return Math.floor((p.dataChars * 3) / 4);
  return p.type === 'link-probe' ? Math.max(1, p.dataChars) : 1;
}

export class CtlBudget {
  private readonly budgets = new Map<BudgetKind, TokenBucket>();
  private readonly strikes = new Map<BudgetKind, TokenBucket>();
  private lastToldAt = -Infinity;
  private readonly refusalBudget: TokenBucket;
  private readonly refusalStrikes: TokenBucket;
  /** Messages dropped so far, per kind, and refusals (for the log line of a cut-off). */
  readonly dropped: Record<BudgetKind, number> = { ctl: 0, chat: 0, stroke: 0, 'file-bytes': 0, 'probe-bytes': 0 };
  refusals = 0;

  constructor(
    private readonly now: Clock = Date.now,
    private readonly sizes: Readonly<Record<BudgetKind, BucketSize>> = CTL_BUDGETS,
  ) {
    this.refusalBudget = new TokenBucket(REFUSAL_BUDGET, now);
    this.refusalStrikes = new TokenBucket(strikesOf(REFUSAL_BUDGET), now);
  }

  admit(p: Peek): Admission {
    const kind = budgetKindOf(p.type);
    const cost = costOf(p);
    if (this.bucket(this.budgets, kind, (s) => s).take(cost)) return 'ok';
    this.dropped[kind]++;
    return this.bucket(this.strikes, kind, strikesOf).take(cost) ? 'over' : 'cut-off';
  }

  /** One of the party's messages was refused: answer it (`tell`), not (`quiet`), or cut the party off. */
  refused(): 'tell' | 'quiet' | 'cut-off' {
    this.refusals++;
    if (this.refusalBudget.take()) return 'tell';
    return this.refusalStrikes.take() ? 'quiet' : 'cut-off';
  }

  /** Whether a dropped message is answered now (at most once per ERROR_INTERVAL_MS). */
  shouldTell(): boolean {
    const t = this.now();
    if (t - this.lastToldAt < ERROR_INTERVAL_MS) return false;
    this.lastToldAt = t;
    return true;
  }

  /** The kind's bucket, made on first use (a party that never draws needs no stroke bucket). */
  private bucket(of: Map<BudgetKind, TokenBucket>, kind: BudgetKind, sizeOf: (budget: BucketSize) => BucketSize): TokenBucket {
    let b = of.get(kind);
    if (!b) {
      b = new TokenBucket(sizeOf(this.sizes[kind]), this.now);
      of.set(kind, b);
    }
    return b;
  }
}

/** The strikes of a budget: STRIKE_SECONDS of its sustained rate (never less than its burst), refilled at that rate. */
function strikesOf(budget: BucketSize): BucketSize {
  return { burst: Math.max(budget.burst, STRIKE_SECONDS * budget.perSecond), perSecond: budget.perSecond };
}
