/**
 * Privacy curtain (issue 13), the part without Electron: whether this OS can hide the
 * customer's monitors from the customer while the agent still sees the real desktop, and the
 * windows that do it. Main (Electron) turns the plan into BrowserWindows; nothing here needs it.
 *
 * A curtain is a window on top of everything on every monitor, kept out of screen capture
 * (`setContentProtection(true)`: display affinity "exclude from capture", Windows 10 2004 and
 * later). Where the OS cannot keep a window out of capture, the curtain would be captured too
 * and the agent would see it instead of the desktop: the feature is then unsupported, and says
 * so, instead of pretending. That is Linux (X11 has no such flag) and macOS (a window's
 * sharing type no longer hides it from ScreenCaptureKit capture on macOS 15).
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What main knows of a monitor (Electron's `screen.getAllDisplays()`: bounds in DIPs). */
export interface DisplayLike {
  id: number;
  bounds: Rect;
  scaleFactor: number;
}

export type CurtainSupport = { isSupported: true } | { isSupported: false; why: 'no-capture-exclusion' };

/** The first Windows build with WDA_EXCLUDEFROMCAPTURE (Windows 10, version 2004). */
const FIRST_WINDOWS_BUILD_WITH_EXCLUSION = 19041;

/** Whether a curtain can be shown here without the agent seeing it. `osRelease`: `os.release()` (Windows: `10.0.BUILD`). */
export function curtainSupport(platform: string, osRelease: string): CurtainSupport {
  if (platform === 'win32') {
    const build = Number(osRelease.split('.')[2]);
    if (Number.isInteger(build) && build >= FIRST_WINDOWS_BUILD_WITH_EXCLUSION) return { isSupported: true };
  }
  return { isSupported: false, why: 'no-capture-exclusion' };
}

/** One curtain window: where, and the flags it is made with. */
export interface CurtainWindow {
  displayId: number;
  bounds: Rect;
  /** Kept out of screen capture (the agent sees through it). */
  contentProtection: true;
  /** Above every other window, full screen ones too (Electron level `screen-saver`). */
  alwaysOnTop: 'screen-saver';
  /** Clicks and keys go to the desktop under it, where the agent's input lands. */
  ignoreMouseEvents: true;
  focusable: false;
  frame: false;
  skipTaskbar: true;
  movable: false;
  resizable: false;
  /** Only the first window (the primary monitor's) shows the Stop button; the others show the message. */
  hasStopButton: boolean;
}

/**
 * One window per monitor, on that monitor's bounds exactly (a monitor left of or above the
 * primary has a negative origin), the primary's first. Monitors that overlap (mirrored) get one
 * window. None when there is no monitor.
 */
export function planCurtain(displays: readonly DisplayLike[], primaryId: number): CurtainWindow[] {
  const seen = new Set<string>();
  const ordered = [...displays].sort((a, b) => Number(b.id === primaryId) - Number(a.id === primaryId) || a.bounds.x - b.bounds.x || a.bounds.y - b.bounds.y);
  const out: CurtainWindow[] = [];
  for (const d of ordered) {
    const key = `${d.bounds.x},${d.bounds.y},${d.bounds.width},${d.bounds.height}`;
    if (seen.has(key) || d.bounds.width <= 0 || d.bounds.height <= 0) continue;
    seen.add(key);
    out.push({
      displayId: d.id,
      bounds: { ...d.bounds },
      contentProtection: true,
      alwaysOnTop: 'screen-saver',
      ignoreMouseEvents: true,
      focusable: false,
      frame: false,
      skipTaskbar: true,
      movable: false,
      resizable: false,
      hasStopButton: out.length === 0,
    });
  }
  return out;
}
