/**
 * Video guidance on the customer's side (capability `camera`): the agent asks for the camera
 * (or the screen again), the customer answers in a dialog, and only after a yes is the new
 * source captured and fed into the session's one encoder (CustomerSession.replaceCapture), so
 * the agent's picture and the recording simply go on. The customer can turn the camera off at
 * any time; the camera is never opened for an ask that was declined.
 *
 * In Electron, main lets the page open the camera only between the customer's yes and the
 * camera going off (`setCameraAllowed`), so a page that asked on its own would be refused.
 *
 * A session that starts on the camera (capability `camera-first`): the customer's yes to the
 * session is a yes to the camera only; the camera opens at that yes (`openFirst`) and, once the
 * session runs, is shown and the agent told (`shownFirst`). The screen needs a later ask.
 */
import type { CustomerBridge } from '@beacon/shared/ipc';
import type { CameraCtl, CtlToRelay, ShownSource, VideoSource } from '@beacon/shared/protocol';
import { ScreenCapture } from './ScreenCapture.ts';

/** The session's picture as CameraSwitch needs it (CustomerSession). */
export interface PictureHost {
  replaceCapture(capture: ScreenCapture | null): boolean;
  readonly capture: ScreenCapture | null;
}

export interface CameraSwitchHost {
  sendCtl(msg: CtlToRelay): boolean;
  bridge: CustomerBridge | undefined;
  session: PictureHost;
  /** Opens a source (tests give their own); default: the camera or the screen through ScreenCapture. */
  open?: (source: VideoSource) => Promise<ScreenCapture>;
}

/** Why a source could not be shown after the customer agreed. */
export type CameraProblem = 'camera-failed' | 'screen-failed';

export interface CameraSnapshot {
  /** The agent's open ask, waiting for the customer's answer. */
  ask: VideoSource | null;
  /** What the picture shows now. */
  shown: ShownSource;
  /** The camera being shown (for the preview under the agent's drawing), or null. */
  cameraTrack: MediaStreamTrack | null;
  problem: CameraProblem | null;
  /** The customer said yes and the source is being opened. */
  isStarting: boolean;
}

const openSource = (source: VideoSource): Promise<ScreenCapture> => (source === 'camera' ? ScreenCapture.camera() : ScreenCapture.start());

const INITIAL: CameraSnapshot = { ask: null, shown: 'screen', cameraTrack: null, problem: null, isStarting: false };

export class CameraSwitch {
  private snap: CameraSnapshot = INITIAL;
  private readonly listeners = new Set<() => void>();
  private isDisposed = false;
  /** The customer's consent to the session was to the camera (`camera-first`). */
  private isCameraFirst = false;

  constructor(
    readonly sessionId: string,
    private readonly host: CameraSwitchHost,
  ) {}

  readonly subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  readonly getSnapshot = (): CameraSnapshot => this.snap;

  /** A `camera-*` message of this session from the relay. */
  onCtl(msg: CameraCtl): void {
    if (this.isDisposed || msg.sessionId !== this.sessionId || msg.type !== 'camera-request') return;
    this.set({ ask: msg.source, problem: null });
  }

  /** Whether the session was agreed to on the camera (`camera-first`). */
  isFirst(): boolean {
    return this.isCameraFirst;
  }

  /** The customer agreed to a session on the camera: only the camera opens (nothing is shown yet). */
  async openFirst(): Promise<ScreenCapture> {
    this.isCameraFirst = true;
    this.set({ shown: 'off', isStarting: true });
    await this.allowCamera(true);
    try {
      return await (this.host.open ?? openSource)('camera');
    } catch (err) {
      await this.allowCamera(false);
      this.set({ isStarting: false, problem: 'camera-failed' });
      throw err;
    }
  }

  /** The session runs on the camera opened by `openFirst`: the picture shows it, and the agent is told. */
  shownFirst(capture: ScreenCapture): void {
    this.set({ isStarting: false, shown: 'camera', cameraTrack: capture.mediaTrack });
    this.send({ type: 'camera-source', sessionId: this.sessionId, source: 'camera' });
  }

  /** The customer agreed to the open ask: the source opens, then replaces the picture. */
  async accept(): Promise<void> {
    const source = this.snap.ask;
    if (!source || this.snap.isStarting) return;
    this.set({ ask: null, isStarting: true });
    this.send({ type: 'camera-answer', sessionId: this.sessionId, source, granted: true });
    if (source === 'camera') await this.allowCamera(true);
    let capture: ScreenCapture;
    try {
      capture = await (this.host.open ?? openSource)(source);
    } catch (err) {
      console.error(`[beacon] could not open the ${source}`, err);
      if (source === 'camera') await this.allowCamera(false);
      this.set({ isStarting: false, problem: source === 'camera' ? 'camera-failed' : 'screen-failed' });
      return;
    }
    if (this.isDisposed || !this.host.session.replaceCapture(capture)) {
      capture.stop();
      await this.allowCamera(false);
      this.set({ isStarting: false });
      return;
    }
    if (source === 'screen') await this.allowCamera(false);
    this.set({ isStarting: false, shown: source, cameraTrack: source === 'camera' ? capture.mediaTrack : null });
    this.send({ type: 'camera-source', sessionId: this.sessionId, source });
  }

  /** The customer said no: nothing is opened, the picture stays as it is. */
  decline(): void {
    const source = this.snap.ask;
    if (!source) return;
    this.set({ ask: null });
    this.send({ type: 'camera-answer', sessionId: this.sessionId, source, granted: false });
  }

  /** The customer turned the camera off: it stops at once, and the agent is told. */
  turnOff(): void {
    if (this.snap.shown !== 'camera') return;
    this.host.session.replaceCapture(null);
    this.cameraGone();
  }

  /** The camera stopped by itself (unplugged, or taken by the system). */
  captureEnded(): void {
    if (this.snap.shown === 'camera') this.cameraGone();
  }

  /** Idempotent. The session is over: the camera may no longer be opened. */
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    if (this.snap.shown === 'camera' || this.snap.isStarting) void this.allowCamera(false);
    this.snap = INITIAL;
    this.listeners.clear();
  }

  private cameraGone(): void {
    void this.allowCamera(false);
    this.set({ shown: 'off', cameraTrack: null });
    this.send({ type: 'camera-source', sessionId: this.sessionId, source: 'off' });
  }

  private async allowCamera(allowed: boolean): Promise<void> {
    try {
      await this.host.bridge?.setCameraAllowed?.({ allowed });
    } catch (err) {
      console.error('[beacon] main process call failed', err);
    }
  }

  private send(msg: CameraCtl): void {
    if (!this.isDisposed) this.host.sendCtl(msg);
  }

  private set(patch: Partial<CameraSnapshot>): void {
    if (this.isDisposed) return;
    this.snap = { ...this.snap, ...patch };
    for (const l of [...this.listeners]) l();
  }
}
