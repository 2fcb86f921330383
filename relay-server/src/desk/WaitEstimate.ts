/**
 * The wait a customer is told, and the handle times it rests on.
 *
 * Formula, for a request of queue q (a group, or the organisation's queue), taking only the
 * agents who are online and available:
 *
 *   S     = sum of the concurrency limits of q's agents (its slots)
 *   free  = sum over those agents of (limit - load), the slots open right now
 *   h     = median handle time of the last `window` finished sessions (`defaultHandleMs` before any)
 *   A     = sum over the requests ahead (any queue, still waiting or being offered) of the share
 *           of that request's slots that are also q's: |slots(its queue) ∩ slots(q)| / |slots(its queue)|
 *
 *   S = 0          → null: nobody can take it (the client offers to leave a message)
 *   A < free       → 0: it is offered at once
 *   otherwise      → (A - free + 1) × h / S
 *
 * Why: with every slot busy, S sessions of median length h end at about S / h per unit of
 * time, so the k-th slot to open (k = A - free + 1) does so after about k × h / S. Requests
 * are offered oldest first across all queues, so an earlier request of another queue delays
 * this one as far as it will land on a slot this queue shares with it (agents in several
 * groups, the organisation's queue served by everyone): A counts a request of q itself as
 * 1, one of a group with no agent in common as 0. The estimate leaves out offer answer
 * times and declines, agents who become available later, and early in a rush the window
 * holds the short sessions that ended first; DeskSimulation.test.ts measures how far off it is.
 */
import { isMember, type DeskAgent } from './deskModel.ts';

/** A rolling window of the most recent handle times (assigned to closed), for their median. */
export class HandleTimes {
  private readonly times: number[] = [];

  constructor(
    private size: number,
    private readonly defaultMs: () => number,
  ) {}

  /** Oldest first, as loaded from the store at start. */
  add(ms: number): void {
    this.times.push(Math.max(0, ms));
    if (this.times.length > this.size) this.times.splice(0, this.times.length - this.size);
  }

  resize(size: number): void {
    this.size = size;
    if (this.times.length > size) this.times.splice(0, this.times.length - size);
  }

  get count(): number {
    return this.times.length;
  }

  /** The median of the window, or the default handle time while it is empty. */
  median(): number {
    return median(this.times) ?? this.defaultMs();
  }
}

/** The median of a list (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  return percentile(values, 0.5);
}

/** Linear interpolation between closest ranks; null for an empty list. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return Math.round(sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo));
}

export interface Capacity {
  /** Sum of limits of the group's online, available agents. */
  slots: number;
  /** Of those, open now. */
  free: number;
}

export function capacityOf(agents: Iterable<DeskAgent>, groupId: number | null): Capacity {
  let slots = 0;
  let free = 0;
  for (const a of agents) {
    if (!a.isOnline || a.state !== 'available' || !isMember(a, groupId)) continue;
    slots += a.limit;
    free += Math.max(0, a.limit - a.load);
  }
  return { slots, free };
}

/**
 * A, above: how many of the slots the requests ahead will take are this queue's. `aheadGroups`
 * lists the queue of each request ahead (null: the organisation's).
 */
export function competingAhead(agents: readonly DeskAgent[], groupId: number | null, aheadGroups: Iterable<number | null>): number {
  const share = new Map<number | null, number>();
  const slots = (g: number | null, alsoIn: number | null) => {
    let n = 0;
    for (const a of agents) if (a.isOnline && a.state === 'available' && isMember(a, g) && isMember(a, alsoIn)) n += a.limit;
    return n;
  };
  let ahead = 0;
  for (const g of aheadGroups) {
    let w = share.get(g);
    if (w === undefined) {
      const theirs = slots(g, null);
      w = theirs === 0 ? 0 : slots(g, groupId) / theirs;
      share.set(g, w);
    }
    ahead += w;
  }
  return ahead;
}

/** The formula above (`ahead` = A); null when nobody can take the request. */
export function estimateWait(ahead: number, capacity: Capacity, handleMs: number): number | null {
  if (capacity.slots === 0) return null;
  if (ahead < capacity.free) return 0;
  return Math.round(((ahead - capacity.free + 1) * handleMs) / capacity.slots);
}
