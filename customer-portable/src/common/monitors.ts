/**
 * The customer's monitors as plain geometry, shared by Electron's main process (which lists
 * them), the renderer (which crops the captured desktop to the agent's choice) and the input
 * injection (which maps the agent's picture back onto the desktop). No Electron, no DOM.
 *
 * Desktop pixels are the injector's units: the primary monitor's top-left corner is (0, 0), so
 * monitors left of or above it have negative coordinates.
 */
import { ALL_MONITORS, MAX_MONITORS, type Monitor, type MonitorChoice } from '@beacon/shared/protocol';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

/** The smallest rectangle holding every monitor (what "all monitors" shows). */
export function desktopBounds(monitors: readonly Rect[]): Rect {
  if (monitors.length === 0) throw new Error('no monitors');
  const left = Math.min(...monitors.map((m) => m.x));
  const top = Math.min(...monitors.map((m) => m.y));
  const right = Math.max(...monitors.map((m) => m.x + m.width));
  const bottom = Math.max(...monitors.map((m) => m.y + m.height));
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** The desktop rectangle a choice shows; an unknown monitor shows all of them. */
export function shownRegion(monitors: readonly Monitor[], choice: MonitorChoice): Rect {
  const m = choice === ALL_MONITORS ? undefined : monitors.find((x) => x.id === choice);
  return m ? { x: m.x, y: m.y, width: m.width, height: m.height } : desktopBounds(monitors);
}

const even = (v: number) => 2 * Math.round(v / 2);

/**
 * Where `region` lies in a captured frame of `frame` size that shows `captured` (a desktop
 * rectangle, possibly scaled into the frame). Corners are rounded to even pixels (chroma
 * subsampling) and kept inside the frame.
 */
export function cropRect(region: Rect, captured: Rect, frame: Size): Rect {
  const sx = frame.width / captured.width;
  const sy = frame.height / captured.height;
  const clampX = (v: number) => Math.min(Math.max(even(v), 0), frame.width);
  const clampY = (v: number) => Math.min(Math.max(even(v), 0), frame.height);
  const x = clampX((region.x - captured.x) * sx);
  const y = clampY((region.y - captured.y) * sy);
  const right = clampX((region.x + region.width - captured.x) * sx);
  const bottom = clampY((region.y + region.height - captured.y) * sy);
  return { x, y, width: Math.max(right - x, 2), height: Math.max(bottom - y, 2) };
}

/** A point of the agent's picture (`frame` pixels showing `region`) on the desktop, kept inside the region. */
export function frameToDesktop(p: { x: number; y: number }, frame: Size, region: Rect): { x: number; y: number } {
  const clamp = (v: number, lo: number, size: number) => Math.min(Math.max(v, lo), lo + size - 1);
  return {
    x: clamp(region.x + Math.round((p.x * region.width) / frame.width), region.x, region.width),
    y: clamp(region.y + Math.round((p.y * region.height) / frame.height), region.y, region.height),
  };
}

/** Whether `inner` lies wholly inside `outer`. */
export function contains(outer: Rect, inner: Rect): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

/** The part of Electron's `Display` read here. */
export interface DisplayLike {
  id: number;
  label?: string;
  bounds: Rect;
  scaleFactor: number;
}

/**
 * Electron's displays as monitors in desktop pixels. Electron gives bounds in DIPs: on Windows
 * `toScreenRect` (screen.dipToScreenRect) turns them into physical pixels, the injector's
 * units; on Linux (X11) a display's pixels are its DIPs times its scale; on macOS the injector
 * works in points, which are the DIPs.
 */
export function monitorsFromDisplays(
  displays: readonly DisplayLike[],
  primaryId: number,
  platform: string,
  toScreenRect?: (r: Rect) => Rect,
): Monitor[] {
  return displays.slice(0, MAX_MONITORS).map((d, i) => {
    let r = d.bounds;
    if (platform === 'win32' && toScreenRect) r = toScreenRect(d.bounds);
    else if (platform === 'linux') r = { x: d.bounds.x * d.scaleFactor, y: d.bounds.y * d.scaleFactor, width: d.bounds.width * d.scaleFactor, height: d.bounds.height * d.scaleFactor };
    return {
      id: `d${String(d.id).replace(/[^A-Za-z0-9]/g, '') || i}`,
      name: (d.label ?? '').slice(0, 128),
      x: Math.round(r.x),
      y: Math.round(r.y),
      width: Math.max(1, Math.round(r.width)),
      height: Math.max(1, Math.round(r.height)),
      scaleFactor: Math.min(Math.max(d.scaleFactor, 0.25), 8),
      primary: d.id === primaryId,
    };
  });
}
