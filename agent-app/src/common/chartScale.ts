/**
 * The arithmetic behind the statistics charts (hand-written SVG): round axis ticks, bands
 * for bars, and which x labels fit. Kept apart from the SVG so the rules are tested.
 */

export interface Ticks {
  /** Tick values from 0 up to and including `top`, evenly spaced. */
  ticks: number[];
  /** The axis maximum: the first tick at or above the data's maximum. */
  top: number;
  step: number;
}

/**
 * Round ticks (1, 2, 2.5 or 5 times a power of ten) covering 0..max in about `target` steps.
 * `isInteger` keeps the step whole (counts of sessions cannot be 0.5).
 */
export function niceTicks(max: number, target = 5, isInteger = false): Ticks {
  const safeMax = Number.isFinite(max) && max > 0 ? max : 0;
  if (safeMax === 0) return { ticks: [0, 1], top: 1, step: 1 };
  const rough = safeMax / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(rough));
  let step = power * 10;
  for (const f of [1, 2, 2.5, 5, 10]) {
    if (power * f >= rough) {
      step = power * f;
      break;
    }
  }
  if (isInteger) step = Math.max(1, Math.ceil(step));
  const count = Math.ceil(safeMax / step - 1e-9);
  const ticks: number[] = [];
  for (let i = 0; i <= count; i++) ticks.push(round(i * step));
  return { ticks, top: round(count * step), step };
}

function round(v: number): number {
  return Math.round(v * 1e9) / 1e9;
}

export interface Band {
  /** Left edge of the group's band, and its width. */
  x: number;
  width: number;
}

/** Splits `width` into `count` equal bands with `gap` (0..1 of a band) between neighbours. */
export function bands(count: number, width: number, gap = 0.25): Band[] {
  if (count <= 0) return [];
  const step = width / count;
  const inner = step * (1 - gap);
  return Array.from({ length: count }, (_, i) => ({ x: i * step + (step - inner) / 2, width: inner }));
}

/** Maps a value on 0..top to a y pixel in a plot `height` tall (0 at the bottom). */
export function yOf(value: number, top: number, height: number): number {
  if (top <= 0) return height;
  return height - (Math.max(0, Math.min(value, top)) / top) * height;
}

/** Show every n-th x label so that labels `labelWidth` wide do not overlap in `plotWidth`. */
export function labelStride(count: number, plotWidth: number, labelWidth: number): number {
  if (count <= 0 || labelWidth <= 0) return 1;
  const fit = Math.max(1, Math.floor(plotWidth / labelWidth));
  return Math.max(1, Math.ceil(count / fit));
}

const WIDE = /[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]/u;

/** Display width of a label: a CJK character counts as two units, anything else as one. */
export function labelUnits(label: string): number {
  let units = 0;
  for (const ch of label) units += WIDE.test(ch) ? 2 : 1;
  return units;
}

/** Shortens a label to at most `maxUnits` display units, ending in `…` when cut. */
export function fitLabel(label: string, maxUnits: number): string {
  if (labelUnits(label) <= maxUnits) return label;
  let units = 0;
  let out = '';
  for (const ch of label) {
    const w = WIDE.test(ch) ? 2 : 1;
    if (units + w > maxUnits - 1) break;
    units += w;
    out += ch;
  }
  return `${out}…`;
}
