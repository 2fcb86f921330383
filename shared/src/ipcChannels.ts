/**
 * IPC channel names, apart from the schemas in ipc.ts so that the sandboxed preloads can
 * import them without bundling zod. Channel names are `beacon:<app>:<message>`.
 */
export const CUSTOMER_IPC = {
  getConfig: 'beacon:customer:get-config',
  injectInput: 'beacon:customer:inject-input',
  setSessionState: 'beacon:customer:set-session-state',
  stopHotkey: 'beacon:customer:stop-hotkey',
  /** Whiteboard strokes for the overlay window over the customer's screen (renderer -> main). */
  overlayStroke: 'beacon:customer:overlay-stroke',
  overlayUndo: 'beacon:customer:overlay-undo',
  overlayClear: 'beacon:customer:overlay-clear',
  /** The agent's clipboard requests (renderer -> main, which owns the OS clipboard). */
  readClipboard: 'beacon:customer:read-clipboard',
  writeClipboard: 'beacon:customer:write-clipboard',
  /** This PC's monitors (renderer -> main, which has Electron's screen module). */
  listMonitors: 'beacon:customer:list-monitors',
  /** Remote sound: main readies (and later removes) the source of this PC's sound. */
  prepareSound: 'beacon:customer:prepare-sound',
  releaseSound: 'beacon:customer:release-sound',
  /** File transfer: files the customer accepted, written by main into the folder they pick. */
  openReceivedFile: 'beacon:customer:open-received-file',
  writeReceivedFile: 'beacon:customer:write-received-file',
  finishReceivedFile: 'beacon:customer:finish-received-file',
  abortReceivedFile: 'beacon:customer:abort-received-file',
  /** Video guidance: the camera may be opened (the customer agreed) or no longer (renderer -> main). */
  setCameraAllowed: 'beacon:customer:set-camera-allowed',
  /** Privacy curtain: can it be shown here, raise, lower (renderer -> main), and the customer lifted it (main -> renderer). */
  curtainSupport: 'beacon:customer:curtain-support',
  raiseCurtain: 'beacon:customer:raise-curtain',
  lowerCurtain: 'beacon:customer:lower-curtain',
  curtainLifted: 'beacon:customer:curtain-lifted',
} as const;

/** The curtain window -> main (its own preload sends only these). */
export const CURTAIN_IPC = {
  lift: 'beacon:curtain:lift',
  pointerOverStop: 'beacon:curtain:pointer-over-stop',
} as const;

/** The global hotkey that lifts the privacy curtain on the customer's PC. */
export const CURTAIN_HOTKEY = 'CommandOrControl+Alt+Shift+B';

/** Main -> the customer's whiteboard overlay window (its own preload listens on these). */
export const OVERLAY_IPC = {
  stroke: 'beacon:overlay:stroke',
  undo: 'beacon:overlay:undo',
  clear: 'beacon:overlay:clear',
} as const;

/** The BroadcastChannel between the customer page and overlay.html in the browser build. */
export const OVERLAY_BROADCAST_CHANNEL = 'beacon-overlay';

export const AGENT_IPC = {
  getConfig: 'beacon:agent:get-config',
} as const;

/** The global hotkey that stops a session on the customer's PC. */
export const STOP_HOTKEY = 'CommandOrControl+Alt+Shift+S';
