/**
 * A started session on the agent's side: its canvas, video pipeline, input (if granted),
 * and the once-a-second ping for the latency figure. The canvas outlives `close()` so an
 * ended tab still shows the last picture.
 */
import type { InputEvent, KeyboardMode, Shortcut } from '@beacon/shared/input';
import { loadKeyboardMode, saveKeyboardMode } from './control/keyboardMode.ts';
import { ClipboardShare } from './control/ClipboardShare.ts';
import { MonitorPicker } from '../common/MonitorPicker.ts';
import type { CtlToRelay, QualityMode, StreamConfig, StreamState } from '@beacon/shared/protocol';
import { LatencyTracker } from '../common/RollingWindow.ts';
import { InputController } from './InputController.ts';
import { now } from './clock.ts';
import { VideoPipeline, type VideoStats } from './VideoPipeline.ts';

const PING_INTERVAL_MS = 1000;

export interface SessionStats extends VideoStats {
  latencyMs: number | null;
  /** The customer runs the stream below its mode's best for the link (null: not told). */
  isSlowLink: boolean | null;
  /** The bitrate the customer thinks the link carries, bits per second (null: not told). */
  linkBps: number | null;
}

type SizeListener = (width: number, height: number) => void;

export class RemoteSession {
  readonly canvas: HTMLCanvasElement;
  private readonly pipeline: VideoPipeline;
  private readonly input: InputController | null;
  private readonly latency = new LatencyTracker();
  private readonly pingTimer: ReturnType<typeof setInterval>;
  private readonly sizeListeners = new Set<SizeListener>();
  private isClosed = false;
  /** What the relay was last told about this view; it takes a new session as visible. */
  private isVisibleSent = true;
  /** The quality mode the customer was last sent (null: none yet; it then runs balanced). */
  private qualityModeSent: QualityMode | null = null;
  /** The customer's latest word on how its stream adapts to the link. */
  private streamState: StreamState | null = null;
  /** Clipboard text to and from the customer's PC; null without control. */
  readonly clipboard: ClipboardShare | null;
  /** The customer's monitors and which one the picture shows. */
  readonly monitors: MonitorPicker;
  /** How printable keys travel to the customer's PC (the agent's choice, kept across reloads). */
  keyboardMode: KeyboardMode = loadKeyboardMode();
  /** i18n key of a problem with the picture (the session itself goes on), or null. */
  warningKey: string | null = null;

  constructor(
    readonly sessionId: string,
    readonly streamId: number,
    readonly hasControl: boolean,
    private readonly sendCtl: (msg: CtlToRelay) => boolean,
    private readonly onChange: () => void,
    /** The mode the session starts in (sent to the customer at once). */
    private mode: QualityMode,
  ) {
    const canvas = document.createElement('canvas');
    canvas.dataset.testid = 'session-canvas';
    canvas.dataset.sessionId = sessionId;
    canvas.dataset.frames = '0';
    canvas.className = 'session-canvas';
    canvas.width = 0;
    canvas.height = 0;
    if (hasControl) canvas.tabIndex = 0;
    this.canvas = canvas;
    this.pipeline = new VideoPipeline({
      sessionId,
      canvas,
      requestKeyframe: () => void this.sendCtl({ type: 'keyframe-request', sessionId }),
      sendReport: (report) => void this.sendCtl({ type: 'receive-report', sessionId, ...report }),
      onVideoSize: (w, h) => {
        for (const l of [...this.sizeListeners]) l(w, h);
        this.onChange();
      },
      onFatal: (key) => {
        this.warningKey = key;
        this.onChange();
      },
    });
    this.input = hasControl
      ? new InputController(
          canvas,
          () => ({ width: this.pipeline.videoWidth, height: this.pipeline.videoHeight }),
          (event: InputEvent) => void this.sendCtl({ type: 'input', sessionId, event }),
          () => this.keyboardMode,
        )
      : null;
    this.clipboard = hasControl ? new ClipboardShare(sessionId, sendCtl, onChange) : null;
    this.monitors = new MonitorPicker(sessionId, sendCtl, onChange);
    this.pingTimer = setInterval(() => this.ping(), PING_INTERVAL_MS);
    this.ping();
    this.syncQualityMode();
  }

  /** Whether the agent may use the keyboard and mouse on this session. */
  get hasInput(): boolean {
    return this.input !== null;
  }

  setKeyboardMode(mode: KeyboardMode): void {
    this.keyboardMode = mode;
    saveKeyboardMode(mode);
    this.onChange();
  }

  /** Sends a key combination from the keys menu; nothing without control. */
  sendShortcut(name: Shortcut): void {
    this.input?.sendShortcut(name);
  }

  get qualityMode(): QualityMode {
    return this.mode;
  }

  /** The agent picked a quality mode: the customer is told (see {@link syncQualityMode}). */
  setQualityMode(mode: QualityMode): void {
    if (this.isClosed) return;
    this.mode = mode;
    this.syncQualityMode();
  }

  /** Tells the customer the mode if it was not told yet; call it again if there was no ctl channel (it retries). */
  syncQualityMode(): void {
    if (this.isClosed || this.qualityModeSent === this.mode) return;
    if (this.sendCtl({ type: 'quality-mode', sessionId: this.sessionId, mode: this.mode })) this.qualityModeSent = this.mode;
  }

  /**
   * Whether this session's picture is on the agent's screen. The relay is told (it then sends
   * keyframes only), then the pipeline (which asks for a keyframe when shown again, after the
   * relay knows). Call it again if it could not be sent (no ctl channel): it retries.
   */
  setVisible(isVisible: boolean): void {
    if (this.isClosed) return;
    if (this.isVisibleSent !== isVisible && this.sendCtl({ type: 'view-state', sessionId: this.sessionId, isVisible })) {
      this.isVisibleSent = isVisible;
    }
    this.pipeline.setVisible(isVisible);
  }

  configure(config: StreamConfig): void {
    this.pipeline.configure(config);
  }

  pushFragment(fragment: Uint8Array): void {
    this.pipeline.pushFragment(fragment);
  }

  onPong(sentAt: number): void {
    if (this.isClosed) return;
    const rtt = now() - sentAt;
    // A pong for a ping we never sent (or from a skewed clock) would be garbage: ignore it.
    if (rtt >= 0 && rtt < 60_000) this.latency.add(rtt);
  }

  onStreamState(state: StreamState): void {
    if (!this.isClosed) this.streamState = state;
  }

  stats(): SessionStats {
    const s = this.streamState;
    return {
      ...this.pipeline.stats(),
      latencyMs: this.isClosed ? null : this.latency.medianMs,
      isSlowLink: s ? s.isSteppedDown : null,
      linkBps: s ? s.targetBps : null,
    };
  }

  get videoWidth(): number {
    return this.pipeline.videoWidth;
  }

  /**
   * The customer's screen size, the space whiteboard strokes are in: the video's size unless the
   * customer said it sends a scaled copy (stream-state).
   */
  get boardSize(): { width: number; height: number } {
    const s = this.streamState;
    if (s?.sourceWidth && s.sourceHeight) return { width: s.sourceWidth, height: s.sourceHeight };
    return { width: this.pipeline.videoWidth, height: this.pipeline.videoHeight };
  }

  get videoHeight(): number {
    return this.pipeline.videoHeight;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  onVideoSize(listener: SizeListener): () => void {
    this.sizeListeners.add(listener);
    return () => this.sizeListeners.delete(listener);
  }

  /** Idempotent. Stops video, input and pings; keeps the canvas with its last picture. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearInterval(this.pingTimer);
    this.input?.dispose();
    this.clipboard?.dispose();
    this.pipeline.close();
    this.canvas.tabIndex = -1;
    this.canvas.dataset.ended = 'true';
    this.latency.clear();
  }

  private ping(): void {
    this.sendCtl({ type: 'ping', sessionId: this.sessionId, t: now() });
  }
}
