/**
 * One session's collaboration on the customer's side: the shared CollabSession (chat,
 * attachments, boards), strokes of the `screen` board forwarded to the overlay over the
 * real screen, and screenshots taken from the captured video at full resolution.
 */
import type { Stroke } from '@beacon/shared/collab';
import { CollabSession } from '@beacon/shared/browser/CollabSession';
import type { CustomerBridge } from '@beacon/shared/ipc';
import type { CtlFromRelay, CtlToRelay } from '@beacon/shared/protocol';
import { OverlayLink, type FrameSize } from './OverlayLink.ts';

/** How long a screenshot request waits for a first captured frame. */
const SCREENSHOT_FRAME_WAIT_MS = 3000;

/** A full-resolution PNG of one video frame (the frame stays the caller's). */
export async function frameToPng(frame: VideoFrame): Promise<Blob> {
  const canvas = new OffscreenCanvas(frame.displayWidth, frame.displayHeight);
  const g = canvas.getContext('2d');
  if (!g) throw new Error('no 2d context for the screenshot');
  g.drawImage(frame, 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}

function screenshotName(at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `screenshot-${at.getFullYear()}${p(at.getMonth() + 1)}${p(at.getDate())}-${p(at.getHours())}${p(at.getMinutes())}${p(at.getSeconds())}.png`;
}

export class SessionCollab {
  readonly collab: CollabSession;
  private readonly overlay: OverlayLink;
  /** The newest captured frame (a clone we own), for screenshots. */
  private lastFrame: VideoFrame | null = null;
  private frameWaiters: (() => void)[] = [];
  private isKeepingDrawings = false;
  private readonly listeners = new Set<() => void>();
  private isClosed = false;

  constructor(
    readonly sessionId: string,
    sendCtl: (msg: CtlToRelay) => boolean,
    bridge: CustomerBridge | undefined,
  ) {
    this.collab = new CollabSession(sessionId, 'customer', sendCtl);
    this.overlay = new OverlayLink(bridge, () => this.resyncOverlay());
    this.collab.onBoardMessage((board, msg) => {
      if (board !== 'screen') return;
      if (msg.type === 'stroke') this.overlay.stroke(this.forOverlay(msg.stroke), this.frameSize);
      else if (msg.type === 'stroke-undo') this.overlay.undo(msg.strokeId);
      else if (msg.type === 'board-clear') this.overlay.clear();
    });
  }

  /** The customer's choice: the agent's fading strokes stay on screen until undone or cleared. */
  get keepsDrawings(): boolean {
    return this.isKeepingDrawings;
  }

  setKeepDrawings(isKeeping: boolean): void {
    if (this.isKeepingDrawings === isKeeping) return;
    this.isKeepingDrawings = isKeeping;
    this.resyncOverlay();
    for (const l of [...this.listeners]) l();
  }

  readonly subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  /** Size of the captured video: the space stroke coordinates are in. */
  get frameSize(): FrameSize {
    if (this.lastFrame) return { width: this.lastFrame.displayWidth, height: this.lastFrame.displayHeight };
    return { width: Math.round(screen.width * devicePixelRatio), height: Math.round(screen.height * devicePixelRatio) };
  }

  /** Feeds one ctl message of this session; false if it is not one of ours. */
  handle(msg: CtlFromRelay): boolean {
    if (this.isClosed || !('sessionId' in msg) || msg.sessionId !== this.sessionId) return false;
    if (msg.type === 'screenshot-request') {
      void this.sendScreenshot(msg.requestId).catch((err: unknown) => console.error('[beacon] screenshot failed', err));
      return true;
    }
    return this.collab.handle(msg);
  }

  /** Called with every captured frame (before the encoder closes it): keeps a clone of the newest. */
  keepFrame(frame: VideoFrame): void {
    if (this.isClosed) return;
    this.lastFrame?.close();
    this.lastFrame = frame.clone();
    for (const w of this.frameWaiters.splice(0)) w();
  }

  private async sendScreenshot(requestId: string): Promise<void> {
    if (!this.lastFrame) {
      await new Promise<void>((resolve) => {
        this.frameWaiters.push(resolve);
        setTimeout(resolve, SCREENSHOT_FRAME_WAIT_MS);
      });
    }
    const frame = this.lastFrame?.clone();
    if (!frame) {
      console.warn('[beacon] screenshot asked for before any frame was captured');
      return;
    }
    let png: Blob;
    try {
      png = await frameToPng(frame);
    } finally {
      frame.close();
    }
    if (this.isClosed) return;
    const refused = await this.collab.sendFile(png, screenshotName(new Date()), 'screenshot', requestId);
    if (refused) console.warn(`[beacon] screenshot not sent: ${refused} (${png.size} bytes)`);
  }

  private forOverlay(stroke: Stroke): Stroke {
    return this.isKeepingDrawings && stroke.isFading ? { ...stroke, isFading: false } : stroke;
  }

  /** Puts the screen board as it is now on the overlay (after it opened, or the fade choice changed). */
  private resyncOverlay(): void {
    this.overlay.clear();
    const frame = this.frameSize;
    for (const { stroke } of this.collab.boards.screen.visible(performance.now())) this.overlay.stroke(this.forOverlay(stroke), frame);
  }

  /** Idempotent: clears the overlay, stops uploads, frees the kept frame. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.overlay.close();
    this.collab.close();
    this.lastFrame?.close();
    this.lastFrame = null;
    for (const w of this.frameWaiters.splice(0)) w();
    this.listeners.clear();
  }
}
