/**
 * Which desktopCapturer source to share: the primary display's screen. Electron gives
 * `display_id` as a string (empty on some Linux setups), the display's id as a number, so
 * compare as strings and fall back to the first whole-screen source. Windows (`window:`
 * sources) are never picked: the customer agreed to show their screen, not to guess which
 * window.
 */
export interface CaptureSourceLike {
  id: string;
  name: string;
  display_id: string;
}

export function pickCaptureSource<T extends CaptureSourceLike>(sources: readonly T[], primaryDisplayId: string | number): T | null {
  const screens = sources.filter((s) => s.id.startsWith('screen:'));
  const wanted = String(primaryDisplayId);
  return screens.find((s) => s.display_id !== '' && s.display_id === wanted) ?? screens[0] ?? null;
}
