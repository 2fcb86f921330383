/**
 * The console's session tabs as a pure reducer: what the agent sees for each connect
 * request and session, driven by relay messages. The renderer keeps the media and the
 * sockets; this keeps the states and messages, so the rules are tested without a browser.
 */
import type { ErrorCode } from '@beacon/shared/errors';
import { endedKey, errorKey } from '@beacon/shared/i18n';
import type { RelayToClient, SessionMode, TransportPath } from '@beacon/shared/protocol';

export type SessionState = 'pending' | 'active' | 'ended';

/** The directory customer a session is for, as its tab shows it. */
export interface CustomerLabel {
  id: number;
  name: string;
}

export interface SessionEntry {
  sessionId: string;
  deviceId: string;
  state: SessionState;
  /** The `stream` of this session's media frames, once started. */
  streamId: number | null;
  /** What the agent asked for, and what the customer granted once started. */
  requestedControl: boolean;
  hasControl: boolean;
  /** `voice`: a call only; the tab shows the call and the chat, no screen. */
  mode: SessionMode;
  /** i18n key explaining why the session is over, or null while it runs. */
  messageKey: string | null;
  /** The values `messageKey` names (who took the session over). */
  messageValues?: Record<string, string>;
  /** Picked in the connect form or later on the tab; null when not linked yet. */
  customer: CustomerLabel | null;
  /** The customer's link dropped: the session ends at this time (local clock, ms) unless the customer is back (resume). */
  awayUntil?: number;
  /** Our own link to the relay that holds the session (another relay than the console's) dropped and is being resumed. */
  isRelinking?: boolean;
  /** How the session's ctl and media travel, once started (`websocket`: the TCP fallback); absent: `webrtc`. */
  transport?: TransportPath;
}

export interface PendingRequest {
  deviceId: string;
  control: boolean;
  mode: SessionMode;
  customer: CustomerLabel | null;
}

export interface ConsoleState {
  sessions: readonly SessionEntry[];
  /** The tab shown; null shows the new-connection form. */
  selectedId: string | null;
  /** Connect requests sent and not yet answered, by requestId. */
  requests: Readonly<Record<string, PendingRequest>>;
  /** i18n key of the error shown above the content, or null. */
  errorKey: string | null;
  /** A connect request is waiting for its answer (the form shows it is busy). */
  isConnecting: boolean;
}

export type ConsoleAction =
  | { type: 'connect-sent'; requestId: string; deviceId: string; control: boolean; customer?: CustomerLabel | null; mode?: SessionMode }
  | { type: 'set-customer'; sessionId: string; customer: CustomerLabel | null }
  | { type: 'request-expired'; requestId: string }
  | { type: 'show-error'; key: string }
  | { type: 'dismiss-error' }
  | { type: 'relay'; msg: RelayToClient }
  | { type: 'ctl-error'; code: ErrorCode }
  /** The link dropped; the sessions in `keep` wait to be resumed, the others are over. */
  | { type: 'relay-lost'; keep?: readonly string[] }
  | { type: 'peer-away'; sessionId: string; until: number }
  | { type: 'peer-back'; sessionId: string }
  /** The link to another relay that carries these sessions dropped (SessionLinks), or is back. */
  | { type: 'links-away'; sessionIds: readonly string[] }
  | { type: 'links-back'; sessionIds: readonly string[] }
  | { type: 'relay-restored' }
  | { type: 'select'; sessionId: string | null }
  | { type: 'close-tab'; sessionId: string };

export const INITIAL_CONSOLE: ConsoleState = { sessions: [], selectedId: null, requests: {}, errorKey: null, isConnecting: false };

const RELAY_UNREACHABLE = errorKey('relay-unreachable');

function withoutRequest(requests: ConsoleState['requests'], requestId: string): ConsoleState['requests'] {
  const { [requestId]: _gone, ...rest } = requests;
  return rest;
}

function updateSession(state: ConsoleState, sessionId: string, patch: (s: SessionEntry) => SessionEntry): ConsoleState {
  let isFound = false;
  const sessions = state.sessions.map((s) => {
    if (s.sessionId !== sessionId) return s;
    isFound = true;
    return patch(s);
  });
  return isFound ? { ...state, sessions } : state;
}

function onRelayMessage(state: ConsoleState, msg: RelayToClient): ConsoleState {
  switch (msg.type) {
    case 'session-pending': {
      const req = state.requests[msg.requestId];
      const requests = withoutRequest(state.requests, msg.requestId);
      const isConnecting = Object.keys(requests).length > 0;
      if (state.sessions.some((s) => s.sessionId === msg.sessionId)) return { ...state, requests, isConnecting };
      const entry: SessionEntry = {
        sessionId: msg.sessionId,
        deviceId: msg.deviceId,
        state: 'pending',
        streamId: null,
        requestedControl: req?.control ?? false,
        hasControl: false,
        mode: req?.mode ?? 'screen',
        messageKey: null,
        customer: req?.customer ?? null,
      };
      return { ...state, requests, isConnecting, sessions: [...state.sessions, entry], selectedId: msg.sessionId, errorKey: null };
    }
    case 'session-started': {
      const started = (s: SessionEntry): SessionEntry => ({
        ...s,
        state: 'active',
        streamId: msg.streamId,
        hasControl: msg.permissions.control,
        mode: msg.mode ?? 'screen',
        messageKey: null,
        ...(msg.transport ? { transport: msg.transport } : {}),
      });
      if (state.sessions.some((s) => s.sessionId === msg.sessionId)) {
        return updateSession(state, msg.sessionId, (s) => (s.state === 'pending' ? started(s) : s));
      }
      // Started without a pending we saw (e.g. a relay that skips it): still show it.
      const entry = started({
        sessionId: msg.sessionId,
        deviceId: msg.deviceId,
        state: 'pending',
        streamId: null,
        requestedControl: msg.permissions.control,
        hasControl: false,
        mode: msg.mode ?? 'screen',
        messageKey: null,
        customer: null,
      });
      return { ...state, sessions: [...state.sessions, entry], selectedId: state.selectedId ?? msg.sessionId };
    }
    case 'session-denied':
      return updateSession(state, msg.sessionId, (s) =>
        s.state === 'ended' ? s : { ...s, state: 'ended', messageKey: errorKey(msg.code) },
      );
    case 'session-ended':
      return updateSession(state, msg.sessionId, ({ awayUntil: _gone, ...s }) =>
        s.state === 'ended' ? s : { ...s, state: 'ended', messageKey: endedKey(msg.reason) },
      );
    case 'session-handed-over':
      // Another agent has the session now (a desk transfer or a take-over): this tab's part is over.
      return updateSession(state, msg.sessionId, ({ awayUntil: _gone, ...s }) =>
        s.state === 'ended' ? s : { ...s, state: 'ended', messageKey: msg.how === 'take-over' ? 'transfer.takenOver' : 'transfer.handedOver', messageValues: { name: msg.agentName } },
      );
    case 'error': {
      if (msg.requestId !== undefined && msg.requestId in state.requests) {
        const requests = withoutRequest(state.requests, msg.requestId);
        return { ...state, requests, isConnecting: Object.keys(requests).length > 0, errorKey: errorKey(msg.code) };
      }
      return { ...state, errorKey: errorKey(msg.code) };
    }
    default:
      return state;
  }
}

export function consoleReducer(state: ConsoleState, action: ConsoleAction): ConsoleState {
  switch (action.type) {
    case 'connect-sent':
      return {
        ...state,
        requests: {
          ...state.requests,
          [action.requestId]: { deviceId: action.deviceId, control: action.control, mode: action.mode ?? 'screen', customer: action.customer ?? null },
        },
        isConnecting: true,
        errorKey: null,
      };
    case 'request-expired': {
      if (!(action.requestId in state.requests)) return state;
      const requests = withoutRequest(state.requests, action.requestId);
      return { ...state, requests, isConnecting: Object.keys(requests).length > 0, errorKey: RELAY_UNREACHABLE };
    }
    case 'set-customer':
      return updateSession(state, action.sessionId, (s) => ({ ...s, customer: action.customer }));
    case 'show-error':
      return { ...state, errorKey: action.key };
    case 'dismiss-error':
      return { ...state, errorKey: null };
    case 'relay':
      return onRelayMessage(state, action.msg);
    case 'ctl-error':
      return { ...state, errorKey: errorKey(action.code) };
    case 'relay-lost':
      return {
        ...state,
        requests: {},
        isConnecting: false,
        errorKey: RELAY_UNREACHABLE,
        sessions: state.sessions.map((s) => (s.state === 'ended' || action.keep?.includes(s.sessionId) ? s : { ...s, state: 'ended', messageKey: RELAY_UNREACHABLE })),
      };
    case 'peer-away':
      return updateSession(state, action.sessionId, (s) => (s.state === 'active' ? { ...s, awayUntil: action.until } : s));
    case 'peer-back':
      return updateSession(state, action.sessionId, ({ awayUntil: _gone, ...s }) => s);
    case 'links-away':
      return action.sessionIds.reduce((next, id) => updateSession(next, id, (e) => (e.state === 'active' ? { ...e, isRelinking: true } : e)), state);
    case 'links-back':
      return action.sessionIds.reduce((next, id) => updateSession(next, id, ({ isRelinking: _gone, ...e }) => e), state);
    case 'relay-restored':
      return state.errorKey === RELAY_UNREACHABLE ? { ...state, errorKey: null } : state;
    case 'select':
      if (action.sessionId !== null && !state.sessions.some((s) => s.sessionId === action.sessionId)) return state;
      return { ...state, selectedId: action.sessionId };
    case 'close-tab': {
      const index = state.sessions.findIndex((s) => s.sessionId === action.sessionId);
      if (index < 0) return state;
      const sessions = state.sessions.filter((s) => s.sessionId !== action.sessionId);
      let selectedId = state.selectedId;
      if (selectedId === action.sessionId) {
        // Show the neighbour, as browsers do; the form when no tab is left.
        selectedId = (sessions[Math.min(index, sessions.length - 1)] ?? null)?.sessionId ?? null;
      }
      return { ...state, sessions, selectedId };
    }
  }
}

/** Sessions that still hold resources on the relay (and a tab that must be ended, not just closed). */
export function isLive(s: SessionEntry): boolean {
  return s.state !== 'ended';
}
