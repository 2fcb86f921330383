/**
 * Everything the customer app holds for one session, from the consent request until the
 * session is over: its chat and boards (SessionCollab), the consent and start timers, the
 * screen capture started at Accept, the encoder once the relay confirmed, the agent's quality
 * mode, the voice call while the session runs, and what main was told (session bar, Stop
 * hotkey). CustomerClient keeps at most one and disposes it, once, when the state moves to
 * another session or to none.
 */
import type { RelayConnection } from '@beacon/shared/browser/RelayConnection';
import { VoiceCall, type VoiceCtl } from '@beacon/shared/browser/VoiceCall';
import { DisposableStore, type Disposable } from '@beacon/shared/client/lifecycle';
import { FileTransferSession } from '@beacon/shared/client/FileTransferSession';
import type { CustomerBridge } from '@beacon/shared/ipc';
import { LIMITS, type CtlFromRelay, type QualityMode } from '@beacon/shared/protocol';
import type { ActiveSession, ConsentAsk } from '../common/CustomerState.ts';
import { FrameRepeater } from './FrameRepeater.ts';
import { ScreenCapture } from './ScreenCapture.ts';
import { ScreenEncoder } from './ScreenEncoder.ts';
import { CameraSwitch } from './CameraSwitch.ts';
import { CurtainSwitch } from '../common/CurtainSwitch.ts';
import { SessionCollab } from './SessionCollab.ts';
import { CustomerClipboard } from './clipboardAnswer.ts';
import type { MonitorSelection } from '../common/MonitorSelection.ts';
import { cropToMonitor, loadMonitorSelection } from './monitorCapture.ts';
import type { BarNotices } from '../common/barNotices.ts';

/** How long after Accept the relay has to confirm the session before the customer is told it failed. */
const START_TIMEOUT_MS = 15_000;

export interface CustomerSessionHost {
  readonly bridge: CustomerBridge | undefined;
  readonly barNotices: BarNotices;
  link(): RelayConnection | null;
  /** The id of the session that runs now (null: none). */
  runningSessionId(): string | null;
  /** The Stop hotkey was pressed, or the capture ended by itself: the same as the Stop button. */
  stop(): void;
  captureFailed(sessionId: string, err: unknown): void;
  consentExpired(sessionId: string): void;
  startTimedOut(sessionId: string): void;
}

export function logBridgeError(err: unknown): void {
  console.error('[beacon] main process call failed', err);
}

export class CustomerSession {
  readonly collab: SessionCollab;
  /** Files to and from the agent (capability `file-transfer`); each one the customer accepts or chooses. */
  readonly files: FileTransferSession;
  /** The agent's clipboard requests and the automatic sync (issue 13). */
  readonly clipboard: CustomerClipboard;
  /** Video guidance: the agent's asks for the camera (or the screen again), and the customer's answers. */
  readonly camera: CameraSwitch;
  /** Privacy curtain: the agent's asks to hide the customer's monitors, and the curtain's state. */
  readonly curtain: CurtainSwitch;
  private readonly timers = new DisposableStore();
  private consentTimer: Disposable | null = null;
  private startTimer: Disposable | null = null;
  /** Capture starts at Accept, so the first frame is ready when the relay confirms. */
  private pendingCapture: Promise<ScreenCapture> | null = null;
  private media: { capture: ScreenCapture; encoder: ScreenEncoder; repeater: FrameRepeater; onFrame: (frame: VideoFrame, captureTs: number) => void } | null = null;
  /** The customer's monitors and the agent's choice (null: the picture is the whole capture). */
  private monitors: MonitorSelection | null = null;
  /** A voice-only session accepted and not yet started: nothing is captured for it. */
  private isVoiceAccepted = false;
  /** The agent's first call is answered without asking again (the consent was for that call). */
  private isAutoAnswering = false;
  /** The agent's first ring, when the ctl channel delivered it before the socket's session-started. */
  private earlyRing: VoiceCtl | null = null;
  /** The agent's quality mode (it may come before the capture runs); none: balanced. */
  private qualityMode: QualityMode | null = null;
  private voiceCall: VoiceCall | null = null;
  private unsubscribeHotkey: (() => void) | null = null;
  /** Main was told the session runs (bar shown, hotkey armed) and must be told when it ends. */
  private isMainInSession = false;
  private isDisposed = false;

  constructor(
    readonly sessionId: string,
    private readonly host: CustomerSessionHost,
  ) {
    this.collab = new SessionCollab(sessionId, (msg) => host.link()?.sendCtl(msg) ?? false, host.bridge);
    this.camera = new CameraSwitch(sessionId, {
      sendCtl: (m) => host.link()?.sendCtl(m) ?? false,
      bridge: host.bridge,
      session: this,
    });
    this.curtain = new CurtainSwitch(sessionId, { sendCtl: (m) => host.link()?.sendCtl(m) ?? false, bridge: host.bridge });
    this.clipboard = new CustomerClipboard(sessionId, host.bridge, (m) => void host.link()?.sendCtl(m), (op, size, kind) => host.barNotices.clipboardUsed(op, size, kind));
    this.files = new FileTransferSession(sessionId, 'customer', {
      sendCtl: (m) => host.link()?.sendCtl(m) ?? false,
      sendChunk: (b) => host.link()?.sendMedia(b) ?? false,
      bufferedAmount: () => host.link()?.mediaBufferedAmount ?? 0,
    });
  }

  /** The running session's call (null before it runs, or without a link). */
  get voice(): VoiceCall | null {
    return this.voiceCall;
  }

  /** The consent dialog is up; it closes by itself after the protocol's consent timeout. */
  askingConsent(): void {
    this.consentTimer = this.timers.setTimeout(() => this.host.consentExpired(this.sessionId), LIMITS.consentTimeoutMs);
  }

  clearConsentTimer(): void {
    this.consentTimer?.dispose();
    this.consentTimer = null;
  }

  /** The customer accepted: the screen capture (or the camera: `camera-first`) starts now (not for a voice call), and the relay has a while to confirm. */
  accepted(ask: ConsentAsk): void {
    this.clearConsentTimer();
    if (ask.mode === 'voice') this.isVoiceAccepted = true;
    else if (ask.source === 'camera') {
      // The consent was to the camera only: the screen is not captured at all until its own yes.
      this.pendingCapture = this.camera.openFirst();
      this.pendingCapture.catch(() => undefined);
    } else {
      this.pendingCapture = ScreenCapture.start();
      // Handled when the session starts; this only keeps a failure from going unobserved.
      this.pendingCapture.catch(() => undefined);
    }
    // Never leave the screen captured (locally) for a session that does not come.
    this.startTimer = this.timers.setTimeout(() => this.host.startTimedOut(this.sessionId), START_TIMEOUT_MS);
  }

  /** The relay started a session showing `source`; false if the customer did not accept that (never share an unagreed screen). */
  canStartScreen(source: 'screen' | 'camera'): boolean {
    return this.pendingCapture !== null && this.camera.isFirst() === (source === 'camera');
  }

  /** The relay started a voice session; false if the customer did not accept a call. */
  canStartVoice(): boolean {
    return this.isVoiceAccepted;
  }

  startScreen(session: ActiveSession): void {
    const capture = this.pendingCapture;
    if (!capture) return;
    this.pendingCapture = null;
    this.clearStartTimer();
    this.enterMain({ active: true, agentName: session.agentName });
    this.clipboard.controlChanged(session.permissions.control);
    capture.then(
      (c) => this.startEncoding(session, c),
      (err: unknown) => this.host.captureFailed(this.sessionId, err),
    );
  }

  /** A voice-only session: no capture, no encoder; the agent's call is answered as it rings. */
  startVoice(session: ActiveSession): void {
    this.isVoiceAccepted = false;
    this.clearStartTimer();
    // Open under the bar from the start: the call's controls are the session.
    this.enterMain({ active: true, agentName: session.agentName, isExpanded: true });
    this.isAutoAnswering = true;
    const early = this.earlyRing;
    this.earlyRing = null;
    if (early && this.voiceCall) this.onVoice(this.voiceCall, early);
  }

  /** One VoiceCall while the session runs (`runningSessionId` is the state's, about to be shown), on the link it runs on. */
  syncVoice(runningSessionId: string | null): void {
    const link = this.host.link();
    const isRunning = !this.isDisposed && runningSessionId === this.sessionId;
    if (this.voiceCall && (!isRunning || !link)) {
      this.voiceCall.close();
      this.voiceCall = null;
    }
    if (isRunning && link && !this.voiceCall) this.voiceCall = new VoiceCall(this.sessionId, 'customer', link);
  }

  onVoiceCtl(msg: VoiceCtl): void {
    if (this.voiceCall) this.onVoice(this.voiceCall, msg);
    else if (msg.type === 'voice-request' && this.isVoiceAccepted) this.earlyRing = msg;
  }

  /** The agent chose how the screen is captured and encoded; applied at once (or when the capture runs). */
  setQualityMode(mode: QualityMode): void {
    this.qualityMode = mode;
    const media = this.media;
    if (!media) return;
    media.encoder.setMode(mode);
    void media.capture.setMode(mode).then(() => console.info(`[beacon] quality mode ${mode}, capturing at`, JSON.stringify(media.capture.settings)));
  }

  /** Input, keyframe requests and pings of the running session. */
  onSessionCtl(msg: CtlFromRelay, session: ActiveSession): void {
    switch (msg.type) {
      case 'input': {
        // View-only sessions and the browser build (no bridge) never inject, whatever arrives.
        const size = this.media?.encoder.frameSize;
        const bridge = this.host.bridge;
        // Only onto the screen the picture shows: never while it shows the camera, or nothing.
        const isScreen = this.media?.capture.kind === 'screen' && !this.media.capture.stopped;
        if (!session.permissions.control || !bridge || !size || !isScreen) return;
        const region = this.monitors?.region();
        void bridge.injectInput({ event: msg.event, frameWidth: size.width, frameHeight: size.height, ...(region ? { region } : {}) }).catch(logBridgeError);
        return;
      }
      case 'keyframe-request':
        this.media?.encoder.requestKeyframe();
        return;
      case 'link-probe-ack':
        this.media?.encoder.onProbeAck(msg.id);
        return;
      case 'receive-report':
        this.media?.encoder.onReceiveReport(msg);
        return;
      case 'ping':
        this.host.link()?.sendCtl({ type: 'pong', sessionId: session.sessionId, t: msg.t });
        return;
      case 'monitor-select':
        // The next frames show the chosen monitor; the agent is told, and its picture restarts clean.
        if (this.monitors?.select(msg.monitor)) this.media?.encoder.requestKeyframe();
        if (this.monitors) this.host.link()?.sendCtl(this.monitors.listMessage(session.sessionId));
        if (this.monitors) this.host.barNotices.monitorShown(this.monitors);
        return;
      case 'clipboard-send':
      case 'clipboard-fetch':
      case 'clipboard-image':
        this.clipboard.controlChanged(session.permissions.control);
        this.clipboard.onCtl(msg);
        return;
      default:
        return;
    }
  }

  /** Back on a new link (resumed): the agent's picture restarts from a keyframe, sent at once. */
  resumed(): void {
    this.media?.encoder.linkReplaced();
    this.curtain.resumed();
    this.files.resumed();
  }

  /** Stops capture and encoding at once, and tells main the session is over. Idempotent. */
  endMedia(): void {
    this.clearStartTimer();
    this.isVoiceAccepted = false;
    this.isAutoAnswering = false;
    this.earlyRing = null;
    this.qualityMode = null;
    if (this.pendingCapture) {
      this.pendingCapture.then((c) => c.stop(), () => undefined);
      this.pendingCapture = null;
    }
    this.monitors = null;
    this.camera.dispose();
    // The curtain comes down with the session (it outlives only a dropped link, which ends no media).
    this.curtain.dispose();
    this.host.barNotices.clear();
    if (this.media) {
      this.media.capture.stop();
      this.media.repeater.close();
      this.media.encoder.close();
      this.media = null;
    }
    this.unsubscribeHotkey?.();
    this.unsubscribeHotkey = null;
    if (this.isMainInSession) {
      this.isMainInSession = false;
      void this.host.bridge?.setSessionState({ active: false }).catch(logBridgeError);
    }
  }

  /** Idempotent. The session is over (or the app closes): media, timers, call and collaboration go. */
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.endMedia();
    this.timers.dispose();
    this.voiceCall?.close();
    this.voiceCall = null;
    this.camera.dispose();
    this.collab.close();
    this.files.dispose();
    this.clipboard.dispose();
  }

  private onVoice(call: VoiceCall, msg: VoiceCtl): void {
    call.handle(msg);
    if (msg.type === 'voice-request' && msg.from === 'agent' && this.isAutoAnswering) {
      this.isAutoAnswering = false;
      void call.accept();
    }
  }

  private enterMain(state: { active: true; agentName: string; isExpanded?: boolean }): void {
    const bridge = this.host.bridge;
    if (!bridge) return;
    this.isMainInSession = true;
    void bridge.setSessionState(state).catch(logBridgeError);
    this.unsubscribeHotkey ??= bridge.onStopHotkey(() => this.host.stop());
  }

  private startEncoding(session: ActiveSession, capture: ScreenCapture): void {
    const conn = this.host.link();
    if (this.isDisposed || this.host.runningSessionId() !== this.sessionId || !conn) {
      capture.stop();
      return;
    }
    const mode = this.qualityMode ?? undefined;
    const link = () => this.host.link();
    const encoder = new ScreenEncoder({
      // Whatever link is up now: a resumed session goes on over the new one.
      sink: {
        sendCtl: (m) => link()?.sendCtl(m) ?? false,
        sendMedia: (f) => link()?.sendMedia(f) ?? false,
        get mediaBufferedAmount() {
          return link()?.mediaBufferedAmount ?? 0;
        },
      },
      sessionId: session.sessionId,
      streamId: session.streamId,
      onFatal: (err) => this.host.captureFailed(session.sessionId, err),
      ...(mode ? { mode } : {}),
    });
    const onFrame = (captured: VideoFrame, captureTs: number) => {
      // Monitors are the screen's: a camera picture is shown whole.
      const frame = cropToMonitor(captured, this.media?.capture.kind === 'camera' ? null : this.monitors);
      this.collab.keepFrame(frame);
      encoder.encode(frame, captureTs);
    };
    const repeater = new FrameRepeater(onFrame);
    this.media = { capture, encoder, repeater, onFrame };
    if (mode) void capture.setMode(mode);
    // The browser may capture at another size than asked for (e.g. scaled to 720p); worth a line when it does.
    console.info(`[beacon] capturing the ${capture.kind} at`, JSON.stringify(capture.settings));
    this.runCapture(capture);
    // A session on the camera: the agent is told, and the screen's monitors are not (they are the screen's).
    if (capture.kind === 'camera') return this.camera.shownFirst(capture);
    void loadMonitorSelection(this.host.bridge).then((monitors) => {
      if (this.media?.encoder !== encoder || !monitors) return;
      this.monitors = monitors;
      this.host.link()?.sendCtl(monitors.listMessage(session.sessionId));
      this.host.barNotices.monitorShown(monitors);
    });
  }

  /** Feeds the capture's frames to the session's encoder (and its repeater). */
  private runCapture(capture: ScreenCapture): void {
    const media = this.media;
    if (!media) return;
    capture.run(
      (captured, captureTs) => {
        media.repeater.keep(captured);
        media.onFrame(captured, captureTs);
      },
      // The capture ended by itself (e.g. the browser's own "Stop sharing", a camera unplugged).
      () => {
        if (this.media?.capture !== capture) return;
        if (capture.kind === 'camera') this.camera.captureEnded();
        else this.host.stop();
      },
    );
  }

  /**
   * Video guidance: the picture comes from `capture` from now on (the camera, or the screen
   * again), through the same encoder, so the agent's view and the recording go on; null stops
   * the picture (the camera turned off). False when no picture runs (`capture` is then stopped).
   */
  replaceCapture(capture: ScreenCapture | null): boolean {
    const media = this.media;
    if (!media || this.isDisposed) {
      capture?.stop();
      return false;
    }
    media.capture.stop();
    media.repeater.forget();
    // Off: the stopped capture stays in place (no frames, no input) until the agent asks again.
    if (!capture) return true;
    media.capture = capture;
    this.runCapture(capture);
    media.encoder.requestKeyframe();
    return true;
  }

  /** What the picture shows now (null: no picture runs). */
  get capture(): ScreenCapture | null {
    return this.media?.capture ?? null;
  }

  private clearStartTimer(): void {
    this.startTimer?.dispose();
    this.startTimer = null;
  }
}
