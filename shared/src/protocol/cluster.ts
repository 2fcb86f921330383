import { z } from 'zod';
import { DeviceId, RequestId } from './core.ts';

/**
 * Several relays (capability `relay-cluster`): a session's media flows through the relay its
 * customer is connected to. An agent who asks for a device held by another relay is sent
 * there with a short-lived signed ticket (`relay-redirect`); it opens a second connection to
 * that relay with `hello.ticket` instead of `hello.token` and sends its `connect-request`
 * again. See docs/PROTOCOL.md, "Several relays".
 */

/** `<payload>.<signature>`, both base64url: what one relay of a cluster tells another about an agent. */
export const RelayTicket = z.string().max(1024).regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'a relay ticket is two base64url parts joined by a dot');

/** A ticket's payload, as signed by the relay that issued it. */
export const RelayTicketPayload = z.object({
  /** The relay the ticket is good for (BEACON_RELAY_ID). */
  relay: z.string().min(1).max(64),
  /** The device the agent asked for. */
  deviceId: DeviceId,
  /** The SHA-256 (hex) of the agent's sign-in token: the ticket is good only while that sign-in is. */
  tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** Epoch ms after which the ticket is refused. */
  expiresAt: z.number().int(),
});
export type RelayTicketPayload = z.infer<typeof RelayTicketPayload>;

/** Relay -> agent. */
export const ClusterRelayToAgent = z.discriminatedUnion('type', [
  /**
   * Answers a `connect-request` (same `requestId`) for a device held by another relay: connect
   * to the relay at `url` (its public base URL; the socket is `<url>/ws`) with `hello.ticket` = `ticket`
   * before `expiresAt`, then send the `connect-request` there again.
   */
  z.object({ type: z.literal('relay-redirect'), requestId: RequestId, deviceId: DeviceId, url: z.string().url().max(2048), ticket: RelayTicket, expiresAt: z.number().int() }),
]);
export type ClusterRelayToAgent = z.infer<typeof ClusterRelayToAgent>;

/** Relay -> relay, on the cluster's pub/sub channel (Redis): what one relay must tell the others. */
export const ClusterEvent = z.discriminatedUnion('type', [
  /** A sign-in token was revoked (sign-out, password change, seat disabled): every relay drops the connections that use it. */
  z.object({ type: z.literal('token-revoked'), tokenHash: z.string().regex(/^[0-9a-f]{64}$/), reason: z.string().max(200), from: z.string().min(1).max(64) }),
]);
export type ClusterEvent = z.infer<typeof ClusterEvent>;
