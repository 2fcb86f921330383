import { z } from 'zod';
import { EndReason, ErrorCode } from '../errors.ts';
import { AccessCode, AgentIdentity, Capabilities, CustomerId, DeviceId, RequestId, Role, SessionId, SessionMode, SessionPermissions } from './core.ts';
import { Candidate, MODE_MISMATCH, Name, Sdp, isModeConsistent } from './parts.ts';
import { Heartbeat, ResumeClaims, ResumeFromRelay, ResumeSecret } from './resume.ts';
import { TransportFromRelay, TransportPath, TransportToRelay } from './transport.ts';
import { DeskAgentToRelay, DeskCustomerToRelay, DeskRelayToAgent, DeskRelayToCustomer } from './desk.ts';
import { HandoverAgentToRelay, HandoverRelayToAgent, HandoverRelayToCustomer } from './handover.ts';
import { MultiAgentToRelay, MultiRelayToAgent } from './multi.ts';
import { AlertAgentToRelay, AlertRelayToAgent } from './deskAlerts.ts';
import { ClusterRelayToAgent, RelayTicket } from './cluster.ts';
import { DeskClusterRelayToAgent } from './deskCluster.ts';
import { FirstSource } from './camera.ts';

/** The WebSocket `/ws`: signalling and the session lifecycle (JSON text frames). */

/* ---------- WebSocket: client -> relay ---------- */

export const Hello = z.object({
  type: z.literal('hello'),
  v: z.number().int(),
  role: Role,
  /** Agents only: the token from `POST /api/login`. */
  token: z.string().max(256).optional(),
  /** Capability `relay-cluster`, agents only: instead of `token`, the ticket of a `relay-redirect`. */
  ticket: RelayTicket.optional(),
  /** What this client speaks beyond the core (version 2 on); absent: nothing. */
  capabilities: Capabilities.optional(),
  /** Capability `resume`: the sessions this party had on a link that dropped. */
  resume: ResumeClaims.optional(),
});
export type Hello = z.infer<typeof Hello>;

/** WebRTC signalling for the client's one peer connection, client -> relay. */
export const RtcToRelay = z.discriminatedUnion('type', [
  z.object({ type: z.literal('rtc-offer'), sdp: Sdp }),
  z.object({ type: z.literal('rtc-candidate'), ...Candidate.shape }),
  /**
   * A new offer on the existing peer connection (voice adds an audio transceiver). The
   * relay answers with `rtc-answer`, as it does for the first offer.
   */
  z.object({ type: z.literal('rtc-renegotiate'), sdp: Sdp }),
]);

/** Opening, answering and ending sessions, client -> relay. */
export const SessionToRelay = z.discriminatedUnion('type', [
  /** Agent asks to open a session on a device. */
  z.object({
    type: z.literal('connect-request'),
    requestId: RequestId,
    deviceId: DeviceId,
    code: AccessCode,
    permissions: SessionPermissions,
    /** Optional: the directory customer this session is for (the agent must be allowed to use it). */
    customerId: CustomerId.optional(),
    /** Absent: `screen`. */
    mode: SessionMode.optional(),
    /** Capability `camera-first`: the session starts on the customer's camera, not the screen (screen mode only). */
    source: FirstSource.optional(),
  }).refine(isModeConsistent, MODE_MISMATCH),
  /** Agent ends one of its sessions, or withdraws a pending request. */
  z.object({ type: z.literal('session-end'), sessionId: SessionId }),
  /** Customer answers a consent request. */
  z.object({ type: z.literal('consent-reply'), sessionId: SessionId, granted: z.boolean() }),
  /** Customer pressed Stop (button or hotkey). */
  z.object({ type: z.literal('session-stop'), sessionId: SessionId }),
]);
export type SessionToRelay = z.infer<typeof SessionToRelay>;

export const ClientToRelay = z.discriminatedUnion('type', [
  Hello,
  ...RtcToRelay.options,
  ...SessionToRelay.options,
  Heartbeat,
  ...TransportToRelay.options,
  ...DeskCustomerToRelay.options,
  ...DeskAgentToRelay.options,
  ...HandoverAgentToRelay.options,
  ...MultiAgentToRelay.options,
  ...AlertAgentToRelay.options,
]);
export type ClientToRelay = z.infer<typeof ClientToRelay>;

/* ---------- WebSocket: relay -> client ---------- */

export const StreamInfo = z.object({
  /** The `stream` field of this session's media frames. */
  streamId: z.number().int().min(1).max(0xffffffff),
});

/** Customers: who they are on this relay (device ID and current one-time code). */
export const CustomerWelcome = z.object({
  type: z.literal('welcome'),
  /** The protocol version this connection speaks: the lower of the client's and the relay's. */
  v: z.number().int(),
  role: z.literal('customer'),
  deviceId: DeviceId,
  code: z.string(),
  codeExpiresAt: z.number(),
  /** What the relay speaks beyond the core; absent (a version 1 relay): nothing. */
  capabilities: Capabilities.optional(),
});
/** Agents: who they are signed in as. */
export const AgentWelcome = z.object({
  type: z.literal('welcome'),
  v: z.number().int(),
  role: z.literal('agent'),
  agent: AgentIdentity,
  capabilities: Capabilities.optional(),
});
/** The relay's answer to `hello`, by role. */
export const Welcome = z.discriminatedUnion('role', [CustomerWelcome, AgentWelcome]);
export type Welcome = z.infer<typeof Welcome>;
export type CustomerWelcome = z.infer<typeof CustomerWelcome>;
export type AgentWelcome = z.infer<typeof AgentWelcome>;

/** WebRTC signalling, relay -> client. */
export const RtcFromRelay = z.discriminatedUnion('type', [
  z.object({ type: z.literal('rtc-answer'), sdp: Sdp }),
  z.object({ type: z.literal('rtc-candidate'), ...Candidate.shape }),
]);

/** A session's life as each party sees it, relay -> client. */
export const SessionFromRelay = z.discriminatedUnion('type', [
  /** Customer: an agent asks for a session. */
  z.object({
    type: z.literal('consent-request'),
    sessionId: SessionId,
    /** The seat's display name. */
    agentName: Name,
    permissions: SessionPermissions,
    /** The organisation the seat belongs to, so the customer sees who is asking. */
    orgName: Name.optional(),
    /** The relay records this session (organisation setting); the dialog says so. Absent: not recorded. */
    isRecorded: z.boolean().optional(),
    /** Absent: `screen`. A voice session's dialog asks for a call, not the screen. */
    mode: SessionMode.optional(),
    /** Capability `camera-first`: the dialog asks for the camera, not the screen; nothing of the screen is captured. */
    source: FirstSource.optional(),
  }).refine(isModeConsistent, MODE_MISMATCH),
  /** Agent: the code was right and the customer is being asked. */
  z.object({ type: z.literal('session-pending'), requestId: RequestId, sessionId: SessionId, deviceId: DeviceId }),
  /** Both: the customer consented; media starts (voice sessions: no screen media; the agent calls). */
  z.object({
    type: z.literal('session-started'),
    sessionId: SessionId,
    deviceId: DeviceId,
    agentName: Name,
    permissions: SessionPermissions,
    ...StreamInfo.shape,
    /** Absent: `screen`. */
    mode: SessionMode.optional(),
    /** Capability `resume`: this party's own secret for `hello.resume` (each party gets its own; never logged). */
    resumeSecret: ResumeSecret.optional(),
    /** How its ctl and media travel: `websocket` when either party fell back to TCP (`ws-transport`). Absent: `webrtc`. */
    transport: TransportPath.optional(),
    /** Capability `camera-first`: the picture starts on the camera (the customer agreed to the camera only). */
    source: FirstSource.optional(),
  }).refine(isModeConsistent, MODE_MISMATCH),
  /** Agent: the customer said no (or did not answer in time). */
  z.object({ type: z.literal('session-denied'), sessionId: SessionId, code: z.enum(['denied', 'consent-timeout']) }),
  /** Both: a running or pending session is over. */
  z.object({ type: z.literal('session-ended'), sessionId: SessionId, reason: EndReason }),
]);
export type SessionFromRelay = z.infer<typeof SessionFromRelay>;

export const RelayToClient = z.discriminatedUnion('type', [
  Welcome,
  z.object({ type: z.literal('error'), code: ErrorCode, message: z.string(), requestId: RequestId.optional() }),
  ...RtcFromRelay.options,
  /** Customer: the code changed (after a session attempt, or every 10 minutes). */
  z.object({ type: z.literal('code-update'), code: z.string(), codeExpiresAt: z.number() }),
  ...SessionFromRelay.options,
  /** Agent: the relay revoked this connection (token expired or revoked). */
  z.object({ type: z.literal('signed-out'), reason: z.string() }),
  ...ResumeFromRelay.options,
  Heartbeat,
  ...TransportFromRelay.options,
  ...DeskRelayToCustomer.options,
  ...DeskRelayToAgent.options,
  ...HandoverRelayToAgent.options,
  ...HandoverRelayToCustomer.options,
  ...MultiRelayToAgent.options,
  ...ClusterRelayToAgent.options,
  ...DeskClusterRelayToAgent.options,
  ...AlertRelayToAgent.options,
]);
export type RelayToClient = z.infer<typeof RelayToClient>;
