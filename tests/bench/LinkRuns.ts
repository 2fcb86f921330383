/**
 * View runs with the screen's side behind a shaped link (issue 11): the same screen, probes
 * and measuring window as the view runs, plus time to the first whole picture, the longest
 * freeze, whether the session dropped, and the bytes on the veth pair.
 *
 * Topology, the same for both systems: the party that owns the screen sits in the link's
 * network namespace, everything else on this side.
 * - Beacon: the customer's Chromium (capture + encode) in the namespace; relay and agent
 *   console here. The picture crosses the link customer -> relay.
 * - Peer: x11vnc in the namespace; websockify and the noVNC page here. The picture (RFB over
 *   TCP) crosses the link x11vnc -> websockify.
 * The veth is shaped with tbf at the same rate both ways, so the picture goes up and input
 * and acknowledgements come down through the same shaping in both systems. The pointer stays
 * still in these runs (a still screen stays still); input latency is the view runs' business.
 */
import type { Page } from 'playwright-core';
import { DEFAULT_QUALITY_MODE } from '@beacon/shared/protocol';
import type { ShapedLink } from '../harness/ShapedLink.ts';
import type { LinkRun, ViewRun } from './results.ts';
import { num } from './results.ts';
import { longestGapMs, round1 } from './stats.ts';
import { epochNow, firstFrameAt, measureView, viewerState } from './ViewMeasure.ts';
import type { ViewEnv } from './ViewEnv.ts';
import { beaconMeasure, connectAgent, endSession, openVncViewer, vncEncodingsNote, vncMeasure } from './ViewRuns.ts';
import type { WorkloadName } from './workloads.ts';

/** How long a viewer may take to draw its first frame before the run goes on without one (and says so). */
const FIRST_FRAME_LIMIT_MS = 45_000;
/** After the first frame: the controller finds the link's rate before the window opens. */
export const LINK_WARMUP_MS = 5000;
/**
 * The still screen's bytes are what it costs once its picture has settled: after the first
 * picture, a start-up keyframe sized for an unmeasured link is sharpened by larger deltas for
 * several seconds (the first picture's cost, which the first-picture time covers).
 */
export const STILL_WARMUP_MS = 15_000;

const warmupFor = (workload: WorkloadName): number => (workload === 'still' ? STILL_WARMUP_MS : LINK_WARMUP_MS);

/** The still page paints its time code once: what the viewer reads back is no latency. */
function withoutStaleCode(run: LinkRun, workload: WorkloadName): LinkRun {
  if (workload !== 'still') return run;
  return { ...run, glass_p50_ms: null, glass_p95_ms: null, glass_p99_ms: null, glass_samples: 0, shown_age_ms: null, glass_quantiles: [] };
}

/** Waits for the first frame; NaN (and a note) when none came within the limit. */
async function setupTime(viewer: Page, notes: string[]): Promise<number> {
  try {
    const firstAt = await firstFrameAt(viewer, FIRST_FRAME_LIMIT_MS);
    return firstAt - (await viewerState(viewer)).clickAt;
  } catch {
    notes.push(`no frame drawn within ${FIRST_FRAME_LIMIT_MS / 1000} s of starting`);
    return Number.NaN;
  }
}

/** Runs the measuring window and adds what only a link run reports. */
async function measureOnLink(link: ShapedLink, viewer: Page, measure: () => Promise<ViewRun>, isDropped: () => Promise<boolean>): Promise<LinkRun> {
  const up0 = await link.uplinkBytes();
  const down0 = await link.downlinkBytes();
  const t0 = Date.now();
  const run = await measure();
  const seconds = (Date.now() - t0) / 1000;
  const up = ((await link.uplinkBytes()) - up0) / seconds;
  const down = ((await link.downlinkBytes()) - down0) / seconds;
  const s = await viewerState(viewer);
  const end = await epochNow(viewer);
  return {
    ...run,
    rate_kbit: link.rateKbit,
    first_picture_ms: s.fullAt && s.clickAt ? round1(s.fullAt - s.clickAt) : null,
    longest_freeze_ms: s.fullAt ? num(round1(longestGapMs([s.fullAt, ...s.frames.map((f) => f.at).filter((at) => at > s.fullAt)], end))) : null,
    uplink_bytes_per_s: num(Math.round(up)),
    downlink_bytes_per_s: num(Math.round(down)),
    isDropped: await isDropped(),
  };
}

/** Beacon in the quality mode the console starts with (the customer's controller picks speed first on a slow link). */
export async function runBeaconOnLink(env: ViewEnv, link: ShapedLink, workload: WorkloadName, seconds: number): Promise<LinkRun> {
  const agent = await connectAgent(env);
  try {
    const notes: string[] = [];
    const setupMs = await setupTime(agent, notes);
    await agent.waitForTimeout(warmupFor(workload));
    const canvas = agent.getByTestId('session-canvas');
    const run = await measureOnLink(
      link,
      agent,
      () => measureView({ ...beaconMeasure(env, agent, workload, seconds, setupMs, DEFAULT_QUALITY_MODE), notes, isWandering: false }),
      async () => (await canvas.count()) === 0,
    );
    const status = agent.getByTestId('session-status');
    if (await status.count()) run.notes.push(`status line at the end: ${(await status.innerText()).replace(/\s+/g, ' ')}`);
    const size = await canvas.evaluate((c: HTMLCanvasElement) => `${c.width}x${c.height}`).catch(() => '–');
    run.notes.push(`video size at the end: ${size}`);
    await endSession(env, agent);
    return withoutStaleCode(run, workload);
  } finally {
    await agent.close().catch(() => undefined);
  }
}

/** The peer with x11vnc inside the link's namespace. */
export async function runVncOnLink(env: ViewEnv, link: ShapedLink, workload: WorkloadName, seconds: number): Promise<LinkRun> {
  const { peer, viewer } = await openVncViewer(env, { netns: link.ns, ip: link.nsIp });
  try {
    const notes: string[] = [];
    const setupMs = await setupTime(viewer, notes);
    await viewer.waitForTimeout(warmupFor(workload));
    const options = vncMeasure(env, peer, viewer, workload, seconds, setupMs);
    const run = await measureOnLink(
      link,
      viewer,
      () => measureView({ ...options, notes: [...(options.notes ?? []), ...notes], isWandering: false }),
      () => viewer.evaluate(() => (window as unknown as { __vncDisconnected?: unknown }).__vncDisconnected !== undefined),
    );
    run.notes.push(await vncEncodingsNote(viewer));
    return withoutStaleCode(run, workload);
  } finally {
    await viewer.close().catch(() => undefined);
    await peer.close();
  }
}
