/**
 * Agent presence across relays: Presence counts this relay's connections per seat; this mirrors
 * "seat N has a console on relay R" into shared state (Redis in a cluster), renewed while it
 * lasts and gone within PRESENCE_TTL_MS of a relay's death, so the seats view of any relay shows
 * who is online anywhere. On a relay of its own it answers from Presence alone.
 */
import type { Logger } from '../platform/logger.ts';
import type { SharedState } from '../platform/shared/SharedState.ts';
import type { Presence } from './Presence.ts';

export const PRESENCE_TTL_MS = 30_000;
const RENEW_MS = 10_000;

export class SharedPresence {
  private readonly stopListening: () => void;
  private readonly renewer: NodeJS.Timeout | null = null;

  constructor(
    private readonly presence: Presence,
    private readonly state: SharedState,
    private readonly relayId: string,
    private readonly log: Logger,
  ) {
    this.stopListening = presence.onChange((accountId, isOnline) => this.write(accountId, isOnline));
    if (state.isShared) {
      this.renewer = setInterval(() => {
        for (const id of presence.onlineAccounts()) this.write(id, true);
      }, RENEW_MS);
      this.renewer.unref();
    }
  }

  /** Which of `accountIds` have a console on any relay. */
  async onlineOf(accountIds: readonly number[]): Promise<Set<number>> {
    const local = accountIds.filter((id) => this.presence.isOnline(id));
    if (!this.state.isShared) return new Set(local);
    const elsewhere = await Promise.all(accountIds.map(async (id) => ((await this.state.members(key(id))) > 0 ? [id] : [])));
    return new Set([...local, ...elsewhere.flat()]);
  }

  close(): void {
    this.stopListening();
    if (this.renewer) clearInterval(this.renewer);
  }

  private write(accountId: number, isOnline: boolean): void {
    if (!this.state.isShared) return;
    const done = isOnline ? this.state.join(key(accountId), this.relayId, PRESENCE_TTL_MS) : this.state.leave(key(accountId), this.relayId);
    done.catch((err: unknown) => this.log.error('presence not shared', { err, accountId }));
  }
}

function key(accountId: number): string {
  return `presence:${accountId}`;
}
