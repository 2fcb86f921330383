/**
 * The shape of benchmark results, defined once with zod: the suite writes them to
 * `bench/results/<timestamp>.json`, child processes hand them to the suite in that shape,
 * and the report and the smoke test read them back through these schemas.
 */
import { z } from 'zod';
import { QualityMode } from '@beacon/shared/protocol';
import { ResumeResult } from './resumeResult.ts';
import { WORKLOAD_NAMES } from './workloads.ts';

/** A measured number; null when there were no samples (JSON has no NaN). */
const Num = z.number().finite().nullable();

export const ViewRun = z.object({
  system: z.enum(['beacon', 'vnc']),
  workload: z.enum(WORKLOAD_NAMES),
  width: z.number().int(),
  height: z.number().int(),
  /**
   * Beacon's quality mode (speed, balanced, quality); results from before the modes existed say
   * `default`, which is balanced. The peer's runs say `default` (its own defaults).
   */
  quality: z.string(),
  /** Length of the measuring window. */
  seconds: z.number(),
  /** Frames drawn by the viewer per second. */
  fps: Num,
  /** Application payload received by the viewer (media channel / VNC WebSocket), kbit/s. */
  kbps: Num,
  /** Beacon: keyframes received in the window (0 for VNC). */
  keyframes: z.number().int(),
  glass_p50_ms: Num,
  glass_p95_ms: Num,
  glass_p99_ms: Num,
  glass_samples: z.number().int(),
  /** Mean age of the picture on the viewer's screen over time (see stats.ts shownAgeMs); absent in older results. */
  shown_age_ms: Num.optional(),
  unreadable_frames: z.number().int(),
  /**
   * Beacon only, glass-to-glass split at the capture time the customer stamps on each frame:
   * time code painted -> captured, and captured -> drawn by the console.
   */
  capture_p50_ms: Num,
  pipeline_p50_ms: Num,
  pipeline_p95_ms: Num,
  /** Viewer's mouse event -> the X pointer seen moving by an X client on the captured display. */
  input_p50_ms: Num,
  input_p95_ms: Num,
  input_samples: z.number().int(),
  /** Beacon only: agent send time -> the injector returned (the spine's input metric). */
  inject_p50_ms: Num,
  inject_p95_ms: Num,
  /** Beacon: Connect clicked -> first frame drawn; VNC: viewer created -> first frame drawn. */
  setup_ms: Num,
  /** CPU cores (CPU seconds per second of session): customer side, relay, agent side. */
  cpu_customer: Num,
  cpu_relay: Num,
  cpu_agent: Num,
  relay_rss_mb: Num,
  /** Where the CPU went, by process kind / thread name (cores), biggest first. */
  threads_customer: z.record(z.string(), z.number()),
  threads_agent: z.record(z.string(), z.number()),
  /** Glass-to-glass percentiles 0..100 (101 values), for the plot. */
  glass_quantiles: z.array(z.number()),
  notes: z.array(z.string()),
});
export type ViewRun = z.infer<typeof ViewRun>;

/**
 * A view run with the customer behind a shaped link (see LinkRuns.ts): Beacon's customer, or
 * x11vnc, in a network namespace joined to the relay's side by a veth pair limited with tbf.
 */
export const LinkRun = ViewRun.extend({
  /** The link's rate in each direction, kbit/s; null: the same veth pair, not shaped. */
  rate_kbit: z.number().nullable(),
  /** Viewer started (Beacon: Connect clicked) -> the whole screen drawn once. */
  first_picture_ms: Num,
  /** The longest time the viewer drew nothing, from the first picture to the end of the window. */
  longest_freeze_ms: Num,
  /** IP bytes per second on the veth pair in the window: screen side -> viewer side, and back. */
  uplink_bytes_per_s: Num,
  downlink_bytes_per_s: Num,
  /** The session ended or the viewer disconnected before the window closed. */
  isDropped: z.boolean(),
});
export type LinkRun = z.infer<typeof LinkRun>;

export const ViewRunnerOutput = z.object({ runs: z.array(ViewRun), links: z.array(LinkRun).default([]), errors: z.array(z.string()) });
export type ViewRunnerOutput = z.infer<typeof ViewRunnerOutput>;

export const CapacityStep = z.object({
  sessions: z.number().int(),
  target_kbps: z.number(),
  recording: z.boolean(),
  seconds: z.number(),
  /** Fragments the agents received / fragments the customers sent in the window. */
  delivered_ratio: Num,
  frames_sent: z.number().int(),
  /** Frames the customers skipped because their channel was backed up. */
  customer_skipped_frames: z.number().int(),
  /** Per frame: the customer's send -> its last fragment at the agent, through the relay. */
  relay_p50_ms: Num,
  relay_p99_ms: Num,
  relay_max_ms: Num,
  /** Media actually carried, per session, kbit/s. */
  kbps_per_session: Num,
  relay_cpu_cores: Num,
  /** The relay's CPU by thread name (cores): the JS main thread vs libdatachannel's threads. */
  relay_threads: z.record(z.string(), z.number()),
  relay_rss_mb: Num,
  generator_cpu_cores: Num,
  /** The machine's 1-minute load average after the window: how busy it was with other work. */
  load_avg_1m: z.number(),
  /** Windows measured: a failing step is measured again, up to three times. */
  windows: z.number().int(),
  isOk: z.boolean(),
});
export type CapacityStep = z.infer<typeof CapacityStep>;

export const CapacityResult = z.object({
  target_kbps: z.number(),
  recording: z.boolean(),
  clip: z.string(),
  steps: z.array(CapacityStep),
  /** The most sessions at which every fragment arrived with p99 <= the latency budget. */
  max_ok_sessions: z.number().int(),
  cpu_ms_per_session_s: Num,
  rss_mb_per_session: Num,
  /** max_ok_sessions scaled to one fully used core of relay CPU. */
  sessions_per_core: Num,
  stopped_because: z.string(),
});
export type CapacityResult = z.infer<typeof CapacityResult>;

export const ConsoleResult = z.object({
  sessions: z.number().int(),
  seconds: z.number(),
  clip: z.string(),
  console_cpu_cores: Num,
  focused_fps: Num,
  background_fps_mean: Num,
  background_fps_min: Num,
  /** Frames per second the synthetic customers sent, per session. */
  sent_fps_per_session: Num,
  /** The console's CPU by process kind / thread name (cores), biggest first. */
  threads: z.record(z.string(), z.number()),
  notes: z.array(z.string()),
});
export type ConsoleResult = z.infer<typeof ConsoleResult>;

export const SuiteResult = z.object({
  started_at: z.string(),
  finished_at: z.string(),
  mode: z.enum(['full', 'quick']),
  /** The command that produced it. */
  command: z.string().optional(),
  machine: z.object({ cpus: z.number().int(), cpu_model: z.string(), load_avg_start: z.array(z.number()), node: z.string() }),
  views: z.array(ViewRun),
  capacity: z.array(CapacityResult),
  consoles: z.array(ConsoleResult),
  /** Beacon and the peer behind a shaped link (absent in results from before these runs). */
  links: z.array(LinkRun).default([]),
  /** Resume after network cuts (absent in results from before it was benched). */
  resume: ResumeResult.nullable().default(null),
  /** Where the time went, when the suite ran with --profile: top self-time lines per process. */
  profiles: z.array(z.object({ what: z.string(), totalMs: z.number(), lines: z.array(z.object({ name: z.string(), selfMs: z.number(), share: z.number() })) })),
  skipped: z.array(z.string()),
  errors: z.array(z.string()),
});
export type SuiteResult = z.infer<typeof SuiteResult>;

/** The mode a Beacon run was measured in (`default`, from before the modes, is balanced). */
export function modeOf(r: Pick<ViewRun, 'quality'>): QualityMode {
  const m = QualityMode.safeParse(r.quality);
  return m.success ? m.data : 'balanced';
}

/** NaN and infinities become null so results survive JSON. */
export function num(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
