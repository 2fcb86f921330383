/**
 * Which of the page's permission requests the customer app's Electron shell grants: screen
 * capture (the customer consented in our own dialog; main picks the screen), writing the
 * clipboard, audio inputs during a session (a voice call's microphone and the PC's sound, each
 * asked for in our own bar first), and the camera (video only) only while the customer has
 * agreed to show it (video guidance). Never audio and video in one request.
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
  if (!state.isInSession || types.length === 0) return false;
  if (types.every((t) => t === 'audio')) return true;
  return state.isCameraAllowed && types.every((t) => t === 'video');
}
