/**
 * Whiteboard geometry shared by every renderer (agent view overlay, customer overlay
 * window, blank board). Pure: no DOM. Points are screen pixels of the captured frame.
 */
import { COLLAB_LIMITS, type Point, type Stroke } from './collab.ts';

/** Distance from p to the segment a-b. */
function segmentDistance(p: Point, a: Point, b: Point): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  if (len2 === 0) return Math.hypot(p[0] - a[0], p[1] - a[1]);
  const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

/**
 * Ramer–Douglas–Peucker: keeps the points that matter for the shape, within `epsilon`
 * pixels. Iterative, so a long scribble cannot overflow the stack.
 */
export function simplify(points: readonly Point[], epsilon: number): Point[] {
  if (points.length <= 2) return points.map((p) => [p[0], p[1]]);
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  const stack: [number, number][] = [[0, points.length - 1]];
  while (stack.length) {
    const [lo, hi] = stack.pop() as [number, number];
    let maxD = -1;
    let at = -1;
    for (let i = lo + 1; i < hi; i++) {
      const d = segmentDistance(points[i] as Point, points[lo] as Point, points[hi] as Point);
      if (d > maxD) {
        maxD = d;
        at = i;
      }
    }
    if (at >= 0 && maxD > epsilon) {
      keep[at] = 1;
      stack.push([lo, at], [at, hi]);
    }
  }
  const out: Point[] = [];
  for (let i = 0; i < points.length; i++) if (keep[i]) out.push([points[i]![0], points[i]![1]]);
  return out;
}

/**
 * A pen path ready for the wire: rounded to whole pixels, consecutive duplicates dropped,
 * simplified until it fits the point limit (epsilon grows if a scribble is very long).
 */
export function prepareStrokePoints(points: readonly Point[], epsilon = 1): Point[] {
  const rounded: Point[] = [];
  for (const p of points) {
    const q: Point = [clampCoord(p[0]), clampCoord(p[1])];
    const last = rounded[rounded.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) rounded.push(q);
  }
  let eps = epsilon;
  let out = simplify(rounded, eps);
  while (out.length > COLLAB_LIMITS.maxStrokePoints) {
    eps *= 2;
    out = simplify(rounded, eps);
  }
  return out;
}

function clampCoord(v: number): number {
  return Math.max(0, Math.min(COLLAB_LIMITS.maxCoordinate, Math.round(v)));
}

/** The two barbs of an arrow head at `to`, pointing along from -> to. */
export function arrowHead(from: Point, to: Point, width: number): [Point, Point] {
  const angle = Math.atan2(to[1] - from[1], to[0] - from[0]);
  const len = Math.max(12, width * 4);
  const spread = Math.PI / 7;
  return [
    [to[0] - len * Math.cos(angle - spread), to[1] - len * Math.sin(angle - spread)],
    [to[0] - len * Math.cos(angle + spread), to[1] - len * Math.sin(angle + spread)],
  ];
}

/**
 * The strokes of one board, in drawing order, with undo and clear. Both the sender and the
 * receivers keep one, so what the agent sees is what the customer sees.
 */
export class BoardModel {
  private strokes: { stroke: Stroke; addedAt: number }[] = [];

  add(stroke: Stroke, now: number): void {
    this.strokes = this.strokes.filter((s) => s.stroke.id !== stroke.id);
    this.strokes.push({ stroke, addedAt: now });
  }

  /** Removes one stroke; false if it was not there. */
  undo(strokeId: string): boolean {
    const before = this.strokes.length;
    this.strokes = this.strokes.filter((s) => s.stroke.id !== strokeId);
    return this.strokes.length !== before;
  }

  clear(): void {
    this.strokes = [];
  }

  /** The newest stroke, for the Undo button. */
  last(): Stroke | undefined {
    return this.strokes[this.strokes.length - 1]?.stroke;
  }

  /** Strokes to draw at `now` with their opacity (fading strokes go from 1 to 0 over `fadeMs`). */
  visible(now: number): { stroke: Stroke; opacity: number }[] {
    this.strokes = this.strokes.filter((s) => !s.stroke.isFading || now - s.addedAt < COLLAB_LIMITS.fadeMs);
    return this.strokes.map((s) => ({
      stroke: s.stroke,
      opacity: s.stroke.isFading ? Math.max(0, 1 - (now - s.addedAt) / COLLAB_LIMITS.fadeMs) : 1,
    }));
  }

  get hasFading(): boolean {
    return this.strokes.some((s) => s.stroke.isFading);
  }

  get size(): number {
    return this.strokes.length;
  }
}
