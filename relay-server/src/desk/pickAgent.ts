/**
 * Who is offered a request next: the agent of its group, online and available, with spare
 * capacity and no other offer pending, who has been idle longest (ties: the lower seat ID,
 * so the order is deterministic).
 *
 * Declines work in rounds. An agent who declined (or let the offer time out) is skipped
 * while any other eligible agent (online, available, limit above 0, in the group) has not
 * declined it in this round, even when those others are full right now: the request waits
 * for them rather than going back to someone who said no. Only when every eligible agent
 * has declined does a new round start, and then everyone, decliners included, may be
 * offered it again, longest idle first. So a request is never stuck while someone could
 * take it, and nobody is asked twice before everyone was asked once.
 */
import { isMember, type DeskAgent } from './deskModel.ts';

/**
 * The seat as the whole cluster sees it: load and offers summed over the relays; at the desk if
 * it is here or at another relay's desk that takes offers from here. Its state, limit and groups
 * are this relay's while it is at the desk here (saved per seat, so the same everywhere), and its
 * idle time the shorter. Without a share from elsewhere, the agent itself.
 */
export function seatView(a: DeskAgent): DeskAgent {
  const e = a.elsewhere;
  if (!e) return a;
  const load = a.load + e.load;
  const offers = a.offers + e.offers;
  if (!e.desk) return { ...a, load, offers };
  if (a.isOnline) return { ...a, load, offers, idleSince: Math.max(a.idleSince, e.desk.idleSince) };
  const { state, limit, idleSince, groupIds } = e.desk;
  return { ...a, state, limit, idleSince, groupIds, load, offers, isOnline: true };
}

export function isEligible(a: DeskAgent, groupId: number | null): boolean {
  return a.isOnline && a.state === 'available' && a.limit > 0 && isMember(a, groupId);
}

export function hasSpareCapacity(a: DeskAgent): boolean {
  return a.offers === 0 && a.load < a.limit;
}

/**
 * The agent to offer to, or null. `declinedBy` is the round's set: it is cleared here when
 * a new round starts. `excluded` agents are never picked (the agent handing a request on).
 */
export function pickAgent(agents: Iterable<DeskAgent>, groupId: number | null, declinedBy: Set<number>, excluded: number | null = null): DeskAgent | null {
  const eligible: DeskAgent[] = [];
  for (const a of agents) if (a.id !== excluded && isEligible(a, groupId)) eligible.push(a);
  if (eligible.length === 0) return null;
  let fresh = eligible.filter((a) => !declinedBy.has(a.id));
  if (fresh.length === 0) {
    declinedBy.clear();
    fresh = eligible;
  }
  let best: DeskAgent | null = null;
  for (const a of fresh) {
    if (!hasSpareCapacity(a)) continue;
    if (!best || a.idleSince < best.idleSince || (a.idleSince === best.idleSince && a.id < best.id)) best = a;
  }
  return best;
}
