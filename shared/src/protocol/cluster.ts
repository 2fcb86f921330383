import { z } from 'zod';
import { AccountRole, DeviceId, RequestId, SessionId, SessionMode, SessionPermissions } from './core.ts';
import { HelpRequestId } from './desk.ts';
import { DeskOfferEvent } from './deskOffers.ts';

/**
 * Several relays (capability `relay-cluster`): a session's media flows through the relay its
 * customer is connected to. An agent who asks for a device held by another relay is sent
 * there with a short-lived signed ticket (`relay-redirect`); it opens a second connection to
 * that relay with `hello.ticket` instead of `hello.token` and sends its `connect-request`
 * again. See docs/PROTOCOL.md, "Several relays".
 */

/** `<payload>.<signature>`, both base64url: what one relay of a cluster tells another about an agent. */
export const RelayTicket = z.string().max(1024).regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'a relay ticket is two base64url parts joined by a dot');

/** What a supervisor asks of a session another relay holds (capability `desk-cluster`; protocol/deskCluster.ts). */
export const SuperviseAction = z.enum(['session-monitor', 'session-join', 'session-take-over']);
export type SuperviseAction = z.infer<typeof SuperviseAction>;
/** A ticket for one supervisor action: the connection it opens may act on this session only. */
export const SuperviseScope = z.object({ sessionId: SessionId, action: SuperviseAction });
export type SuperviseScope = z.infer<typeof SuperviseScope>;
/** Capability `desk-cluster-offers`: a ticket for taking one help request (or its running session, handed on) the issuing relay's seat was offered. */
export const TakeScope = z.object({ helpRequestId: HelpRequestId });
export type TakeScope = z.infer<typeof TakeScope>;

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
  /** Capability `desk-cluster`: a supervisor's ticket for one running session (`deviceId` is its device). */
  supervise: SuperviseScope.optional(),
  /** Capability `desk-cluster-offers`: the connection may accept this help request only (`deviceId` is its customer's device). */
  take: TakeScope.optional(),
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
  /**
   * Capability `relay-failover`, to either side: the session named in `hello.resume` is held by
   * another relay of the cluster now (it took the session over when the first relay died).
   * Connect to `url` before `expiresAt` with the same `hello.resume`; an agent sends `ticket` as
   * `hello.ticket` instead of its token (a customer has none).
   */
  z.object({ type: z.literal('resume-redirect'), sessionId: SessionId, url: z.string().url().max(2048), ticket: RelayTicket.optional(), expiresAt: z.number().int() }),
]);
export type ClusterRelayToAgent = z.infer<typeof ClusterRelayToAgent>;

/** Relay -> relay, on the cluster's pub/sub channel (Redis): what one relay must tell the others. */
export const ClusterEvent = z.discriminatedUnion('type', [
  /** A sign-in token was revoked (sign-out, password change, seat disabled): every relay drops the connections that use it. */
  z.object({ type: z.literal('token-revoked'), tokenHash: z.string().regex(/^[0-9a-f]{64}$/), reason: z.string().max(200), from: z.string().min(1).max(64) }),
  ...DeskOfferEvent.options,
]);
export type ClusterEvent = z.infer<typeof ClusterEvent>;

const SecretHash = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * Relay -> relay, in shared state (Redis): what another relay needs to take a running session
 * over when the relay holding it dies. Resume secrets are kept as SHA-256 hashes only.
 */
export const SharedSessionRecord = z.object({
  sessionId: SessionId,
  deviceId: DeviceId,
  agent: z.object({ id: z.number().int(), login: z.string(), displayName: z.string(), role: AccountRole }),
  permissions: SessionPermissions,
  mode: SessionMode,
  requestedAt: z.number(),
  startedAt: z.number(),
  streamId: z.number().int().min(1).max(0xffffffff),
  customerId: z.number().int().nullable(),
  isRecorded: z.boolean(),
  secretHashes: z.object({ agent: SecretHash.nullable(), customer: SecretHash.nullable() }),
  /** The grace period (ms) of the relay that started it. */
  graceMs: z.number().int().min(0),
  /** When its holding relay last said it still holds it (epoch ms): the grace runs from here once that relay is gone. */
  aliveAt: z.number(),
});
export type SharedSessionRecord = z.infer<typeof SharedSessionRecord>;
