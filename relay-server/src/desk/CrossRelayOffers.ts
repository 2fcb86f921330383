/**
 * Help requests offered across relays (capability `desk-cluster-offers`). A request lives in
 * the desk of the relay its customer is on (its owner); that relay's queue also counts the
 * seats at the other relays' desks (LiveElsewhere.seats, DeskQueue.syncElsewhere) and picks
 * among all of them in the usual order. This class carries what crosses relays:
 *
 * - On the owner: an offer to a seat that is at a desk elsewhere only is published to that
 *   relay; when the offer goes (accepted, declined, expired, left…) it is withdrawn there; a
 *   decline reported back is the queue's ordinary decline. The owner keeps the timer and rounds.
 * - On the seat's relay: the offer is held against the seat (nothing else is offered to it
 *   meanwhile) and sent as an ordinary `desk-offer` to its consoles that speak
 *   `desk-cluster-offers`; `offer-decline` is reported back; `offer-accept` is answered with
 *   `offer-redirect`, a ticket for the owner bound to that request (`route`). An offer the seat
 *   can no longer take (away, offline, its owner silent past the deadline) is reported declined.
 * - On the owner again: the connection that ticket opened may only accept that request.
 *
 * The desk never imports the cluster: the composition root hands in an {@link OfferChannel}.
 */
import type { DeskOfferEvent, HelpRequestView, RelayToClient, SharedDeskAgent, TakeScope, TransferOffer } from '@beacon/shared/protocol';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { AgentParty, CustomerParty } from '../sessions/Session.ts';
import type { DeskMessage } from './DeskLink.ts';
import type { DeskQueue } from './DeskQueue.ts';
import { DeskRefusedError, WITHDRAWN_BY, type DeskAgent, type DeskEvent, type DeskEventKind, type HelpRequest, type WithdrawReason } from './deskModel.ts';
import { hasSpareCapacity, isEligible, seatView } from './pickAgent.ts';

/** What the cluster lends the desk for offers (cluster/Cluster.ts). */
export interface OfferChannel {
  readonly relayId: string;
  publish(e: DeskOfferEvent): void;
  /** A ticket for relay `relayId`, good for taking one help request; null if that relay is gone. */
  redirect(relayId: string, deviceId: string, tokenHash: string, supervise: undefined, take: TakeScope): Promise<{ url: string; ticket: string; expiresAt: number } | null>;
}

/** What the connection a desk message arrived on knows (SupervisionRoute.SupervisingConnection). */
export interface OfferingConnection {
  tokenHash: string | null;
  /** Opened with a ticket to take one help request. */
  take: TakeScope | null;
  /** Both sides listed `desk-cluster-offers`. */
  speaksClusterOffers: boolean;
}

export interface CrossRelayOffersDeps {
  channel: OfferChannel;
  queue: DeskQueue;
  view(r: HelpRequest): HelpRequestView;
  /** The seat's consoles here that speak `desk-cluster-offers`. */
  consolesOf(agentId: number): AgentParty[];
  /** The name of the agent whose running session here serves the request (who hands it on). */
  sessionAgentName(requestId: string): string | null;
  /** Whether the seat has a console at the desk here (a ticket's connection, carrying a session, is none). */
  hasDeskConsole(agentId: number): boolean;
  now: Clock;
  log: Logger;
}

/** An owner silent this long past its offer's deadline is taken to be gone. */
const HOLD_GRACE_MS = 5000;

interface Held {
  from: string;
  agentId: number;
  request: HelpRequestView;
  until: number;
  /** A supervisor's name: dispatched to the seat, not offered. */
  dispatchedBy?: string;
  /** The request's running session handed on to the seat (answered with `transfer-accept` / `transfer-decline`). */
  transfer?: TransferOffer;
}

/** Why an offer of a running session (a transfer) sent to another relay goes, by the desk event that ends it. */
const TRANSFER_WITHDRAWN_BY: Partial<Record<DeskEventKind, WithdrawReason>> = { 'transfer-declined': 'declined', 'transfer-accepted': 'accepted', 'transfer-failed': 'withdrawn', closed: 'left' };
function transferWithdrawn(e: DeskEvent): WithdrawReason | undefined {
  return e.kind === 'transfer-declined' && e.detail['why'] === 'timeout' ? 'expired' : TRANSFER_WITHDRAWN_BY[e.kind];
}

export class CrossRelayOffers {
  /** Owner side: help request ID -> the seat elsewhere it (or its running session: `isTransfer`) is offered to, and that offer's deadline. */
  private readonly sent = new Map<string, { relayId: string; agentId: number; until: number; isTransfer: boolean }>();
  /** Seat side: help request ID -> another relay's offer to a seat here. */
  private readonly held = new Map<string, Held>();

  constructor(private readonly d: CrossRelayOffersDeps) {}

  /* ---------- owner ---------- */

  /** Every desk event here: offers to seats elsewhere are published, and withdrawn when they go. */
  onDeskEvent(e: DeskEvent): void {
    const sent = this.sent.get(e.requestId);
    const reason = sent && (sent.isTransfer ? transferWithdrawn(e) : WITHDRAWN_BY[e.kind]);
    if (sent && reason) {
      this.sent.delete(e.requestId);
      this.publish({ type: 'desk-cross-withdraw', to: sent.relayId, agentId: sent.agentId, helpRequestId: e.requestId, reason });
    }
    if ((e.kind !== 'offered' && e.kind !== 'transfer-offered') || e.agentId === null) return;
    const r = this.d.queue.findRequest(e.requestId);
    const a = this.d.queue.findAgent(e.agentId);
    // Online here only through a ticket's connection (a session another relay sent it to): its desk is elsewhere.
    const relayId = a?.elsewhere?.desk?.relayId;
    if (!r || !a || !relayId || this.d.hasDeskConsole(a.id)) return;
    const offer = { type: 'desk-cross-offer', to: relayId, agentId: a.id, request: this.d.view(r) } as const;
    if (r.state.kind === 'offered') {
      this.sent.set(r.id, { relayId, agentId: a.id, until: r.state.until, isTransfer: false });
      const by = e.detail['dispatchedBy'];
      this.publish({ ...offer, until: r.state.until, ...(typeof by === 'string' ? { dispatchedBy: by } : {}) });
      return;
    }
    const t = r.state.kind === 'assigned' ? r.state.transfer : null;
    if (!t || t.offeredTo !== a.id || t.until === null) return;
    this.sent.set(r.id, { relayId, agentId: a.id, until: t.until, isTransfer: true });
    this.publish({ ...offer, until: t.until, transfer: { fromAgentName: this.d.sessionAgentName(r.id) ?? '?', note: t.note } });
  }

  /** A cluster event another relay published; those for other relays are ignored. */
  onEvent(e: DeskOfferEvent): void {
    if (e.to !== this.d.channel.relayId) return;
    if (e.type === 'desk-cross-offer') this.offered(e);
    else if (e.type === 'desk-cross-withdraw') this.withdrawn(e);
    else this.declinedElsewhere(e);
  }

  /**
   * The seat's relay answered no. A decline is the round's decline; "busy" (the seat could not be
   * offered it: this relay's view of it was behind) withdraws the offer and keeps the seat out of
   * this relay's offers until its relay's next share is taken in, so the two relays cannot
   * bounce offers and refusals while the view is behind. The seat's relay already told its consoles.
   */
  private declinedElsewhere(e: Extract<DeskOfferEvent, { type: 'desk-cross-declined' }>): void {
    const sent = this.sent.get(e.helpRequestId);
    if (!sent || sent.relayId !== e.from || sent.agentId !== e.agentId || sent.until !== e.until) return this.d.log.warn('answer to an offer not pending here ignored', { helpRequestId: e.helpRequestId, from: e.from });
    this.sent.delete(e.helpRequestId);
    try {
      // A transfer to one agent ends either way (the first agent keeps the session).
      if (sent.isTransfer) this.d.queue.declineTransfer(e.helpRequestId, e.agentId);
      else if (e.isBusy) this.d.queue.withdrawBusy(e.helpRequestId, e.agentId);
      else this.d.queue.decline(e.helpRequestId, e.agentId);
    } catch (err) {
      this.d.log.warn('decline from another relay refused', { helpRequestId: e.helpRequestId, err });
    }
  }

  /* ---------- the seat's relay ---------- */

  private offered(e: Extract<DeskOfferEvent, { type: 'desk-cross-offer' }>): void {
    const consoles = this.d.consolesOf(e.agentId);
    if (this.held.has(e.request.id) || consoles.length === 0 || !this.canTake(e.agentId, e)) {
      return this.publish({ type: 'desk-cross-declined', to: e.from, agentId: e.agentId, helpRequestId: e.request.id, until: e.until, isBusy: true });
    }
    this.d.queue.holdOffer(e.agentId);
    const h: Held = { from: e.from, agentId: e.agentId, request: e.request, until: e.until, ...(e.dispatchedBy ? { dispatchedBy: e.dispatchedBy } : {}), ...(e.transfer ? { transfer: e.transfer } : {}) };
    this.held.set(e.request.id, h);
    // A dispatch goes to one console only, the newest: it takes the request at once, and a second would be refused.
    for (const p of h.dispatchedBy ? consoles.slice(-1) : consoles) p.send(this.offerMessage(h));
  }

  /** Shown such an offer now, and no other offer pending and room under the limit (counting every relay). */
  private canTake(agentId: number, offer: OfferKind): boolean {
    const a = this.d.queue.findAgent(agentId);
    return mayBeShown(a, offer) && hasSpareCapacity(seatView(a));
  }

  /** The owner took its offer back; the consoles are told only of an offer they were shown. */
  private withdrawn(e: Extract<DeskOfferEvent, { type: 'desk-cross-withdraw' }>): void {
    const h = this.held.get(e.helpRequestId);
    if (!h || h.from !== e.from || h.agentId !== e.agentId) return;
    this.release(e.helpRequestId, h);
    for (const p of this.d.consolesOf(e.agentId)) p.send({ type: 'desk-offer-withdrawn', helpRequestId: e.helpRequestId, reason: e.reason });
  }

  private release(helpRequestId: string, h: Held): void {
    this.held.delete(helpRequestId);
    if (this.d.queue.findAgent(h.agentId)) this.d.queue.releaseOffer(h.agentId);
  }

  /** Another relay's request offered to this seat here. */
  isHeld(helpRequestId: string): boolean {
    return this.held.has(helpRequestId);
  }

  /** The seat declined another relay's request (`offer-decline`): told to its owner, which moves it on. */
  decline(agentId: number, helpRequestId: string): void {
    const h = this.held.get(helpRequestId);
    if (!h || h.agentId !== agentId) throw new DeskRefusedError('not-allowed', 'the request is not offered to this agent');
    this.release(helpRequestId, h);
    for (const p of this.d.consolesOf(agentId)) p.send({ type: 'desk-offer-withdrawn', helpRequestId, reason: 'declined' });
    this.publish({ type: 'desk-cross-declined', to: h.from, agentId, helpRequestId, until: h.until, isBusy: false });
  }

  /** The offers pending for a console of the seat that just came (as for this relay's own offers). */
  offersTo(agentId: number): RelayToClient[] {
    return [...this.held.values()].filter((h) => h.agentId === agentId && !h.dispatchedBy).map((h) => this.offerMessage(h));
  }

  /** Once a second: offers a seat here can no longer take are reported declined; the other relays' seats are taken in. */
  check(): void {
    const t = this.d.now();
    for (const [id, h] of this.held) {
      const isStale = t > h.until + HOLD_GRACE_MS;
      const a = this.d.queue.findAgent(h.agentId);
      if (!isStale && mayBeShown(a, h) && this.d.consolesOf(h.agentId).length > 0) continue;
      this.release(id, h);
      for (const p of this.d.consolesOf(h.agentId)) p.send({ type: 'desk-offer-withdrawn', helpRequestId: id, reason: isStale ? 'expired' : 'withdrawn' });
      if (!isStale) this.publish({ type: 'desk-cross-declined', to: h.from, agentId: h.agentId, helpRequestId: id, until: h.until, isBusy: true });
    }
  }

  /** The seats at this relay's desk (and those with requests assigned here), as the other relays' queues need them. */
  shareSeats(): SharedDeskAgent[] {
    const heldBy = new Map<number, number>();
    for (const h of this.held.values()) heldBy.set(h.agentId, (heldBy.get(h.agentId) ?? 0) + 1);
    return this.d.queue.agents().flatMap((a): SharedDeskAgent[] => {
      // Online here through a ticket's connection only: not at this desk (the offers to it are held where its desk is).
      if (!a.isOnline || !this.d.hasDeskConsole(a.id)) return a.load > 0 ? [{ id: a.id, load: a.load, isOnline: false }] : [];
      const offers = Math.max(0, a.offers - (heldBy.get(a.id) ?? 0));
      const consoles = this.d.consolesOf(a.id);
      const name = consoles[0]?.agent.displayName;
      const desk = { state: a.state, limit: a.limit, offers, idleSince: a.idleSince, groupIds: [...a.groupIds], takesOffers: consoles.length > 0, ...(name ? { name } : {}) };
      return [{ id: a.id, load: a.load, desk }];
    });
  }

  /* ---------- the connections ---------- */

  /** The answer to send instead of handling `msg` here (a redirect, or a refusal on a ticketed connection); null: handle it here. */
  async route(party: AgentParty | CustomerParty, msg: DeskMessage, c: OfferingConnection): Promise<RelayToClient | null> {
    if (c.take) return withinTake(msg, c.take);
    if ((msg.type !== 'offer-accept' && msg.type !== 'transfer-accept') || !('agent' in party)) return null;
    const h = this.held.get(msg.helpRequestId);
    // A transfer is taken with `transfer-accept`, a request with `offer-accept` (the other is refused here as on one relay).
    if (!h || (msg.type === 'transfer-accept') !== (h.transfer !== undefined)) return null;
    const refuse = (code: 'not-allowed' | 'not-found', message: string): RelayToClient => ({ type: 'error', code, message, requestId: msg.requestId });
    if (h.agentId !== party.agent.id || !c.speaksClusterOffers || c.tokenHash === null) return refuse('not-allowed', 'the request is not offered to this agent');
    const to = await this.d.channel.redirect(h.from, h.request.deviceId, c.tokenHash, undefined, { helpRequestId: msg.helpRequestId });
    if (!to) return refuse('not-found', 'the relay the customer waits on is gone');
    this.d.log.info('agent sent to the relay the customer waits on', { agentId: h.agentId, helpRequestId: msg.helpRequestId, relayId: h.from });
    return { type: 'offer-redirect', requestId: msg.requestId, helpRequestId: msg.helpRequestId, ...to };
  }

  private offerMessage(h: Held): RelayToClient {
    const { request, until, dispatchedBy, transfer } = h;
    return { type: 'desk-offer', request, until, forMs: Math.max(0, Math.round(until - this.d.now())), transfer: transfer ?? null, ...(dispatchedBy ? { dispatchedBy } : {}) };
  }

  private publish(e: DistributiveOmit<DeskOfferEvent, 'from'>): void {
    this.d.channel.publish({ ...e, from: this.d.channel.relayId } as DeskOfferEvent);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

type OfferKind = Pick<Held, 'dispatchedBy' | 'transfer'>;

/**
 * Whether the seat here may be shown (or keep) another relay's offer: at the desk and available;
 * a supervisor's dispatch, or a running session handed on (as on one relay), needs it only not away.
 */
function mayBeShown(a: DeskAgent | undefined, offer: OfferKind): a is DeskAgent {
  if (!a?.isOnline) return false;
  return offer.dispatchedBy !== undefined || offer.transfer !== undefined ? a.state !== 'away' : isEligible(a, null);
}

/** A connection opened with a ticket to take one help request: that request's `offer-accept` (or `transfer-accept`, for its running session), nothing else of the desk. */
function withinTake(msg: DeskMessage, take: TakeScope): RelayToClient | null {
  if ((msg.type === 'offer-accept' || msg.type === 'transfer-accept') && msg.helpRequestId === take.helpRequestId) return null;
  const message = `this connection was opened with a ticket to take help request ${take.helpRequestId}`;
  return { type: 'error', code: 'forbidden', message, ...('requestId' in msg ? { requestId: msg.requestId } : {}) };
}
