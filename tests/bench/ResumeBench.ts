/**
 * Resume after a network cut (issue 14 §1): one session, the customer's Chromium in a network
 * namespace (NamespaceStage, link not shaped), its veth end set down for `cutMs` and up again,
 * `cuts` times. Each time a block of the X screen changes colour during the cut; the agent's
 * page watches its canvas every animation frame and notes when that colour first shows. The
 * result per cut is link-up -> the changed picture on the agent's canvas (the same clock: both
 * browsers and the bench run on this machine). A cut whose picture did not come back within
 * {@link BACK_LIMIT_MS} counts as null and is named in the notes. Also noted: link-up -> the
 * customer page's new link carrying the session (its `session-resumed`, handled once the data
 * channels are open), so the WebRTC part and the picture part can be told apart, and, for a
 * bridged link (ws-upgrade), when its data channels took over. BEACON_BENCH_TRACE=1 prints the
 * customer page's console lines with their times.
 */
import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { launchAgentBrowser, newPage } from '../harness/Browsers.ts';
import { agentConnect, agentSignIn, openCustomer, readDeviceCredentials } from '../harness/flows.ts';
import { NamespaceStage } from '../harness/namespaceCustomer.ts';
import { BLOCKS, PATTERN_HTML } from '../fixtures/pattern.ts';
import type { ResumeResult } from './resumeResult.ts';
import { percentile } from './stats.ts';


/** After this long without the picture the cut is given up (the grace period is 60 s). */
const BACK_LIMIT_MS = 30_000;
/** After a picture is back, the session settles (peer-back, the controller) before the next cut. */
const SETTLE_MS = 3000;
const FLIP = { x: 760, y: 60, w: 200, h: 200 } as const;
/** The colours the block takes in turn, one per cut: each is seen only if the stream really came back. */
const COLOURS = [
  { css: '#ff00ff', rgb: [255, 0, 255] },
  { css: '#00ffff', rgb: [0, 255, 255] },
] as const;

/** Starts watching the agent's canvas for `rgb` at X screen point (sx, sy); the epoch ms it was first seen is read with {@link seenAt}. */
function watchFor(agent: Page, sx: number, sy: number, rgb: readonly number[]): Promise<void> {
  return agent.evaluate(
    ([x, y, want]) => {
      const w = window as unknown as { __seenAt: number | null; __watch?: number };
      w.__seenAt = null;
      w.__watch = (w.__watch ?? 0) + 1;
      const id = w.__watch;
      const look = () => {
        if (w.__watch !== id) return;
        const c = document.querySelector('[data-testid="session-canvas"]') as HTMLCanvasElement | null;
        const g = c?.getContext('2d');
        if (c && g) {
          const px = g.getImageData(Math.floor((x * c.width) / 1280), Math.floor((y * c.width) / 1280), 1, 1).data;
          if (want.every((v, i) => Math.abs(v - px[i]!) < 70)) {
            w.__seenAt = Date.now();
            return;
          }
        }
        requestAnimationFrame(look);
      };
      look();
    },
    [sx, sy, [...rgb]] as const,
  );
}

const seenAt = (agent: Page) => agent.evaluate(() => (window as unknown as { __seenAt: number | null }).__seenAt);

async function waitSeen(agent: Page, limitMs: number): Promise<number | null> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    const at = await seenAt(agent);
    if (at !== null) return at;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

async function waitMoved(at: () => number | null, limitMs: number): Promise<void> {
  const until = Date.now() + limitMs;
  while (at() === null && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
}

export interface ResumeOptions {
  cuts: number;
  cutMs: number;
  log: (line: string) => void;
}

export async function runResume(o: ResumeOptions): Promise<ResumeResult> {
  const start = loadavg().map((v) => Math.round(v * 100) / 100);
  const flip = `<div id="flip" style="position:absolute;left:${FLIP.x}px;top:${FLIP.y}px;width:${FLIP.w}px;height:${FLIP.h}px;background:#000"></div>`;
  const stage = await NamespaceStage.start(null, 94, PATTERN_HTML.replace('</body>', `${flip}</body>`));
  const agentBrowser = await launchAgentBrowser();
  const notes: string[] = [];
  const back: (number | null)[] = [];
  const linked: (number | null)[] = [];
  const channels: (number | null)[] = [];
  try {
    const customer = await openCustomer(stage.customerBrowser, stage.relayUrl, stage.injector);
    let resumedAt: number | null = null;
    let movedAt: number | null = null;
    const stayed: string[] = [];
    customer.on('console', (m) => {
      if (m.text().startsWith('[beacon] session-resumed')) resumedAt ??= Date.now();
      if (m.text().startsWith('[beacon] ctl and media moved to the data channels')) movedAt ??= Date.now();
      if (m.text().startsWith('[beacon] ctl and media stay on the websocket')) stayed.push(m.text().slice(9));
      if (process.env.BEACON_BENCH_TRACE) o.log(`    ${Date.now() % 100_000} ${m.text().slice(0, 160)}`);
    });
    const agent = await newPage(agentBrowser);
    await agentSignIn(agent, stage.relay.url);
    const { deviceId, code } = await readDeviceCredentials(customer);
    await agentConnect(agent, deviceId, code);
    await customer.getByTestId('consent-accept').click({ timeout: 20_000 });
    const red = BLOCKS[0];
    await watchFor(agent, red.x + red.w / 2, red.y + red.h / 2, [255, 0, 0]);
    if ((await waitSeen(agent, BACK_LIMIT_MS)) === null) throw new Error('the session never showed its first picture');
    await agent.waitForTimeout(SETTLE_MS);
    for (let i = 0; i < o.cuts; i++) {
      const colour = COLOURS[i % COLOURS.length]!;
      await stage.link.setLinkUp(false);
      const cutAt = Date.now();
      await agent.waitForTimeout(500);
      await stage.screen.page.evaluate((c) => ((document.getElementById('flip') as HTMLDivElement).style.background = c), colour.css);
      await watchFor(agent, FLIP.x + FLIP.w / 2, FLIP.y + FLIP.h / 2, colour.rgb);
      await agent.waitForTimeout(Math.max(0, cutAt + o.cutMs - Date.now()));
      resumedAt = null;
      movedAt = null;
      await stage.link.setLinkUp(true);
      const upAt = Date.now();
      const at = await waitSeen(agent, BACK_LIMIT_MS);
      const ms = at === null ? null : Math.max(0, at - upAt);
      back.push(ms);
      const link: number | null = resumedAt === null ? null : Math.max(0, resumedAt - upAt);
      linked.push(link);
      o.log(`  cut ${i + 1}/${o.cuts} (${upAt - cutAt} ms): link carries the session after ${link ?? '–'} ms, picture back ${ms === null ? 'never' : `${ms} ms`} after link-up`);
      // The data channels take over after the picture is back (a bridged link): wait for them before the next cut.
      if (resumedAt !== null) await waitMoved(() => movedAt, 10_000);
      const moved: number | null = movedAt === null ? null : Math.max(0, movedAt - upAt);
      channels.push(moved);
      o.log(`    data channels took over after ${moved ?? '–'} ms${stayed.length ? `; ${stayed.splice(0).join('; ')}` : ''}`);
      if (ms === null) notes.push(`cut ${i + 1}: no picture within ${BACK_LIMIT_MS / 1000} s of link-up`);
      await agent.waitForTimeout(SETTLE_MS);
    }
    const status = await agent.getByTestId('session-view').count();
    if (!status) notes.push('the session view was gone at the end');
  } finally {
    await agentBrowser.close().catch(() => undefined);
    await stage.close();
  }
  const got = back.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const q = (p: number) => (got.length ? Math.round(percentile(got, p)) : null);
  return {
    cut_ms: o.cutMs,
    back_ms: back,
    linked_ms: linked,
    channels_ms: channels,
    over_3s: back.filter((v) => v === null || v > 3000).length,
    median_ms: q(50),
    p95_ms: q(95),
    max_ms: got.length ? got[got.length - 1]! : null,
    load_avg_start: start,
    load_avg_end: loadavg().map((v) => Math.round(v * 100) / 100),
    notes,
  };
}
