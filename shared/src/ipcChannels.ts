/**
 * IPC channel names, apart from the schemas in ipc.ts so that the sandboxed preloads can
 * import them without bundling zod. Channel names are `beacon:<app>:<message>`.
 */
export const CUSTOMER_IPC = {
  getConfig: 'beacon:customer:get-config',
  injectInput: 'beacon:customer:inject-input',
  setSessionState: 'beacon:customer:set-session-state',
  stopHotkey: 'beacon:customer:stop-hotkey',
} as const;

export const AGENT_IPC = {
  getConfig: 'beacon:agent:get-config',
} as const;

/** The global hotkey that stops a session on the customer's PC. */
export const STOP_HOTKEY = 'CommandOrControl+Alt+Shift+S';
