import type { FileTransferSession } from '@beacon/shared/client/FileTransferSession';
import type { CloseReason } from '@beacon/shared/browser/RelayConnection';
import { createRelayLink, type RelayLink, type RoleConnection } from '@beacon/shared/browser/RelayLink';
import { isVoiceMessage, type VoiceCall } from '@beacon/shared/browser/VoiceCall';
import type { DisposableStore } from '@beacon/shared/client/lifecycle';
import { Store } from '@beacon/shared/client/Store';
import { ErrorCode } from '@beacon/shared/errors';
import type { UiErrorCode } from '@beacon/shared/i18n';
import type { CustomerBridge, RendererConfig } from '@beacon/shared/ipc';
import { isCameraCtl, isCurtainCtl, isFtCtl, isSoundCtl, type CtlFromRelay, type RelayToClient, type ResumeClaim } from '@beacon/shared/protocol';
import { RESUME_RACE, ResumeRetry } from '@beacon/shared/client/ResumeRetry';
import { INITIAL_STATE, othersOf, transition, type ActiveSession, type ConsentAsk, type CustomerInput, type CustomerState } from '../common/CustomerState.ts';
import { BarNotices } from '../common/barNotices.ts';
import { CustomerSession, logBridgeError } from './CustomerSession.ts';
import { HelpRequestClient, groupFromLink } from './HelpRequestClient.ts';
import type { SessionCollab } from './SessionCollab.ts';
import { SoundShare } from './sound/SoundShare.ts';
import type { CameraSwitch } from './CameraSwitch.ts';
import type { CurtainSwitch } from '../common/CurtainSwitch.ts';


function closeReasonToUi(reason: CloseReason): UiErrorCode {
  const r = ErrorCode.safeParse(reason);
  return r.success ? r.data : 'relay-unreachable';
}

/**
 * Everything the customer app does, without React: the relay link with automatic
 * reconnection, consent, and the current session (its capture, encoding, input, call and
 * collaboration live in one {@link CustomerSession}). React renders {@link getState} and
 * calls {@link accept}/{@link deny}/{@link stop}.
 */
export class CustomerClient {
  private readonly store = new Store<CustomerState>(INITIAL_STATE);
  private readonly link: RelayLink<'customer'>;
  /** The session asked for, accepted or running (from the consent request on); at most one. */
  private current: CustomerSession | null = null;
  private isClosed = false;
  /** The running session and our secret for it: a dropped link resumes it (capability `resume`). */
  private resumable: ResumeClaim | null = null;
  /**
   * A Stop of a resumable session the relay has not confirmed yet (session-ended): pressed while
   * the link was down (or dying unnoticed), it is carried by the next connection, which resumes
   * that session and stops it, so the agent hears "customer stopped" instead of waiting for the
   * grace period to run out.
   */
  private pendingStop: ResumeClaim | null = null;
  /** Quick retries right after a drop, while the session waits for us. */
  private readonly resumeRetry = new ResumeRetry();
  /** "Request help": the customer's place in the service desk's queue. */
  /** What the session bar says about the agent's monitor and clipboard use. */
  readonly barNotices = new BarNotices();
  readonly help = new HelpRequestClient(() => this.link.connection, groupFromLink(location.search));
  /** Remote sound: the agent hears this PC's sound while the customer allows it. */
  readonly sound: SoundShare;

  constructor(
    private readonly config: RendererConfig,
    readonly bridge: CustomerBridge | undefined,
  ) {
    const linkOptions = () => ({
      relayUrl: this.config.relayUrl,
      role: 'customer' as const,
      ...this.resumeOptions(),
    });
    this.sound = new SoundShare({ link: () => this.link.connection, bridge, voice: () => this.getVoice() });
    this.link = createRelayLink(linkOptions, {
      onOpening: () => this.apply({ type: 'connecting' }),
      onUp: (conn, scope) => this.attach(conn, scope),
      onDown: (reason) => this.onDisconnected(closeReasonToUi(reason)),
    });
  }

  readonly getState = this.store.getSnapshot;

  readonly subscribe = this.store.subscribe;

  /** The current session's collaboration, or null when there is no session (changes notify subscribers). */
  readonly getCollab = (): SessionCollab | null => this.current?.collab ?? null;
  /** The running session's voice call, or null (changes notify subscribers). */
  readonly getVoice = (): VoiceCall | null => this.current?.voice ?? null;
  readonly getFiles = (): FileTransferSession | null => this.current?.files ?? null;
  readonly getCamera = (): CameraSwitch | null => this.current?.camera ?? null;
  readonly getCurtain = (): CurtainSwitch | null => this.current?.curtain ?? null;

  private get state(): CustomerState {
    return this.store.getSnapshot();
  }

  /** Electron: opens the session bar into its chat/board panel, or closes it (no-op in a browser). */
  setPanelOpen(isOpen: boolean): void {
    const session = this.state.session;
    if (!this.bridge || !session) return;
    void this.bridge.setSessionState({ active: true, agentName: session.agentName, isExpanded: isOpen }).catch(logBridgeError);
  }

  start(): void {
    if (!this.isClosed) this.link.connect();
  }

  accept(): void {
    const ask = this.state.consent;
    if (!ask || !this.apply({ type: 'consent-answered', sessionId: ask.sessionId, granted: true })) return;
    this.link.connection?.sendSignal({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
    this.current?.accepted(ask);
  }

  deny(): void {
    const ask = this.state.consent;
    if (!ask || !this.apply({ type: 'consent-answered', sessionId: ask.sessionId, granted: false })) return;
    this.link.connection?.sendSignal({ type: 'consent-reply', sessionId: ask.sessionId, granted: false });
  }

  /** The Stop button or hotkey: tell the relay, stop capturing at once, back to the start screen. */
  stop(): void {
    const sessionId = this.state.session?.sessionId ?? this.state.acceptedSessionId;
    if (!sessionId) return;
    if (this.resumable?.sessionId === sessionId) this.pendingStop = this.resumable;
    this.link.connection?.sendSignal({ type: 'session-stop', sessionId });
    this.current?.endMedia();
    this.apply({ type: 'stopped' });
  }

  /** Idempotent. Ends everything (window closing). */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.link.stop();
    this.current?.dispose();
    this.current = null;
    this.store.dispose();
    this.help.dispose();
  }

  /* ---------- connection ---------- */

  private attach(conn: RoleConnection<'customer'>, scope: DisposableStore): void {
    const { deviceId, code } = conn.welcome;
    scope.add(conn.onMessage.on((msg) => this.onRelayMessage(msg)));
    scope.add(conn.onCtl.on((msg) => this.onCtl(msg)));
    scope.add(conn.onFileChunk.on((chunk) => this.current?.files.handleChunk(chunk)));
    const wasRelinking = this.state.isRelinking;
    this.resumeRetry.reset();
    // A Stop pressed while the link was down: the resumed session is stopped at once.
    if (this.pendingStop) conn.sendSignal({ type: 'session-stop', sessionId: this.pendingStop.sessionId });
    this.apply({ type: 'registered', deviceId, code });
    // The same ID: the session is ours again; the agent's picture restarts from a keyframe.
    if (wasRelinking && this.state.session) this.current?.resumed();
    this.help.attached(conn);
  }

  private onDisconnected(reason: UiErrorCode): void {
    if (this.isClosed) return;
    // Its sound line was on the old link; the relay turned the sound off (the agent asks again after a resume).
    this.sound.sync(null);
    if (this.resumable && this.state.phase === 'session') {
      // The capture keeps running; frames are dropped until the link is back (a call ends: its audio was on the old link).
      this.link.retryLater(this.resumeRetry.nextDelayMs());
      this.apply({ type: 'link-lost' });
      return;
    }
    this.current?.endMedia();
    this.help.detached();
    const delay = this.link.retryLater(this.pendingStop ? this.resumeRetry.nextDelayMs() : Infinity);
    this.apply({ type: 'disconnected', reason, retryInMs: delay });
  }

  /** What a connection attempt claims back: the running session, or one stopped while the link was down. */
  private resumeOptions(): { resume?: ResumeClaim[]; race?: typeof RESUME_RACE } {
    const claim = this.resumable ?? this.pendingStop;
    return claim ? { resume: [claim], race: RESUME_RACE } : {};
  }

  /* ---------- signalling ---------- */

  private onRelayMessage(msg: RelayToClient): void {
    if (this.help.onRelayMessage(msg)) return;
    switch (msg.type) {
      case 'code-update':
        this.apply({ type: 'code-update', code: msg.code });
        return;
      case 'consent-request':
        return this.onConsentRequest(msg);
      case 'session-started':
        this.onSessionStarted({
          sessionId: msg.sessionId,
          agentName: msg.agentName,
          permissions: msg.permissions,
          streamId: msg.streamId,
          ...(msg.mode === 'voice' ? { mode: 'voice' as const } : {}),
        });
        if (msg.resumeSecret && this.state.session?.sessionId === msg.sessionId) this.resumable = { sessionId: msg.sessionId, secret: msg.resumeSecret };
        return;
      case 'peer-away':
        this.apply({ type: 'peer-away', sessionId: msg.sessionId, until: Date.now() + msg.remainingMs });
        return;
      case 'peer-back':
        this.apply({ type: 'peer-back', sessionId: msg.sessionId });
        return;
      case 'session-agent-changed':
        // A desk transfer: the bar shows the new agent; nothing else changes (no new consent).
        this.apply({ type: 'agent-changed', sessionId: msg.sessionId, agentName: msg.agentName });
        return;
      case 'session-participants':
        // Other agents in the session (desk-multi): the bar lists them.
        this.apply({ type: 'others-changed', sessionId: msg.sessionId, others: othersOf(msg.participants, msg.controllerId) });
        return;
      case 'session-resumed':
      case 'resume-refused':
        if (msg.type === 'resume-refused' && this.pendingStop?.sessionId === msg.sessionId) this.pendingStop = null;
        // The welcome's device ID already said which (see attach).
        console.info(`[beacon] ${msg.type} ${msg.sessionId}`);
        return;
      case 'session-ended':
        if (this.pendingStop?.sessionId === msg.sessionId) this.pendingStop = null;
        // Ours or not, the state decides; when it was ours, the session object (capture, call, bar, hotkey) goes with it.
        this.apply({ type: 'session-ended', sessionId: msg.sessionId, reason: msg.reason });
        return;
      case 'error':
        console.warn(`[beacon] relay error ${msg.code}: ${msg.message}`);
        return;
      default:
        // Agent-only messages (and a late welcome) mean nothing to the customer app.
        console.warn(`[beacon] ignored relay message ${msg.type}`);
    }
  }

  private onConsentRequest(msg: Extract<RelayToClient, { type: 'consent-request' }>): void {
    if (this.state.consent?.sessionId === msg.sessionId) return;
    const ask: ConsentAsk = { sessionId: msg.sessionId, agentName: msg.agentName, permissions: msg.permissions };
    if (msg.orgName) ask.orgName = msg.orgName;
    if (msg.isRecorded) ask.isRecorded = true;
    if (msg.mode === 'voice') ask.mode = 'voice';
    if (!this.apply({ type: 'consent-request', ask })) {
      // Busy (another request on screen, or in a session): answer at once rather than let the agent wait.
      this.link.connection?.sendSignal({ type: 'consent-reply', sessionId: msg.sessionId, granted: false });
      return;
    }
    this.current?.askingConsent();
  }

  private onSessionStarted(session: ActiveSession): void {
    if (this.state.session?.sessionId === session.sessionId) return; // a repeat
    const cs = this.current?.sessionId === session.sessionId ? this.current : null;
    const isVoice = session.mode === 'voice';
    // What starts must be what the customer accepted: a call, never a screen share (or the reverse).
    const isAgreed = cs !== null && (isVoice ? cs.canStartVoice() : cs.canStartScreen());
    if (!cs || !isAgreed || !this.apply({ type: 'session-started', session })) {
      this.link.connection?.sendSignal({ type: 'session-stop', sessionId: session.sessionId });
      return;
    }
    if (isVoice) cs.startVoice(session);
    else cs.startScreen(session);
  }

  private onCaptureFailed(sessionId: string, err: unknown): void {
    console.error('[beacon] screen capture failed', err);
    if (this.state.session?.sessionId !== sessionId && this.state.acceptedSessionId !== sessionId) return;
    this.link.connection?.sendSignal({ type: 'session-stop', sessionId });
    this.current?.endMedia();
    this.apply({ type: 'capture-failed' });
  }

  private onStartTimedOut(sessionId: string): void {
    if (this.state.acceptedSessionId !== sessionId) return;
    this.link.connection?.sendSignal({ type: 'session-stop', sessionId });
    this.current?.endMedia();
    this.apply({ type: 'start-timeout', sessionId });
  }

  /* ---------- ctl: input, keyframes, pings ---------- */

  private onCtl(msg: CtlFromRelay): void {
    if (msg.type === 'error') {
      console.warn(`[beacon] relay ctl error ${msg.code}: ${msg.message}`);
      this.current?.voice?.relayRefused(msg.code);
      return;
    }
    // Screenshots only of a running session; chat works from the consent request on.
    if (msg.type === 'screenshot-request' && this.state.session?.sessionId !== msg.sessionId) return;
    const cs = 'sessionId' in msg && this.current?.sessionId === msg.sessionId ? this.current : null;
    if (isVoiceMessage(msg)) {
      cs?.onVoiceCtl(msg);
      return;
    }
    if (msg.type === 'voice-room') return cs?.voice?.handleRoom(msg);
    if (isSoundCtl(msg)) return this.sound.handle(msg, this.state.session?.sessionId ?? null);
    if (cs?.collab.handle(msg)) return;
    if (isCameraCtl(msg)) {
      // Video guidance only in the running session.
      if (cs && this.state.session?.sessionId === cs.sessionId) cs.camera.onCtl(msg);
      return;
    }
    if (isCurtainCtl(msg)) {
      if (cs && this.state.session?.sessionId === cs.sessionId) void cs.curtain.onCtl(msg);
      return;
    }
    // The session's clipboard rules may come before the session runs here.
    if (msg.type === 'clipboard-policy') return cs?.clipboard.onCtl(msg);
    if (isFtCtl(msg)) {
      // Files only in the running session.
      if (cs && this.state.session?.sessionId === cs.sessionId) cs.files.handleCtl(msg);
      return;
    }
    if (msg.type === 'quality-mode') {
      const isOurs = this.state.session?.sessionId === msg.sessionId || this.state.acceptedSessionId === msg.sessionId;
      if (isOurs) cs?.setQualityMode(msg.mode);
      return;
    }
    const session = this.state.session;
    if (cs && session?.sessionId === cs.sessionId) cs.onSessionCtl(msg, session);
  }

  /* ---------- state ---------- */

  /** Applies one input; false (and a log line) if the current state does not allow it. */
  private apply(input: CustomerInput): boolean {
    const r = transition(this.state, input);
    if (r.isIllegal) {
      console.warn(`[beacon] ignored ${r.why}`);
      return false;
    }
    if (!r.state.session) this.resumable = null;
    this.syncSession(r.state);
    document.body.dataset.state = r.state.phase;
    this.store.set(r.state);
    return true;
  }

  /** One CustomerSession per session the customer is asked about, kept until that session is over. */
  private syncSession(s: CustomerState): void {
    const sessionId = s.session?.sessionId ?? s.acceptedSessionId ?? s.consent?.sessionId ?? null;
    if (this.current && this.current.sessionId !== sessionId) {
      this.current.dispose();
      this.current = null;
    }
    if (sessionId && !this.current) {
      this.current = new CustomerSession(sessionId, {
        bridge: this.bridge,
        barNotices: this.barNotices,
        link: () => this.link.connection,
        runningSessionId: () => this.state.session?.sessionId ?? null,
        stop: () => this.stop(),
        captureFailed: (id, err) => this.onCaptureFailed(id, err),
        consentExpired: (id) => this.apply({ type: 'consent-expired', sessionId: id }),
        startTimedOut: (id) => this.onStartTimedOut(id),
      });
    }
    this.current?.syncVoice(s.session?.sessionId ?? null);
    this.sound.sync(s.session?.sessionId ?? null);
  }
}
