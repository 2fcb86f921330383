/**
 * A viewer's queue follows its link: a supervisor on a 20 kB/s link watching a stream made for
 * a fast agent sees a picture seconds old at most, not a minute old, and the fast agent still
 * gets every frame. Simulated links drain at a set rate on a simulated clock.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fragmentFrame, readHeader } from '@beacon/shared/framing';
import type { MediaSink } from '../sessions/Session.ts';
import { HIGH_WATER_BYTES, MediaForwarder } from './MediaForwarder.ts';
import { MIN_HIGH_WATER_BYTES, QUEUE_TARGET_MS, ViewerDrain } from './ViewerDrain.ts';

/** A channel in front of a link of `bytesPerSecond`: what is sent waits, then leaves at that rate. */
class LinkSink implements MediaSink {
  private queued = 0;
  private drainedAt = 0;
  /** Seconds each whole frame waited in the queue before its first byte left. */
  readonly waits: number[] = [];
  frames = 0;
  constructor(
    private readonly bytesPerSecond: number,
    private readonly now: () => number,
  ) {}
  isOpen(): boolean {
    return true;
  }
  bufferedAmount(): number {
    const t = this.now();
    this.queued = Math.max(0, this.queued - ((t - this.drainedAt) * this.bytesPerSecond) / 1000);
    this.drainedAt = t;
    return this.queued;
  }
  send(fragment: Uint8Array): boolean {
    const h = readHeader(fragment);
    if (h.fragIndex === 0) this.waits.push(this.bufferedAmount() / this.bytesPerSecond);
    if (h.fragIndex === h.fragCount - 1) this.frames++;
    this.bufferedAmount();
    this.queued += fragment.byteLength;
    return true;
  }
}

/**
 * 30 fps of 4 kB deltas (120 kB/s, a fast agent's stream) for `seconds`; a keyframe of 60 kB
 * whenever the relay asked for one (the customer answers with its next frame).
 */
function run(seconds: number) {
  let clock = 0;
  let isKeyAsked = false;
  const fwd = new MediaForwarder({ now: () => clock, requestKeyframe: () => (isKeyAsked = true) });
  const slow = new LinkSink(20_000, () => clock);
  const fast = new LinkSink(10_000_000, () => clock);
  fwd.addViewer('slow', slow);
  fwd.addViewer('fast', fast);
  let frames = 0;
  for (let seq = 0; clock < seconds * 1000; seq++, clock += 33) {
    const isKey = seq === 0 || isKeyAsked;
    isKeyAsked = false;
    for (const f of fragmentFrame(new Uint8Array(isKey ? 60_000 : 4_000), { isKey, stream: 1, seq, captureTs: clock })) fwd.push(f, readHeader(f));
    frames++;
  }
  return { slow, fast, frames };
}

describe('a viewer queue that follows its link', () => {
  test('a viewer on 20 kB/s of a 120 kB/s stream waits seconds, not a minute; the fast viewer gets every frame', () => {
    const { slow, fast, frames } = run(60);
    assert.equal(fast.frames, frames, 'the fast viewer got every frame');
    const late = slow.waits.slice(slow.waits.length / 4); // after the first busy intervals taught the rate
    const worst = Math.max(...late);
    // A 60 kB keyframe is 3 s of this link by itself; about 1.5 s of deltas may queue behind it
    // (the fixed 1 MB mark let them wait 52 s).
    assert.ok(worst <= 6, `the slow viewer's frames waited up to ${worst.toFixed(1)} s in the relay`);
    assert.ok(slow.frames >= 10, `the slow viewer still saw ${slow.frames} frames in 60 s`);
    console.log(`slow viewer: ${slow.frames} frames in 60 s, longest wait in the relay ${worst.toFixed(2)} s`);
  });

  test('without a busy interval the fixed mark stands; a channel that empties only ever raises the rate', () => {
    const d = new ViewerDrain();
    d.sample(0, 0, 0);
    d.sample(500, 50_000, 0);
    assert.equal(d.highWater(HIGH_WATER_BYTES), HIGH_WATER_BYTES, 'an app-limited channel says nothing of its link');
    d.sample(1000, 100_000, 40_000);
    d.sample(1500, 120_000, 40_000); // busy: 20 kB in 500 ms
    assert.equal(d.bytesPerSecond, 40_000);
    assert.equal(d.highWater(HIGH_WATER_BYTES), Math.max(MIN_HIGH_WATER_BYTES, (40_000 * QUEUE_TARGET_MS) / 1000));
    d.sample(2000, 220_000, 0); // emptied: 140 kB in 500 ms, at least that fast
    assert.equal(d.bytesPerSecond, 280_000);
    d.sample(2500, 230_000, 0); // emptied, slower: says nothing
    assert.equal(d.bytesPerSecond, 280_000);
    d.onKey(100_000);
    assert.equal(d.highWater(HIGH_WATER_BYTES), 280_000 + 100_000, 'room for the keyframe and about a second behind it');
    assert.equal(d.highWater(200_000), 200_000, 'never above the fixed mark');
  });
});
