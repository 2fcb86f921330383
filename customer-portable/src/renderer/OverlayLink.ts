/**
 * The customer page's side of the whiteboard overlay (board `screen`, drawn over the real
 * screen). In Electron the strokes go through main to a click-through overlay window; in the
 * browser build (and tests) over a BroadcastChannel to overlay.html on the same origin.
 */
import type { Stroke } from '@beacon/shared/collab';
import { OVERLAY_BROADCAST_CHANNEL, OverlayMessage, type CustomerBridge } from '@beacon/shared/ipc';
import { parseUnknown } from '@beacon/shared/parse';

export interface FrameSize {
  width: number;
  height: number;
}

export class OverlayLink {
  private readonly channel: BroadcastChannel | null = null;
  private isClosed = false;

  /** `onReady`: the overlay page (re)opened and needs the strokes already on the board. */
  constructor(
    private readonly bridge: CustomerBridge | undefined,
    onReady: () => void,
  ) {
    if (this.hasWindow) return;
    if (typeof BroadcastChannel === 'undefined') return;
    this.channel = new BroadcastChannel(OVERLAY_BROADCAST_CHANNEL);
    this.channel.onmessage = (ev: MessageEvent<unknown>) => {
      const r = parseUnknown(OverlayMessage, ev.data, 'overlay channel');
      if (!r.ok) {
        console.warn('[beacon] dropped a malformed overlay message', r.error.message);
        return;
      }
      if (r.value.type === 'ready') onReady();
    };
  }

  /** Electron with an overlay window behind main. */
  private get hasWindow(): boolean {
    return typeof this.bridge?.overlayStroke === 'function';
  }

  stroke(stroke: Stroke, frame: FrameSize): void {
    const req = { stroke, frameWidth: frame.width, frameHeight: frame.height };
    if (this.isClosed) return;
    if (this.hasWindow) void this.bridge?.overlayStroke?.(req).catch(logOverlayError);
    else this.post({ type: 'stroke', ...req });
  }

  undo(strokeId: string): void {
    if (this.isClosed) return;
    if (this.hasWindow) void this.bridge?.overlayUndo?.({ strokeId }).catch(logOverlayError);
    else this.post({ type: 'undo', strokeId });
  }

  clear(): void {
    if (this.isClosed) return;
    if (this.hasWindow) void this.bridge?.overlayClear?.().catch(logOverlayError);
    else this.post({ type: 'clear' });
  }

  /** Idempotent: clears what is on the customer's screen and stops talking to the overlay. */
  close(): void {
    if (this.isClosed) return;
    this.clear();
    this.isClosed = true;
    this.channel?.close();
  }

  private post(msg: OverlayMessage): void {
    this.channel?.postMessage(msg);
  }
}

function logOverlayError(err: unknown): void {
  console.error('[beacon] overlay call failed', err);
}
