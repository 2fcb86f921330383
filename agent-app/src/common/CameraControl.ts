/**
 * Video guidance in the console (capability `camera`): the agent asks to see the customer's
 * camera instead of the screen, or the screen again; the customer answers each ask and tells
 * what the picture shows. The picture itself needs nothing here: the camera comes on the
 * session's one stream, so the canvas, the whiteboard and the recording go on as they are.
 * Pure (no DOM): the view subscribes to it.
 */
import type { CameraCtl, CtlToRelay, ShownSource, VideoSource } from '@beacon/shared/protocol';

export interface CameraControlSnapshot {
  /** What the customer's picture shows now. */
  shown: ShownSource;
  /** The ask waiting for the customer's answer. */
  asking: VideoSource | null;
  /** The customer said no to the last ask (cleared by the next ask). */
  declined: VideoSource | null;
}

export class CameraControl {
  private snap: CameraControlSnapshot = { shown: 'screen', asking: null, declined: null };
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly sessionId: string,
    private readonly sendCtl: (msg: CtlToRelay) => boolean,
  ) {}

  readonly subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  readonly getSnapshot = (): CameraControlSnapshot => this.snap;

  /** What the agent may ask for now: the camera while the screen is shown, else the screen (or the camera again when off). */
  get choices(): readonly VideoSource[] {
    if (this.snap.shown === 'screen') return ['camera'];
    if (this.snap.shown === 'camera') return ['screen'];
    return ['camera', 'screen'];
  }

  /** Asks the customer; false if the message could not be sent (no link, or a relay without `camera`). */
  ask(source: VideoSource): boolean {
    if (!this.choices.includes(source)) return false;
    const sent = this.sendCtl({ type: 'camera-request', sessionId: this.sessionId, source });
    if (sent) this.set({ asking: source, declined: null });
    return sent;
  }

  onCtl(msg: CameraCtl): void {
    if (msg.sessionId !== this.sessionId) return;
    if (msg.type === 'camera-answer') {
      if (msg.source === this.snap.asking) this.set({ asking: null, declined: msg.granted ? null : msg.source });
    } else if (msg.type === 'camera-source') this.set({ shown: msg.source });
  }

  /**
   * The session started on the camera (capability `camera-first`): nothing is shown until the
   * customer's `camera-source`, which may have come first on the data channel (then it stands).
   */
  startedOnCamera(): void {
    if (this.snap.shown === 'screen') this.set({ shown: 'off' });
  }

  /** The relay refused an ask (e.g. the picture already shows it): nothing is waiting any more. */
  askRefused(): void {
    if (this.snap.asking) this.set({ asking: null });
  }

  private set(patch: Partial<CameraControlSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const l of [...this.listeners]) l();
  }
}
