/**
 * Which of the page's permission requests the customer app's Electron shell grants: screen
 * capture (the customer consented in our own dialog; main picks the screen), writing the
 * clipboard, and the camera (video only, never the microphone through this path) only while the
 * customer has agreed to show it (video guidance).
 */
export interface PermissionAsk {
  permission: string;
  /** Electron's `details.mediaTypes` for a `media` request. */
  mediaTypes?: readonly string[];
}

export function mayGrant(ask: PermissionAsk, state: { isInSession: boolean; isCameraAllowed: boolean }): boolean {
  if (ask.permission === 'display-capture' || ask.permission === 'clipboard-sanitized-write') return true;
  if (ask.permission !== 'media') return false;
  const types = ask.mediaTypes ?? [];
  return state.isInSession && state.isCameraAllowed && types.length > 0 && types.every((t) => t === 'video');
}
