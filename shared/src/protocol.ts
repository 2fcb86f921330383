import { z } from 'zod';
import { EndReason, ErrorCode } from './errors.ts';
import { InputEvent } from './input.ts';
import { BoardId, ChatMessage, ChatText, ChunkData, FileName, FilePurpose, FileRef, FileSize, MimeType, Stroke, StrokeId, TransferId } from './collab.ts';

/**
 * The Beacon protocol, defined once. Every message that crosses a process or network
 * boundary is one of these unions and is parsed with `parseUnknown`/`handleAtBoundary`.
 *
 * Transports:
 * - WebSocket `/ws` on the relay: signalling and session lifecycle (JSON text frames).
 * - WebRTC, terminated by the relay, one PeerConnection per client, two data channels
 *   the client creates before its offer:
 *   - `ctl`: reliable, ordered, JSON text (`CtlToRelay` / `CtlFromRelay`);
 *   - `media`: reliable, ordered, binary frames (see `framing.ts`).
 */

export const DeviceId = z.string().regex(/^\d{9}$/, 'a device ID is 9 digits');
export const AccessCode = z
  .string()
  .transform((s) => s.trim().toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9]{6}$/, 'a code is 6 letters or digits'));
export const SessionId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
export const RequestId = z.string().min(1).max(64);

export const Role = z.enum(['customer', 'agent']);
export type Role = z.infer<typeof Role>;

/**
 * What a seat account may do in its organisation (see relay-server/API.md): owner and admin
 * manage seats and settings, a manager sees everything, an agent works with their own.
 */
export const AccountRole = z.enum(['owner', 'admin', 'manager', 'agent']);
export type AccountRole = z.infer<typeof AccountRole>;
/** A customer directory record's ID (`/api/customers`). */
export const CustomerId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** What a screen session grants: the screen is seen, and maybe controlled. */
export const Permissions = z.object({ view: z.literal(true), control: z.boolean() });
export type Permissions = z.infer<typeof Permissions>;
/** A voice-only session grants nothing on the customer's PC: no screen is seen, nothing is controlled. */
export const VoicePermissions = z.object({ view: z.literal(false), control: z.literal(false) });
export type VoicePermissions = z.infer<typeof VoicePermissions>;
/** What a session grants, by its mode (see {@link SessionMode}). */
export const SessionPermissions = z.union([Permissions, VoicePermissions]);
export type SessionPermissions = z.infer<typeof SessionPermissions>;
/**
 * What a session is for. `screen`: the agent sees (and maybe controls) the screen.
 * `voice`: a voice call only (the customer's first call for help); no screen is captured.
 * Absent on the wire: `screen` (peers from before voice-only sessions).
 */
export const SessionMode = z.enum(['screen', 'voice']);
export type SessionMode = z.infer<typeof SessionMode>;
/** The one rule tying the two together: a voice session views nothing, a screen session views. */
const isModeConsistent = (m: { mode?: SessionMode | undefined; permissions: SessionPermissions }): boolean =>
  (m.mode === 'voice') === !m.permissions.view;
const MODE_MISMATCH = { message: 'mode voice goes with permissions {view:false, control:false}; screen with view:true', path: ['permissions'] };

/**
 * A feature a peer speaks beyond its protocol version's core (see `CAPABILITIES` in version.ts).
 * Unknown names are kept, not refused, so an older peer meeting a newer one degrades quietly:
 * each side uses a feature only when both listed it.
 */
export const Capability = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/);
export const Capabilities = z.array(Capability).max(64);

/** The seat an agent connection is signed in as. */
export const AgentIdentity = z.object({ id: z.number().int(), login: z.string(), displayName: z.string(), role: AccountRole.optional() });
export type AgentIdentity = z.infer<typeof AgentIdentity>;

/** The `type` literals of a discriminated union's members (nested unions included). */
function typesOf(union: { readonly options: readonly unknown[] }): ReadonlySet<string> {
  const out = new Set<string>();
  for (const o of union.options) {
    if (o instanceof z.ZodDiscriminatedUnion) for (const t of typesOf(o)) out.add(t);
    else if (o instanceof z.ZodObject && o.shape['type'] instanceof z.ZodLiteral) out.add(String(o.shape['type'].value));
  }
  return out;
}

/** A type guard for one named sub-union, usable on any message union that contains it. */
function guardOf<T extends string>(union: { readonly options: readonly unknown[] }) {
  const types = typesOf(union);
  return <M extends { type: string }>(msg: M): msg is Extract<M, { type: T }> => types.has(msg.type);
}

const Sdp = z.string().min(1).max(64 * 1024);
const Candidate = z.object({ candidate: z.string().max(2048), mid: z.string().max(64) });
const Name = z.string().min(1).max(120);

/* ---------- WebSocket: client -> relay ---------- */

export const Hello = z.object({
  type: z.literal('hello'),
  v: z.number().int(),
  role: Role,
  /** Agents only: the token from `POST /api/login`. */
  token: z.string().max(256).optional(),
  /** What this client speaks beyond the core (version 2 on); absent: nothing. */
  capabilities: Capabilities.optional(),
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
  }).refine(isModeConsistent, MODE_MISMATCH),
  /** Agent ends one of its sessions, or withdraws a pending request. */
  z.object({ type: z.literal('session-end'), sessionId: SessionId }),
  /** Customer answers a consent request. */
  z.object({ type: z.literal('consent-reply'), sessionId: SessionId, granted: z.boolean() }),
  /** Customer pressed Stop (button or hotkey). */
  z.object({ type: z.literal('session-stop'), sessionId: SessionId }),
]);
export type SessionToRelay = z.infer<typeof SessionToRelay>;

export const ClientToRelay = z.discriminatedUnion('type', [Hello, ...RtcToRelay.options, ...SessionToRelay.options]);
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
]);
export type RelayToClient = z.infer<typeof RelayToClient>;

/* ---------- ctl data channel ---------- */

/**
 * How the customer trades delay and data against detail, chosen by the agent per session
 * (shown as "speed first", "balanced", "quality first"); within it the customer's rate control
 * follows the link (customer-portable/src/common/stream/Ladder.ts). `speed`: the least delay
 * and data, smaller picture before fewer frames; 60 fps on a fast link. `balanced`: the
 * default; on a link under about 1 Mbit/s it behaves as `speed`. `quality`: the crispest text,
 * fewer frames before a smaller picture. A customer that was never told runs `balanced`.
 */
export const QualityMode = z.enum(['speed', 'balanced', 'quality']);
export type QualityMode = z.infer<typeof QualityMode>;
export const DEFAULT_QUALITY_MODE: QualityMode = 'balanced';

export const StreamConfig = z.object({
  /** WebCodecs codec string, e.g. `vp09.00.10.08` or `avc1.640028`. */
  codec: z.string().regex(/^(vp8|vp09\.[0-9.]+|av01\.[0-9A-Za-z.]+|avc1\.[0-9A-Fa-f]{6})$/),
  width: z.number().int().min(16).max(8192),
  height: z.number().int().min(16).max(8192),
});
export type StreamConfig = z.infer<typeof StreamConfig>;

const FileOfferFields = z.object({ transferId: TransferId, name: FileName, mime: MimeType, size: FileSize, purpose: FilePurpose });
/** Attachment data, the same in both directions (the relay forwards them to the other party). */
const FILE_DATA_MESSAGES = [
  /** `offset`: bytes sent before this chunk; chunks come in order. */
  z.object({ type: z.literal('file-chunk'), sessionId: SessionId, transferId: TransferId, offset: FileSize, data: ChunkData }),
  /** All chunks sent. */
  z.object({ type: z.literal('file-end'), sessionId: SessionId, transferId: TransferId }),
  /** The sender gives up (cancelled); the relay deletes what it has. */
  z.object({ type: z.literal('file-cancel'), sessionId: SessionId, transferId: TransferId }),
] as const;

/**
 * Voice call control. Either party asks (`voice-request`); the other accepts or declines;
 * either ends it. The relay forwards audio between the parties' tracks only while a call
 * is accepted. `voice-mute` tells the other side to show the muted state. Both parties, active
 * sessions; the audio itself is an RTP track on the peer connection.
 */
export const VoiceCtlToRelay = z.discriminatedUnion('type', [
  z.object({ type: z.literal('voice-request'), sessionId: SessionId }),
  z.object({ type: z.literal('voice-accept'), sessionId: SessionId }),
  z.object({ type: z.literal('voice-decline'), sessionId: SessionId }),
  z.object({ type: z.literal('voice-end'), sessionId: SessionId }),
  z.object({ type: z.literal('voice-mute'), sessionId: SessionId, isMuted: z.boolean() }),
]);
/** Voice control from the other party (`from`). */
export const VoiceCtlFromRelay = z.discriminatedUnion('type', [
  z.object({ type: z.literal('voice-request'), sessionId: SessionId, from: Role }),
  z.object({ type: z.literal('voice-accept'), sessionId: SessionId, from: Role }),
  z.object({ type: z.literal('voice-decline'), sessionId: SessionId, from: Role }),
  z.object({ type: z.literal('voice-end'), sessionId: SessionId, from: Role }),
  z.object({ type: z.literal('voice-mute'), sessionId: SessionId, from: Role, isMuted: z.boolean() }),
]);
export type VoiceCtlToRelay = z.infer<typeof VoiceCtlToRelay>;
export type VoiceCtlFromRelay = z.infer<typeof VoiceCtlFromRelay>;
export type VoiceCtlType = VoiceCtlToRelay['type'];
export const isVoiceCtl = guardOf<VoiceCtlType>(VoiceCtlToRelay);

/**
 * Agent -> relay -> customer: what of the session's video reached the agent, a few times a
 * second while video flows. The customer's rate control reads it as an acknowledgement: every
 * frame up to `lastSeq` has left the link (arrived, or was dropped on the way), so the bytes
 * sent after it are still in flight. Only the session's own agent sends it.
 */
export const ReceiveReport = z.object({
  type: z.literal('receive-report'),
  sessionId: SessionId,
  /** The newest frame (media `seq`) that arrived complete. */
  lastSeq: z.number().int().min(0).max(0xffffffff),
  /** How long ago (ms) that frame completed: the report's own delay, for the round-trip estimate. */
  heldMs: z.number().finite().min(0).max(60_000),
  /** Media bytes of this session received so far. */
  bytes: z.number().int().min(0),
  /** Frames dropped incomplete so far (they stopped arriving). */
  dropped: z.number().int().min(0),
});
export type ReceiveReport = z.infer<typeof ReceiveReport>;

/**
 * Customer -> relay -> agent: how the stream adapts to the link, when it changes (at most
 * about once a second): the bitrate the link is thought to carry, the frame rate aimed at,
 * and whether the stream runs below its mode's best (the agent shows "slow connection").
 */
export const StreamState = z.object({
  type: z.literal('stream-state'),
  sessionId: SessionId,
  targetBps: z.number().int().min(0).max(1_000_000_000),
  fps: z.number().int().min(0).max(240),
  isSteppedDown: z.boolean(),
  /**
   * The captured screen's size, of which the video may be a scaled copy: whiteboard strokes are
   * in its pixels (see whiteboard.ts), whatever size the video has at the moment.
   */
  sourceWidth: z.number().int().min(16).max(8192).optional(),
  sourceHeight: z.number().int().min(16).max(8192).optional(),
});
export type StreamState = z.infer<typeof StreamState>;

/** The screen stream: its parameters, keyframes, remote input and the round-trip probe, agent/customer -> relay. */
export const StreamCtlToRelay = z.discriminatedUnion('type', [
  /** Agent: remote input. Forwarded only if the session granted control. */
  z.object({ type: z.literal('input'), sessionId: SessionId, event: InputEvent }),
  /** Agent: ask for a keyframe (after loss, or on joining). */
  z.object({ type: z.literal('keyframe-request'), sessionId: SessionId }),
  /** Agent: round-trip probe, echoed by the customer. */
  z.object({ type: z.literal('ping'), sessionId: SessionId, t: z.number().finite() }),
  /**
   * Agent: whether this session's picture is on the agent's screen (its tab is the one shown
   * and the console window is not hidden). Not visible: the relay forwards keyframes only, so a
   * background session costs the console almost nothing. Visible again: the relay asks the
   * customer for a keyframe and forwards everything from it. Until the first one the relay takes
   * the session as visible. The customer is not told: it keeps encoding for the recording.
   */
  z.object({ type: z.literal('view-state'), sessionId: SessionId, isVisible: z.boolean() }),
  /**
   * Agent: the session's quality mode (sent when the session starts and when the agent changes
   * it). Screen sessions only; the relay forwards it to the customer as is. The stream keeps its
   * codec and size, so no new `stream-config` follows; the next frame is a keyframe.
   */
  z.object({ type: z.literal('quality-mode'), sessionId: SessionId, mode: QualityMode }),
  /** Agent: see {@link ReceiveReport}; the relay forwards it to the customer as is. */
  ReceiveReport,
  /** Customer: the encoded stream's parameters; the relay passes them to every viewer. */
  z.object({ type: z.literal('stream-config'), sessionId: SessionId, config: StreamConfig }),
  /** Customer: echo of `ping`. */
  z.object({ type: z.literal('pong'), sessionId: SessionId, t: z.number().finite() }),
  /** Customer: see {@link StreamState}; the relay passes it to the session's agent. */
  StreamState,
]);
/** The screen stream, relay -> party. */
export const StreamCtlFromRelay = z.discriminatedUnion('type', [
  z.object({ type: z.literal('input'), sessionId: SessionId, event: InputEvent }),
  z.object({ type: z.literal('keyframe-request'), sessionId: SessionId }),
  z.object({ type: z.literal('ping'), sessionId: SessionId, t: z.number().finite() }),
  z.object({ type: z.literal('stream-config'), sessionId: SessionId, config: StreamConfig }),
  z.object({ type: z.literal('pong'), sessionId: SessionId, t: z.number().finite() }),
  /** Customer: the agent's choice of quality mode for this session. */
  z.object({ type: z.literal('quality-mode'), sessionId: SessionId, mode: QualityMode }),
  /** Customer: what reached the session's agent (see {@link ReceiveReport}). */
  ReceiveReport,
  /** Agent: how the customer's stream adapts to the link (see {@link StreamState}). */
  StreamState,
]);

/**
 * Collaboration (see collab.ts for the flows): chat, attachments, whiteboard strokes and
 * screenshots. Both parties, pending or active sessions, unless noted.
 */
export const CollabCtlToRelay = z.discriminatedUnion('type', [
  /** A chat message; the relay answers both parties with `chat`. */
  z.object({ type: z.literal('chat-send'), sessionId: SessionId, text: ChatText }),
  /** Starts an attachment upload. */
  z.object({ type: z.literal('file-offer'), sessionId: SessionId, ...FileOfferFields.shape }),
  ...FILE_DATA_MESSAGES,
  /** Active sessions. Board `screen`: agents with control only; `blank`: both. */
  z.object({ type: z.literal('stroke'), sessionId: SessionId, board: BoardId, stroke: Stroke }),
  z.object({ type: z.literal('stroke-undo'), sessionId: SessionId, board: BoardId, strokeId: StrokeId }),
  z.object({ type: z.literal('board-clear'), sessionId: SessionId, board: BoardId }),
  /** Agent with control: asks the customer for a full-size PNG of the screen. */
  z.object({ type: z.literal('screenshot-request'), sessionId: SessionId, requestId: TransferId }),
]);
/** Collaboration, relay -> party. `from` says which side sent it. */
export const CollabCtlFromRelay = z.discriminatedUnion('type', [
  /** A stored chat message, to both parties. */
  z.object({ type: z.literal('chat'), sessionId: SessionId, message: ChatMessage }),
  /** The other party offers an attachment; its chunks follow. */
  z.object({ type: z.literal('file-offer'), sessionId: SessionId, from: Role, ...FileOfferFields.shape }),
  ...FILE_DATA_MESSAGES,
  /** To the sender: bytes the relay has stored so far (progress and flow control). */
  z.object({ type: z.literal('file-progress'), sessionId: SessionId, transferId: TransferId, received: FileSize, size: FileSize }),
  /** To both: the attachment is stored. */
  z.object({ type: z.literal('file-done'), sessionId: SessionId, file: FileRef }),
  /** To both: the transfer ended without a file; nothing of it is kept. */
  z.object({ type: z.literal('file-abort'), sessionId: SessionId, transferId: TransferId, code: ErrorCode }),
  z.object({ type: z.literal('stroke'), sessionId: SessionId, from: Role, board: BoardId, stroke: Stroke }),
  z.object({ type: z.literal('stroke-undo'), sessionId: SessionId, from: Role, board: BoardId, strokeId: StrokeId }),
  z.object({ type: z.literal('board-clear'), sessionId: SessionId, from: Role, board: BoardId }),
  /** Customer: send a screenshot as an attachment with purpose `screenshot` and this transferId. */
  z.object({ type: z.literal('screenshot-request'), sessionId: SessionId, requestId: TransferId }),
]);
export type CollabCtlToRelay = z.infer<typeof CollabCtlToRelay>;
export type CollabCtlFromRelay = z.infer<typeof CollabCtlFromRelay>;
export type CollabCtlType = CollabCtlToRelay['type'] | CollabCtlFromRelay['type'];
const isCollabToRelay = guardOf<CollabCtlType>(CollabCtlToRelay);
const isCollabFromRelay = guardOf<CollabCtlType>(CollabCtlFromRelay);
export const isCollabCtl = <M extends { type: string }>(msg: M): msg is Extract<M, { type: CollabCtlType }> => isCollabToRelay(msg) || isCollabFromRelay(msg);

/** Agent -> relay -> customer, and customer -> relay -> agent. `sessionId` scopes every message. */
export const CtlToRelay = z.discriminatedUnion('type', [...StreamCtlToRelay.options, ...CollabCtlToRelay.options, ...VoiceCtlToRelay.options]);
export type CtlToRelay = z.infer<typeof CtlToRelay>;

export const CtlFromRelay = z.discriminatedUnion('type', [
  ...StreamCtlFromRelay.options,
  /** A ctl message was refused (see errors.ts). */
  z.object({ type: z.literal('error'), code: ErrorCode, message: z.string() }),
  ...CollabCtlFromRelay.options,
  ...VoiceCtlFromRelay.options,
]);
export type CtlFromRelay = z.infer<typeof CtlFromRelay>;

/* ---------- HTTP API ---------- */

export const LoginRequest = z.object({ login: z.string().min(1).max(120), password: z.string().min(1).max(512) });
export type LoginRequest = z.infer<typeof LoginRequest>;
export const LoginResponse = z.object({
  token: z.string(),
  expiresAt: z.number(),
  agent: AgentIdentity,
});
export type LoginResponse = z.infer<typeof LoginResponse>;
export const ApiError = z.object({ error: ErrorCode, message: z.string() });
export type ApiError = z.infer<typeof ApiError>;

/** Limits shared by both ends. */
export const LIMITS = {
  /** A WebSocket or ctl message larger than this is refused unparsed. */
  maxJsonMessageBytes: 96 * 1024,
  /** How long the customer has to answer a consent request. */
  consentTimeoutMs: 60_000,
  /** Codes rotate at least this often. */
  codeLifetimeMs: 10 * 60_000,
} as const;
