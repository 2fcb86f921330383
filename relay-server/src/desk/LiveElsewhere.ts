/**
 * Supervisors see every running session of the organisation, whichever relay holds it: each
 * relay shares its own live list on the shared state's `desk-live` channel (Redis in a
 * cluster, this process's memory on a relay of its own) when it changes, and again every
 * {@link SHARE_EVERY_MS}; each relay keeps the others' latest lists and drops a list not
 * renewed within {@link STALE_AFTER_MS} (its relay is gone).
 */
import { parseJson } from '@beacon/shared/parse';
import { LiveSessionsShare, type LiveDeskSession } from '@beacon/shared/protocol';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { SharedState } from '../platform/shared/SharedState.ts';

const CHANNEL = 'desk-live';
export const SHARE_EVERY_MS = 10_000;
export const STALE_AFTER_MS = 30_000;
/** The most sessions one supervisor list carries (as LiveSessionsShare allows). */
const MAX_LISTED = 500;

export class LiveElsewhere {
  private readonly others = new Map<string, { sessions: LiveDeskSession[]; at: number }>();
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
      const r = parseJson(LiveSessionsShare, text, 'desk-live share');
      if (!r.ok) return this.log.warn('unreadable desk-live share', { err: r.error.message });
      if (r.value.from !== this.relayId) this.others.set(r.value.from, { sessions: r.value.sessions, at: this.now() });
    });
  }

  /** This relay's running sessions: shared when they changed, or when the last share is getting old. */
  share(own: readonly LiveDeskSession[]): void {
    const text = JSON.stringify({ from: this.relayId, sessions: own.slice(0, MAX_LISTED) } satisfies LiveSessionsShare);
    const t = this.now();
    if (text === this.lastShared && t - this.lastSharedAt < SHARE_EVERY_MS) return;
    this.lastShared = text;
    this.lastSharedAt = t;
    this.state.publish(CHANNEL, text).catch((err: unknown) => this.log.error('desk-live share not published', { err }));
  }

  /** `own` and every other relay's recent list, oldest session first (each session once). */
  merged(own: readonly LiveDeskSession[]): LiveDeskSession[] {
    const t = this.now();
    const byId = new Map(own.map((s) => [s.sessionId, s]));
    for (const [relayId, list] of this.others) {
      if (t - list.at > STALE_AFTER_MS) {
        this.others.delete(relayId);
        continue;
      }
      for (const s of list.sessions) if (!byId.has(s.sessionId)) byId.set(s.sessionId, s);
    }
    return [...byId.values()].sort((a, b) => a.startedAt - b.startedAt).slice(0, MAX_LISTED);
  }

  /** The relay that lists `sessionId` as running, and the session's device; null if no other relay does (or its list is stale). */
  holderOf(sessionId: string): { relayId: string; deviceId: string } | null {
    const t = this.now();
    for (const [relayId, list] of this.others) {
      const s = t - list.at > STALE_AFTER_MS ? undefined : list.sessions.find((x) => x.sessionId === sessionId);
      if (s) return { relayId, deviceId: s.deviceId };
    }
    return null;
  }

  close(): void {
    this.unsubscribe?.();
  }
}
