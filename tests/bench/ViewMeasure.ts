/**
 * The measuring window of one view run, the same for Beacon and for the VNC peer: the mouse
 * wanders over the viewer's picture while frames, bytes, CPU and input are counted, and the
 * numbers are reduced to one {@link ViewRun}.
 *
 * Input latency is measured the same way for both systems: from the viewer page's mouse
 * event to the moment an X client on the captured display (the workload page) sees the
 * pointer arrive there, matched by position.
 */
import type { Locator, Page } from 'playwright-core';
import type { InjectionRecord } from '../harness/CustomerBridge.ts';
import { CpuMeter, rssBytes, topThreads, treeThreadTicks } from '../harness/ProcessStats.ts';
import { num, type ViewRun } from './results.ts';
import { percentile, quantiles, round1, round2, shownAgeMs } from './stats.ts';
import type { SentMove, ViewerState, WorkloadName } from './workloads.ts';
import type { QualityMode } from '@beacon/shared/protocol';

export const WARMUP_MS = 2000;
/** The mouse moves this often during the window. */
const MOVE_INTERVAL_MS = 50;
/** A pointer that has not arrived after this long is counted as lost, not as a sample. */
const MAX_INPUT_MS = 1000;
/**
 * Where the pointer wanders, as fractions of the screen: right of the time code, and above
 * the customer window the harness puts at y = 420 px (so an X client sees every move).
 */
const WANDER = { x0: 0.55, x1: 0.95, y0: 0.12, y1: 0.36 } as const;

interface XMove {
  t: number;
  x: number;
  y: number;
}

export interface MeasureOptions {
  system: ViewRun['system'];
  workload: WorkloadName;
  width: number;
  height: number;
  seconds: number;
  viewer: Page;
  /** The element showing the remote picture in the viewer page. */
  canvas: Locator;
  /** The workload page on the captured display (it records where the X pointer went). */
  screen: Page;
  customerPids: number[];
  relayPids: number[];
  agentPids: number[];
  /** The process whose resident memory is reported as the relay's. */
  relayPid: number;
  setupMs: number;
  /** Beacon only: the quality mode the session ran in. */
  quality?: QualityMode;
  /** Beacon only: what the injector recorded. */
  injections?: InjectionRecord[];
  notes?: string[];
  /** false: the pointer stays still (a still screen stays still; no input is measured). Default true. */
  isWandering?: boolean;
}

export const epochNow = (page: Page): Promise<number> => page.evaluate(() => performance.timeOrigin + performance.now());

export function viewerState(page: Page): Promise<ViewerState> {
  return page.evaluate(() => (window as unknown as { __bench: ViewerState }).__bench);
}

/** Waits for the first drawn frame; returns its time (epoch ms). */
export async function firstFrameAt(page: Page, timeoutMs = 20_000): Promise<number> {
  await page.waitForFunction(() => (window as unknown as { __bench: ViewerState }).__bench.frames.length > 0, null, { timeout: timeoutMs });
  return (await viewerState(page)).frames[0]!.at;
}

/** The window's `seconds`: the mouse moving over the picture every MOVE_INTERVAL_MS, or still (isWandering false). */
async function wander(o: MeasureOptions, box: { x: number; y: number; width: number; height: number }): Promise<void> {
  const deadline = Date.now() + o.seconds * 1000;
  const maxMoves = o.isWandering === false ? 0 : Math.ceil((o.seconds * 1000) / MOVE_INTERVAL_MS);
  for (let i = 0; Date.now() < deadline && i < maxMoves; i++) {
    const sx = o.width * (WANDER.x0 + (WANDER.x1 - WANDER.x0) * Math.random());
    const sy = o.height * (WANDER.y0 + (WANDER.y1 - WANDER.y0) * Math.random());
    await o.viewer.mouse.move(box.x + (sx * box.width) / o.width, box.y + (sy * box.height) / o.height);
    await new Promise((r) => setTimeout(r, MOVE_INTERVAL_MS));
  }
  if (!maxMoves) await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())));
}

export async function measureView(o: MeasureOptions): Promise<ViewRun> {
  const box = await o.canvas.boundingBox();
  if (!box) throw new Error(`${o.system}: the viewer shows no picture`);
  const meters = {
    customer: new CpuMeter(o.customerPids),
    relay: new CpuMeter(o.relayPids, true),
    agent: new CpuMeter(o.agentPids),
  };
  await o.screen.evaluate(() => {
    (window as unknown as { __moves: unknown[] }).__moves.length = 0;
  });
  await o.viewer.evaluate(() => {
    (window as unknown as { __bench: ViewerState }).__bench.moves.length = 0;
  });
  const injected0 = o.injections?.length ?? 0;
  const { mediaBytes: bytes0, keyframes: keys0 } = await viewerState(o.viewer);
  const threads0 = { customer: treeThreadTicks(o.customerPids), agent: treeThreadTicks(o.agentPids) };
  for (const m of Object.values(meters)) m.start();
  const t0 = await epochNow(o.viewer);

  await wander(o, box);
  // Let the last moves and frames arrive before the window closes.
  await new Promise((r) => setTimeout(r, 300));
  const t1 = await epochNow(o.viewer);
  for (const m of Object.values(meters)) m.stop();
  const threads_customer = topThreads(threads0.customer, treeThreadTicks(o.customerPids), meters.customer.wallSeconds);
  const threads_agent = topThreads(threads0.agent, treeThreadTicks(o.agentPids), meters.agent.wallSeconds);
  const relayRss = rssBytes(o.relayPid);

  const s = await viewerState(o.viewer);
  const xMoves = await o.screen.evaluate(() => (window as unknown as { __moves: XMove[] }).__moves);
  const seconds = (t1 - t0) / 1000;
  const frames = s.frames.filter((f) => f.at >= t0 && f.at <= t1);
  const glass = frames.flatMap((f) => (f.latency === undefined ? [] : [f.latency]));
  const pipe = frames.flatMap((f) => (f.pipe === undefined ? [] : [f.pipe]));
  const captured = frames.flatMap((f) => (f.pipe === undefined || f.latency === undefined ? [] : [f.latency - f.pipe]));
  const input = matchInput(s.moves, xMoves, box, o.width, o.height);
  const inject = (o.injections ?? []).slice(injected0).flatMap((r) => (r.sentAt === undefined ? [] : [r.injectedAt - r.sentAt]));
  const notes = [...(o.notes ?? [])];
  if (input.lost) notes.push(`${input.lost} of ${s.moves.length} pointer moves never reached the X display`);
  return {
    system: o.system,
    workload: o.workload,
    width: o.width,
    height: o.height,
    quality: o.quality ?? 'default',
    seconds: round2(seconds),
    fps: num(round1(frames.length / seconds)),
    kbps: num(round1(((s.mediaBytes - bytes0) * 8) / 1000 / seconds)),
    keyframes: s.keyframes - keys0,
    glass_p50_ms: num(round1(percentile(glass, 50))),
    glass_p95_ms: num(round1(percentile(glass, 95))),
    glass_p99_ms: num(round1(percentile(glass, 99))),
    glass_samples: glass.length,
    shown_age_ms: num(round1(shownAgeMs(frames))),
    unreadable_frames: frames.length - glass.length,
    capture_p50_ms: num(round1(percentile(captured, 50))),
    pipeline_p50_ms: num(round1(percentile(pipe, 50))),
    pipeline_p95_ms: num(round1(percentile(pipe, 95))),
    input_p50_ms: num(round1(percentile(input.latencies, 50))),
    input_p95_ms: num(round1(percentile(input.latencies, 95))),
    input_samples: input.latencies.length,
    inject_p50_ms: num(round1(percentile(inject, 50))),
    inject_p95_ms: num(round1(percentile(inject, 95))),
    setup_ms: num(round1(o.setupMs)),
    cpu_customer: num(round2(meters.customer.cores)),
    cpu_relay: num(round2(meters.relay.cores)),
    cpu_agent: num(round2(meters.agent.cores)),
    relay_rss_mb: num(round1(relayRss / 2 ** 20)),
    threads_customer,
    threads_agent,
    glass_quantiles: quantiles(glass),
    notes,
  };
}

/**
 * Pairs each mouse event in the viewer with the first pointer arrival at the matching screen
 * position the X client saw afterwards. Positions are compared with a tolerance of the
 * viewer's scale, since the picture is usually shown scaled.
 */
export function matchInput(
  sent: readonly SentMove[],
  seen: readonly XMove[],
  box: { x: number; y: number; width: number; height: number },
  width: number,
  height: number,
): { latencies: number[]; lost: number } {
  const tolerance = Math.ceil(Math.max(width / box.width, height / box.height)) + 1;
  const latencies: number[] = [];
  let lost = 0;
  let from = 0;
  for (const m of sent) {
    const sx = ((m.x - box.x) * width) / box.width;
    const sy = ((m.y - box.y) * height) / box.height;
    let found = -1;
    for (let i = from; i < seen.length; i++) {
      const o = seen[i]!;
      // 1 ms of slack: the two pages' clocks come from different processes.
      if (o.t < m.t - 1) continue;
      if (o.t > m.t + MAX_INPUT_MS) break;
      if (Math.abs(o.x - sx) <= tolerance && Math.abs(o.y - sy) <= tolerance) {
        found = i;
        break;
      }
    }
    if (found < 0) {
      lost++;
      continue;
    }
    latencies.push(Math.max(0, seen[found]!.t - m.t));
    from = found + 1;
  }
  return { latencies, lost };
}
