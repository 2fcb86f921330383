/**
 * The console's state and its link to the relay. React reads immutable snapshots through
 * `subscribe`/`getSnapshot` (useSyncExternalStore); media and input never go through React.
 *
 * Link states: `login` (no token) -> `connecting` (first link after sign-in or reload; a
 * failure goes back to `login` with a message) -> `console`. In the console a lost link ends
 * every session (the protocol has no resume yet) and is retried with backoff; a revoked or
 * expired token goes back to `login`.
 */
import { FramingError, readHeader } from '@beacon/shared/framing';
import { errorKey, type UiErrorCode } from '@beacon/shared/i18n';
import type { RendererConfig } from '@beacon/shared/ipc';
import { DEFAULT_QUALITY_MODE, QualityMode, type CtlFromRelay, type CtlToRelay, type LoginResponse, type RelayToClient, type SessionMode, type StreamConfig } from '@beacon/shared/protocol';
import { RelayConnection, type CloseReason, type WelcomeFor } from '@beacon/shared/browser/RelayConnection';
import { CollabSession, isCollabMessage } from '@beacon/shared/browser/CollabSession';
import { VoiceCall, isVoiceMessage } from '@beacon/shared/browser/VoiceCall';
import { MeResponse } from '@beacon/shared/api';
import type { AccountRole } from '@beacon/shared/protocol';
import { INITIAL_CONSOLE, consoleReducer, type ConsoleAction, type ConsoleState, type CustomerLabel } from '../common/ConsoleModel.ts';
import { parseConnectInput } from '../common/connectInput.ts';
import { ApiClient } from './ApiClient.ts';
import { login } from './LoginApi.ts';
import { RemoteSession } from './RemoteSession.ts';
import { TokenStore } from './TokenStore.ts';

export type Phase = 'login' | 'connecting' | 'console';
export type LinkState = 'online' | 'reconnecting';

export interface ClientSnapshot {
  phase: Phase;
  link: LinkState;
  agent: LoginResponse['agent'] | null;
  /** `GET /api/me` once the console is open: role, groups, organisation. Null until it answered. */
  me: MeResponse | null;
  /** i18n key shown on the sign-in screen. */
  loginErrorKey: string | null;
  console: ConsoleState;
  /** Bumped when something outside the snapshot changed (a session's video size or warning). */
  revision: number;
}

/** The relay answers a connect request at once (pending or an error); silence means it is stuck. */
const CONNECT_ANSWER_TIMEOUT_MS = 15_000;
const RECONNECT_BASE_MS = 1000;
const RECONNECT_MAX_MS = 15_000;
/** Where the agent's last quality mode is kept: the mode new sessions start in, in this browser. */
const QUALITY_MODE_KEY = 'beacon.agent.qualityMode';
/** Configs that arrive (over the data channel) before their session-started (over the socket). */
const MAX_EARLY_CONFIGS = 16;

function randomId(): string {
  // crypto.randomUUID needs a secure context; getRandomValues works on plain-http consoles too.
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function closeReasonKey(reason: CloseReason): string {
  return errorKey(reason === 'closed' ? 'relay-unreachable' : (reason as UiErrorCode));
}

export class AgentClient {
  private snapshot: ClientSnapshot = {
    phase: 'login',
    link: 'online',
    agent: null,
    me: null,
    loginErrorKey: null,
    console: INITIAL_CONSOLE,
    revision: 0,
  };
  private readonly listeners = new Set<() => void>();
  private readonly tokens: TokenStore;
  private signIn: LoginResponse | null = null;
  private conn: RelayConnection<WelcomeFor<'agent'>> | null = null;
  /** Events from a superseded link attempt are dropped by comparing this. */
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private reconnectFailures = 0;
  private readonly sessions = new Map<string, RemoteSession>();
  private readonly byStream = new Map<number, RemoteSession>();
  private readonly earlyConfigs = new Map<string, StreamConfig>();
  /** Chat, files and boards per session, from session-pending on (chat works before consent). */
  private readonly collabs = new Map<string, CollabSession>();
  private readonly voices = new Map<string, VoiceCall>();
  private lastMediaWarnAt = 0;
  /** Why the relay signed this console out (`signed-out`), for the login screen's message. */
  private signedOutReason: string | null = null;
  /** The console window is shown (not minimised, not a background browser tab). */
  private isDocumentVisible = true;
  /** The sessions page is the one shown (not the directory or the back-office). */
  private isSessionsPageShown = true;
  /** The HTTP API with this sign-in's token; a 401 from any call signs the console out. */
  readonly api: ApiClient;

  constructor(
    readonly config: RendererConfig,
    private readonly storage: Storage | null,
  ) {
    this.tokens = new TokenStore(storage);
    this.api = new ApiClient(config.relayUrl, () => this.signIn?.token ?? null, () => {
      if (this.signIn) this.toLogin(errorKey('unauthorized'));
    });
  }

  /** The signed-in seat's role: from `/api/me` when known, else from the sign-in reply. */
  get role(): AccountRole | null {
    return this.snapshot.me?.account.role ?? this.snapshot.agent?.role ?? null;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ClientSnapshot => this.snapshot;

  /** The started session behind a tab (its canvas and stats), if it has one. */
  getSession(sessionId: string): RemoteSession | undefined {
    return this.sessions.get(sessionId);
  }

  /** The translated title of the background notification; the UI sets it with its i18n. */
  notifyTitle: () => string = () => 'Beacon';
  /** The same for a customer calling (set by the UI, translated). */
  notifyCallTitle: () => string = () => 'Beacon';

  /** The quality mode new sessions start in: the last one the agent picked in this browser. */
  get defaultQualityMode(): QualityMode {
    try {
      const r = QualityMode.safeParse(this.storage?.getItem(QUALITY_MODE_KEY));
      return r.success ? r.data : DEFAULT_QUALITY_MODE;
    } catch {
      return DEFAULT_QUALITY_MODE; // storage refused (private mode, policy)
    }
  }

  /** The agent picked a quality mode for a session: the customer is told, and new sessions start in it. */
  setQualityMode(sessionId: string, mode: QualityMode): void {
    try {
      this.storage?.setItem(QUALITY_MODE_KEY, mode);
    } catch {
      /* not remembered; this session still changes */
    }
    this.sessions.get(sessionId)?.setQualityMode(mode);
    this.bump();
  }

  /** The session's chat, files and whiteboard (created on first use). */
  getCollab(sessionId: string): CollabSession {
    let c = this.collabs.get(sessionId);
    if (!c) {
      c = new CollabSession(sessionId, 'agent', (m) => this.sendCtl(m));
      c.onIncoming = () => {
        this.bump(); // unread counts in the tabs
        notifyInBackground(this.notifyTitle());
      };
      this.collabs.set(sessionId, c);
    }
    return c;
  }

  /** The session's voice call, on the current relay link (null while there is none). */
  getVoice(sessionId: string): VoiceCall | null {
    let v = this.voices.get(sessionId);
    const conn = this.conn;
    if (!v && conn) {
      const call = new VoiceCall(sessionId, 'agent', conn);
      let lastState = call.snapshot.state;
      call.subscribe(() => {
        const state = call.snapshot.state;
        if (state === lastState) return;
        lastState = state;
        this.bump(); // the tab shows a ringing call; other sessions' Call buttons follow this one
        if (state === 'incoming') notifyInBackground(this.notifyCallTitle());
      });
      v = call;
      this.voices.set(sessionId, v);
    }
    return v ?? null;
  }

  /** This seat is calling or talking in another session (one call at a time: one audio track per link). */
  isInCallElsewhere(sessionId: string): boolean {
    for (const [id, v] of this.voices) {
      if (id !== sessionId && (v.snapshot.state === 'active' || v.snapshot.state === 'outgoing')) return true;
    }
    return false;
  }

  /** Asks the customer for a full-size PNG; it arrives as a screenshot in the session's collab. */
  requestScreenshot(sessionId: string, requestId: string): void {
    this.sendCtl({ type: 'screenshot-request', sessionId, requestId });
  }

  /** Resumes a sign-in kept from before a reload. */
  start(): void {
    const saved = this.tokens.load();
    if (saved) this.beginLink(saved);
  }

  async signInWith(loginName: string, password: string): Promise<void> {
    if (this.snapshot.phase !== 'login') return;
    this.set({ phase: 'connecting', loginErrorKey: null });
    const r = await login(this.config.relayUrl, { login: loginName, password });
    if (!r.ok) {
      this.set({ phase: 'login', loginErrorKey: errorKey(r.code) });
      return;
    }
    this.tokens.save(r.value);
    this.beginLink(r.value);
  }

  /** Signs in with a token obtained elsewhere (first-run setup signs the new owner in). */
  adoptSignIn(signIn: LoginResponse): void {
    if (this.snapshot.phase !== 'login') this.toLogin(null);
    this.tokens.save(signIn);
    this.beginLink(signIn);
  }

  signOut(): void {
    for (const s of this.snapshot.console.sessions) {
      if (s.state !== 'ended') this.conn?.sendSignal({ type: 'session-end', sessionId: s.sessionId });
    }
    // Revoke the token on the relay too; the request takes the token before toLogin drops it.
    if (this.signIn) void this.api.send('POST', '/api/logout').catch(() => undefined);
    this.toLogin(null);
  }

  /**
   * The connect form: validates, then sends `connect-request` (for a directory customer, if
   * picked). Mode `voice` asks for a call only: no screen, no control.
   */
  connect(rawDeviceId: string, rawCode: string, control: boolean, customer: CustomerLabel | null = null, mode: SessionMode = 'screen'): void {
    const input = parseConnectInput(rawDeviceId, rawCode);
    if (!input.ok) {
      this.dispatch({ type: 'show-error', key: input.errorKey });
      return;
    }
    const conn = this.conn;
    if (!conn || conn.closed || this.snapshot.link !== 'online') {
      this.dispatch({ type: 'show-error', key: errorKey('relay-unreachable') });
      return;
    }
    const requestId = randomId();
    const isVoiceOnly = mode === 'voice';
    this.dispatch({ type: 'connect-sent', requestId, deviceId: input.deviceId, control: control && !isVoiceOnly, customer, mode });
    conn.sendSignal({
      type: 'connect-request',
      requestId,
      deviceId: input.deviceId,
      code: input.code,
      ...(isVoiceOnly ? { permissions: { view: false, control: false }, mode } : { permissions: { view: true, control } }),
      ...(customer ? { customerId: customer.id } : {}),
    });
    setTimeout(() => this.dispatch({ type: 'request-expired', requestId }), CONNECT_ANSWER_TIMEOUT_MS);
  }

  /** Ends a live session, or withdraws a pending request. */
  endSession(sessionId: string): void {
    const entry = this.snapshot.console.sessions.find((s) => s.sessionId === sessionId);
    if (!entry || entry.state === 'ended') return;
    this.conn?.sendSignal({ type: 'session-end', sessionId });
  }

  closeTab(sessionId: string): void {
    this.endSession(sessionId);
    this.dropSession(sessionId);
    this.dispatch({ type: 'close-tab', sessionId });
  }

  /** The tab shows this customer (after the relay accepted `PATCH /api/sessions/:id`). */
  setSessionCustomer(sessionId: string, customer: CustomerLabel | null): void {
    this.dispatch({ type: 'set-customer', sessionId, customer });
  }

  select(sessionId: string | null): void {
    this.dispatch({ type: 'select', sessionId });
  }

  /** The window was hidden or shown (`visibilitychange`): no session is on screen while hidden. */
  setDocumentVisible(isVisible: boolean): void {
    if (this.isDocumentVisible === isVisible) return;
    this.isDocumentVisible = isVisible;
    this.syncViews();
  }

  /** Another page (directory, back-office) covers the session tabs, or they are back. */
  setSessionsPageShown(isShown: boolean): void {
    if (this.isSessionsPageShown === isShown) return;
    this.isSessionsPageShown = isShown;
    this.syncViews();
  }

  dismissError(): void {
    this.dispatch({ type: 'dismiss-error' });
  }

  /* ---------------- link ---------------- */

  private beginLink(signIn: LoginResponse): void {
    this.signIn = signIn;
    this.set({ phase: 'connecting', agent: signIn.agent, loginErrorKey: null });
    this.openLink();
  }

  private openLink(): void {
    const signIn = this.signIn;
    if (!signIn) return;
    const attempt = ++this.attempt;
    RelayConnection.open({ relayUrl: this.config.relayUrl, role: 'agent', token: signIn.token }).then(
      (conn) => {
        if (attempt !== this.attempt) {
          conn.close('closed');
          return;
        }
        this.attach(conn, attempt);
      },
      (err: Error & { code?: CloseReason }) => {
        if (attempt !== this.attempt) return;
        const reason: CloseReason = err.code ?? 'relay-unreachable';
        console.warn('[beacon] could not open the relay link:', err.message);
        if (this.snapshot.phase === 'connecting' || reason === 'unauthorized') this.toLogin(closeReasonKey(reason));
        else this.scheduleReconnect();
      },
    );
  }

  private attach(conn: RelayConnection<WelcomeFor<'agent'>>, attempt: number): void {
    this.conn = conn;
    this.reconnectFailures = 0;
    const agent = conn.welcome.agent;
    conn.onMessage.on((msg) => {
      if (attempt === this.attempt) this.onRelayMessage(msg);
    });
    conn.onCtl.on((msg) => {
      if (attempt === this.attempt) this.onCtl(msg);
    });
    conn.onMedia.on((fragment) => {
      if (attempt === this.attempt) this.onMedia(fragment);
    });
    conn.onClose.on((reason) => {
      if (attempt === this.attempt) this.onLinkClosed(reason);
    });
    this.signedOutReason = null;
    this.set({ phase: 'console', link: 'online', agent });
    this.dispatch({ type: 'relay-restored' });
    void this.loadMe(attempt);
  }

  /** Reads `/api/me` again (after the organisation was renamed, say). */
  refreshMe(): void {
    if (this.snapshot.phase === 'console') void this.loadMe(this.attempt);
  }

  /** Role and organisation for the navigation; a relay without `/api/me` leaves the sign-in's role. */
  private async loadMe(attempt: number): Promise<void> {
    try {
      const me = await this.api.get('/api/me', MeResponse);
      if (attempt === this.attempt) this.set({ me });
    } catch (err) {
      console.warn('[beacon] could not read /api/me', err);
    }
  }

  private onLinkClosed(reason: CloseReason): void {
    this.conn = null;
    console.warn('[beacon] relay link closed:', reason);
    this.endAllSessions();
    if (reason === 'unauthorized') {
      this.toLogin(signedOutKey(this.signedOutReason) ?? errorKey('unauthorized'));
      return;
    }
    this.set({ link: 'reconnecting' });
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || !this.signIn) return;
    this.set({ link: 'reconnecting' });
    const base = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** this.reconnectFailures++);
    const delay = base * (0.8 + Math.random() * 0.4); // jitter: many consoles must not return in lockstep
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.openLink();
    }, delay);
  }

  private endAllSessions(): void {
    for (const v of this.voices.values()) v.close();
    this.voices.clear();
    for (const id of [...this.sessions.keys()]) this.sessions.get(id)?.close();
    this.byStream.clear();
    this.earlyConfigs.clear();
    this.dispatch({ type: 'relay-lost' });
  }

  private toLogin(loginErrorKey: string | null): void {
    this.attempt++;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.reconnectFailures = 0;
    const conn = this.conn;
    this.conn = null;
    conn?.close('closed');
    for (const id of [...this.sessions.keys()]) this.dropSession(id);
    this.earlyConfigs.clear();
    this.signIn = null;
    this.tokens.clear();
    this.snapshot = { ...this.snapshot, console: INITIAL_CONSOLE };
    this.set({ phase: 'login', link: 'online', agent: null, me: null, loginErrorKey });
  }

  /* ---------------- inbound ---------------- */

  private onRelayMessage(msg: RelayToClient): void {
    this.dispatch({ type: 'relay', msg });
    switch (msg.type) {
      case 'session-started': {
        if (this.sessions.has(msg.sessionId)) return;
        const entry = this.snapshot.console.sessions.find((s) => s.sessionId === msg.sessionId);
        if (!entry || entry.state !== 'active') return;
        if (entry.mode === 'voice') {
          // The customer accepted a voice call: ring them now (no screen, so no canvas or video).
          void this.getVoice(msg.sessionId)?.start();
          return;
        }
        const session = new RemoteSession(msg.sessionId, msg.streamId, msg.permissions.control, (m) => this.sendCtl(m), () => this.bump(), this.defaultQualityMode);
        this.sessions.set(msg.sessionId, session);
        this.byStream.set(msg.streamId, session);
        const early = this.earlyConfigs.get(msg.sessionId);
        this.earlyConfigs.delete(msg.sessionId);
        if (early) session.configure(early);
        this.bump(); // the tab can now show its canvas
        return;
      }
      case 'session-denied':
      case 'session-ended':
        this.stopSession(msg.sessionId);
        return;
      case 'signed-out':
        console.warn('[beacon] signed out by the relay:', msg.reason);
        this.signedOutReason = msg.reason;
        return; // the connection closes itself with `unauthorized` right after
      default:
        return;
    }
  }

  private onCtl(msg: CtlFromRelay): void {
    if (isVoiceMessage(msg)) {
      this.getVoice(msg.sessionId)?.handle(msg);
      return;
    }
    if (isCollabMessage(msg)) {
      this.getCollab(msg.sessionId).handle(msg);
      return;
    }
    switch (msg.type) {
      case 'stream-config': {
        const session = this.sessions.get(msg.sessionId);
        if (session) session.configure(msg.config);
        else {
          this.earlyConfigs.set(msg.sessionId, msg.config);
          if (this.earlyConfigs.size > MAX_EARLY_CONFIGS) {
            const first = this.earlyConfigs.keys().next();
            if (!first.done) this.earlyConfigs.delete(first.value);
          }
        }
        return;
      }
      case 'pong':
        this.sessions.get(msg.sessionId)?.onPong(msg.t);
        return;
      case 'error':
        console.warn('[beacon] relay refused a ctl message:', msg.code, msg.message);
        for (const v of this.voices.values()) v.relayRefused(msg.code);
        this.dispatch({ type: 'ctl-error', code: msg.code });
        return;
      default:
        console.warn('[beacon] ignoring ctl message not meant for agents:', msg.type);
    }
  }

  private onMedia(fragment: Uint8Array): void {
    let stream: number;
    try {
      stream = readHeader(fragment).stream;
    } catch (err) {
      if (!(err instanceof FramingError)) throw err;
      const t = performance.now();
      if (t - this.lastMediaWarnAt > 5000) {
        this.lastMediaWarnAt = t;
        console.warn('[beacon] dropped a malformed media fragment:', err.message);
      }
      return;
    }
    const session = this.byStream.get(stream);
    if (session && !session.closed) session.pushFragment(fragment);
  }

  /* ---------------- helpers ---------------- */

  private sendCtl(msg: CtlToRelay): boolean {
    return this.conn?.sendCtl(msg) ?? false;
  }

  /** The session is over: stop its video and input, keep its canvas for the tab. */
  private stopSession(sessionId: string): void {
    this.voices.get(sessionId)?.close();
    this.voices.delete(sessionId);
    const session = this.sessions.get(sessionId);
    if (!session) return;
    session.close();
    if (this.byStream.get(session.streamId) === session) this.byStream.delete(session.streamId);
  }

  private dropSession(sessionId: string): void {
    this.stopSession(sessionId);
    this.sessions.get(sessionId)?.canvas.remove();
    this.sessions.delete(sessionId);
    this.earlyConfigs.delete(sessionId);
    this.collabs.get(sessionId)?.close();
    this.collabs.delete(sessionId);
    this.voices.get(sessionId)?.close();
    this.voices.delete(sessionId);
  }

  private dispatch(action: ConsoleAction): void {
    const next = consoleReducer(this.snapshot.console, action);
    if (next !== this.snapshot.console) this.set({ console: next });
  }

  private bump(): void {
    this.set({ revision: this.snapshot.revision + 1 });
  }

  private set(patch: Partial<ClientSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    this.syncViews();
    for (const l of [...this.listeners]) l();
  }

  /**
   * Only the selected tab's picture is on screen, and only while the sessions page and the
   * window are shown; every other session is told it is not (keyframes only, nothing asked).
   * Cheap and idempotent, so it runs on every state change (selection, new sessions, retries);
   * a quality mode that could not be sent yet goes out the same way.
   */
  private syncViews(): void {
    const selectedId = this.isDocumentVisible && this.isSessionsPageShown ? this.snapshot.console.selectedId : null;
    for (const [id, session] of this.sessions) {
      if (session.closed) continue;
      session.setVisible(id === selectedId);
      session.syncQualityMode();
    }
  }
}

/** What the login screen says when the relay signed this seat out for `reason` (null: the generic message). */
function signedOutKey(reason: string | null): string | null {
  return reason === 'password-changed' || reason === 'disabled' || reason === 'deleted' ? `account.signedOut.${reason}` : null;
}

/** A short tone and a system notification when a customer writes or calls while the console is in the background. */
function notifyInBackground(title: string): void {
  if (typeof document === 'undefined' || !document.hidden) return;
  try {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    osc.frequency.value = 880;
    osc.connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.15);
    osc.onended = () => void ctx.close();
  } catch {
    /* no audio device */
  }
  if (typeof Notification !== 'undefined') {
    if (Notification.permission === 'granted') new Notification(title);
    else if (Notification.permission === 'default') void Notification.requestPermission();
  }
}
