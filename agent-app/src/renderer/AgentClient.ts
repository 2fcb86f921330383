/**
 * The console's state and its link to the relay. React reads immutable snapshots through
 * `subscribe`/`getSnapshot` (useSyncExternalStore); media and input never go through React.
 *
 * Link states: `login` (no token) -> `connecting` (first link after sign-in or reload; a
 * failure goes back to `login` with a message) -> `console`. In the console a lost link is
 * retried with backoff (every second while sessions wait to be resumed: those the relay gave
 * us a resume secret for come back on the next link; the others end); a revoked or expired
 * token goes back to `login`.
 */
import type { FileTransferSession } from '@beacon/shared/client/FileTransferSession';
import { errorKey, type UiErrorCode } from '@beacon/shared/i18n';
import type { RendererConfig } from '@beacon/shared/ipc';
import { type QualityMode, type CtlToRelay, type LoginResponse, type RelayToClient, type SessionMode, type FirstSource } from '@beacon/shared/protocol';
import type { CloseReason } from '@beacon/shared/browser/RelayConnection';
import { createRelayLink, type RelayLink, type RoleConnection } from '@beacon/shared/browser/RelayLink';
import type { CollabSession } from '@beacon/shared/browser/CollabSession';
import type { VoiceCall } from '@beacon/shared/browser/VoiceCall';
import type { DisposableStore } from '@beacon/shared/client/lifecycle';
import { Store } from '@beacon/shared/client/Store';
import { MeResponse } from '@beacon/shared/api';
import type { AccountRole } from '@beacon/shared/protocol';
import { INITIAL_CONSOLE, consoleReducer, type ConsoleAction, type ConsoleState, type CustomerLabel } from '../common/ConsoleModel.ts';
import { parseConnectInput } from '../common/connectInput.ts';
import { ApiClient } from './ApiClient.ts';
import { login } from './LoginApi.ts';
import { AgentSessions } from './AgentSessions.ts';
import { AgentDesk } from './desk/AgentDesk.ts';
import { AgentMulti } from './desk/AgentMulti.ts';
import { notifyInBackground, signedOutKey } from './notify.ts';
import type { RemoteSession } from './RemoteSession.ts';
import { TokenStore } from './TokenStore.ts';
import type { RemoteSoundListener } from './sound/RemoteSoundListener.ts';
import type { CameraControl } from '../common/CameraControl.ts';
import type { CurtainControl } from '../common/CurtainControl.ts';
import { RESUME_RACE, ResumeRetry } from '@beacon/shared/client/ResumeRetry';
import { SessionLinks, connectRequest } from './SessionLinks.ts';
import { loadQualityMode, saveQualityMode } from './qualityPreference.ts';

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

function closeReasonKey(reason: CloseReason): string {
  return errorKey(reason === 'closed' ? 'relay-unreachable' : (reason as UiErrorCode));
}

export class AgentClient {
  private readonly store = new Store<ClientSnapshot>({
    phase: 'login',
    link: 'online',
    agent: null,
    me: null,
    loginErrorKey: null,
    console: INITIAL_CONSOLE,
    revision: 0,
  });
  private readonly tokens: TokenStore;
  private signIn: LoginResponse | null = null;
  private readonly link: RelayLink<'agent'>;
  /** Bumped by every link that comes up; `/api/me` answers for an older one are dropped. */
  private linkGeneration = 0;
  /** Quick retries right after a drop, while sessions wait to be resumed. */
  private readonly resumeRetry = new ResumeRetry();
  private readonly sessions: AgentSessions;
  /** Sessions another relay holds, each on its own link (relay-redirect). */
  private readonly elsewhere = new SessionLinks({
    wire: (conn, scope) => this.wire(conn, scope),
    failed: (requestId) => this.dispatch({ type: 'request-expired', requestId }),
    lost: (ids) => ids.forEach((sessionId) => this.onRelayMessage({ type: 'session-ended', sessionId, reason: 'network-lost' })),
    token: () => this.signIn?.token ?? null,
    claims: (ids) => this.sessions.resumeClaims((sessionId) => !ids.includes(sessionId)),
    away: (ids) => {
      ids.forEach((sessionId) => this.sessions.get(sessionId)?.endCall());
      this.dispatch({ type: 'links-away', sessionIds: ids });
    },
    back: (ids) => this.dispatch({ type: 'links-back', sessionIds: ids }),
  });
  private readonly isElsewhere = (sessionId: string) => this.elsewhere.isElsewhere(sessionId);
  /** Why the relay signed this console out (`signed-out`), for the login screen's message. */
  private signedOutReason: string | null = null;
  /** The console window is shown (not minimised, not a background browser tab). */
  private isDocumentVisible = true;
  /** The sessions page is the one shown (not the directory or the back-office). */
  private isSessionsPageShown = true;
  /** The HTTP API with this sign-in's token; a 401 from any call signs the console out. */
  readonly api: ApiClient;
  /** The service desk: availability, offers and the queue; an accepted offer is a connect attempt. */
  readonly desk = new AgentDesk({
    link: () => this.link.connection,
    connectSent: (requestId, deviceId, control) => {
      this.dispatch({ type: 'connect-sent', requestId, deviceId, control });
      this.expectAnswer(requestId);
    },
    acceptSent: (msg) => this.elsewhere.sentHome(msg),
  });

  /** Several agents in one session: participants, control, invitations, pointers (capability `desk-multi`). */
  readonly multi = new AgentMulti((sessionId) => this.linkFor(sessionId), () => this.snapshot.agent?.id ?? null);

  constructor(
    readonly config: RendererConfig,
    private readonly storage: Storage | null,
  ) {
    this.tokens = new TokenStore(storage);
    this.api = new ApiClient(config.relayUrl, () => this.signIn?.token ?? null, () => {
      if (this.signIn) this.toLogin(errorKey('unauthorized'));
    });
    const linkOptions = () => {
      const resume = this.sessions.resumeClaims(this.isElsewhere);
      return { relayUrl: this.config.relayUrl, role: 'agent' as const, token: this.signIn?.token ?? '', resume, ...(resume.length ? { race: RESUME_RACE } : {}) };
    };
    this.link = createRelayLink(linkOptions, {
      onUp: (conn, scope) => this.attach(conn, scope),
      onDown: (reason, wasUp) => (wasUp ? this.onLinkClosed(reason) : this.onLinkFailed(reason)),
    });
    this.sessions = new AgentSessions({
      sendCtl: (m) => this.sendCtl(m),
      changed: () => this.bump(),
      notify: (what) => notifyInBackground(what === 'call' ? this.notifyCallTitle() : this.notifyTitle()),
      link: (sessionId) => this.linkFor(sessionId),
      hasTab: (id) => this.snapshot.console.sessions.some((s) => s.sessionId === id),
      ctlRefused: (code) => this.dispatch({ type: 'ctl-error', code }),
    });
  }

  private get snapshot(): ClientSnapshot {
    return this.store.getSnapshot();
  }

  /** The signed-in seat's role: from `/api/me` when known, else from the sign-in reply. */
  get role(): AccountRole | null {
    return this.snapshot.me?.account.role ?? this.snapshot.agent?.role ?? null;
  }

  readonly subscribe = this.store.subscribe;

  readonly getSnapshot = this.store.getSnapshot;

  /** The started session behind a tab (its canvas and stats), if it has one. */
  getSession(sessionId: string): RemoteSession | undefined {
    return this.sessions.get(sessionId)?.remote ?? undefined;
  }

  /** The translated title of the background notification; the UI sets it with its i18n. */
  notifyTitle: () => string = () => 'Beacon';
  /** The same for a customer calling (set by the UI, translated). */
  notifyCallTitle: () => string = () => 'Beacon';

  /** The quality mode new sessions start in: the last one the agent picked in this browser. */
  get defaultQualityMode(): QualityMode {
    return loadQualityMode(this.storage);
  }

  /** The agent picked a quality mode for a session: the customer is told, and new sessions start in it. */
  setQualityMode(sessionId: string, mode: QualityMode): void {
    saveQualityMode(this.storage, mode);
    this.sessions.get(sessionId)?.remote?.setQualityMode(mode);
    this.bump();
  }

  /** The session's chat, files and whiteboard (created on first use). */
  getCollab(sessionId: string): CollabSession {
    return this.sessions.open(sessionId).collab;
  }

  /** The session's file transfers (created on first use). */
  getFiles(sessionId: string): FileTransferSession {
    return this.sessions.open(sessionId).files;
  }

  /** Remote sound: every session's PC sound state, and the sound to play. */
  get sound(): RemoteSoundListener {
    return this.sessions.sound;
  }

  /** The session's video guidance (created with the session). */
  getCamera(sessionId: string): CameraControl {
    return this.sessions.open(sessionId).camera;
  }

  /** The session's privacy curtain (created with the session). */
  getCurtain(sessionId: string): CurtainControl {
    return this.sessions.open(sessionId).curtain;
  }

  /** The session's voice call, on the current relay link (null while there is none). */
  getVoice(sessionId: string): VoiceCall | null {
    return this.sessions.voice(sessionId);
  }

  /** This seat is calling or talking in another session (one call at a time: one audio track per link). */
  isInCallElsewhere(sessionId: string): boolean {
    return this.sessions.isInCallElsewhere(sessionId);
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
      if (s.state !== 'ended') this.linkFor(s.sessionId)?.sendSignal({ type: 'session-end', sessionId: s.sessionId });
    }
    // Revoke the token on the relay too; the request takes the token before toLogin drops it.
    if (this.signIn) void this.api.send('POST', '/api/logout').catch(() => undefined);
    this.toLogin(null);
  }

  /**
   * The connect form: validates, then sends `connect-request` (for a directory customer, if
   * picked). Mode `voice` asks for a call only: no screen, no control.
   */
  connect(rawDeviceId: string, rawCode: string, control: boolean, customer: CustomerLabel | null = null, mode: SessionMode = 'screen', source?: FirstSource): void {
    const input = parseConnectInput(rawDeviceId, rawCode);
    if (!input.ok) {
      this.dispatch({ type: 'show-error', key: input.errorKey });
      return;
    }
    const conn = this.link.connection;
    if (!conn || conn.closed || this.snapshot.link !== 'online') {
      this.dispatch({ type: 'show-error', key: errorKey('relay-unreachable') });
      return;
    }
    // Only to a relay that speaks `camera-first` (an older one would start a screen session).
    const request = connectRequest(input, control, customer, mode, this.speaksCameraFirst() ? source : undefined);
    this.dispatch({ type: 'connect-sent', requestId: request.requestId, deviceId: input.deviceId, control: request.permissions.control, customer, mode });
    this.elsewhere.sentHome(request);
    conn.sendSignal(request);
    this.expectAnswer(request.requestId);
  }

  /** Whether the relay lets a session start on the customer's camera (the connect form's and the offer's choice). */
  speaksCameraFirst(): boolean {
    return this.link.connection?.capabilities.has('camera-first') ?? false;
  }

  /** A connect attempt (the form's, or an accepted desk offer) not answered in time frees the form with a message. */
  private expectAnswer(requestId: string): void {
    setTimeout(() => this.dispatch({ type: 'request-expired', requestId }), CONNECT_ANSWER_TIMEOUT_MS);
  }

  /** Ends a live session, or withdraws a pending request. */
  endSession(sessionId: string): void {
    const entry = this.snapshot.console.sessions.find((s) => s.sessionId === sessionId);
    if (!entry || entry.state === 'ended') return;
    const role = this.multi.myRole(sessionId);
    // Someone else's session this agent takes part in: it leaves; the session goes on.
    if (role === 'monitor' || role === 'guest') return this.multi.leave(sessionId);
    this.linkFor(sessionId)?.sendSignal({ type: 'session-end', sessionId });
  }

  closeTab(sessionId: string): void {
    this.endSession(sessionId);
    this.sessions.drop(sessionId);
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
    this.link.connect();
  }

  private attach(conn: RoleConnection<'agent'>, scope: DisposableStore): void {
    const generation = ++this.linkGeneration;
    this.resumeRetry.reset();
    const agent = conn.welcome.agent;
    this.wire(conn, scope);
    this.desk.attached(conn);
    this.multi.attached(conn);
    this.signedOutReason = null;
    this.set({ phase: 'console', link: 'online', agent });
    this.dispatch({ type: 'relay-restored' });
    void this.loadMe(generation);
  }

  /** What a link (the home link, or a session's on another relay) carries goes to the console. */
  private wire(conn: RoleConnection<'agent'>, scope: DisposableStore): void {
    scope.add(conn.onMessage.on((msg) => this.onRelayMessage(msg)));
    scope.add(conn.onCtl.on((msg) => this.sessions.onCtl(msg)));
    // Each relay numbers its streams and file lanes on its own: route by (link, number).
    const carries = (sessionId: string) => this.linkFor(sessionId) === conn;
    scope.add(conn.onMedia.on((fragment) => this.sessions.onMedia(fragment, carries)));
    scope.add(conn.onFileChunk.on((chunk) => this.sessions.onFileChunk(chunk, carries)));
    scope.add(conn.onCtl.on((msg) => this.multi.onCtl(msg)));
  }

  /** Reads `/api/me` again (after the organisation was renamed, say). */
  refreshMe(): void {
    if (this.snapshot.phase === 'console') void this.loadMe(this.linkGeneration);
  }

  /** Role and organisation for the navigation; a relay without `/api/me` leaves the sign-in's role. */
  private async loadMe(generation: number): Promise<void> {
    try {
      const me = await this.api.get('/api/me', MeResponse);
      if (generation === this.linkGeneration && this.link.connection) this.set({ me });
    } catch (err) {
      console.warn('[beacon] could not read /api/me', err);
    }
  }

  /** Opening failed: the first link after sign-in (or a refused token) goes back to the sign-in screen. */
  private onLinkFailed(reason: CloseReason): void {
    if (this.snapshot.phase === 'connecting' || reason === 'unauthorized') this.toLogin(closeReasonKey(reason));
    else this.retryLink();
  }

  private onLinkClosed(reason: CloseReason): void {
    console.warn('[beacon] relay link closed:', reason);
    const waiting = this.sessions.linkLost(this.isElsewhere);
    this.desk.detached();
    this.multi.detached();
    this.dispatch({ type: 'relay-lost', keep: waiting });
    if (reason === 'unauthorized') {
      this.toLogin(signedOutKey(this.signedOutReason) ?? errorKey('unauthorized'));
      return;
    }
    this.retryLink();
  }

  private retryLink(): void {
    if (!this.signIn) return;
    this.set({ link: 'reconnecting' });
    this.link.retryLater(this.sessions.resumeClaims(this.isElsewhere).length > 0 ? this.resumeRetry.nextDelayMs() : Infinity);
  }

  private toLogin(loginErrorKey: string | null): void {
    this.linkGeneration++;
    this.link.stop();
    this.elsewhere.closeAll();
    this.sessions.disposeAll();
    this.signIn = null;
    this.tokens.clear();
    this.set({ phase: 'login', link: 'online', agent: null, me: null, loginErrorKey, console: INITIAL_CONSOLE });
  }

  /* ---------------- inbound ---------------- */

  private onRelayMessage(msg: RelayToClient): void {
    this.dispatch({ type: 'relay', msg });
    this.desk.onRelayMessage(msg);
    this.multi.onRelayMessage(msg);
    switch (msg.type) {
      case 'session-started': {
        const entry = this.snapshot.console.sessions.find((s) => s.sessionId === msg.sessionId);
        if (!entry || entry.state !== 'active') return;
        // A voice session rings the customer now (no screen, so no canvas or video).
        if (msg.source === 'camera') this.sessions.open(msg.sessionId).camera.startedOnCamera();
        this.sessions.started(msg.sessionId, msg.streamId, msg.permissions.control, entry.mode === 'voice', this.defaultQualityMode, msg.resumeSecret);
        return;
      }
      case 'session-denied':
      case 'session-ended':
      case 'session-handed-over':
        this.sessions.ended(msg.sessionId);
        return;
      case 'relay-redirect':
        this.elsewhere.follow(msg, this.config.relayUrl);
        return;
      case 'supervise-redirect':
        this.elsewhere.followSupervision(msg, this.config.relayUrl);
        return;
      case 'offer-redirect':
        this.elsewhere.followOffer(msg, this.config.relayUrl);
        return;
      case 'signed-out':
        console.warn('[beacon] signed out by the relay:', msg.reason);
        this.signedOutReason = msg.reason;
        return; // the connection closes itself with `unauthorized` right after
      default: {
        const action = this.sessions.resumeAction(msg);
        if (action) this.dispatch(action);
      }
    }
  }

  /* ---------------- helpers ---------------- */

  private sendCtl(msg: CtlToRelay): boolean {
    // Another agent of the session holds the keyboard and mouse: the relay would refuse it.
    if (msg.type === 'input' && !this.multi.mayInput(msg.sessionId)) return false;
    return this.linkFor(msg.sessionId)?.sendCtl(msg) ?? false;
  }

  /** The link that carries `sessionId`: its own on another relay, else the home link. */
  private linkFor(sessionId?: string): RoleConnection<'agent'> | null {
    return (sessionId ? this.elsewhere.linkOf(sessionId) : null) ?? this.link.connection;
  }

  private dispatch(action: ConsoleAction): void {
    const next = consoleReducer(this.snapshot.console, action);
    if (next !== this.snapshot.console) this.set({ console: next });
  }

  private bump(): void {
    this.set({ revision: this.snapshot.revision + 1 });
  }

  private set(patch: Partial<ClientSnapshot>): void {
    const next = { ...this.snapshot, ...patch };
    // The views follow the new state before React hears of it.
    this.syncViews(next);
    this.store.set(next);
  }

  /**
   * Only the selected tab's picture is on screen, and only while the sessions page and the
   * window are shown; every other session is told it is not (keyframes only, nothing asked).
   * Cheap and idempotent, so it runs on every state change (selection, new sessions, retries);
   * a quality mode that could not be sent yet goes out the same way.
   */
  private syncViews(snapshot: ClientSnapshot = this.snapshot): void {
    this.sessions.syncViews(this.isDocumentVisible && this.isSessionsPageShown ? snapshot.console.selectedId : null);
  }
}
