/**
 * Pure geometry for the remote screen: fitting the video into its area and mapping a
 * pointer position on the displayed canvas back to the customer's video pixels.
 */

export interface BoxLike {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface VideoPoint {
  x: number;
  y: number;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/**
 * Maps a client (viewport) position to a video pixel. `rect` is the canvas's displayed box
 * (getBoundingClientRect), which may be scaled to any size; the result is exact at any scale
 * because it floors after scaling, and is clamped so drags outside the canvas stay on screen.
 * Returns null when there is no video or no displayed area yet.
 */
export function clientToVideo(
  clientX: number,
  clientY: number,
  rect: BoxLike,
  videoWidth: number,
  videoHeight: number,
): VideoPoint | null {
  if (videoWidth <= 0 || videoHeight <= 0 || rect.width <= 0 || rect.height <= 0) return null;
  const x = Math.floor(((clientX - rect.left) * videoWidth) / rect.width);
  const y = Math.floor(((clientY - rect.top) * videoHeight) / rect.height);
  return { x: clamp(x, 0, videoWidth - 1), y: clamp(y, 0, videoHeight - 1) };
}

/**
 * The largest size with the video's aspect ratio that fits the area. The video is never
 * scaled up past the area, but it is scaled up when smaller (agents want a readable screen).
 * Whole CSS pixels, so the displayed box has no sub-pixel blur at 1:1.
 */
export function fitContain(areaWidth: number, areaHeight: number, videoWidth: number, videoHeight: number): { width: number; height: number } {
  if (areaWidth <= 0 || areaHeight <= 0 || videoWidth <= 0 || videoHeight <= 0) return { width: 0, height: 0 };
  const scale = Math.min(areaWidth / videoWidth, areaHeight / videoHeight);
  return {
    width: Math.max(1, Math.floor(videoWidth * scale)),
    height: Math.max(1, Math.floor(videoHeight * scale)),
  };
}

/** WheelEvent.deltaMode values (kept here so `common` needs no DOM types). */
export const DELTA_PIXEL = 0;
export const DELTA_LINE = 1;
export const DELTA_PAGE = 2;

/** Pixels per wheel notch on a typical mouse; also the per-notch divisor of the protocol. */
const PIXELS_PER_NOTCH = 100;
/** Browsers report about 3 lines per notch in line mode. */
const LINES_PER_NOTCH = 3;
/** The protocol's limit on one wheel event. */
export const MAX_WHEEL_NOTCHES = 100;

/**
 * Converts a wheel delta to whole notches: sign * max(1, round(|delta| / 100)), clamped.
 * A touchpad's tiny deltas still scroll one notch (otherwise slow scrolling does nothing).
 */
export function wheelNotches(delta: number, deltaMode: number = DELTA_PIXEL): number {
  if (!Number.isFinite(delta) || delta === 0) return 0;
  let px = delta;
  if (deltaMode === DELTA_LINE) px = (delta * PIXELS_PER_NOTCH) / LINES_PER_NOTCH;
  else if (deltaMode === DELTA_PAGE) px = delta * PIXELS_PER_NOTCH * 10;
  const notches = Math.max(1, Math.round(Math.abs(px) / PIXELS_PER_NOTCH));
  return Math.sign(px) * Math.min(MAX_WHEEL_NOTCHES, notches);
}
