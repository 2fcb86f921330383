/**
 * Supervisors see every running session of the organisation, whichever relay holds it, and
 * every relay's open help requests and the seats at its desk: each relay shares its own lists
 * on the shared state's `desk-live` channel (Redis in a cluster, this process's memory on a
 * relay of its own) when they change, and again every {@link SHARE_EVERY_MS}; each relay keeps
 * the others' latest lists and drops those not renewed within {@link STALE_AFTER_MS} (its relay
 * is gone).
 */
import { parseJson } from '@beacon/shared/parse';
import { DeskShare, type HelpRequestView, type LiveDeskSession, type SharedDeskAgent } from '@beacon/shared/protocol';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { SharedState } from '../platform/shared/SharedState.ts';
import type { ElsewhereSeat } from './deskModel.ts';

const CHANNEL = 'desk-live';
export const SHARE_EVERY_MS = 10_000;
export const STALE_AFTER_MS = 30_000;
/** The most sessions one supervisor list carries (as LiveSessionsShare allows). */
const MAX_LISTED = 500;
const MAX_AGENTS = 5000;

export class LiveElsewhere {
  private readonly others = new Map<string, { share: DeskShare; at: number }>();
  private lastShared = '';
  private lastSharedAt = -Infinity;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly state: SharedState,
    private readonly relayId: string,
    private readonly now: Clock,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.state.subscribe(CHANNEL, (text) => {
      const r = parseJson(DeskShare, text, 'desk-live share');
      if (!r.ok) return this.log.warn('unreadable desk-live share', { err: r.error.message });
      if (r.value.from !== this.relayId) this.others.set(r.value.from, { share: r.value, at: this.now() });
    });
  }

  /** This relay's running sessions (and open requests, seats at the desk): shared when they changed, or when the last share is getting old. */
  share(own: readonly LiveDeskSession[], desk: { requests: readonly HelpRequestView[]; agents: readonly SharedDeskAgent[] } = { requests: [], agents: [] }): void {
    const share: DeskShare = { from: this.relayId, sessions: own.slice(0, MAX_LISTED), requests: desk.requests.slice(0, MAX_LISTED), agents: desk.agents.slice(0, MAX_AGENTS) };
    const text = JSON.stringify(share);
    const t = this.now();
    if (text === this.lastShared && t - this.lastSharedAt < SHARE_EVERY_MS) return;
    this.lastShared = text;
    this.lastSharedAt = t;
    this.state.publish(CHANNEL, text).catch((err: unknown) => this.log.error('desk-live share not published', { err }));
  }

  /** `own` and every other relay's recent list, oldest session first (each session once). */
  merged(own: readonly LiveDeskSession[]): LiveDeskSession[] {
    const byId = new Map(own.map((s) => [s.sessionId, s]));
    for (const [, share] of this.fresh()) for (const s of share.sessions) if (!byId.has(s.sessionId)) byId.set(s.sessionId, s);
    return [...byId.values()].sort((a, b) => a.startedAt - b.startedAt).slice(0, MAX_LISTED);
  }

  /** The relay that lists `sessionId` as running, and the session's device; null if no other relay does (or its list is stale). */
  holderOf(sessionId: string): { relayId: string; deviceId: string } | null {
    for (const [relayId, share] of this.fresh()) {
      const s = share.sessions.find((x) => x.sessionId === sessionId);
      if (s) return { relayId, deviceId: s.deviceId };
    }
    return null;
  }

  /** The running sessions of one seat that other relays hold. */
  sessionsOf(agentId: number): LiveDeskSession[] {
    return [...this.fresh()].flatMap(([, share]) => share.sessions.filter((s) => s.agentId === agentId));
  }

  /** The other relays' open help requests, oldest first. */
  requests(): HelpRequestView[] {
    return [...this.fresh()].flatMap(([, share]) => share.requests ?? []).sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Seats at the desk on another relay, with their sessions there (summed over the relays). */
  agents(): Map<number, number> {
    const loads = new Map<number, number>();
    for (const [, share] of this.fresh()) for (const a of share.agents ?? []) if (a.isOnline !== false) loads.set(a.id, (loads.get(a.id) ?? 0) + a.load);
    return loads;
  }

  /**
   * Every seat another relay lists, as this relay's queue takes it in (DeskQueue.syncElsewhere):
   * load and offers summed over the relays, and the first desk that takes offers from here.
   */
  seats(): Map<number, ElsewhereSeat> {
    const seats = new Map<number, ElsewhereSeat>();
    for (const [relayId, share] of this.fresh()) {
      for (const a of share.agents ?? []) {
        const seat = seats.get(a.id) ?? { load: 0, offers: 0, desk: null };
        seat.load += a.load;
        seat.offers += a.desk?.offers ?? 0;
        if (!seat.desk && a.desk?.takesOffers) seat.desk = { relayId, state: a.desk.state, limit: a.desk.limit, idleSince: a.desk.idleSince, groupIds: a.desk.groupIds, ...(a.desk.name ? { name: a.desk.name } : {}) };
        seats.set(a.id, seat);
      }
    }
    return seats;
  }

  /** The other relays' latest shares; stale ones (their relay is gone) are dropped. */
  private *fresh(): Generator<[string, DeskShare]> {
    const t = this.now();
    for (const [relayId, list] of this.others) {
      if (t - list.at > STALE_AFTER_MS) this.others.delete(relayId);
      else yield [relayId, list.share];
    }
  }

  close(): void {
    this.unsubscribe?.();
  }
}
