import { z } from 'zod';
import { AccountId } from '../api/common.ts';
import { HelpRequestId, HelpRequestView, TransferOffer } from './desk.ts';
import { Name } from './parts.ts';

/**
 * Help requests offered across relays (capability `desk-cluster-offers`; docs/PROTOCOL.md,
 * "Help requests across relays"), relay -> relay on the cluster's pub/sub channel. The relay a
 * request's customer waits on (its owner) keeps the offer's timer and the rounds of declines;
 * the relay the offered seat's console is on only delivers the offer and reports the answer.
 * `from` is the sending relay, `to` the one the event is for (the others ignore it).
 */
const Route = { from: z.string().min(1).max(64), to: z.string().min(1).max(64), agentId: AccountId };

/** Why an owner took its offer back (as the console is told in `desk-offer-withdrawn`). */
export const CrossOfferWithdrawReason = z.enum(['accepted', 'declined', 'expired', 'left', 'withdrawn', 'dispatched']);

export const DeskOfferEvent = z.discriminatedUnion('type', [
  /**
   * Owner -> seat's relay: offer `request` to seat `agentId` until `until` (epoch ms).
   * `dispatchedBy`: a supervisor gave it to that seat (their name): its console takes it at once.
   * `transfer`: not a waiting request but its running session, handed on by its agent (or a
   * supervisor on the agent's behalf) to that seat; answered like a transfer on one relay.
   */
  z.object({ type: z.literal('desk-cross-offer'), ...Route, request: HelpRequestView, until: z.number(), dispatchedBy: Name.optional(), transfer: TransferOffer.optional() }),
  /** Owner -> seat's relay: the offer is gone; the seat's consoles are told why. */
  z.object({ type: z.literal('desk-cross-withdraw'), ...Route, helpRequestId: HelpRequestId, reason: CrossOfferWithdrawReason }),
  /**
   * Seat's relay -> owner: the seat declined the offer whose deadline was `until` (`isBusy` false:
   * a decline in the current round), or could not be offered it (`isBusy`: it already has an
   * offer, went away or offline, or no console of it takes such offers): the offer is withdrawn
   * without counting as the agent's decline, and the owner offers that seat nothing more until
   * it has taken in the seat's relay's next share. `until` tells an answer to an older offer of
   * the same request to the same seat (a supervisor's dispatch replaces an offer) from the current one.
   */
  z.object({ type: z.literal('desk-cross-declined'), ...Route, helpRequestId: HelpRequestId, until: z.number(), isBusy: z.boolean() }),
]);
export type DeskOfferEvent = z.infer<typeof DeskOfferEvent>;
