/**
 * Turns one suite result into the Markdown of docs/PERFORMANCE.md: the goals with the
 * measured numbers (per quality mode), Beacon in each mode next to the VNC peer with ratios,
 * relay capacity, the console with many sessions, where the time goes, and how each number
 * was measured.
 */
import { QualityMode } from '@beacon/shared/protocol';
import { KEYFRAME_INTERVAL_MS } from '../../relay-server/src/recording/SessionRecording.ts';
import { renderLinkSection } from './LinkReport.ts';
import { modeOf, type CapacityResult, type SuiteResult, type ViewRun } from './results.ts';
import { resumeSection } from './resumeResult.ts';

type N = number | null;

const fmt = (v: N, digits = 1): string => (v === null ? '–' : Number.isInteger(v) ? String(v) : v.toFixed(digits));
const ratio = (a: N, b: N): N => (a === null || b === null || b === 0 ? null : Math.round((a / b) * 100) / 100);
const mark = (isMet: boolean | null): string => (isMet === null ? '–' : isMet ? 'met' : '**missed**');

/** A run of the peer (`mode` absent), or of Beacon in `mode` (absent: the first Beacon run found). */
function find(views: readonly ViewRun[], system: ViewRun['system'], workload: string, width: number, mode?: QualityMode): ViewRun | undefined {
  return views.find((v) => v.system === system && v.workload === workload && v.width === width && (mode === undefined || modeOf(v) === mode));
}

/** Beacon's quality modes measured in these runs, in the selector's order. */
function modesIn(views: readonly ViewRun[]): QualityMode[] {
  const present = new Set(views.filter((v) => v.system === 'beacon').map(modeOf));
  return QualityMode.options.filter((m) => present.has(m));
}

interface MetricRow {
  label: string;
  get: (r: ViewRun) => N;
  /** For the ratio column: true when lower is better. */
  isLowerBetter: boolean;
  digits?: number;
}

const VIEW_METRICS: MetricRow[] = [
  { label: 'fps delivered', get: (r) => r.fps, isLowerBetter: false },
  { label: 'kbit/s on the wire', get: (r) => r.kbps, isLowerBetter: true },
  { label: 'glass-to-glass p50 (ms)', get: (r) => r.glass_p50_ms, isLowerBetter: true },
  { label: 'glass-to-glass p95 (ms)', get: (r) => r.glass_p95_ms, isLowerBetter: true },
  { label: 'glass-to-glass p99 (ms)', get: (r) => r.glass_p99_ms, isLowerBetter: true },
  { label: 'picture age on screen, time average (ms)', get: (r) => r.shown_age_ms ?? null, isLowerBetter: true },
  { label: 'input p50, event → X pointer (ms)', get: (r) => r.input_p50_ms, isLowerBetter: true },
  { label: 'input p95, event → X pointer (ms)', get: (r) => r.input_p95_ms, isLowerBetter: true },
  { label: 'setup (ms)', get: (r) => r.setup_ms, isLowerBetter: true },
  { label: 'CPU customer side (cores)', get: (r) => r.cpu_customer, isLowerBetter: true, digits: 2 },
  { label: 'CPU relay (cores)', get: (r) => r.cpu_relay, isLowerBetter: true, digits: 2 },
  { label: 'CPU agent side (cores)', get: (r) => r.cpu_agent, isLowerBetter: true, digits: 2 },
  { label: 'relay RSS (MB)', get: (r) => r.relay_rss_mb, isLowerBetter: true },
];

function viewTables(views: readonly ViewRun[]): string[] {
  const out: string[] = [];
  const sizes = [...new Set(views.map((v) => `${v.width}x${v.height}`))];
  for (const size of sizes) {
    const width = Number(size.split('x')[0]);
    const workloads = [...new Set(views.filter((v) => v.width === width).map((v) => v.workload))];
    for (const w of workloads) {
      const modes = modesIn(views.filter((v) => v.width === width && v.workload === w));
      const bs = modes.map((m) => find(views, 'beacon', w, width, m)).filter((r): r is ViewRun => r !== undefined);
      const p = find(views, 'vnc', w, width);
      out.push(
        `#### ${size}, ${w}`,
        '',
        `| metric | ${modes.map((m) => `Beacon ${m}`).join(' | ')} | x11vnc + noVNC | ${modes.map((m) => `${m} / peer`).join(' | ')} |`,
        `|---|${modes.map(() => '---:|').join('')}---:|${modes.map(() => '---:|').join('')}`,
      );
      const blank = modes.map(() => '').join(' | ');
      for (const m of VIEW_METRICS) {
        const pv = p ? m.get(p) : null;
        const bvs = bs.map((b) => m.get(b));
        out.push(`| ${m.label} | ${bvs.map((v) => fmt(v, m.digits)).join(' | ')} | ${fmt(pv, m.digits)} | ${bvs.map((v) => fmt(ratio(v, pv), 2)).join(' | ')} |`);
      }
      if (bs.length) {
        const row = (label: string, get: (b: ViewRun) => string) => out.push(`| ${label} | ${bs.map(get).join(' | ')} | | ${blank} |`);
        row('input p50, agent send → injected (ms)', (b) => fmt(b.inject_p50_ms));
        row('keyframes received in the window', (b) => String(b.keyframes));
        row('glass p50 split: painted → captured (ms)', (b) => fmt(b.capture_p50_ms));
        row('glass p50 split: captured → drawn (ms)', (b) => fmt(b.pipeline_p50_ms));
      }
      const label = (r: ViewRun) => (r.system === 'beacon' ? `Beacon ${modeOf(r)}` : r.system);
      const samples = [...bs, ...(p ? [p] : [])].map((r) => `${label(r)}: ${r.glass_samples} glass samples, ${r.unreadable_frames} frames without a readable code, ${r.input_samples} input samples`);
      const threads = (r: ViewRun, side: 'customer' | 'agent') =>
        Object.entries(side === 'customer' ? r.threads_customer : r.threads_agent).slice(0, 5).map(([k, v]) => `${k} ${v}`).join(', ');
      for (const b of bs) out.push('', `<sub>Beacon ${modeOf(b)} CPU by thread: customer ${threads(b, 'customer') || '–'}; agent ${threads(b, 'agent') || '–'}.</sub>`);
      out.push('', `<sub>${samples.join('; ')}.${[...bs, ...(p ? [p] : [])].flatMap((r) => r.notes.filter((n) => !n.startsWith('customer =')).map((n) => ` ${label(r)}: ${n}.`)).join('')}</sub>`, '');
    }
  }
  return out;
}

/** Least-squares slope of y over x (through the points' mean); a single point gives y / x. */
function slope(pts: readonly (readonly [number, number])[]): number {
  if (!pts.length) return Number.NaN;
  if (pts.length === 1) return pts[0]![1] / pts[0]![0];
  const mx = pts.reduce((a, [x]) => a + x, 0) / pts.length;
  const my = pts.reduce((a, [, y]) => a + y, 0) / pts.length;
  const sxy = pts.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const sxx = pts.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxx > 0 ? sxy / sxx : my / mx;
}

/**
 * Relay CPU and memory per session, as least-squares slopes over sessions across the steps
 * whose latency held (at least two; otherwise all steps). Past that point the relay starves
 * for CPU on this machine, works through bigger batches per wake-up and looks cheaper than
 * it is at a healthy latency. Robust to the noise that decides single latency windows.
 */
export function cpuPerSession(
  c: CapacityResult,
): { msPerSessionSecond: number; sessionsPerCore: number; rssMbPerSession: number | null; steps: number; isPassingOnly: boolean } | null {
  const passing = c.steps.filter((s) => s.isOk);
  const steps = passing.length >= 2 ? passing : c.steps;
  const cpu = slope(steps.flatMap((s) => (s.relay_cpu_cores === null ? [] : [[s.sessions, s.relay_cpu_cores] as const])));
  if (!(cpu > 0)) return null;
  const rss = slope(steps.flatMap((s) => (s.relay_rss_mb === null ? [] : [[s.sessions, s.relay_rss_mb] as const])));
  return {
    msPerSessionSecond: Math.round(cpu * 1000 * 100) / 100,
    sessionsPerCore: Math.round(1 / cpu),
    rssMbPerSession: steps.length > 1 && Number.isFinite(rss) ? Math.round(rss * 100) / 100 : null,
    steps: steps.length,
    isPassingOnly: steps === passing,
  };
}

function capacityTables(caps: readonly CapacityResult[]): string[] {
  const out: string[] = [];
  for (const c of caps) {
    out.push(`#### ${c.target_kbps} kbit/s per session, recording ${c.recording ? 'on' : 'off'} (clip ${c.clip})`, '');
    if (!c.steps.length) {
      out.push(`${c.stopped_because}.`, '');
      continue;
    }
    out.push(
      '| sessions | delivered | p50 (ms) | p99 (ms) | max (ms) | kbit/s per session | relay CPU (cores) | relay threads (cores) | relay RSS (MB) | generators (cores) | load avg | windows | ok |',
      '|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|',
    );
    for (const s of c.steps) {
      const threads = Object.entries(s.relay_threads)
        .map(([n, v]) => `${n} ${v}`)
        .join(', ');
      out.push(
        `| ${s.sessions} | ${fmt(s.delivered_ratio, 4)} | ${fmt(s.relay_p50_ms, 2)} | ${fmt(s.relay_p99_ms, 2)} | ${fmt(s.relay_max_ms)} | ${fmt(s.kbps_per_session)} | ${fmt(s.relay_cpu_cores, 2)} | ${threads} | ${fmt(s.relay_rss_mb)} | ${fmt(s.generator_cpu_cores, 2)} | ${fmt(s.load_avg_1m, 2)} | ${s.windows} | ${s.isOk ? 'yes' : 'no'} |`,
      );
    }
    const byCpu = cpuPerSession(c);
    out.push(
      '',
      `By CPU, over ${byCpu?.isPassingOnly ? `the ${byCpu.steps} steps whose latency held` : `all ${c.steps.length} steps`}: **${fmt(byCpu?.msPerSessionSecond ?? null, 2)} ms of relay CPU per session-second, ` +
        `${fmt(byCpu?.sessionsPerCore ?? null, 0)} sessions per fully used core**; relay RSS grows ${fmt(byCpu?.rssMbPerSession ?? null, 2)} MB per session.`,
      '',
      `Highest step whose latency held: **${c.max_ok_sessions} sessions**; relay CPU ${fmt(c.cpu_ms_per_session_s, 2)} ms per session-second there, ` +
        `so ${fmt(c.sessions_per_core, 0)} sessions per fully used core at that step. ` +
        `Last verdict of the ramp: ${c.stopped_because}.`,
      '',
    );
  }
  return out;
}

/** One of issue 5's goals about the view runs: a ratio of Beacon to the peer. */
interface ViewGoal {
  label: string;
  target: string;
  get: (v: ViewRun) => N;
  isLowerBetter: boolean;
  isMet: (ratio: number) => boolean;
  digits: number;
  unit: string;
}

const VIEW_GOALS: ViewGoal[] = [
  { label: 'glass-to-glass p50 vs peer', target: '≤ 0.5×', get: (v) => v.glass_p50_ms, isLowerBetter: true, isMet: (x) => x <= 0.5, digits: 2, unit: ' ms' },
  { label: 'fps vs peer', target: '≥ 1.5×', get: (v) => v.fps, isLowerBetter: false, isMet: (x) => x >= 1.5, digits: 2, unit: '' },
  { label: 'scroll bandwidth vs peer', target: '≤ 0.2×', get: (v) => v.kbps, isLowerBetter: true, isMet: (x) => x <= 0.2, digits: 3, unit: ' kbit/s' },
];

function goals(r: SuiteResult): string[] {
  const modes = modesIn(r.views);
  const ps = find(r.views, 'vnc', 'scroll-text', 1280);
  const cap180 = r.capacity.find((c) => c.target_kbps === 180 && c.recording);
  const cap180off = r.capacity.find((c) => c.target_kbps === 180 && !c.recording);
  const cpu180 = cap180 ? cpuPerSession(cap180) : null;
  const cpu180off = cap180off ? cpuPerSession(cap180off) : null;
  const is = (v: N, test: (v: number) => boolean): boolean | null => (v === null ? null : test(v));
  /** The worst ratio to the peer over every workload and size Beacon ran in this mode. */
  const worst = (mode: QualityMode, get: (v: ViewRun) => N, isLowerBetter: boolean) => {
    const rs = r.views
      .filter((b) => b.system === 'beacon' && modeOf(b) === mode)
      .map((b) => {
        const p = find(r.views, 'vnc', b.workload, b.width);
        return p ? ratio(get(b), get(p)) : null;
      })
      .filter((v): v is number => v !== null);
    if (!rs.length) return '–';
    return fmt(isLowerBetter ? Math.max(...rs) : Math.min(...rs), 2);
  };
  const heaviest = [...r.consoles].sort((a, b) => (b.console_cpu_cores ?? 0) - (a.console_cpu_cores ?? 0))[0];
  const consoleText = r.consoles.map((c) => `${fmt(c.console_cpu_cores, 2)} (${c.clip})`).join(', ') || '–';
  const out = [
    '| goal (issue 5) | Beacon mode | target | measured (1280x720 scroll-text) | worst over all workloads and sizes | |',
    '|---|---|---|---:|---:|---|',
  ];
  const metBy = new Map<QualityMode, string[]>(modes.map((m) => [m, []]));
  for (const g of VIEW_GOALS) {
    for (const m of modes) {
      const bs = find(r.views, 'beacon', 'scroll-text', 1280, m);
      const bv = bs ? g.get(bs) : null;
      const pv = ps ? g.get(ps) : null;
      const x = ratio(bv, pv);
      const verdict = is(x, g.isMet);
      if (verdict) metBy.get(m)?.push(g.label);
      out.push(`| ${g.label} | ${m} | ${g.target} | ${fmt(x, g.digits)}× (${fmt(bv)} vs ${fmt(pv)}${g.unit}) | ${worst(m, g.get, g.isLowerBetter)}× | ${mark(verdict)} |`);
    }
  }
  out.push(
    `| relay sessions per core at 180 kbit/s, recording on | any | ≥ 1000 | ${fmt(cpu180?.sessionsPerCore ?? null, 0)} by CPU (recording off: ${fmt(cpu180off?.sessionsPerCore ?? null, 0)}); latency held up to ${cap180?.max_ok_sessions ?? '–'} sessions here | | ${mark(is(cpu180?.sessionsPerCore ?? null, (v) => v >= 1000))} |`,
    `| console with ${heaviest?.sessions ?? 8} sessions | any | ≤ 1 core | ${consoleText} cores | | ${mark(is(heaviest?.console_cpu_cores ?? null, (v) => v <= 1))} |`,
    '',
  );
  if (modes.length) {
    out.push(
      `Which mode meets which view goal (1280x720 scroll-text): ${modes.map((m) => `**${m}** ${metBy.get(m)?.length ? metBy.get(m)?.join(', ') : 'none'}`).join('; ')}.`,
      '',
    );
  }
  const spine = (label: string, target: string, get: (b: ViewRun) => N, test: (v: number) => boolean, show: (v: number) => N = (v) => v) => {
    const cells = modes.map((m) => {
      const b = find(r.views, 'beacon', 'scroll-text', 1280, m);
      const v = b ? get(b) : null;
      return `${fmt(v === null ? null : show(v))} (${mark(is(v, test))})`;
    });
    out.push(`| ${label} | ${target} | ${cells.join(' | ')} |`);
  };
  out.push(`| spine target (issue 2, 1280x720 scroll-text) | target | ${modes.map((m) => `Beacon ${m}`).join(' | ')} |`, `|---|---|${modes.map(() => '---:|').join('')}`);
  spine('fps', '≥ 30', (b) => b.fps, (v) => v >= 30);
  spine('glass-to-glass p50 (ms)', '≤ 40 ms', (b) => b.glass_p50_ms, (v) => v <= 40);
  spine('glass-to-glass p95 (ms)', '≤ 80 ms', (b) => b.glass_p95_ms, (v) => v <= 80);
  spine('input p50, agent send → injected (ms)', '≤ 5 ms', (b) => b.inject_p50_ms, (v) => v <= 5);
  spine('setup (ms)', '≤ 1000 ms', (b) => b.setup_ms, (v) => v <= 1000);
  spine('scrolling bandwidth (kB/s)', '≤ 250 kB/s', (b) => b.kbps, (v) => v / 8 <= 250, (v) => v / 8);
  out.push('');
  return out;
}

const METHOD = `## How it is measured

- **Screen.** A real Xvfb screen (\`-extension RANDR\`) with a full-screen Chromium window showing the workload. Every workload paints a time code (epoch ms, 40 bits plus a 12-bit check, as 16 px black/white blocks with a complemented row) in the top-left corner on every animation frame. Beacon's customer renderer captures it with \`getDisplayMedia\` and encodes it as in production; for the peer, x11vnc serves the same display. The idle customer window stays on screen in both runs, so both capture the same pixels.
- **Glass-to-glass.** The viewer reads the time code back from its own canvas after each drawn frame (Beacon: the console's frame probe; noVNC: after each framebuffer update it puts on its canvas that touched the code) and subtracts it from the draw time. VNC updates arrive rectangle by rectangle, so a viewer can show a code torn between two moments; the check rejects such frames (counted as "without a readable code") instead of reporting a wrong latency. Both browsers share the machine's clock (agreement measured within about 1 ms).
- **Picture age on screen.** The glass-to-glass percentiles are per drawn frame; a frame then stays on screen until the next one replaces it, getting older. The time average of the picture's age (each frame's latency plus the time it stayed, weighted by that time) is what a viewer looking at a random moment sees; it is where a higher frame rate shows (half a frame interval: about 17 ms at 30 fps, 8 ms at 60 fps). Frames without a readable code and the time they stay are left out.
- **fps** counts frames drawn by the viewer per second (noVNC: framebuffer updates drawn). **kbit/s** is the application payload the viewer received: the media data channel for Beacon, the WebSocket for noVNC (RFB bytes); protocol overheads below that are not counted on either side.
- **Input.** The viewer's mouse moves over the picture every 50 ms. Latency runs from the viewer page's mouse event to the X server moving the pointer there, seen by an X client on the captured display (the workload page's \`mousemove\`, platform event time), matched by position. The same for both systems. Beacon also reports the spine's metric, agent send time → the injector returned (the real robotjs injector in its own process, reached over Node IPC as the app's renderer reaches Electron main).
- **Setup.** Beacon: Connect clicked → first frame drawn, consent auto-accepted. VNC: viewer created → first frame drawn.
- **CPU** is CPU seconds per second of session, read from /proc for whole process trees: customer = the customer Chromium (capture + encode), relay = the relay process, agent = the console's Chromium; for the peer customer = x11vnc, relay = websockify, agent = the noVNC page's Chromium. The workload window is charged to nobody. **Relay RSS** is the relay's (websockify's) resident memory at the end of the run.
- **Quality modes.** Beacon's view runs are repeated for each quality mode the agent can pick in the session toolbar (the bench picks it there after the first frame, before the warm-up): speed (capture at 60 fps, same bitrate), balanced (30 fps, the default) and quality (20 fps, 1.5× the bitrate). The peer runs once, with its own defaults, and each mode's ratios are to that run.
- **Peer settings.** x11vnc with its defaults (\`-localhost -nopw -forever -shared\`), websockify in front, noVNC (Debian package) with its defaults (Tight encoding, JPEG quality 6, compression 2), scaled to the viewer window like the console.
- **Recording.** The relay records sessions by default (as shipped), so the view runs and the console run with recording on; the relay then asks the customer for a keyframe when none came for ${KEYFRAME_INTERVAL_MS / 1000} s, which shows in Beacon's bandwidth. Capacity is measured with recording on and off.
- **Relay capacity.** Synthetic customers and agents (node-datachannel, the protocol client the relay's tests use) run in separate load-generator processes on loopback, each agent process on its own seat. Customers replay a real recording of the customer encoder (tests/fixtures/recorded/) in a loop, stretched in time to the target bitrate and started at random points so keyframes do not line up; a keyframe request is answered with the clip's keyframe, on top of the target bitrate. Latency is per frame: the customer's send → the last fragment at the agent, which includes both loopback hops and the frame's serialisation, so it is an upper bound on what the relay adds. A step passes if every fragment sent arrived (sending stops before counting), no customer had to skip a frame, and p99 ≤ 10 ms. A failing step is measured up to three times (it passes if one window passes) and the ramp stops after two failing steps in a row, since the machine is shared; the load average after each window is listed. The relay and the load generators run at nice -10 so that browsers elsewhere on the machine (Chromium raises its display threads to -8) disturb the latencies less; CPU time used does not depend on priority. Sessions per core is given two ways: by CPU, from the slope of relay CPU over sessions across the steps whose latency held (what one fully used core would carry), and as the highest step whose latency held on this shared machine. On 2 cores the load generators need about as much CPU as the relay (they do the same WebRTC work, on both ends), so past roughly 150 sessions the machine, not the relay, runs out.
- **Console.** One console (headless Chromium) holds N sessions with synthetic customers replaying a recording from its keyframe, so every frame decodes; the first tab is focused.
- **Noise.** The machine has 2 cores shared with other work; the load average at the start is recorded above. Compare ratios from the same run rather than absolute times across runs.
`;

export function renderReport(r: SuiteResult, plotFile: string | null, command: string): string {
  const out: string[] = [];
  out.push('# Beacon performance', '');
  out.push(
    `Measured ${r.started_at.slice(0, 16).replace('T', ' ')} UTC with \`${command}\` (${r.mode} mode) on ${r.machine.cpus} × ${r.machine.cpu_model}, ` +
      `Node ${r.machine.node}, load average at start ${r.machine.load_avg_start.map((v) => v.toFixed(2)).join(' / ')}. ` +
      `Raw results: \`bench/results/${r.started_at.replace(/:/g, '-').slice(0, 19)}Z.json\`. ` +
      `Beacon's quality modes measured: ${modesIn(r.views).join(', ') || '–'} (balanced is the default; the agent picks one per session).`,
    '',
  );
  if (r.skipped.length || r.errors.length) {
    out.push(...r.skipped.map((s) => `- Skipped: ${s}`), ...r.errors.map((e) => `- Error: ${e}`), '');
  }
  out.push('## Goals', '', ...goals(r));
  out.push('## Beacon next to x11vnc + noVNC', '');
  if (plotFile) out.push(`![Glass-to-glass latency distributions](${plotFile})`, '');
  out.push(...viewTables(r.views));
  out.push(...resumeSection(r.resume));
  out.push('## Relay capacity', '', ...capacityTables(r.capacity));
  out.push('## One console, many sessions', '');
  if (r.consoles.length) {
    out.push(
      '| clip | sessions | console CPU (cores) | focused fps | background fps (mean) | background fps (min) | sent fps per session |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...r.consoles.map(
        (c) =>
          `| ${c.clip} | ${c.sessions} | ${fmt(c.console_cpu_cores, 2)} | ${fmt(c.focused_fps)} | ${fmt(c.background_fps_mean)} | ${fmt(c.background_fps_min)} | ${fmt(c.sent_fps_per_session)} |`,
      ),
      '',
      ...r.consoles.flatMap((c) => [
        ...c.notes.map((n) => `<sub>${n}.</sub>`),
        `<sub>${c.clip}: console CPU by thread (cores): ${Object.entries(c.threads).map(([k, v]) => `${k} ${v}`).join(', ')}.</sub>`,
      ]),
      '',
    );
  } else out.push('Not run.', '');
  if (r.profiles.length) {
    out.push('## Where the time goes (profiles)', '');
    for (const p of r.profiles) {
      out.push(`#### ${p.what} (${p.totalMs} ms sampled)`, '', '| share | self ms | function |', '|---:|---:|---|');
      out.push(...p.lines.map((l) => `| ${l.share}% | ${l.selfMs} | \`${l.name.replace(/\|/g, '\\|')}\` |`), '');
    }
  }
  out.push(METHOD);
  out.push(...renderLinkSection(r, command));
  return `${out.join('\n')}\n`;
}
