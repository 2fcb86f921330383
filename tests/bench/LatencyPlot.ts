/**
 * An SVG box plot of glass-to-glass latency distributions, Beacon next to the VNC peer for
 * every screen size and workload. Drawn by hand: no chart library, nothing fetched.
 * Boxes span p25-p75 with the median marked, whiskers reach p5 and p95, a dot marks p99.
 */
import { modeOf, type ViewRun } from './results.ts';

const COLORS = { beacon: '#2f6fdf', vnc: '#d9822b' } as const;
const ROW_H = 26;
const LABEL_W = 250;
const PLOT_W = 560;
const TOP = 46;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A round axis maximum above `v` (1, 2 or 5 times a power of ten). */
export function niceMax(v: number): number {
  if (!(v > 0)) return 100;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function latencyBoxPlot(runs: readonly ViewRun[], title: string): string {
  const rows = runs.filter((r) => r.glass_quantiles.length === 101);
  const max = niceMax(Math.max(...rows.map((r) => r.glass_quantiles[99] ?? 0), 1));
  const x = (ms: number) => LABEL_W + (Math.min(Math.max(ms, 0), max) / max) * PLOT_W;
  const height = TOP + rows.length * ROW_H + 50;
  const width = LABEL_W + PLOT_W + 30;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="100%" height="100%" fill="#fff"/>`);
  out.push(`<text x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`);
  out.push(`<rect x="${LABEL_W}" y="26" width="12" height="10" fill="${COLORS.beacon}"/><text x="${LABEL_W + 16}" y="35">Beacon</text>`);
  out.push(`<rect x="${LABEL_W + 80}" y="26" width="12" height="10" fill="${COLORS.vnc}"/><text x="${LABEL_W + 96}" y="35">x11vnc + noVNC</text>`);
  out.push(`<text x="${LABEL_W + 220}" y="35" fill="#555">box p25-p75, line p50, whiskers p5-p95, dot p99</text>`);
  const ticks = 5;
  for (let i = 0; i <= ticks; i++) {
    const ms = (max / ticks) * i;
    const tx = x(ms);
    out.push(`<line x1="${tx}" y1="${TOP - 4}" x2="${tx}" y2="${TOP + rows.length * ROW_H}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${tx}" y="${TOP + rows.length * ROW_H + 16}" text-anchor="middle" fill="#444">${Math.round(ms)}</text>`);
  }
  out.push(`<text x="${LABEL_W + PLOT_W / 2}" y="${TOP + rows.length * ROW_H + 34}" text-anchor="middle">glass-to-glass latency (ms)</text>`);
  rows.forEach((r, i) => {
    const q = r.glass_quantiles;
    const cy = TOP + i * ROW_H + ROW_H / 2;
    const color = COLORS[r.system];
    const label = `${r.width}x${r.height} ${r.workload} · ${r.system === 'beacon' ? `Beacon ${modeOf(r)}` : 'VNC'}`;
    out.push(`<text x="${LABEL_W - 8}" y="${cy + 4}" text-anchor="end">${esc(label)}</text>`);
    out.push(`<line x1="${x(q[5]!)}" y1="${cy}" x2="${x(q[95]!)}" y2="${cy}" stroke="${color}" stroke-width="1.5"/>`);
    for (const p of [5, 95]) out.push(`<line x1="${x(q[p]!)}" y1="${cy - 5}" x2="${x(q[p]!)}" y2="${cy + 5}" stroke="${color}" stroke-width="1.5"/>`);
    const bx = x(q[25]!);
    out.push(`<rect x="${bx}" y="${cy - 8}" width="${Math.max(1, x(q[75]!) - bx)}" height="16" fill="${color}" fill-opacity="0.35" stroke="${color}"/>`);
    out.push(`<line x1="${x(q[50]!)}" y1="${cy - 8}" x2="${x(q[50]!)}" y2="${cy + 8}" stroke="#000" stroke-width="2"/>`);
    out.push(`<circle cx="${x(q[99]!)}" cy="${cy}" r="3" fill="${color}"/>`);
    if (i % 2 === 1 && i < rows.length - 1) {
      out.push(`<line x1="10" y1="${cy + ROW_H / 2}" x2="${width - 10}" y2="${cy + ROW_H / 2}" stroke="#f0f0f0"/>`);
    }
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
