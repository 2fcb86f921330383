/**
 * The whiteboard overlay over the customer's real screen (board `screen`): a transparent
 * page that only paints the agent's strokes. Its canvas backing store is the captured
 * frame's size and is stretched over the whole page, so stroke coordinates (pixels of the
 * captured frame) land where they belong at any overlay size.
 *
 * Fed by main through the overlay preload in Electron, or over a BroadcastChannel from the
 * customer page in the browser build. Every message is parsed; a bad one is logged and dropped.
 */
import { OVERLAY_BROADCAST_CHANNEL, OverlayMessage, OverlayStrokeRequest, OverlayUndoRequest, type OverlayBridge } from '@beacon/shared/ipc';
import { paintBoard } from '@beacon/shared/browser/StrokePainter';
import { parseUnknown } from '@beacon/shared/parse';
import { BoardModel } from '@beacon/shared/whiteboard';

declare global {
  interface Window {
    /** Present only in the Electron overlay window (exposed by its preload). */
    beaconOverlay?: OverlayBridge;
  }
}

const canvas = document.getElementById('board') as HTMLCanvasElement | null;
const board = new BoardModel();
let raf = 0;

function paint(): void {
  if (!canvas) return;
  cancelAnimationFrame(raf);
  const isFading = paintBoard(canvas, board, performance.now());
  canvas.dataset.strokes = String(board.size);
  if (isFading) raf = requestAnimationFrame(paint);
}

function apply(msg: OverlayMessage): void {
  switch (msg.type) {
    case 'stroke':
      if (canvas && (canvas.width !== msg.frameWidth || canvas.height !== msg.frameHeight)) {
        canvas.width = msg.frameWidth;
        canvas.height = msg.frameHeight;
        canvas.dataset.frame = `${msg.frameWidth}x${msg.frameHeight}`;
      }
      board.add(msg.stroke, performance.now());
      break;
    case 'undo':
      board.undo(msg.strokeId);
      break;
    case 'clear':
      board.clear();
      break;
    case 'ready':
      return;
  }
  paint();
}

function parsed<T>(r: { ok: true; value: T } | { ok: false; error: Error }, use: (v: T) => void): void {
  if (r.ok) use(r.value);
  else console.warn('[beacon] overlay dropped a malformed message', r.error.message);
}

const bridge = window.beaconOverlay;
if (bridge) {
  bridge.onStroke((raw) => parsed(parseUnknown(OverlayStrokeRequest, raw, 'overlay stroke'), (v) => apply({ type: 'stroke', ...v })));
  bridge.onUndo((raw) => parsed(parseUnknown(OverlayUndoRequest, raw, 'overlay undo'), (v) => apply({ type: 'undo', ...v })));
  bridge.onClear(() => apply({ type: 'clear' }));
} else {
  const channel = new BroadcastChannel(OVERLAY_BROADCAST_CHANNEL);
  channel.onmessage = (ev: MessageEvent<unknown>) => parsed(parseUnknown(OverlayMessage, ev.data, 'overlay channel'), apply);
  // The customer page answers with the strokes already on the board.
  channel.postMessage({ type: 'ready' } satisfies OverlayMessage);
}
