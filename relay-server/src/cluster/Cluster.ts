/**
 * This relay as one of several: its id and public URL (written to shared state so the others
 * can send agents here), the tickets it signs for the others and accepts from them, and the
 * events relays publish to each other. Built only when BEACON_REDIS_URL is set; a relay on its
 * own has none of it.
 */
import { parseJson } from '@beacon/shared/parse';
import { ClusterEvent, type RelayTicketPayload, type SuperviseScope, type TakeScope } from '@beacon/shared/protocol';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { SharedState } from '../platform/shared/SharedState.ts';
import { signTicket, TICKET_LIFETIME_MS, verifyTicket } from './RelayTicket.ts';

/** A relay's URL entry lives this long unless renewed: a dead relay stops being a redirect target soon after. */
const RELAY_TTL_MS = 30_000;
const RELAY_RENEW_MS = 10_000;
const EVENTS = 'cluster-events';

export interface ClusterIdentity {
  /** BEACON_RELAY_ID: unique in the cluster. */
  relayId: string;
  /** BEACON_CLUSTER_SECRET: signs tickets; the same on every relay. */
  secret: string;
}

export interface Redirect {
  url: string;
  ticket: string;
  expiresAt: number;
}

export class Cluster {
  private renewer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly closers: (() => void)[] = [];
  /** Where agents reach this relay (BEACON_PUBLIC_URL), once started. */
  private publicUrl: string | null = null;

  constructor(
    readonly id: ClusterIdentity,
    readonly state: SharedState,
    private readonly log: Logger,
    private readonly now: Clock,
  ) {}

  /** Announces this relay at `publicUrl` and listens to the others; `onEvent` hears what they publish (never our own). */
  async start(publicUrl: string, onEvent: (e: ClusterEvent) => void): Promise<void> {
    this.publicUrl = publicUrl;
    const announce = () => this.state.put(relayKey(this.id.relayId), publicUrl, RELAY_TTL_MS);
    await announce();
    this.renewer = setInterval(() => announce().catch((err: unknown) => this.log.error('relay announcement failed', { err })), RELAY_RENEW_MS);
    this.renewer.unref();
    this.unsubscribe = await this.state.subscribe(EVENTS, (text) => {
      const e = parseJson(ClusterEvent, text, 'cluster event');
      if (!e.ok) return this.log.warn('unreadable cluster event', { err: e.error.message });
      if (e.value.from !== this.id.relayId) onEvent(e.value);
    });
  }

  publish(e: ClusterEvent): void {
    this.state.publish(EVENTS, JSON.stringify(e)).catch((err: unknown) => this.log.error('cluster event not published', { err, type: e.type }));
  }

  /** Where a client reaches relay `relayId` (its public URL), or null if that relay is not known (gone). */
  urlOf(relayId: string): Promise<string | null> {
    return this.state.get(relayKey(relayId));
  }

  /** Where an agent asking for `deviceId`, held by relay `owner`, goes, with its ticket (`supervise`: for one supervisor action; `take`: for taking one help request); null if that relay is not known (gone). */
  async redirect(owner: string, deviceId: string, tokenHash: string, supervise?: SuperviseScope, take?: TakeScope): Promise<Redirect | null> {
    const url = await this.urlOf(owner);
    if (!url) return null;
    const expiresAt = Math.round(this.now()) + TICKET_LIFETIME_MS;
    return { url, expiresAt, ticket: signTicket(this.id.secret, { relay: owner, deviceId, tokenHash, expiresAt, ...(supervise ? { supervise } : {}), ...(take ? { take } : {}) }) };
  }

  /** A ticket another relay signed for this one, or null (forged, expired, or for another relay). */
  acceptTicket(ticket: string): RelayTicketPayload | null {
    return verifyTicket(this.id.secret, ticket, this.id.relayId, this.now());
  }

  /** Runs `stop` when this relay leaves the cluster. */
  whenClosing(stop: () => void): void {
    this.closers.push(stop);
  }

  async close(): Promise<void> {
    for (const stop of this.closers.splice(0)) stop();
    if (this.renewer) clearInterval(this.renewer);
    this.unsubscribe?.();
    if (this.publicUrl) await this.state.delete(relayKey(this.id.relayId), this.publicUrl).catch(() => undefined);
  }
}

function relayKey(relayId: string): string {
  return `relay-url:${relayId}`;
}
