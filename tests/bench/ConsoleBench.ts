/**
 * Many sessions in one agent console: the real console (Chromium, headless) holds N
 * sessions at once with synthetic customers (a LoadWorker replaying a recorded clip of the
 * real encoder from its keyframe, and again from it on every keyframe request, so every
 * frame decodes). Measured: the CPU of the whole
 * console browser, and the frames drawn per second in the focused and in the background
 * sessions. Background tabs are not on screen, so the relay sends them keyframes only
 * (view-state): their rate is the rate at which the recording asks for keyframes.
 */
import type { Page } from 'playwright-core';
import { launchAgentBrowser, newPage } from '../harness/Browsers.ts';
import { agentConnect, agentSignIn } from '../harness/flows.ts';
import { CpuMeter, topThreads, treeThreadTicks, withNewChildren } from '../harness/ProcessStats.ts';
import { startRelay } from '../harness/Relay.ts';
import { WorkerHandle } from './capacity/WorkerHandle.ts';
import { num, type ConsoleResult } from './results.ts';
import { OWNER_ENV, ownerTokenWithLimit } from './seats.ts';
import { mean, round1, round2 } from './stats.ts';
import { RecordedClip } from './RecordedClip.ts';
import { summarizeTrace } from './traceSummary.ts';

type TraceSummary = ReturnType<typeof summarizeTrace>;

export interface ConsoleOptions {
  sessions: number;
  clip: string;
  seconds: number;
  /** After the CPU window, record a Chromium trace for a few seconds and summarise it. */
  isTraced?: boolean;
  log?: (msg: string) => void;
}

/** Trace categories for "where does the console's time go": tasks, rendering, media, V8. */
const TRACE_CATEGORIES = ['toplevel', 'blink', 'cc', 'gpu', 'media', 'v8', 'viz', 'disabled-by-default-devtools.timeline'];
const TRACE_SECONDS = 3;

/** Counts drawn frames per session; no pixel readback, which would cost the console CPU. */
const COUNT_FRAMES_SCRIPT = `
window.__drawn = {};
window.__beaconFrameProbe = (p) => { window.__drawn[p.sessionId] = (window.__drawn[p.sessionId] || 0) + 1; };`;

const drawnCounts = (page: Page): Promise<Record<string, number>> => page.evaluate(() => ({ ...(window as unknown as { __drawn: Record<string, number> }).__drawn }));

export async function runConsole(o: ConsoleOptions): Promise<{ result: ConsoleResult; trace: TraceSummary | null }> {
  const log = o.log ?? (() => undefined);
  const clip = RecordedClip.load(o.clip);
  const notes = [`each customer replays ${o.clip} (${clip.config.width}x${clip.config.height} ${clip.config.codec}) at its recorded ${Math.round(clip.naturalKbps)} kbit/s, ${Math.round(clip.naturalFps)} fps`];
  // Recording on, as shipped: the relay then asks each customer for a keyframe when it has had none for KEYFRAME_INTERVAL_MS (recording/SessionRecording.ts).
  const relay = await startRelay({ BEACON_LOG_LEVEL: 'warn', BEACON_RECORD_SESSIONS: '1', ...OWNER_ENV });
  const customers = WorkerHandle.spawn('customers');
  const launched = await withNewChildren(() => launchAgentBrowser());
  const browser = launched.value;
  try {
    await ownerTokenWithLimit(relay.url, Math.max(o.sessions, 3));
    const { devices } = await customers.request(
      { type: 'start-customers', relayUrl: relay.url, count: o.sessions, clip: o.clip, targetKbps: clip.naturalKbps, phase: 0, keyframeAnswer: 'restart' },
      'customers',
      60_000,
    );
    if (devices.length < o.sessions) throw new Error(`only ${devices.length} synthetic customers came online`);
    const agent = await newPage(browser);
    await agent.addInitScript(COUNT_FRAMES_SCRIPT);
    await agentSignIn(agent, relay.url);
    for (const [i, d] of devices.entries()) {
      if (i > 0) await agent.getByTestId('new-session-button').click();
      await agentConnect(agent, d.deviceId, d.code, false);
      await agent.locator('[data-testid="session-tab"][data-state="active"]').nth(i).waitFor({ timeout: 20_000 });
      log(`console: session ${i + 1} of ${o.sessions} running`);
    }
    // Focus the first session; the other tabs keep running in the background.
    const focusedTab = agent.getByTestId('session-tab').first();
    await focusedTab.click();
    const focusedId = (await focusedTab.getAttribute('data-session-id')) ?? '';
    await agent.waitForTimeout(2000);
    const sent0 = await customers.request({ type: 'get-stats' }, 'stats', 10_000);
    const before = await drawnCounts(agent);
    const cpu = new CpuMeter(launched.pids);
    const threads0 = treeThreadTicks(launched.pids);
    cpu.start();
    await agent.waitForTimeout(o.seconds * 1000);
    cpu.stop();
    const threads = topThreads(threads0, treeThreadTicks(launched.pids), cpu.wallSeconds, 10);
    const after = await drawnCounts(agent);
    const sent1 = await customers.request({ type: 'get-stats' }, 'stats', 10_000);
    const seconds = cpu.wallSeconds;
    const fps = Object.keys(after).map((id) => ({ id, fps: ((after[id] ?? 0) - (before[id] ?? 0)) / seconds }));
    const background = fps.filter((f) => f.id !== focusedId).map((f) => f.fps);
    if (fps.length < o.sessions) notes.push(`only ${fps.length} sessions drew frames`);
    let trace: TraceSummary | null = null;
    if (o.isTraced) {
      // A separate window: tracing itself costs CPU and must not count above.
      await browser.startTracing(agent, { categories: TRACE_CATEGORIES });
      await agent.waitForTimeout(TRACE_SECONDS * 1000);
      trace = summarizeTrace((await browser.stopTracing()).toString('utf8'), 20);
    }
    const result: ConsoleResult = {
      sessions: o.sessions,
      seconds: round2(seconds),
      clip: o.clip,
      console_cpu_cores: num(round2(cpu.cores)),
      focused_fps: num(round1(fps.find((f) => f.id === focusedId)?.fps ?? 0)),
      background_fps_mean: num(round1(mean(background))),
      background_fps_min: num(round1(background.length ? Math.min(...background) : Number.NaN)),
      sent_fps_per_session: num(round1((sent1.stats.sentFrames - sent0.stats.sentFrames) / seconds / o.sessions)),
      threads,
      notes,
    };
    return { result, trace };
  } finally {
    await browser.close().catch(() => undefined);
    await customers.stop();
    await relay.stop();
  }
}
