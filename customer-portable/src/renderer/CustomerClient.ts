import { RelayConnection, type CloseReason, type WelcomeFor } from '@beacon/shared/browser/RelayConnection';
import { VoiceCall, isVoiceMessage, type VoiceCtl } from '@beacon/shared/browser/VoiceCall';
import { ErrorCode } from '@beacon/shared/errors';
import type { UiErrorCode } from '@beacon/shared/i18n';
import type { CustomerBridge, RendererConfig } from '@beacon/shared/ipc';
import { LIMITS, type CtlFromRelay, type QualityMode, type RelayToClient } from '@beacon/shared/protocol';
import { INITIAL_STATE, transition, type ActiveSession, type ConsentAsk, type CustomerInput, type CustomerState } from '../common/CustomerState.ts';
import { ReconnectPolicy } from '../common/ReconnectPolicy.ts';
import { ScreenCapture } from './ScreenCapture.ts';
import { ScreenEncoder } from './ScreenEncoder.ts';
import { SessionCollab } from './SessionCollab.ts';

interface RunningMedia {
  sessionId: string;
  capture: ScreenCapture;
  encoder: ScreenEncoder | null;
}

/** How long after Accept the relay has to confirm the session before the customer is told it failed. */
const START_TIMEOUT_MS = 15_000;

function closeReasonToUi(reason: CloseReason | undefined): UiErrorCode {
  const r = ErrorCode.safeParse(reason);
  return r.success ? r.data : 'relay-unreachable';
}

/**
 * Everything the customer app does, without React: the relay link with automatic
 * reconnection, consent, screen capture and encoding, and remote input. React renders
 * {@link getState} and calls {@link accept}/{@link deny}/{@link stop}.
 */
export class CustomerClient {
  private state: CustomerState = INITIAL_STATE;
  private readonly listeners = new Set<() => void>();
  private readonly policy = new ReconnectPolicy();
  private conn: RelayConnection<WelcomeFor<'customer'>> | null = null;
  /** Drops the results of superseded connection attempts. */
  private attemptId = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private consentTimer: ReturnType<typeof setTimeout> | null = null;
  private startTimer: ReturnType<typeof setTimeout> | null = null;
  /** Capture starts at Accept, so the first frame is ready when the relay confirms. */
  private pendingCapture: { sessionId: string; capture: Promise<ScreenCapture> } | null = null;
  /** The voice-only session accepted and not yet started: nothing is captured for it. */
  private acceptedVoiceSessionId: string | null = null;
  /** The voice-only session whose first call from the agent is answered without asking again (the consent was for that call). */
  private autoAnswerSessionId: string | null = null;
  /** The agent's first ring, when the ctl channel delivered it before the socket's session-started. */
  private earlyRing: VoiceCtl | null = null;
  private media: RunningMedia | null = null;
  /** The agent's quality mode for a session (it may come before the capture runs); none: balanced. */
  private qualityMode: { sessionId: string; mode: QualityMode } | null = null;
  private unsubscribeHotkey: (() => void) | null = null;
  /** Main was told a session runs (bar shown, hotkey armed) and must be told when it ends. */
  private isMainInSession = false;
  /** Chat, boards and screenshots of the session asked for, accepted or running (from the consent request on). */
  private sessionCollab: SessionCollab | null = null;
  private isClosed = false;

  constructor(
    private readonly config: RendererConfig,
    private readonly bridge: CustomerBridge | undefined,
  ) {}

  readonly getState = (): CustomerState => this.state;

  /** The current session's collaboration, or null when there is no session (changes notify subscribers). */
  readonly getCollab = (): SessionCollab | null => this.sessionCollab;
  /** The running session's voice call, or null (changes notify subscribers). */
  readonly getVoice = (): VoiceCall | null => this.voice;
  private voice: VoiceCall | null = null;

  /** Electron: opens the session bar into its chat/board panel, or closes it (no-op in a browser). */
  setPanelOpen(isOpen: boolean): void {
    const session = this.state.session;
    if (!this.bridge || !session) return;
    void this.bridge.setSessionState({ active: true, agentName: session.agentName, isExpanded: isOpen }).catch(logBridgeError);
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  start(): void {
    void this.openConnection();
  }

  accept(): void {
    const ask = this.state.consent;
    if (!ask || !this.apply({ type: 'consent-answered', sessionId: ask.sessionId, granted: true })) return;
    this.clearConsentTimer();
    this.conn?.sendSignal({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
    if (ask.mode === 'voice') {
      // A voice call only: the screen is never captured.
      this.acceptedVoiceSessionId = ask.sessionId;
    } else {
      this.pendingCapture = { sessionId: ask.sessionId, capture: ScreenCapture.start() };
      // Handled when the session starts; this only keeps a failure from going unobserved.
      this.pendingCapture.capture.catch(() => undefined);
    }
    // Never leave the screen captured (locally) for a session that does not come.
    this.startTimer = setTimeout(() => {
      this.startTimer = null;
      if (this.state.acceptedSessionId !== ask.sessionId) return;
      this.conn?.sendSignal({ type: 'session-stop', sessionId: ask.sessionId });
      this.endMedia();
      this.apply({ type: 'start-timeout', sessionId: ask.sessionId });
    }, START_TIMEOUT_MS);
  }

  deny(): void {
    const ask = this.state.consent;
    if (!ask || !this.apply({ type: 'consent-answered', sessionId: ask.sessionId, granted: false })) return;
    this.clearConsentTimer();
    this.conn?.sendSignal({ type: 'consent-reply', sessionId: ask.sessionId, granted: false });
  }

  /** The Stop button or hotkey: tell the relay, stop capturing at once, back to the start screen. */
  stop(): void {
    const sessionId = this.state.session?.sessionId ?? this.state.acceptedSessionId;
    if (!sessionId) return;
    this.conn?.sendSignal({ type: 'session-stop', sessionId });
    this.endMedia();
    this.apply({ type: 'stopped' });
  }

  /** Idempotent. Ends everything (window closing). */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.attemptId++;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.clearConsentTimer();
    this.endMedia();
    this.sessionCollab?.close();
    this.sessionCollab = null;
    this.voice?.close();
    this.voice = null;
    this.conn?.close('closed');
    this.conn = null;
    this.listeners.clear();
  }

  /* ---------- connection ---------- */

  private async openConnection(): Promise<void> {
    if (this.isClosed) return;
    const attempt = ++this.attemptId;
    this.retryTimer = null;
    this.apply({ type: 'connecting' });
    let conn: RelayConnection<WelcomeFor<'customer'>>;
    try {
      conn = await RelayConnection.open({ relayUrl: this.config.relayUrl, role: 'customer' });
    } catch (err) {
      if (attempt === this.attemptId) this.onDisconnected(closeReasonToUi((err as { code?: CloseReason }).code));
      return;
    }
    if (attempt !== this.attemptId) {
      conn.close('closed');
      return;
    }
    const { deviceId, code } = conn.welcome;
    if (!deviceId || code === undefined) {
      console.error('[beacon] the relay did not give this customer an ID and code');
      conn.close('bad-message');
      this.onDisconnected('bad-message');
      return;
    }
    this.conn = conn;
    conn.onMessage.on((msg) => {
      if (attempt === this.attemptId) this.onRelayMessage(msg);
    });
    conn.onCtl.on((msg) => {
      if (attempt === this.attemptId) this.onCtl(msg);
    });
    conn.onClose.on((reason) => {
      if (attempt === this.attemptId && !this.isClosed) this.onDisconnected(closeReasonToUi(reason === 'closed' ? undefined : reason));
    });
    this.policy.reset();
    this.apply({ type: 'registered', deviceId, code });
  }

  private onDisconnected(reason: UiErrorCode): void {
    this.attemptId++;
    this.conn?.close('closed');
    this.conn = null;
    this.clearConsentTimer();
    this.endMedia();
    const delay = this.policy.nextDelayMs();
    this.apply({ type: 'disconnected', reason, retryInMs: delay });
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.openConnection(), delay);
  }

  /* ---------- signalling ---------- */

  private onRelayMessage(msg: RelayToClient): void {
    switch (msg.type) {
      case 'code-update':
        this.apply({ type: 'code-update', code: msg.code });
        return;
      case 'consent-request': {
        if (this.state.consent?.sessionId === msg.sessionId) return;
        const ask: ConsentAsk = { sessionId: msg.sessionId, agentName: msg.agentName, permissions: msg.permissions };
        if (msg.orgName) ask.orgName = msg.orgName;
        if (msg.isRecorded) ask.isRecorded = true;
        if (msg.mode === 'voice') ask.mode = 'voice';
        if (!this.apply({ type: 'consent-request', ask })) {
          // Busy (another request on screen, or in a session): answer at once rather than let the agent wait.
          this.conn?.sendSignal({ type: 'consent-reply', sessionId: msg.sessionId, granted: false });
          return;
        }
        this.consentTimer = setTimeout(() => this.apply({ type: 'consent-expired', sessionId: msg.sessionId }), LIMITS.consentTimeoutMs);
        return;
      }
      case 'session-started':
        this.onSessionStarted({
          sessionId: msg.sessionId,
          agentName: msg.agentName,
          permissions: msg.permissions,
          streamId: msg.streamId,
          ...(msg.mode === 'voice' ? { mode: 'voice' as const } : {}),
        });
        return;
      case 'session-ended': {
        // A voice-only session runs without media; it still has a bar, a hotkey and main to tell.
        const wasRunning = this.state.session?.sessionId === msg.sessionId;
        const wasOurs = this.apply({ type: 'session-ended', sessionId: msg.sessionId, reason: msg.reason });
        if (wasOurs) {
          this.clearConsentTimer();
          if (wasRunning || this.media?.sessionId === msg.sessionId || this.pendingCapture?.sessionId === msg.sessionId || this.acceptedVoiceSessionId === msg.sessionId) this.endMedia();
        }
        return;
      }
      case 'error':
        console.warn(`[beacon] relay error ${msg.code}: ${msg.message}`);
        return;
      default:
        // Agent-only messages (and a late welcome) mean nothing to the customer app.
        console.warn(`[beacon] ignored relay message ${msg.type}`);
    }
  }

  private onSessionStarted(session: ActiveSession): void {
    if (this.state.session?.sessionId === session.sessionId) return; // a repeat
    if (session.mode === 'voice') return this.onVoiceSessionStarted(session);
    const pending = this.pendingCapture;
    if (pending?.sessionId !== session.sessionId || !this.apply({ type: 'session-started', session })) {
      // Never share a screen the customer did not agree to share.
      this.conn?.sendSignal({ type: 'session-stop', sessionId: session.sessionId });
      return;
    }
    this.pendingCapture = null;
    this.clearStartTimer();
    if (this.bridge) {
      this.isMainInSession = true;
      void this.bridge.setSessionState({ active: true, agentName: session.agentName }).catch(logBridgeError);
      this.unsubscribeHotkey ??= this.bridge.onStopHotkey(() => this.stop());
    }
    pending.capture.then(
      (capture) => this.startEncoding(session, capture),
      (err: unknown) => this.onCaptureFailed(session.sessionId, err),
    );
  }

  /** A voice-only session: no capture, no encoder; the agent's call is answered as it rings. */
  private onVoiceSessionStarted(session: ActiveSession): void {
    if (this.acceptedVoiceSessionId !== session.sessionId || !this.apply({ type: 'session-started', session })) {
      // What starts must be what the customer accepted: a call, never a screen share (or the reverse).
      this.conn?.sendSignal({ type: 'session-stop', sessionId: session.sessionId });
      return;
    }
    this.acceptedVoiceSessionId = null;
    this.clearStartTimer();
    if (this.bridge) {
      this.isMainInSession = true;
      // Open under the bar from the start: the call's controls are the session.
      void this.bridge.setSessionState({ active: true, agentName: session.agentName, isExpanded: true }).catch(logBridgeError);
      this.unsubscribeHotkey ??= this.bridge.onStopHotkey(() => this.stop());
    }
    this.autoAnswerSessionId = session.sessionId;
    const early = this.earlyRing;
    this.earlyRing = null;
    if (early?.sessionId === session.sessionId && this.voice?.sessionId === session.sessionId) this.onVoice(this.voice, early);
  }

  private onVoice(call: VoiceCall, msg: VoiceCtl): void {
    call.handle(msg);
    if (msg.type === 'voice-request' && msg.from === 'agent' && this.autoAnswerSessionId === msg.sessionId) {
      this.autoAnswerSessionId = null;
      void call.accept();
    }
  }

  private startEncoding(session: ActiveSession, capture: ScreenCapture): void {
    const conn = this.conn;
    if (this.state.session?.sessionId !== session.sessionId || !conn) {
      capture.stop();
      return;
    }
    const mode = this.qualityMode?.sessionId === session.sessionId ? this.qualityMode.mode : undefined;
    const encoder = new ScreenEncoder({
      sink: conn,
      sessionId: session.sessionId,
      streamId: session.streamId,
      onFatal: (err) => this.onCaptureFailed(session.sessionId, err),
      ...(mode ? { mode } : {}),
    });
    this.media = { sessionId: session.sessionId, capture, encoder };
    if (mode) void capture.setMode(mode);
    // The browser may capture at another size than asked for (e.g. scaled to 720p); worth a line when it does.
    console.info('[beacon] capturing the screen at', JSON.stringify(capture.settings));
    capture.run(
      (frame, captureTs) => {
        this.sessionCollab?.keepFrame(frame);
        encoder.encode(frame, captureTs);
      },
      // The capture ended by itself (e.g. the browser's own "Stop sharing"): same as Stop.
      () => {
        if (this.media?.capture === capture) this.stop();
      },
    );
  }

  private onCaptureFailed(sessionId: string, err: unknown): void {
    console.error('[beacon] screen capture failed', err);
    if (this.state.session?.sessionId !== sessionId && this.state.acceptedSessionId !== sessionId) return;
    this.conn?.sendSignal({ type: 'session-stop', sessionId });
    this.endMedia();
    this.apply({ type: 'capture-failed' });
  }

  /* ---------- ctl: input, keyframes, pings ---------- */

  private onCtl(msg: CtlFromRelay): void {
    if (msg.type === 'error') {
      console.warn(`[beacon] relay ctl error ${msg.code}: ${msg.message}`);
      this.voice?.relayRefused(msg.code);
      return;
    }
    // Screenshots only of a running session; chat works from the consent request on.
    if (msg.type === 'screenshot-request' && this.state.session?.sessionId !== msg.sessionId) return;
    if (isVoiceMessage(msg)) {
      if (this.voice?.sessionId === msg.sessionId) this.onVoice(this.voice, msg);
      else if (msg.type === 'voice-request' && this.acceptedVoiceSessionId === msg.sessionId) this.earlyRing = msg;
      return;
    }
    if (this.sessionCollab?.handle(msg)) return;
    if (msg.type === 'quality-mode') return this.onQualityMode(msg.sessionId, msg.mode);
    const session = this.state.session;
    if (!session || msg.sessionId !== session.sessionId) return;
    switch (msg.type) {
      case 'input': {
        // View-only sessions and the browser build (no bridge) never inject, whatever arrives.
        const size = this.media?.encoder?.frameSize;
        if (!session.permissions.control || !this.bridge || !size) return;
        void this.bridge.injectInput({ event: msg.event, frameWidth: size.width, frameHeight: size.height }).catch(logBridgeError);
        return;
      }
      case 'keyframe-request':
        this.media?.encoder?.requestKeyframe();
        return;
      case 'ping':
        this.conn?.sendCtl({ type: 'pong', sessionId: session.sessionId, t: msg.t });
        return;
      default:
        return;
    }
  }

  /** The agent chose how this session's screen is captured and encoded; applied at once (or when the capture runs). */
  private onQualityMode(sessionId: string, mode: QualityMode): void {
    if (this.state.session?.sessionId !== sessionId && this.state.acceptedSessionId !== sessionId) return;
    this.qualityMode = { sessionId, mode };
    const media = this.media;
    if (media?.sessionId !== sessionId) return;
    media.encoder?.setMode(mode);
    void media.capture.setMode(mode).then(() => console.info(`[beacon] quality mode ${mode}, capturing at`, JSON.stringify(media.capture.settings)));
  }

  /* ---------- helpers ---------- */

  /** Stops capture and encoding at once, and tells main the session is over. */
  private endMedia(): void {
    this.clearStartTimer();
    this.acceptedVoiceSessionId = null;
    this.autoAnswerSessionId = null;
    this.earlyRing = null;
    this.qualityMode = null;
    if (this.pendingCapture) {
      this.pendingCapture.capture.then((c) => c.stop(), () => undefined);
      this.pendingCapture = null;
    }
    if (this.media) {
      this.media.capture.stop();
      this.media.encoder?.close();
      this.media = null;
    }
    this.unsubscribeHotkey?.();
    this.unsubscribeHotkey = null;
    if (this.isMainInSession) {
      this.isMainInSession = false;
      void this.bridge?.setSessionState({ active: false }).catch(logBridgeError);
    }
  }

  private clearConsentTimer(): void {
    if (this.consentTimer) clearTimeout(this.consentTimer);
    this.consentTimer = null;
  }

  private clearStartTimer(): void {
    if (this.startTimer) clearTimeout(this.startTimer);
    this.startTimer = null;
  }

  /** Applies one input; false (and a log line) if the current state does not allow it. */
  private apply(input: CustomerInput): boolean {
    const r = transition(this.state, input);
    if (r.isIllegal) {
      console.warn(`[beacon] ignored ${r.why}`);
      return false;
    }
    this.state = r.state;
    this.syncCollab();
    this.syncVoice();
    document.body.dataset.state = r.state.phase;
    for (const l of [...this.listeners]) l();
    return true;
  }

  /** One VoiceCall per running session, on the link the session runs on. */
  private syncVoice(): void {
    const sessionId = this.state.session?.sessionId ?? null;
    if (this.voice && (this.voice.sessionId !== sessionId || !this.conn)) {
      this.voice.close();
      this.voice = null;
    }
    if (sessionId && this.conn && !this.voice) this.voice = new VoiceCall(sessionId, 'customer', this.conn);
  }

  /** One SessionCollab per session the customer is asked about, kept until that session is over. */
  private syncCollab(): void {
    const s = this.state;
    const sessionId = s.session?.sessionId ?? s.acceptedSessionId ?? s.consent?.sessionId ?? null;
    if (this.sessionCollab && this.sessionCollab.sessionId !== sessionId) {
      this.sessionCollab.close();
      this.sessionCollab = null;
    }
    if (sessionId && !this.sessionCollab) {
      this.sessionCollab = new SessionCollab(sessionId, (msg) => this.conn?.sendCtl(msg) ?? false, this.bridge);
    }
  }
}

function logBridgeError(err: unknown): void {
  console.error('[beacon] main process call failed', err);
}
