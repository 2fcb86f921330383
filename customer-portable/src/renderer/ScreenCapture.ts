import { DEFAULT_QUALITY_MODE, type QualityMode } from '@beacon/shared/protocol';
import { captureConstraints, modeSettings, SOURCE_FRAME_RATE } from '../common/encoderSettings.ts';

/** Epoch milliseconds with sub-ms precision, comparable across processes on one machine. */
export const epochNow = (): number => performance.timeOrigin + performance.now();

/**
 * Frames the processor may hold while we are busy; older ones are dropped by Chromium
 * (and closed by it), so a slow encoder never makes the picture lag behind.
 */
const PROCESSOR_BUFFER = 1;

export type FrameHandler = (frame: VideoFrame, captureTs: number) => void;

/**
 * The customer's screen as a stream of VideoFrames. In Electron, main answers
 * getDisplayMedia with the primary screen; in Chromium the
 * `--auto-select-desktop-capture-source` flag does, so no picker is shown either way.
 */
export class ScreenCapture {
  private isStopped = false;
  private reader: ReadableStreamDefaultReader<VideoFrame> | null = null;
  private endedHandler: (() => void) | null = null;

  private constructor(
    private readonly track: MediaStreamTrack,
    /** `camera`: video guidance (the customer agreed to show the camera instead of the screen). */
    readonly kind: 'screen' | 'camera' = 'screen',
  ) {
    track.addEventListener('ended', () => this.onTrackEnded(), { once: true });
  }

  static async start(): Promise<ScreenCapture> {
    if (typeof MediaStreamTrackProcessor === 'undefined' || typeof VideoEncoder === 'undefined') {
      throw new Error('this browser has no MediaStreamTrackProcessor/VideoEncoder');
    }
    // Opened at the fastest mode's rate (a screen track's rate can be lowered later, not raised),
    // then held to the default mode's until the agent picks another.
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: captureConstraints(SOURCE_FRAME_RATE), audio: false });
    const track = stream.getVideoTracks()[0];
    if (!track) throw new Error('getDisplayMedia returned no video track');
    const capture = new ScreenCapture(track);
    await capture.setMode(DEFAULT_QUALITY_MODE);
    return capture;
  }

  /**
   * The customer's camera, for video guidance, as frames like the screen's (the same encoder
   * takes them). Asked for only after the customer agreed to show it.
   */
  static async camera(): Promise<ScreenCapture> {
    if (typeof MediaStreamTrackProcessor === 'undefined' || typeof VideoEncoder === 'undefined') {
      throw new Error('this browser has no MediaStreamTrackProcessor/VideoEncoder');
    }
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
    const track = stream.getVideoTracks()[0];
    if (!track) throw new Error('getUserMedia returned no video track');
    track.contentHint = 'motion';
    return new ScreenCapture(track, 'camera');
  }

  /** The captured track, for a local preview (the camera shown to the customer under the agent's drawing). */
  get mediaTrack(): MediaStreamTrack {
    return this.track;
  }

  /**
   * Captures at the mode's frame rate from now on, with its content hint (`detail`/`text`:
   * keep the resolution and drop frames instead; `motion`: keep the frame rate). A browser
   * refusing the constraints leaves the capture as it was (logged): the session goes on.
   */
  async setMode(mode: QualityMode): Promise<void> {
    // A camera keeps its own rate and size: the quality modes are about screens.
    if (this.isStopped || this.kind === 'camera') return;
    const m = modeSettings(mode);
    this.track.contentHint = m.trackHint;
    try {
      await this.track.applyConstraints(captureConstraints(m.frameRate));
    } catch (err) {
      console.warn(`[beacon] the capture kept its frame rate for ${mode}`, err);
    }
  }

  /** The capture's actual size (the browser may not honour what we asked for). */
  get settings(): { width?: number; height?: number; frameRate?: number } {
    const s = this.track.getSettings();
    return { width: s.width, height: s.height, frameRate: s.frameRate };
  }

  /** Starts delivering frames. The handler owns each frame and must close it. */
  run(onFrame: FrameHandler, onEnded: () => void): void {
    if (this.reader || this.isStopped) return;
    this.endedHandler = onEnded;
    const processor = new MediaStreamTrackProcessor({ track: this.track, maxBufferSize: PROCESSOR_BUFFER });
    this.reader = processor.readable.getReader();
    void this.pump(this.reader, onFrame);
  }

  private async pump(reader: ReadableStreamDefaultReader<VideoFrame>, onFrame: FrameHandler): Promise<void> {
    for (;;) {
      let r: ReadableStreamReadResult<VideoFrame>;
      try {
        r = await reader.read();
      } catch {
        break;
      }
      if (r.done) break;
      const captureTs = epochNow();
      if (this.isStopped) {
        r.value.close();
        break;
      }
      try {
        onFrame(r.value, captureTs);
      } catch (err) {
        console.error('[beacon] frame handler failed', err);
      }
    }
    this.onTrackEnded();
  }

  private onTrackEnded(): void {
    if (this.isStopped) return;
    // The capture ended without us stopping it (e.g. the browser's "Stop sharing").
    this.stop();
    this.endedHandler?.();
  }

  /** Idempotent. Stops the screen capture at once (the OS capture indicator goes away). */
  stop(): void {
    if (this.isStopped) return;
    this.isStopped = true;
    this.reader?.cancel().catch(() => undefined);
    this.track.stop();
  }

  get stopped(): boolean {
    return this.isStopped;
  }
}
