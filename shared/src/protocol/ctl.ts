import { z } from 'zod';
import { ErrorCode } from '../errors.ts';
import { InputEvent } from '../input.ts';
import { BoardId, ChatMessage, ChatText, ChunkData, FileName, FilePurpose, FileRef, FileSize, MimeType, Sha256, Stroke, StrokeId, TransferId } from '../collab.ts';
import { Role, SessionId } from './core.ts';
import { ctlGuard, guardOf } from './parts.ts';
import { ClipboardCtlFromRelay, ClipboardCtlToRelay } from './clipboard.ts';
import { MonitorCtlFromRelay, MonitorCtlToRelay } from './monitors.ts';
import { MultiCtlFromRelay, MultiCtlToRelay } from './multi.ts';
import { FtCtlFromRelay, FtCtlToRelay } from './fileTransfer.ts';
import { SoundCtlFromRelay, SoundCtlToRelay } from './sound.ts';
import { CameraCtlFromRelay, CameraCtlToRelay } from './camera.ts';
import { CurtainCtlFromRelay, CurtainCtlToRelay } from './curtain.ts';
import { LinkProbeCtlFromRelay, LinkProbeCtlToRelay } from './linkProbe.ts';
import { VoiceMultiCtlFromRelay, VoiceMultiCtlToRelay } from './voiceMulti.ts';

/** The `ctl` data channel (reliable, ordered, JSON text), built from its named parts: stream, collab and voice. */

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

const FileOfferFields = z.object({
  transferId: TransferId,
  name: FileName,
  mime: MimeType,
  size: FileSize,
  purpose: FilePurpose,
  /**
   * Version 3 on: SHA-256 of the whole file (64 lower-case hex digits). The relay refuses a
   * file whose bytes do not match (`file-abort` `bad-message`); the receiver checks the bytes
   * it assembled against it (and their count against `size`) before showing the file.
   */
  sha256: Sha256.optional(),
});
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
export const isCollabCtl = ctlGuard<CollabCtlType>(CollabCtlToRelay, CollabCtlFromRelay);

/**
 * What a ctl `error` answers: the refused message's `type` (`media` for a media fragment) and,
 * when it has one, its ID: the `transferId` of a `file-*`, the `requestId` of a
 * `screenshot-request`, the stroke's ID of a `stroke` or `stroke-undo`, a fragment's frame `seq`.
 */
export const ErrorRe = z.object({ type: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/), id: z.string().max(64).optional() });
export type ErrorRe = z.infer<typeof ErrorRe>;

/** Agent -> relay -> customer, and customer -> relay -> agent. `sessionId` scopes every message. */
export const CtlToRelay = z.discriminatedUnion('type', [...StreamCtlToRelay.options, ...CollabCtlToRelay.options, ...VoiceCtlToRelay.options, ...ClipboardCtlToRelay.options, ...MonitorCtlToRelay.options, ...MultiCtlToRelay.options, ...FtCtlToRelay.options, ...SoundCtlToRelay.options, ...CameraCtlToRelay.options, ...CurtainCtlToRelay.options, ...LinkProbeCtlToRelay.options, ...VoiceMultiCtlToRelay.options]);
export type CtlToRelay = z.infer<typeof CtlToRelay>;

export const CtlFromRelay = z.discriminatedUnion('type', [
  ...StreamCtlFromRelay.options,
  /** A ctl message (or a media fragment) was refused (see errors.ts); `re` names it (version 3 on). */
  z.object({ type: z.literal('error'), code: ErrorCode, message: z.string(), re: ErrorRe.optional() }),
  ...CollabCtlFromRelay.options,
  ...VoiceCtlFromRelay.options,
  ...ClipboardCtlFromRelay.options,
  ...MonitorCtlFromRelay.options,
  ...MultiCtlFromRelay.options,
  ...FtCtlFromRelay.options,
  ...SoundCtlFromRelay.options,
  ...CameraCtlFromRelay.options,
  ...CurtainCtlFromRelay.options,
  ...LinkProbeCtlFromRelay.options,
  ...VoiceMultiCtlFromRelay.options,
]);
export type CtlFromRelay = z.infer<typeof CtlFromRelay>;
