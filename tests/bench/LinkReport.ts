/**
 * The "Beacon and x11vnc + noVNC on a limited link" section of docs/PERFORMANCE.md: issue 11's
 * targets with met/missed, Beacon against the peer behind the same link (ratios), and every
 * link run's numbers. Runs repeated with the same rate, workload and system are reduced to
 * the median of each number.
 */
import { LINK_WARMUP_MS, STILL_WARMUP_MS } from './LinkRuns.ts';
import type { LinkRun, SuiteResult } from './results.ts';
import { percentile } from './stats.ts';
import { STILL_CLOCK_TICK_MS, type WorkloadName } from './workloads.ts';

type N = number | null;

const fmt = (v: N, digits = 1): string => (v === null ? '–' : Number.isInteger(v) ? String(v) : v.toFixed(digits));
const secs = (ms: N): string => (ms === null ? '–' : `${(ms / 1000).toFixed(1)} s`);
const kB = (bytes: N): string => (bytes === null ? '–' : `${(bytes / 1000).toFixed(1)} kB/s`);
const mark = (isMet: boolean | null): string => (isMet === null ? '–' : isMet ? 'met' : '**missed**');
const rateName = (rate: number | null): string => (rate === null ? 'unlimited' : `${rate} kbit/s`);

/** One (rate, workload, system) cell: the median of its runs' numbers. */
interface Cell {
  runs: LinkRun[];
  fps: N;
  p50: N;
  p95: N;
  firstMs: N;
  freezeMs: N;
  upBps: N;
  downBps: N;
  payloadBps: N;
  droppedRuns: number;
}

function median(values: readonly N[]): N {
  const v = values.filter((x): x is number => x !== null);
  return v.length ? Math.round(percentile(v, 50) * 10) / 10 : null;
}

function cellOf(links: readonly LinkRun[], rate: number | null, workload: WorkloadName, system: LinkRun['system']): Cell | null {
  const runs = links.filter((r) => r.rate_kbit === rate && r.workload === workload && r.system === system);
  if (!runs.length) return null;
  const m = (get: (r: LinkRun) => N) => median(runs.map(get));
  return {
    runs,
    fps: m((r) => r.fps),
    p50: m((r) => r.glass_p50_ms),
    p95: m((r) => r.glass_p95_ms),
    firstMs: m((r) => r.first_picture_ms),
    freezeMs: m((r) => r.longest_freeze_ms),
    upBps: m((r) => r.uplink_bytes_per_s),
    downBps: m((r) => r.downlink_bytes_per_s),
    payloadBps: m((r) => (r.kbps === null ? null : (r.kbps * 1000) / 8)),
    droppedRuns: runs.filter((r) => r.isDropped).length,
  };
}

/** One row of issue 11's target table. */
interface Target {
  rate: number | null;
  workloads: WorkloadName[];
  target: string;
  /** What is shown as measured, and whether it meets the target (null: not measurable). */
  judge: (c: Cell) => { shown: string; isMet: boolean | null };
}

const both = (a: boolean | null, b: boolean | null): boolean | null => (a === null || b === null ? null : a && b);
const atMost = (v: N, limit: number): boolean | null => (v === null ? null : v <= limit);
const atLeast = (v: N, limit: number): boolean | null => (v === null ? null : v >= limit);
const fpsAndP50 = (minFps: number, maxP50: number) => (c: Cell) => ({
  shown: `${fmt(c.fps)} fps, p50 ${fmt(c.p50, 0)} ms`,
  isMet: both(atLeast(c.fps, minFps), atMost(c.p50, maxP50)),
});

const TARGETS: Target[] = [
  {
    rate: 160,
    workloads: ['still-clock', 'typing', 'scroll-text'],
    target: 'first picture ≤ 5 s; no freeze > 2 s; the session never drops',
    judge: (c) => ({
      shown: `first ${secs(c.firstMs)}, longest freeze ${secs(c.freezeMs)}, ${c.droppedRuns ? `dropped in ${c.droppedRuns} of ${c.runs.length}` : 'held'}`,
      // A viewer that never showed a whole picture misses the first-picture target.
      isMet: both(c.firstMs === null ? false : c.firstMs <= 5000, both(atMost(c.freezeMs, 2000), c.droppedRuns === 0)),
    }),
  },
  { rate: 160, workloads: ['still-clock', 'typing'], target: '≥ 10 fps, glass-to-glass p50 ≤ 300 ms', judge: fpsAndP50(10, 300) },
  { rate: 160, workloads: ['scroll-text'], target: '≥ 2 fps, p50 ≤ 1 s', judge: fpsAndP50(2, 1000) },
  { rate: 1000, workloads: ['scroll-text'], target: '≥ 15 fps, p50 ≤ 200 ms', judge: fpsAndP50(15, 200) },
  {
    rate: null,
    workloads: ['still'],
    target: '≤ 2 kB/s (IP bytes on the veth, screen side → viewer side)',
    judge: (c) => ({ shown: `${kB(c.upBps)} (payload ${kB(c.payloadBps)})`, isMet: atMost(c.upBps, 2000) }),
  },
  { rate: null, workloads: ['scroll-text'], target: 'fps ≥ 29, p50 ≤ 60 ms', judge: fpsAndP50(29, 60) },
];

function targetTable(links: readonly LinkRun[]): string[] {
  const out = ['| link | workload | target | Beacon | | x11vnc + noVNC (same target) | |', '|---|---|---|---|---|---|---|'];
  for (const t of TARGETS) {
    for (const w of t.workloads) {
      const b = cellOf(links, t.rate, w, 'beacon');
      const p = cellOf(links, t.rate, w, 'vnc');
      const bj = b ? t.judge(b) : null;
      const pj = p ? t.judge(p) : null;
      out.push(`| ${rateName(t.rate)} | ${w} | ${t.target} | ${bj?.shown ?? 'not run'} | ${mark(bj?.isMet ?? null)} | ${pj?.shown ?? 'not run'} | ${mark(pj?.isMet ?? null)} |`);
    }
  }
  return out;
}

const ratio = (a: N, b: N): N => (a === null || b === null || b === 0 ? null : Math.round((a / b) * 100) / 100);

/** Every (rate, workload) measured, with Beacon's and the peer's cells. */
function grid(links: readonly LinkRun[], rates: readonly (number | null)[], workloads: readonly WorkloadName[]) {
  return rates.flatMap((rate) =>
    workloads.map((workload) => ({ rate, workload, beacon: cellOf(links, rate, workload, 'beacon'), peer: cellOf(links, rate, workload, 'vnc') })),
  );
}

/** "Beacon beats the peer behind the same link on latency and first picture", per rate and workload. */
function versusTable(links: readonly LinkRun[], rates: readonly (number | null)[], workloads: readonly WorkloadName[]): string[] {
  const out = [
    '| link | workload | glass p50, Beacon / peer | first picture, Beacon / peer | Beacon beats the peer on both |',
    '|---|---|---:|---:|---|',
  ];
  for (const { rate, workload, beacon: b, peer: p } of grid(links, rates, workloads)) {
    if (!b || !p) continue;
    const lat = ratio(b.p50, p.p50);
    const first = ratio(b.firstMs, p.firstMs);
    // No picture (or no readable one) on Beacon's side while the peer had one loses outright.
    const isLost = (b.p50 === null && p.p50 !== null) || (b.firstMs === null && p.firstMs !== null);
    const isMet = isLost ? false : lat === null || first === null ? null : lat < 1 && first < 1;
    out.push(
      `| ${rateName(rate)} | ${workload} | ${fmt(lat, 2)}× (${fmt(b.p50, 0)} vs ${fmt(p.p50, 0)} ms) | ${fmt(first, 2)}× (${secs(b.firstMs)} vs ${secs(p.firstMs)}) | ${mark(isMet)} |`,
    );
  }
  return out;
}

function runsTable(links: readonly LinkRun[], rates: readonly (number | null)[], workloads: readonly WorkloadName[]): string[] {
  const out = [
    '| link | workload | system | runs | fps | glass p50 (ms) | glass p95 (ms) | first picture | longest freeze | veth up | veth down | payload | dropped |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const { rate, workload, beacon, peer } of grid(links, rates, workloads)) {
    for (const [name, c] of [['Beacon', beacon], ['x11vnc + noVNC', peer]] as const) {
      if (!c) continue;
      out.push(
        `| ${rateName(rate)} | ${workload} | ${name} | ${c.runs.length} | ${fmt(c.fps)} | ${fmt(c.p50, 0)} | ${fmt(c.p95, 0)} | ${secs(c.firstMs)} | ${secs(c.freezeMs)} | ${kB(c.upBps)} | ${kB(c.downBps)} | ${kB(c.payloadBps)} | ${c.droppedRuns ? `${c.droppedRuns} of ${c.runs.length}` : 'no'} |`,
      );
    }
  }
  return out;
}

function runNotes(links: readonly LinkRun[]): string[] {
  return links.flatMap((r) => {
    const notes = r.notes.filter((n) => !n.startsWith('customer ='));
    if (!notes.length) return [];
    return [`<sub>${rateName(r.rate_kbit)}, ${r.workload}, ${r.system === 'beacon' ? 'Beacon' : 'peer'}: ${notes.join('; ')}; ${r.glass_samples} glass samples, ${r.unreadable_frames} frames without a readable code.</sub>`, ''];
  });
}

const LINK_METHOD = `How these are measured. The screen's side sits in a network namespace joined to the relay's side by a veth pair shaped with \`tc qdisc … tbf rate R burst 4096 latency 250ms\` at both ends ("unlimited": the same veth pair, not shaped). **Beacon:** the customer's Chromium (capture and encode) runs in the namespace; the relay and the agent console (headless Chromium) run outside, so the picture crosses the link customer → relay. The customer page is loaded before the link is shaped (the installed app does not download itself). **x11vnc + noVNC:** x11vnc runs in the namespace on the same X display; websockify and the noVNC page run outside, so the picture (RFB over TCP) crosses the link x11vnc → websockify. Both systems thus have the screen's owner behind the link and the viewer on the relay's side, with input and acknowledgements going the other way through the same shaping. Beacon runs in the quality mode the console starts in (balanced; the customer's rate controller runs the speed-first ladder below about 1 Mbit/s); the peer with its defaults. The pointer stays still. Workloads: **still** is a still page of text whose only change is a small clock (HH:MM:SS, once a second), as a user leaves a screen: it carries no time code, so only its bytes are measured, in a window opened ${STILL_WARMUP_MS / 1000} s after the first picture (once the start-up picture has been sharpened), and the ≤ 2 kB/s target is judged on it; **still-clock** is a still page of text whose only changes are a small clock (HH:MM:SS, once a second) and the time code, repainted ${1000 / STILL_CLOCK_TICK_MS} times a second (so at most about ${1000 / STILL_CLOCK_TICK_MS} fps can carry news); **typing** and **scroll-text** are the view runs' pages (time code on every animation frame). **fps** and **glass-to-glass** as in the view runs (the time code read back from the viewer's canvas), in a window opened ${LINK_WARMUP_MS / 1000} s after the first frame. **First picture:** Beacon, Connect clicked → first frame drawn (consent auto-accepted); peer, viewer created → the first update drawn once the pixel rectangles received cover the whole screen (the first frame is a whole picture in both). **Longest freeze:** the longest time the viewer drew nothing, from the first picture to the end of the window. **veth up / down:** IP bytes per second on the veth pair in the window, screen side → viewer side and back (all of each system's traffic, transport overheads included); **payload:** what the viewer's media channel / WebSocket received. The machine has 2 cores shared with other work, so single numbers are noisy; several runs of one cell are reduced to their medians.`;

/** The section, or nothing when the results have no link runs. */
export function renderLinkSection(r: SuiteResult, command: string): string[] {
  const links = r.links;
  if (!links.length) return [];
  const rates = [...new Set(links.map((l) => l.rate_kbit))].sort((a, b) => (a === null ? -1 : b === null ? 1 : b - a));
  const workloads = [...new Set(links.map((l) => l.workload))];
  return [
    '## Beacon and x11vnc + noVNC on a limited link',
    '',
    `Measured ${r.started_at.slice(0, 16).replace('T', ' ')} UTC with \`${command}\`, 1280×720 screen, on ${r.machine.cpus} × ${r.machine.cpu_model} ` +
      `(load average at start ${r.machine.load_avg_start.map((v) => v.toFixed(2)).join(' / ')}); raw results \`bench/results/${r.started_at.replace(/:/g, '-').slice(0, 19)}Z.json\`.`,
    '',
    '### Targets (issue 11)',
    '',
    ...targetTable(links),
    '',
    '### Beacon against the peer behind the same link',
    '',
    ...versusTable(links, rates, workloads),
    '',
    '### Every link run (medians per cell)',
    '',
    ...runsTable(links, rates, workloads),
    '',
    ...runNotes(links),
    LINK_METHOD,
    '',
  ];
}
