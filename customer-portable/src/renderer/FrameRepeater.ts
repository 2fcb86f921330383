/**
 * Chromium's screen capture delivers no frame while nothing on the screen changes (under X a
 * still desktop gives none for minutes). A keyframe asked for meanwhile (a viewer joined, a
 * supervisor started to monitor, a frame was lost) would then wait for the next change, and
 * so would the stream's heartbeat. The repeater keeps a copy of the last captured frame and,
 * when none came for {@link REPEAT_AFTER_MS}, hands a copy on again, as if captured now; the
 * encoder decides as for any frame whether it is worth encoding (an unchanged picture is
 * skipped unless a keyframe is pending or the heartbeat is due).
 *
 * Holds one frame at most; every frame it hands on is the receiver's to close.
 */
import { epochNow } from './ScreenCapture.ts';

export const REPEAT_AFTER_MS = 1000;
const CHECK_MS = 250;

export class FrameRepeater {
  private last: VideoFrame | null = null;
  private lastAt = 0;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly onFrame: (frame: VideoFrame, captureTs: number) => void) {
    this.timer = setInterval(() => this.repeatIfQuiet(), CHECK_MS);
  }

  /** A frame was captured: kept (a copy) in place of the one before. The caller keeps `frame`. */
  keep(frame: VideoFrame): void {
    this.last?.close();
    this.last = frame.clone();
    this.lastAt = performance.now();
  }

  /** The picture's source changed or stopped: the kept frame goes, so it is not repeated. */
  forget(): void {
    this.last?.close();
    this.last = null;
  }

  /** Idempotent. Stops repeating and lets the kept frame go. */
  close(): void {
    clearInterval(this.timer);
    this.last?.close();
    this.last = null;
  }

  private repeatIfQuiet(): void {
    const now = performance.now();
    if (!this.last || now - this.lastAt < REPEAT_AFTER_MS) return;
    this.lastAt = now;
    try {
      this.onFrame(this.last.clone(), epochNow());
    } catch (err) {
      console.error('[beacon] repeating the last frame failed', err);
    }
  }
}
