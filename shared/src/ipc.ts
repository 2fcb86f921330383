import { z } from 'zod';
import { FileSize, Stroke, StrokeId, TransferId } from './collab.ts';
import { RelativePath } from './protocol/fileTransfer.ts';
import { InputEvent } from './input.ts';
import { ClipboardProblem, ClipboardText } from './protocol/clipboard.ts';
import { MonitorList } from './protocol/monitors.ts';

export { AGENT_IPC, CUSTOMER_IPC, OVERLAY_BROADCAST_CHANNEL, OVERLAY_IPC, STOP_HOTKEY } from './ipcChannels.ts';

/**
 * IPC between each Electron main process and its renderer. The preload exposes one
 * function per message; main parses every payload with these schemas and checks the
 * sender before acting. Channel names are `beacon:<app>:<message>`.
 */

export const RendererConfig = z.object({
  /** Relay base URL (http/https). */
  relayUrl: z.string().url(),
  /** System locale tag(s), most preferred first. */
  locales: z.array(z.string().max(35)).max(10),
});
export type RendererConfig = z.infer<typeof RendererConfig>;

/* ---- customer-portable ---- */


/** A rectangle in desktop pixels (the injector's units; negative left of or above the primary monitor). */
export const DesktopRect = z.object({
  x: z.number().int().min(-65_536).max(65_536),
  y: z.number().int().min(-65_536).max(65_536),
  width: z.number().int().min(1).max(65_536),
  height: z.number().int().min(1).max(65_536),
});
export type DesktopRect = z.infer<typeof DesktopRect>;

/**
 * Renderer -> main: inject one input event. Coordinates are in the captured frame's pixels;
 * the frame shows `region` of the desktop (the agent's monitor choice), or the whole primary
 * screen when there is none.
 */
export const InjectInputRequest = z.object({
  event: InputEvent,
  frameWidth: z.number().int().min(16).max(16384),
  frameHeight: z.number().int().min(16).max(16384),
  region: DesktopRect.optional(),
});
export type InjectInputRequest = z.infer<typeof InjectInputRequest>;

/** Renderer -> main: a session started or ended (shows the always-on-top bar, arms the Stop hotkey). */
export const SessionStateRequest = z.object({
  active: z.boolean(),
  agentName: z.string().max(120).optional(),
  /** Electron: the bar opens into a panel (chat, blank board) below it, still on top. */
  isExpanded: z.boolean().optional(),
});
export type SessionStateRequest = z.infer<typeof SessionStateRequest>;

/**
 * Renderer -> main -> overlay window: one stroke of the `screen` board. Points are pixels of
 * the captured frame (`frameWidth` x `frameHeight`); the overlay scales them to its size.
 */
export const OverlayStrokeRequest = z.object({
  stroke: Stroke,
  frameWidth: z.number().int().min(16).max(16384),
  frameHeight: z.number().int().min(16).max(16384),
});
export type OverlayStrokeRequest = z.infer<typeof OverlayStrokeRequest>;
export const OverlayUndoRequest = z.object({ strokeId: StrokeId });
export type OverlayUndoRequest = z.infer<typeof OverlayUndoRequest>;

/** Renderer -> main: put the agent's text on this PC's clipboard. */
export const WriteClipboardRequest = z.object({ text: ClipboardText });
export type WriteClipboardRequest = z.infer<typeof WriteClipboardRequest>;
/** Main -> renderer: this PC's clipboard text, or why there is none to send. */
export const ClipboardReadResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), text: ClipboardText }),
  z.object({ ok: z.literal(false), problem: ClipboardProblem }),
]);
export type ClipboardReadResult = z.infer<typeof ClipboardReadResult>;

/** Main -> renderer: this PC's monitors, and the desktop rectangle the screen capture shows. */
export const MonitorsResult = z.object({ monitors: MonitorList, captured: DesktopRect });
export type MonitorsResult = z.infer<typeof MonitorsResult>;

/**
 * Remote sound: where the renderer captures this PC's sound from (main decides). `loopback`:
 * getDisplayMedia with audio, which main answers with the system's loopback audio (Windows,
 * macOS 13+). `device`: the microphone-like input with this label (Linux: a source that main
 * made from the default output's monitor). `unavailable`: this PC cannot share its sound.
 */
export const SoundSourceResult = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('loopback') }),
  z.object({ kind: z.literal('device'), label: z.string().min(1).max(200) }),
  z.object({ kind: z.literal('unavailable') }),
]);
export type SoundSourceResult = z.infer<typeof SoundSourceResult>;

/**
 * The same messages on the browser build's BroadcastChannel (customer page <-> overlay.html),
 * plus `ready`: the overlay (re)opened and wants the strokes already on the board.
 */
export const OverlayMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('stroke'), ...OverlayStrokeRequest.shape }),
  z.object({ type: z.literal('undo'), ...OverlayUndoRequest.shape }),
  z.object({ type: z.literal('clear') }),
  z.object({ type: z.literal('ready') }),
]);
export type OverlayMessage = z.infer<typeof OverlayMessage>;

/** What the customer preload exposes on `window.beaconCustomer`. */
export interface CustomerBridge {
  getConfig(): Promise<RendererConfig>;
  injectInput(req: InjectInputRequest): Promise<void>;
  setSessionState(req: SessionStateRequest): Promise<void>;
  /** Registers the handler for the global Stop hotkey; returns an unsubscribe function. */
  onStopHotkey(handler: () => void): () => void;
  /**
   * The whiteboard overlay window (Electron). Absent elsewhere (the browser build, test
   * bridges): the renderer then talks to overlay.html over a BroadcastChannel.
   */
  overlayStroke?(req: OverlayStrokeRequest): Promise<void>;
  overlayUndo?(req: OverlayUndoRequest): Promise<void>;
  overlayClear?(): Promise<void>;
  /**
   * This PC's clipboard, for the agent's clipboard requests in a session with control.
   * Absent in the browser build (a page may not read the clipboard unasked): the agent is
   * told the clipboard is out of reach.
   */
  readClipboard?(): Promise<ClipboardReadResult>;
  writeClipboard?(req: WriteClipboardRequest): Promise<void>;
  /** This PC's monitors, for the agent's monitor choice. Absent in the browser build: the picture is the whole capture. */
  listMonitors?(): Promise<MonitorsResult>;
  /** Remote sound: main readies the sound source (see SoundSourceResult), and removes it when sound stops. Absent in the browser build. */
  prepareSound?(): Promise<SoundSourceResult>;
  releaseSound?(): Promise<void>;
  /**
   * File transfer: a file the customer accepted is written by main into a folder the customer
   * picks in main's dialog (asked on the session's first file). `ok: false`: they cancelled.
   * Absent in the browser build (it writes through the File System Access API, or downloads).
   */
  openReceivedFile?(req: ReceivedFileOpen): Promise<{ ok: true; label: string } | { ok: false }>;
  writeReceivedFile?(req: ReceivedFileWrite): Promise<void>;
  /** Every byte arrived and the hash matched: the file gets its name. */
  finishReceivedFile?(req: { transferId: string }): Promise<void>;
  /** The file is deleted. */
  abortReceivedFile?(req: { transferId: string }): Promise<void>;
  /**
   * Video guidance: the customer agreed to show the camera (true) or it went off (false). Main
   * grants the page the camera only in between. Absent in the browser build (its own prompt).
   */
  setCameraAllowed?(req: CameraAllowedRequest): Promise<void>;
  /**
   * Privacy curtain: whether this PC can show a curtain the agent does not see (main asks the OS;
   * see customer-portable/src/common/curtainPlan.ts), raising it on every monitor, lowering it,
   * and hearing that the customer lifted it (its Stop button or CURTAIN_HOTKEY). Absent in the
   * browser build: a page cannot cover the screen, so the curtain is unavailable there.
   */
  curtainSupport?(): Promise<CurtainSupportResult>;
  raiseCurtain?(req: RaiseCurtainRequest): Promise<RaiseCurtainResult>;
  lowerCurtain?(): Promise<void>;
  /** `event` (unparsed, see CurtainLiftedEvent): why the curtain came down without the page asking. */
  onCurtainLifted?(handler: (event: unknown) => void): () => void;
}

/** Main -> renderer: whether a privacy curtain can be shown here without the agent seeing it. */
export const CurtainSupportResult = z.object({ isSupported: z.boolean() });
export type CurtainSupportResult = z.infer<typeof CurtainSupportResult>;
/** Renderer -> main: raise the curtain; its page says who works on the PC, in the customer's language. */
export const RaiseCurtainRequest = z.object({ orgName: z.string().max(120), locale: z.string().max(20) });
export type RaiseCurtainRequest = z.infer<typeof RaiseCurtainRequest>;
/** Main -> renderer: the curtain came down by itself: the customer lifted it (Stop, hotkey), or a curtain window went away. */
export const CurtainLiftedEvent = z.object({ why: z.enum(['customer-lifted', 'failed']) });
export type CurtainLiftedEvent = z.infer<typeof CurtainLiftedEvent>;
/** Main -> renderer: the curtain is up on every monitor, or it could not be made. */
export const RaiseCurtainResult = z.object({ ok: z.boolean() });
export type RaiseCurtainResult = z.infer<typeof RaiseCurtainResult>;

/** What the curtain window's preload exposes on `window.beaconCurtain`: one function per message to main. */
export interface CurtainBridge {
  /** The customer pressed Stop: every curtain window closes and the session's page is told. */
  liftCurtain(): void;
  /** The pointer is over the Stop button (true) or left it: only then does the click-through window take the click. */
  pointerOverStop(isOver: boolean): void;
}

/** Renderer -> main: whether the page may open the camera now (the customer's yes, until the camera goes off). */
export const CameraAllowedRequest = z.object({ allowed: z.boolean() });
export type CameraAllowedRequest = z.infer<typeof CameraAllowedRequest>;

/** Renderer -> main: a file to write (its path below the chosen folder, from the agent's offer). */
export const ReceivedFileOpen = z.object({ transferId: TransferId, name: RelativePath, size: FileSize });
export type ReceivedFileOpen = z.infer<typeof ReceivedFileOpen>;
export const ReceivedFileWrite = z.object({ transferId: TransferId, offset: FileSize, data: z.instanceof(Uint8Array) });
export type ReceivedFileWrite = z.infer<typeof ReceivedFileWrite>;

/**
 * What the overlay window's preload exposes on `window.beaconOverlay`: one subscription per
 * message from main. Payloads are handed over unparsed; the overlay page parses them.
 */
export interface OverlayBridge {
  onStroke(handler: (req: unknown) => void): () => void;
  onUndo(handler: (req: unknown) => void): () => void;
  onClear(handler: () => void): () => void;
}

/* ---- agent-app ---- */


/** What the agent preload exposes on `window.beaconAgent`. */
export interface AgentBridge {
  getConfig(): Promise<RendererConfig>;
}

