/**
 * What a session is, state by state. A session is pending (the customer is being asked),
 * active (consented) or ended; each state is its own type, so a pending session has no
 * stream and an ended one says how it ended. SessionManager is the only code that moves a
 * session from one state to the next, and every ending goes through its one `finish`.
 */
import type { KnownCapability } from '@beacon/shared/version';
import type { CtlFromRelay, FirstSource, RelayToClient, Role, SessionMode, SessionPermissions, TransportPath } from '@beacon/shared/protocol';
import type { EndReason } from '@beacon/shared/errors';
import type { AgentIdentity } from '../accounts/AgentAuth.ts';

/** Where a viewer's screen media goes: the client's `media` data channel. */
export interface MediaSink {
  isOpen(): boolean;
  bufferedAmount(): number;
  send(fragment: Uint8Array): boolean;
}

/**
 * What the session layer needs from a connected client. A party outlives its connection when
 * its sessions can be resumed: a new connection then carries the same party object (see
 * SwitchableParty.ts), so sessions and features keep it, and its connId, across the drop.
 */
export interface Party {
  readonly connId: string;
  readonly address: string;
  send(msg: RelayToClient): void;
  sendCtl(msg: CtlFromRelay): boolean;
  readonly mediaSink: MediaSink;
  /** Which of the client's WebRTC data channels are open now (both false without a peer connection). */
  channels(): { ctl: boolean; media: boolean };
  /** The largest ctl message the client takes (its SDP's max-message-size); 0 while `ctl` is not open. */
  maxCtlBytes(): number;
  /** The connection carrying the party now speaks `resume` (false while none does). */
  speaksResume(): boolean;
  /** A connection carries the party now (false while it is away). */
  isAttached(): boolean;
  /** How its ctl and media travel (`websocket`: the TCP fallback); absent: `webrtc`. */
  transportPath?(): TransportPath;
  /** Whether the connection carrying the party now speaks a capability (absent: a test's party, which speaks none). */
  speaks?(capability: KnownCapability): boolean;
}
export interface AgentParty extends Party {
  readonly agent: AgentIdentity;
}
export interface CustomerParty extends Party {
  readonly deviceId: string;
}

/** What never changes about a session, whatever its state. */
interface SessionIdentity {
  readonly id: string;
  readonly deviceId: string;
  readonly agent: AgentParty;
  readonly customer: CustomerParty;
  readonly permissions: SessionPermissions;
  /** `voice`: a call only; no screen media, input or keyframes (TrafficHandler refuses them). */
  readonly mode: SessionMode;
  readonly requestedAt: number;
  /** The directory customer it is linked to, if any (an agent may link it while it runs). */
  readonly customerId: number | null;
  /** The customer was told (consent request) that this session is recorded. */
  readonly isRecorded: boolean;
  /** Capability `camera-first`: the customer agreed to the camera only; the screen needs its own yes (media/CameraGuide.ts). */
  readonly firstSource?: FirstSource;
}

export interface PendingSession extends SessionIdentity {
  readonly state: 'pending';
  /** Whether the agent has been told about it (session-pending sent, consent timer running). */
  readonly isAnnounced: boolean;
  /**
   * The customer said yes while its link could not carry the session yet: it starts when the
   * channels it needs open, or ends `link-failed` if they do not open in time.
   */
  readonly isConsented: boolean;
}

export interface ActiveSession extends SessionIdentity {
  readonly state: 'active';
  readonly startedAt: number;
  /** The u32 the customer's media fragments carry. */
  readonly streamId: number;
}

/**
 * Why a session ended: an EndReason, or before consent the customer's no (`denied`), no
 * answer in time (`consent-timeout`), or a request the relay could not record (`unrecorded`).
 */
export type SessionEnding = EndReason | 'denied' | 'consent-timeout' | 'unrecorded';

export interface EndedSession extends SessionIdentity {
  readonly state: 'ended';
  readonly ending: SessionEnding;
  /** When it was consented to; null if it never ran. */
  readonly startedAt: number | null;
  readonly endedAt: number;
  /** Whether the agent had been told about it (and so is told it ended). */
  readonly wasAnnounced: boolean;
}

export type LiveSession = PendingSession | ActiveSession;
export type Session = LiveSession | EndedSession;

/**
 * What features hear about sessions (SessionManager.onSessionEvent), in this order:
 * `started` once consented, after both sides were told and before the consent is written to
 * the timeline (a recording starts here, so the consent lands at 0); `ending` while the
 * session's last timeline entries are still to be written (a call ends here); `ended` once it
 * is over, recorded and both sides told. `ending` and `ended` fire once per session, for
 * every ending, pending ones included. `away`, `back` and `agent-changed` may fire in between, any number of times.
 */
export type SessionEvent =
  /** `isAdopted`: it ran on another relay until that relay died (SessionManager.adopt); it was consented there. */
  | { type: 'started'; session: ActiveSession; isAdopted?: boolean }
  | { type: 'ending'; session: LiveSession; ending: SessionEnding }
  | { type: 'ended'; session: EndedSession }
  /** One side's link dropped; the session waits for it (Resume.ts). Its call, if any, ends here. */
  | { type: 'away'; session: ActiveSession; who: Role }
  /** That side is back on a new link (channels open): it needs a keyframe. */
  | { type: 'back'; session: ActiveSession; who: Role }
  /** The session went on with another agent (a transfer or take-over, desk/DeskHandover.ts); `from` had it. Its call, if any, ends here. */
  | { type: 'agent-changed'; session: ActiveSession; from: AgentParty };

export const agentActor = (a: AgentIdentity): string => `agent:${a.login}`;
export const customerActor = (deviceId: string): string => `customer:${deviceId}`;
/** Which side ended a session for `reason` (`relay`: shutdown, timeout, the relay's own failure). */
export const endedBy = (reason: SessionEnding): 'agent' | 'customer' | 'relay' =>
  reason.startsWith('customer') || reason === 'denied' ? 'customer' : reason.startsWith('agent') ? 'agent' : 'relay';

/** Whether the party's link carries a session of this mode: `ctl` always, `media` for the screen. */
export function carriesSession(p: Party, mode: SessionMode): boolean {
  const open = p.channels();
  return open.ctl && (mode !== 'screen' || open.media);
}

/** `websocket` when either party's ctl and media take the TCP fallback (the slower path decides). */
export function transportOf(s: { agent: Party; customer: Party }): TransportPath {
  return s.customer.transportPath?.() === 'websocket' || s.agent.transportPath?.() === 'websocket' ? 'websocket' : 'webrtc';
}
