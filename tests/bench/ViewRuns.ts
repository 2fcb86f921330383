/**
 * One measured view of one workload: through Beacon (customer renderer -> relay -> agent
 * console), or through the VNC peer (x11vnc -> websockify -> noVNC), on the same screen.
 * The pieces (an agent connected, the peer's viewer open, the measuring options of each
 * system) are shared with the runs behind a shaped link (LinkRuns.ts).
 */
import { appendFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { QualityMode } from '@beacon/shared/protocol';
import { newPage } from '../harness/Browsers.ts';
import { agentConnect, agentSignIn, readDeviceCredentials } from '../harness/flows.ts';
import { startVncPeer, type VncPeer, type VncServerPlace } from '../harness/VncPeer.ts';
import type { ViewRun } from './results.ts';
import { firstFrameAt, measureView, viewerState, WARMUP_MS, type MeasureOptions } from './ViewMeasure.ts';
import type { ViewEnv } from './ViewEnv.ts';
import { agentProbeScript, vncProbeScript, type WorkloadName } from './workloads.ts';

/** The code used for the previous session; the customer shows a fresh one after each attempt. */
let lastCode = '';

async function freshCredentials(customer: Page): Promise<{ deviceId: string; code: string }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const creds = await readDeviceCredentials(customer);
    if (creds.code !== lastCode || Date.now() > deadline) {
      lastCode = creds.code;
      return creds;
    }
    await customer.waitForTimeout(100);
  }
}

/** A new agent page with the frame probe, signed in, connecting to the customer (consent is auto-accepted); the caller closes it. */
export async function connectAgent(env: ViewEnv): Promise<Page> {
  const agent = await newPage(env.agentBrowser);
  const agentLog = process.env.BEACON_BENCH_BROWSER_LOG;
  if (agentLog) agent.on('console', (m) => appendFileSync(agentLog, `${new Date().toISOString()} agent: ${m.text()}\n`));
  try {
    await agent.addInitScript(agentProbeScript(env.width));
    await agentSignIn(agent, env.relay.url);
    const { deviceId, code } = await freshCredentials(env.customer);
    await agentConnect(agent, deviceId, code);
    return agent;
  } catch (err) {
    await agent.close().catch(() => undefined);
    throw err;
  }
}

/** What measureView needs for a Beacon session watched in `agent`. */
export function beaconMeasure(env: ViewEnv, agent: Page, workload: WorkloadName, seconds: number, setupMs: number, mode: QualityMode): MeasureOptions {
  return {
    system: 'beacon',
    quality: mode,
    workload,
    width: env.width,
    height: env.height,
    seconds,
    viewer: agent,
    canvas: agent.getByTestId('session-canvas'),
    screen: env.screen.page,
    customerPids: env.customerPids,
    relayPids: [env.relay.proc.pid ?? 0],
    agentPids: env.agentPids,
    relayPid: env.relay.proc.pid ?? 0,
    setupMs,
    injections: env.customer.injections,
  };
}

/**
 * An agent signs in, connects with the customer's ID and code (consent auto-accepted), picks
 * the quality mode in the session toolbar as an agent would, and watches.
 */
export async function runBeacon(env: ViewEnv, workload: WorkloadName, seconds: number, mode: QualityMode = 'balanced'): Promise<ViewRun> {
  const agent = await connectAgent(env);
  try {
    const firstAt = await firstFrameAt(agent);
    const setupMs = firstAt - (await viewerState(agent)).clickAt;
    const select = agent.getByTestId('session-view').getByTestId('quality-mode');
    if ((await select.inputValue()) !== mode) await select.selectOption(mode);
    // The warm-up also lets the customer's capture and encoder settle in the mode (a keyframe follows the switch).
    await agent.waitForTimeout(WARMUP_MS);
    const run = await measureView(beaconMeasure(env, agent, workload, seconds, setupMs, mode));
    const size = await agent.getByTestId('session-canvas').evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
    if (size[0] !== env.width || size[1] !== env.height) run.notes.push(`video arrived at ${size[0]}x${size[1]}, not ${env.width}x${env.height}`);
    await endSession(env, agent);
    return run;
  } finally {
    await agent.close().catch(() => undefined);
  }
}

export async function endSession(env: ViewEnv, agent: Page): Promise<void> {
  await agent
    .getByTestId('end-session')
    .click({ timeout: 2000 })
    .catch(() => undefined);
  await env.customer
    .getByTestId('session-bar')
    .waitFor({ state: 'detached', timeout: 5000 })
    .catch(() => undefined);
}

/** The peer started on the env's display (x11vnc where `place` says) and its viewer page opening; the caller closes both. */
export async function openVncViewer(env: ViewEnv, place?: VncServerPlace): Promise<{ peer: VncPeer; viewer: Page }> {
  const peer = await startVncPeer(env.x.display, place);
  try {
    const viewer = await newPage(env.agentBrowser);
    await viewer.addInitScript(vncProbeScript(env.width));
    await viewer.goto(peer.viewerUrl);
    return { peer, viewer };
  } catch (err) {
    await peer.close();
    throw err;
  }
}

/** What measureView needs for the peer's session watched in `viewer`. */
export function vncMeasure(env: ViewEnv, peer: VncPeer, viewer: Page, workload: WorkloadName, seconds: number, setupMs: number): MeasureOptions {
  return {
    system: 'vnc',
    workload,
    width: env.width,
    height: env.height,
    seconds,
    viewer,
    canvas: viewer.locator('#screen canvas'),
    screen: env.screen.page,
    customerPids: [peer.x11vncPid],
    relayPids: [peer.websockifyPid],
    agentPids: env.agentPids,
    relayPid: peer.websockifyPid,
    setupMs,
    notes: ['customer = x11vnc, relay = websockify, agent = noVNC in Chromium'],
  };
}

/** Which RFB encodings the server chose, as a note. */
export async function vncEncodingsNote(viewer: Page): Promise<string> {
  const encodings = await viewer.evaluate(() => (window as unknown as { __encodings: Record<string, number> }).__encodings);
  return `RFB rectangles by encoding: ${Object.entries(encodings).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`;
}

/**
 * x11vnc serves the same display; the noVNC viewer runs in the same headless browser the
 * agent console used. The idle customer window stays where it was, so both systems capture
 * the same pixels.
 */
export async function runVnc(env: ViewEnv, workload: WorkloadName, seconds: number): Promise<ViewRun> {
  const { peer, viewer } = await openVncViewer(env);
  try {
    const firstAt = await firstFrameAt(viewer);
    const setupMs = firstAt - (await viewerState(viewer)).clickAt;
    await viewer.waitForTimeout(WARMUP_MS);
    const run = await measureView(vncMeasure(env, peer, viewer, workload, seconds, setupMs));
    run.notes.push(await vncEncodingsNote(viewer));
    return run;
  } finally {
    await viewer.close().catch(() => undefined);
    await peer.close();
  }
}
