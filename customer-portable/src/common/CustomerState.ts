import { endedKey, errorKey, type UiErrorCode } from '@beacon/shared/i18n';
import type { EndReason } from '@beacon/shared/errors';
import type { SessionMode, SessionPermissions } from '@beacon/shared/protocol';

/**
 * What the customer app shows, as a transition table over plain data (no DOM, no sockets),
 * so every path a customer can hit is tested in Node. The renderer feeds it inputs from
 * the relay and the user, and renders whatever state comes out.
 *
 * Phases:
 * - `connecting`: no registration yet (first start or retry in progress);
 * - `offline`: the relay is unreachable or dropped us; a retry is scheduled;
 * - `idle`: registered, showing ID and code;
 * - `consent`: the consent dialog is up;
 * - `session`: an agent sees (and maybe controls) the screen, or talks in a voice-only session.
 *   It survives a dropped link (`isRelinking` while the app reconnects to resume it), and says
 *   so while the agent's link is down (`peerAwayUntil`).
 */
export type Phase = 'connecting' | 'offline' | 'idle' | 'consent' | 'session';

export interface ConsentAsk {
  sessionId: string;
  agentName: string;
  permissions: SessionPermissions;
  /** `voice`: a voice call only, nothing on the screen is shared. Absent: screen. */
  mode?: SessionMode;
  /** The agent's organisation, when the relay knows it. */
  orgName?: string;
  /** The relay records the session; the dialog says so (and says nothing when it does not). */
  isRecorded?: boolean;
  /** Capability `camera-first`: the session starts on the camera; the screen is not shared. Absent: the screen. */
  source?: 'camera';
}

/** Another agent connected to the session (capability `desk-multi`). */
export interface OtherAgent {
  name: string;
  role: 'monitor' | 'guest';
  /** Its keyboard and mouse reach this PC now (the session's agent passed control to it). */
  isControlling: boolean;
}

export interface ActiveSession extends ConsentAsk {
  streamId: number;
  /** The other agents connected besides the session's agent (absent: none). */
  others?: readonly OtherAgent[];
}

/** A line under the ID (or the reason we are offline), as an i18n key plus its values. */
export interface Notice {
  key: string;
  values?: Record<string, string | number>;
  isError: boolean;
}

export interface CustomerState {
  phase: Phase;
  deviceId: string | null;
  code: string | null;
  consent: ConsentAsk | null;
  /** The session the customer accepted and whose `session-started` we are waiting for. */
  acceptedSessionId: string | null;
  session: ActiveSession | null;
  notice: Notice | null;
  /** Our link dropped during the session; the app reconnects and resumes it (same ID, no new consent). */
  isRelinking: boolean;
  /** The agent's link dropped: the session ends at this time (local clock, ms) unless the agent is back. */
  peerAwayUntil: number | null;
}

export type CustomerInput =
  | { type: 'connecting' }
  | { type: 'registered'; deviceId: string; code: string }
  | { type: 'code-update'; code: string }
  | { type: 'consent-request'; ask: ConsentAsk }
  | { type: 'consent-answered'; sessionId: string; granted: boolean }
  | { type: 'consent-expired'; sessionId: string }
  /** Accepted, but the relay never confirmed the start. */
  | { type: 'start-timeout'; sessionId: string }
  | { type: 'session-started'; session: ActiveSession }
  | { type: 'session-ended'; sessionId: string; reason: EndReason }
  | { type: 'stopped' }
  | { type: 'capture-failed' }
  | { type: 'disconnected'; reason: UiErrorCode; retryInMs: number }
  /** The link dropped during a session the app can resume: it stays on screen while the app reconnects. */
  | { type: 'link-lost' }
  | { type: 'peer-away'; sessionId: string; until: number }
  | { type: 'peer-back'; sessionId: string }
  /** The session goes on with another agent (a desk transfer): only the name shown changes. */
  | { type: 'agent-changed'; sessionId: string; agentName: string }
  | { type: 'others-changed'; sessionId: string; others: readonly OtherAgent[] };

export const INITIAL_STATE: CustomerState = {
  phase: 'connecting',
  deviceId: null,
  code: null,
  consent: null,
  acceptedSessionId: null,
  session: null,
  notice: null,
  isRelinking: false,
  peerAwayUntil: null,
};

export type TransitionResult = { state: CustomerState; isIllegal: false } | { state: CustomerState; isIllegal: true; why: string };

type Handler<T extends CustomerInput['type']> = (s: CustomerState, input: Extract<CustomerInput, { type: T }>) => CustomerState | string;

const idle = (s: CustomerState, notice: Notice | null): CustomerState => ({
  ...s,
  phase: 'idle',
  consent: null,
  acceptedSessionId: null,
  session: null,
  notice,
  isRelinking: false,
  peerAwayUntil: null,
});

/** A relay-reported end, worded for the customer (the shared `ended.*` texts speak to the agent). */
function endedNotice(reason: EndReason): Notice {
  if (reason === 'customer-stopped') return { key: 'session.youStopped', isError: false };
  if (reason === 'link-failed') return { key: 'session.linkFailed', isError: true };
  return { key: endedKey(reason), isError: false };
}

/**
 * Per input: which phases accept it and what they become. A handler returns a string (the
 * reason) to refuse; refused inputs leave the state as it was.
 */
const TABLE: { [T in CustomerInput['type']]: Handler<T> } = {
  connecting: (s) => {
    if (s.isRelinking) return s;
    return s.phase === 'connecting' || s.phase === 'offline' ? { ...INITIAL_STATE, notice: s.phase === 'offline' ? s.notice : null } : `already ${s.phase}`;
  },
  registered: (s, i) => {
    // Back from a dropped link: the same ID means the relay gave the session back.
    if (s.isRelinking && i.deviceId === s.deviceId) return { ...s, code: i.code, isRelinking: false, notice: null };
    if (s.isRelinking) return { ...INITIAL_STATE, phase: 'idle', deviceId: i.deviceId, code: i.code, notice: { key: endedKey('network-lost'), isError: false } };
    // Back after a Stop pressed while the link was down: the relay kept our ID for the stopped session.
    if (s.phase === 'idle' && s.deviceId === i.deviceId) return { ...s, code: i.code };
    return s.phase === 'connecting' ? { ...INITIAL_STATE, phase: 'idle', deviceId: i.deviceId, code: i.code } : `registered while ${s.phase}`;
  },
  'code-update': (s, i) => (s.deviceId ? { ...s, code: i.code } : 'code update before registration'),
  'consent-request': (s, i) => {
    if (s.phase !== 'idle') return `consent request while ${s.phase}`;
    if (s.acceptedSessionId) return 'consent request while an accepted session is starting';
    return { ...s, phase: 'consent', consent: i.ask, notice: null };
  },
  'consent-answered': (s, i) => {
    if (s.phase !== 'consent' || s.consent?.sessionId !== i.sessionId) return 'answer to a request that is not shown';
    if (!i.granted) return idle(s, { key: 'consent.denied', isError: false });
    const starting = s.consent.mode === 'voice' ? 'voiceOnly.starting' : 'status.starting';
    return { ...idle(s, { key: starting, isError: false }), acceptedSessionId: i.sessionId };
  },
  'consent-expired': (s, i) =>
    s.phase === 'consent' && s.consent?.sessionId === i.sessionId ? idle(s, { key: 'consent.expired', isError: false }) : 'expiry of a request that is not shown',
  'start-timeout': (s, i) =>
    s.phase === 'idle' && s.acceptedSessionId === i.sessionId ? idle(s, { key: 'status.startFailed', isError: true }) : 'no session is starting',
  'session-started': (s, i) =>
    s.phase === 'idle' && s.acceptedSessionId === i.session.sessionId
      ? { ...s, phase: 'session', consent: null, acceptedSessionId: null, session: i.session, notice: null }
      : 'session started without consent',
  'session-ended': (s, i) => {
    if (s.phase === 'consent' && s.consent?.sessionId === i.sessionId) {
      return idle(s, { key: i.reason === 'agent-ended' ? 'consent.withdrawn' : endedKey(i.reason), isError: false });
    }
    if ((s.phase === 'session' && s.session?.sessionId === i.sessionId) || (s.phase === 'idle' && s.acceptedSessionId === i.sessionId)) {
      return idle(s, endedNotice(i.reason));
    }
    return 'end of a session that is not ours (or already over)';
  },
  stopped: (s) => (s.phase === 'session' || s.acceptedSessionId ? idle(s, { key: 'session.youStopped', isError: false }) : 'stop without a session'),
  'capture-failed': (s) =>
    s.phase === 'session' || s.acceptedSessionId ? idle(s, { key: errorKey('capture-failed'), isError: true }) : 'capture failure without a session',
  'link-lost': (s) => (s.phase === 'session' ? { ...s, isRelinking: true, peerAwayUntil: null, notice: { key: 'session.relinking', isError: true } } : 'no session to resume'),
  'peer-away': (s, i) => (s.phase === 'session' && s.session?.sessionId === i.sessionId ? { ...s, peerAwayUntil: i.until } : 'the agent of another session'),
  'peer-back': (s, i) => (s.phase === 'session' && s.session?.sessionId === i.sessionId ? { ...s, peerAwayUntil: null } : 'the agent of another session'),
  'agent-changed': (s, i) => (s.phase === 'session' && s.session?.sessionId === i.sessionId ? { ...s, session: { ...s.session, agentName: i.agentName }, peerAwayUntil: null } : 'the agent of another session'),
  'others-changed': (s, i) => (s.phase === 'session' && s.session?.sessionId === i.sessionId ? { ...s, session: { ...s.session, others: i.others } } : 'the agents of another session'),
  // Dropping the link (with no session to resume) always wins: the relay forgets the registration, so ID and code go too.
  disconnected: (_s, i) => ({
    ...INITIAL_STATE,
    phase: 'offline',
    notice: { key: errorKey(i.reason), isError: true, values: { seconds: Math.max(1, Math.round(i.retryInMs / 1000)) } },
  }),
};

export function transition(state: CustomerState, input: CustomerInput): TransitionResult {
  const handler = TABLE[input.type] as Handler<CustomerInput['type']>;
  const out = handler(state, input);
  if (typeof out === 'string') return { state, isIllegal: true, why: `${input.type}: ${out}` };
  return { state: out, isIllegal: false };
}


/** The agents besides the session's own, as the bar lists them (from `session-participants`). */
export function othersOf(participants: readonly { agentId: number; name: string; role: 'owner' | 'monitor' | 'guest' }[], controllerId: number): OtherAgent[] {
  return participants.flatMap((p) => (p.role === 'owner' ? [] : [{ name: p.name, role: p.role, isControlling: p.agentId === controllerId }]));
}
