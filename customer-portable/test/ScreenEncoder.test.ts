/**
 * ScreenEncoder in real Chromium (WebCodecs exists only there), fed synthetic frames, with
 * a sink that records what would go to the relay. The frames' pixels change every frame so
 * the encoder does real work; what was sent is decoded again to prove the stream is usable.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { EncoderStats } from '../src/renderer/ScreenEncoder.ts';
import { FakeRelay } from './FakeRelay.ts';

const CHROMIUM = process.env.BEACON_CHROMIUM ?? '/usr/bin/chromium';

/** What a scenario in the page reports back. */
interface Report {
  ctl: { type: string; config?: { codec: string; width: number; height: number } }[];
  frames: { seq: number; isKey: boolean; captureTs: number; bytes: number; stream: number }[];
  stats: EncoderStats;
  decoded: { count: number; width: number; height: number; errors: string[] };
  allInputClosed: boolean;
  /** ctl/media events in the order they were sent. */
  order: string[];
}

describe('ScreenEncoder in Chromium', { skip: existsSync(CHROMIUM) ? false : 'needs Chromium' }, () => {
  let browser: Browser;
  let relay: FakeRelay;
  let page: Page;

  before(async () => {
    const bundle = await build({
      stdin: {
        contents: `import { ScreenEncoder } from './src/renderer/ScreenEncoder.ts';
          import { Reassembler } from '@beacon/shared/framing';
          window.__encoderTest = { ScreenEncoder, Reassembler };`,
        resolveDir: fileURLToPath(new URL('..', import.meta.url)),
        loader: 'ts',
      },
      bundle: true,
      format: 'esm',
      write: false,
      logLevel: 'warning',
    });
    // A page on a loopback HTTP origin is a secure context, which WebCodecs requires.
    relay = await FakeRelay.start(fileURLToPath(new URL('.', import.meta.url)));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage();
    await page.addInitScript('globalThis.__name = (fn) => fn;');
    await page.goto(`${relay.url}/blank`);
    await page.addScriptTag({ content: bundle.outputFiles[0]?.text ?? '', type: 'module' });
    await page.waitForFunction(() => '__encoderTest' in window);
  });

  after(async () => {
    await browser?.close();
    await relay?.close();
  });

  /**
   * Runs a scenario: `steps` is a list of [frameCount, width, height, bufferedBytes, action]
   * where action is '' or 'key' (request a keyframe first), 'close' (close the encoder first),
   * 'burst' (hand the frames over back to back, faster than any encoder) or a quality mode
   * ('speed', 'balanced', 'quality': switch to it first), 'still' (the picture does not change).
   * The link is taken as fast from the start unless `startBps` says otherwise; `isAcked`: the
   * sink acknowledges every frame (and the relay every start-up probe) at once, as on a fast link;
   * without it the encoder is told its console does not report (`isReported: false`).
   */
  function scenario(steps: [number, number, number, number, string][], opts: { startBps?: number; isAcked?: boolean } = {}): Promise<Report> {
    return page.evaluate(async ({ steps, startBps, isAcked }) => {
      const { ScreenEncoder, Reassembler } = (window as unknown as { __encoderTest: { ScreenEncoder: any; Reassembler: any } }).__encoderTest;
      const ctl: Report['ctl'] = [];
      const order: string[] = [];
      const reassembler = new Reassembler();
      const frames: Report['frames'] = [];
      const chunks: { data: Uint8Array; isKey: boolean; seq: number }[] = [];
      const sink = {
        buffered: 0,
        get mediaBufferedAmount() {
          return this.buffered;
        },
        sendCtl(m: Report['ctl'][number]) {
          ctl.push(m);
          order.push(m.type);
          // The relay answers a start-up probe's last piece (see LinkProbe); a fast link at once.
          const probe = m as { type: string; id?: number; piece?: number; pieces?: number };
          if (isAcked && probe.type === 'link-probe' && probe.piece === (probe.pieces ?? 0) - 1) queueMicrotask(() => encoder.onProbeAck(probe.id ?? 0));
          return true;
        },
        sendMedia(f: Uint8Array) {
          const frame = reassembler.push(f.slice());
          if (frame) {
            if (isAcked) queueMicrotask(() => encoder.onReceiveReport({ lastSeq: frame.seq, heldMs: 0, bytes: 0 }));
            frames.push({ seq: frame.seq, isKey: frame.isKey, captureTs: frame.captureTs, bytes: frame.data.byteLength, stream: frame.stream });
            chunks.push({ data: frame.data, isKey: frame.isKey, seq: frame.seq });
            order.push(frame.isKey ? 'key' : 'delta');
          }
          return true;
        },
      };
      let fatal = '';
      // Without acknowledgements the console is one that does not report (before its first report
      // the encoder keeps about one frame in front of the link; StreamController.test.ts has that).
      const encoder = new ScreenEncoder({ sink, sessionId: 'sess-enc-01', streamId: 42, onFatal: (e: Error) => (fatal = e.message), startBps, ...(isAcked ? {} : { isReported: false }) });
      const inputs: VideoFrame[] = [];
      let n = 0;
      const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
      for (const [count, width, height, buffered, action] of steps) {
        sink.buffered = buffered;
        if (action === 'key') encoder.requestKeyframe();
        if (action === 'close') encoder.close();
        if (action === 'speed' || action === 'balanced' || action === 'quality') encoder.setMode(action);
        const canvas = new OffscreenCanvas(width, height);
        const g = canvas.getContext('2d')!;
        for (let i = 0; i < count; i++) {
          if (action !== 'still' || n === 0) n++;
          // Desktop-like content: a steady background with text that changes every frame.
          g.fillStyle = '#f3f5f9';
          g.fillRect(0, 0, width, height);
          g.fillStyle = '#1b2330';
          g.font = '28px sans-serif';
          for (let line = 0; line < 6; line++) g.fillText(`line ${line + n} of a document being scrolled`, 20, 50 + line * 45);
          const frame = new VideoFrame(canvas, { timestamp: n * 33_333 });
          inputs.push(frame);
          encoder.encode(frame, 1_000_000 + n);
          // Let the encoder work, as a 30 fps capture would (a burst does not wait).
          if (action !== 'burst') await wait(35);
        }
        await wait(300);
      }
      // A busy machine may still hold frames inside the encoder: let them come out (3 s at most).
      const s0 = encoder.stats;
      for (let i = 0; i < 30 && s0.framesIn > s0.framesEncoded + s0.droppedBusy + s0.droppedBackpressure + s0.skippedStill; i++) await wait(100);
      const stats = { ...encoder.stats };
      encoder.close();
      // A frame's size reads as 0 once it has been closed.
      const allInputClosed = inputs.every((f) => f.displayWidth === 0);

      // Decode what was sent, in order, with a decoder reconfigured at each stream-config.
      const decoded = { count: 0, width: 0, height: 0, errors: [] as string[] };
      const decoder = new VideoDecoder({
        output: (f) => {
          decoded.count++;
          decoded.width = f.displayWidth;
          decoded.height = f.displayHeight;
          f.close();
        },
        error: (e) => void decoded.errors.push(e.message),
      });
      let ci = 0;
      let fi = 0;
      for (const what of order) {
        if (what === 'stream-config') {
          const c = ctl[ci++]!.config!;
          if (decoder.state === 'configured') await decoder.flush();
          decoder.configure({ codec: c.codec, codedWidth: c.width, codedHeight: c.height });
        } else if (what === 'key' || what === 'delta') {
          const c = chunks[fi++]!;
          decoder.decode(new EncodedVideoChunk({ type: c.isKey ? 'key' : 'delta', timestamp: c.seq, data: c.data }));
        } else {
          ci++;
        }
      }
      await decoder.flush().catch((e: Error) => decoded.errors.push(e.message));
      if (fatal) decoded.errors.push(`fatal: ${fatal}`);
      return { ctl, frames, stats, decoded, allInputClosed, order };
    }, { steps, startBps: opts.startBps ?? 20_000_000, isAcked: opts.isAcked ?? false });
  }

  test('announces the stream, starts with a keyframe, numbers frames, keeps capture times; the stream decodes', async () => {
    const r = await scenario([[20, 640, 360, 0, '']]);
    assert.equal(r.order[0], 'stream-config', 'stream-config goes before any video');
    assert.deepEqual(r.ctl[0], { type: 'stream-config', sessionId: 'sess-enc-01', config: { codec: 'vp09.00.10.08', width: 640, height: 360 } });
    assert.equal(r.frames[0]?.isKey, true);
    assert.deepEqual(r.frames.map((f) => f.seq), [...r.frames.keys()]);
    assert.ok(r.frames.every((f) => f.stream === 42));
    // Capture times come from the caller (1_000_000 + frame number), not from output time.
    assert.ok(r.frames.every((f) => f.captureTs > 1_000_000 && f.captureTs <= 1_000_020), JSON.stringify(r.frames.map((f) => f.captureTs)));
    // Each frame is compared with the previous one first (a still screen is not encoded); on a
    // loaded machine that copy takes a while for a canvas frame, and frames arriving meanwhile are dropped.
    assert.ok(r.frames.length >= 10, `only ${r.frames.length} of 20 frames encoded`);
    assert.equal(r.frames.filter((f) => f.isKey).length, 1, 'no keyframes nobody asked for');
    assert.deepEqual(r.decoded, { count: r.frames.length, width: 640, height: 360, errors: [] });
    assert.equal(r.allInputClosed, true, 'every VideoFrame is closed');
  });

  /**
   * None of the six frames captured while the link was backed up (the second step, after
   * `before` frames) went out: each was dropped before the encoder, for the backlog (a busy
   * machine may drop some earlier, as the encoder's own queue is full; the count of each
   * depends on the machine, the sum does not).
   */
  function assertBackedUpDropped(r: Report, before: number): void {
    const sent = r.frames.filter((f) => f.captureTs > 1_000_000 + before && f.captureTs <= 1_000_000 + before + 6);
    assert.deepEqual(sent.map((f) => f.captureTs), [], 'frames captured while the link was backed up went out');
    assert.ok(r.stats.droppedBackpressure + r.stats.droppedBusy >= 6, `dropped: ${r.stats.droppedBackpressure} for the backlog, ${r.stats.droppedBusy} busy`);
  }

  test('drops frames before encoding while the network is backed up, and the stream still decodes', async () => {
    const r = await scenario([
      [5, 640, 360, 0, ''],
      [6, 640, 360, 2 * 1024 * 1024, ''],
      [5, 640, 360, 0, ''],
    ]);
    assertBackedUpDropped(r, 5);
    assert.equal(r.frames.filter((f) => f.isKey).length, 1, 'no keyframe needed after dropping: references stay valid');
    assert.deepEqual(r.frames.map((f) => f.seq), [...r.frames.keys()], 'no gap in sequence numbers');
    assert.deepEqual(r.decoded.errors, []);
    assert.equal(r.decoded.count, r.frames.length);
    assert.equal(r.allInputClosed, true);
  });

  test('a few hundred kB waiting is already a backlog for small frames: frames are dropped, not queued behind it', async () => {
    // 640x360 text frames are a few kB each: 300 kB is many frames of delay, though far below 1 MiB.
    // The limit follows the deltas' size, so the first step must send some (a busy machine drops
    // a few of its frames before the encoder).
    const r = await scenario([
      [12, 640, 360, 0, ''],
      [6, 640, 360, 300 * 1024, ''],
      [5, 640, 360, 40 * 1024, ''],
    ]);
    assert.ok(r.frames.filter((f) => f.captureTs <= 1_000_012).length >= 2, 'deltas were sent before the backlog');
    assertBackedUpDropped(r, 12);
    assert.ok(r.frames.some((f) => f.captureTs > 1_000_018), 'sent again below the limit');
    assert.equal(r.frames.filter((f) => f.isKey).length, 1);
    assert.deepEqual(r.decoded.errors, []);
    assert.equal(r.decoded.count, r.frames.length);
  });

  test('a burst of frames faster than the encoder is thinned out instead of queued', async () => {
    const r = await scenario([
      [3, 1280, 720, 0, ''],
      [12, 1280, 720, 0, 'burst'],
    ]);
    // One frame goes while the encoder is configured; the rest of the drops come from the burst.
    assert.ok(r.stats.droppedBusy >= 3, `dropped only ${r.stats.droppedBusy}: frames are queueing behind the encoder`);
    assert.equal(r.stats.framesIn, r.stats.framesEncoded + r.stats.droppedBusy + r.stats.droppedBackpressure + r.stats.skippedStill);
    assert.deepEqual(r.decoded.errors, []);
    assert.equal(r.decoded.count, r.frames.length);
    assert.equal(r.allInputClosed, true);
  });

  test('a keyframe request makes the next frame a keyframe and repeats the stream-config', async () => {
    // Ten frames after the request: on a busy machine the first few may be dropped before the
    // encoder (its queue still full), and the keyframe goes with the next one taken.
    const r = await scenario([
      [4, 640, 360, 0, ''],
      [10, 640, 360, 0, 'key'],
    ]);
    const keys = r.frames.filter((f) => f.isKey);
    assert.equal(keys.length, 2);
    assert.equal(r.ctl.filter((c) => c.type === 'stream-config').length, 2);
    assert.deepEqual(r.decoded.errors, []);
  });

  test('a new screen size is announced and starts with a keyframe', async () => {
    const r = await scenario([
      [4, 640, 360, 0, ''],
      [4, 800, 600, 0, ''],
    ]);
    assert.deepEqual(
      r.ctl.filter((c) => c.config).map((c) => c.config && [c.config.width, c.config.height]),
      [
        [640, 360],
        [800, 600],
      ],
    );
    const order = r.order.filter((what) => what !== 'stream-state');
    const configAt = order.lastIndexOf('stream-config');
    assert.equal(order[configAt + 1], 'key', 'the first frame after the new config is a keyframe');
    assert.ok(!order.slice(configAt + 1).includes('stream-config'));
    assert.deepEqual(r.decoded, { count: r.frames.length, width: 800, height: 600, errors: [] });
    assert.equal(r.allInputClosed, true);
  });

  test('a new quality mode goes on in the same stream: no new stream-config, a keyframe next, and it decodes', async () => {
    const r = await scenario([
      [6, 640, 360, 0, ''],
      [6, 640, 360, 0, 'speed'],
      [6, 640, 360, 0, 'quality'],
      [6, 640, 360, 0, 'quality'],
    ]);
    assert.deepEqual(r.ctl.filter((c) => c.type === 'stream-config').length, 1, 'the agent keeps its decoder');
    assert.ok(r.ctl.some((c) => c.type === 'stream-state'), 'the agent hears how the stream adapts');
    const keys = r.order.flatMap((what, i) => (what === 'key' ? [i] : []));
    // One to start, one for each actual change (setting the same mode again changes nothing).
    assert.equal(keys.length, 3, r.order.join(' '));
    assert.deepEqual(r.frames.map((f) => f.seq), [...r.frames.keys()]);
    // Quality first runs at 20 fps: of frames handed in about 28 a second, some are thinned out.
    assert.ok(r.frames.length >= 12, `only ${r.frames.length} of 24 frames encoded`);
    assert.deepEqual(r.decoded, { count: r.frames.length, width: 640, height: 360, errors: [] });
    assert.equal(r.allInputClosed, true);
  });

  test('after close nothing is sent and frames handed in are still closed', async () => {
    const r = await scenario([
      [3, 640, 360, 0, ''],
      [4, 640, 360, 0, 'close'],
    ]);
    assert.ok(r.frames.length <= 3);
    assert.equal(r.stats.framesIn, 3);
    assert.equal(r.allInputClosed, true);
  });

  test('a still screen is not encoded but for a heartbeat; a change is sent at once', async () => {
    const r = await scenario([
      [3, 640, 360, 0, ''],
      [80, 640, 360, 0, 'still'],
      [3, 640, 360, 0, ''],
    ]);
    // 80 unchanged frames over about 2.9 s: a few frames while the encoder refines, then a heartbeat every 2 s.
    assert.ok(r.stats.skippedStill >= 60, `only ${r.stats.skippedStill} of 80 still frames skipped`);
    assert.ok(r.frames.length >= 6, `${r.frames.length} frames sent`);
    assert.deepEqual(r.decoded.errors, []);
    assert.equal(r.decoded.count, r.frames.length);
    assert.equal(r.allInputClosed, true);
  });

  test('on an unknown link the first frames are small; the first acknowledgement from a fast link brings the full size', async () => {
    const r = await scenario([[30, 1280, 720, 0, '']], { startBps: 250_000, isAcked: true });
    const sizes = r.ctl.filter((c) => c.type === 'stream-config').map((c) => c.config && `${c.config.width}x${c.config.height}`);
    assert.equal(sizes[0], '640x360', 'a quarter of the pixels until the link is known');
    assert.equal(sizes.at(-1), '1280x720', sizes.join(' '));
    assert.deepEqual(r.decoded.errors, []);
    assert.equal(r.decoded.width, 1280);
  });
});
