import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { ClipboardImage } from '../protocol/clipboard.ts';
import { ClipboardWatch, ImageAssembler, imageChunks, WATCH_SETTLE_MS, type ClipContent, type WatchTimers } from './clipboardSync.ts';

test('a PNG goes in valid chunks and comes back whole; a chunk out of order is dropped', () => {
  const png = randomBytes(200_001).toString('base64');
  const chunks = imageChunks('session-1', 'clip-0001', png, true);
  assert.equal(chunks.length, 5);
  for (const c of chunks) assert.ok(ClipboardImage.safeParse(c).success);
  assert.equal(chunks[1]!.offset, 48 * 1024);
  const a = new ImageAssembler();
  assert.equal(a.take(chunks[0]!), null);
  assert.equal(a.take(chunks[2]!), null, 'out of order');
  const b = new ImageAssembler();
  let got: string | null = null;
  for (const c of chunks) got = b.take(c) ?? got;
  assert.equal(got, png);
});

function fakeTimers() {
  let fns: { at: number; fn: () => void; every?: number }[] = [];
  let now = 0;
  const timers: WatchTimers = {
    setInterval: (fn, ms) => (fns.push({ at: now + ms, fn, every: ms }), fns.at(-1)),
    clearInterval: (h) => void (fns = fns.filter((f) => f !== h)),
    setTimeout: (fn, ms) => (fns.push({ at: now + ms, fn }), fns.at(-1)),
    clearTimeout: (h) => void (fns = fns.filter((f) => f !== h)),
  };
  const advance = async (ms: number) => {
    const end = now + ms;
    for (;;) {
      await new Promise((r) => setImmediate(r));
      const next = fns.filter((f) => f.at <= end).sort((x, y) => x.at - y.at)[0];
      if (!next) break;
      now = next.at;
      if (next.every) next.at += next.every;
      else fns = fns.filter((f) => f !== next);
      next.fn();
    }
    now = end;
    await new Promise((r) => setImmediate(r));
  };
  return { timers, advance };
}

test('the watch sends what is copied once it settles, never what was there at the start, the same twice, or what just arrived', async () => {
  const { timers, advance } = fakeTimers();
  let clip: ClipContent = { kind: 'text', text: 'before' };
  const sent: ClipContent[] = [];
  const w = new ClipboardWatch(async () => clip, (c) => sent.push(c), timers);
  w.start();
  await advance(2500);
  assert.deepEqual(sent, [], 'what was there at the start stays');
  clip = { kind: 'text', text: 'copied' };
  await advance(1000 + WATCH_SETTLE_MS);
  assert.deepEqual(sent, [{ kind: 'text', text: 'copied' }]);
  await advance(3000);
  assert.equal(sent.length, 1, 'the same content is not sent twice');
  clip = { kind: 'text', text: 'from the other side' };
  w.noteArrived(clip);
  await advance(3000);
  assert.equal(sent.length, 1, 'what arrived is not sent back');
  w.stop();
  clip = { kind: 'text', text: 'after stop' };
  await advance(3000);
  assert.equal(sent.length, 1);
});

/** A running watch over a clipboard holding `clip` (the test changes `board.clip`), past its first reads. */
async function watching(clip: ClipContent) {
  const board = { clip };
  const { timers, advance } = fakeTimers();
  const sent: ClipContent[] = [];
  const w = new ClipboardWatch(async () => board.clip, (c) => void sent.push(c), timers);
  w.start();
  await advance(1500);
  return { board, w, sent, advance };
}

test('what arrived is not sent back even when the clipboard re-encodes it; copied again later, it is', async () => {
  const { board, w, sent, advance } = await watching({ kind: 'text', text: 'before' });
  // The other side's PNG: this clipboard keeps the same pixels as another PNG (as browsers and Electron do).
  await w.putArrived({ kind: 'image', png: 'iVBORw0KGgoAAAA=' }, async () => {
    board.clip = { kind: 'image', png: 'iVBORw0KGgoBBBB=' };
  });
  await advance(3000);
  assert.deepEqual(sent, [], 'the re-encoded image is not sent back');
  board.clip = { kind: 'text', text: 'copied' };
  await advance(1000 + WATCH_SETTLE_MS);
  board.clip = { kind: 'image', png: 'iVBORw0KGgoBBBB=' };
  await advance(1000 + WATCH_SETTLE_MS);
  assert.deepEqual(sent, [{ kind: 'text', text: 'copied' }, { kind: 'image', png: 'iVBORw0KGgoBBBB=' }], 'after a copy of its own, the same image copied again goes');
  w.stop();
});

test('what the clipboard held before an arrival, read while the arrival is being written, is not sent', async () => {
  const { board, w, sent, advance } = await watching({ kind: 'text', text: 'copied earlier' });
  let finish = () => undefined as void;
  const writing = w.putArrived({ kind: 'text', text: 'from the other side' }, () => new Promise<void>((resolve) => (finish = resolve)));
  // The OS clipboard takes a while: the watch reads the old content meanwhile.
  await advance(2500);
  board.clip = { kind: 'text', text: 'from the other side' };
  finish();
  await writing;
  await advance(3000);
  assert.deepEqual(sent, [], 'neither the old content nor the arrival is sent');
  w.stop();
});

test('a copy of its own made while an arrival is read back still goes (a busy machine reads back late)', async () => {
  const { board, w, sent, advance } = await watching({ kind: 'text', text: 'before' });
  // The agent's text arrives; by the time the clipboard is read back, the user copied an image.
  await w.putArrived({ kind: 'text', text: 'from the other side' }, async () => {
    board.clip = { kind: 'image', png: 'iVBORw0KGgoCCCC=' };
  });
  await advance(1000 + WATCH_SETTLE_MS);
  assert.deepEqual(sent, [{ kind: 'image', png: 'iVBORw0KGgoCCCC=' }]);
  w.stop();
});
