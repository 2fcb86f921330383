/** The per-viewer drop policy: a slow viewer skips deltas, waits for a keyframe, and never stalls others. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fragmentFrame, readHeader } from '@beacon/shared/framing';
import type { MediaSink } from '../sessions/Session.ts';
import { HARD_CAP_BYTES, HIGH_WATER_BYTES, KEYFRAME_REQUEST_INTERVAL_MS, MAX_VIEWER_QUEUE_BYTES, MediaForwarder } from './MediaForwarder.ts';

/** A viewer's channel whose buffer level the test sets, like a congested DataChannel. */
class TestSink implements MediaSink {
  buffered = 0;
  isChannelOpen = true;
  readonly got: Uint8Array[] = [];
  isOpen(): boolean {
    return this.isChannelOpen;
  }
  bufferedAmount(): number {
    return this.buffered;
  }
  send(fragment: Uint8Array): boolean {
    this.got.push(fragment);
    return true;
  }
  /** Sequence numbers of the frames received whole. */
  frames(): number[] {
    const seqs: number[] = [];
    for (const f of this.got) {
      const h = readHeader(f);
      if (h.fragIndex === h.fragCount - 1) seqs.push(h.seq);
    }
    return seqs;
  }
}

function setup() {
  let clock = 0;
  let requests = 0;
  const fwd = new MediaForwarder({ now: () => clock, requestKeyframe: () => requests++ });
  return {
    fwd,
    advance: (ms: number) => (clock += ms),
    requests: () => requests,
    push: (seq: number, isKey: boolean, bytes = 100, onFragment?: (i: number) => void) => {
      const frags = fragmentFrame(new Uint8Array(bytes).fill(seq & 0xff), { isKey, stream: 7, seq, captureTs: seq });
      frags.forEach((f, i) => {
        onFragment?.(i);
        fwd.push(f, readHeader(f));
      });
      return frags.length;
    },
  };
}

describe('MediaForwarder', () => {
  test('a new viewer waits for a keyframe, then gets every frame whole and unchanged', () => {
    const s = setup();
    const v = new TestSink();
    s.push(0, false);
    s.fwd.addViewer('v', v);
    assert.equal(s.requests(), 1, 'joining mid-stream asks the customer for a keyframe');
    s.push(0, false);
    s.push(1, true, 50_000);
    s.push(2, false, 20_000);
    assert.deepEqual(v.frames(), [1, 2]);
    assert.equal(v.got.length, 4 + 2);
    assert.deepEqual(s.fwd.stats().viewers.v, { forwardedFrames: 2, droppedFrames: 1, forwardedBytes: v.got.reduce((n, f) => n + f.byteLength, 0), brokenFrames: 0, hiddenFrames: 0, needsKey: false, isVisible: true });
  });

  test('above the high-water mark deltas are dropped, a keyframe is requested once drained, and deltas stay dropped until a keyframe', () => {
    const s = setup();
    const v = new TestSink();
    s.fwd.addViewer('v', v);
    s.push(0, true);
    s.advance(1000);
    v.buffered = HIGH_WATER_BYTES + 1;
    s.push(1, false);
    assert.equal(s.requests(), 0, 'not while its own link is still full: the keyframe would only queue behind it');
    v.buffered = 0;
    s.advance(1000);
    s.push(2, false);
    assert.equal(s.requests(), 1, 'drained: it asks');
    s.push(3, false);
    assert.deepEqual(v.frames(), [0], 'deltas after a skipped one are useless to the decoder');
    s.push(4, true);
    s.push(5, false);
    assert.deepEqual(v.frames(), [0, 4, 5]);
    assert.equal(s.fwd.stats().viewers.v?.droppedFrames, 3);
  });

  test('a viewer on a full link asks for a keyframe at most every few seconds; the others keep every frame', () => {
    const s = setup();
    const slow = new TestSink();
    const fast = new TestSink();
    s.fwd.addViewer('slow', slow);
    s.fwd.addViewer('fast', fast);
    s.push(0, true);
    let seq = 1;
    for (let round = 0; round < 10; round++) {
      // Each round: its link fills, it skips, drains, asks, gets the keyframe, and fills again.
      slow.buffered = HIGH_WATER_BYTES + 1;
      s.advance(500);
      s.push(seq++, false);
      slow.buffered = 0;
      s.advance(500);
      s.push(seq++, false);
      s.push(seq++, true);
    }
    assert.ok(s.requests() <= 3, `${s.requests()} keyframe requests in 10 s for the slow viewer`);
    assert.equal(fast.frames().length, seq, 'the fast viewer got every frame');
  });

  test('a frame being forwarded is forwarded whole even if the buffer fills past the hard cap mid-frame (up to the queue budget)', () => {
    const s = setup();
    const v = new TestSink();
    s.fwd.addViewer('v', v);
    const n = s.push(0, true, 100_000, (i) => {
      if (i === 2) v.buffered = HARD_CAP_BYTES + 1024 * 1024;
    });
    assert.ok(n > 3);
    assert.equal(v.got.length, n);
    s.push(1, false);
    assert.deepEqual(v.frames(), [0]);
  });

  test('above the hard cap even a keyframe is skipped', () => {
    const s = setup();
    const v = new TestSink();
    s.fwd.addViewer('v', v);
    v.buffered = HARD_CAP_BYTES + 1;
    s.push(0, true);
    assert.deepEqual(v.frames(), []);
    v.buffered = HIGH_WATER_BYTES + 1;
    s.push(1, true);
    assert.deepEqual(v.frames(), [1], 'between high water and the cap a keyframe still goes');
  });

  test('a viewer there from the stream’s start asks for nothing: the first frame is a keyframe', () => {
    const s = setup();
    const v = new TestSink();
    s.fwd.addViewer('v', v);
    assert.equal(s.requests(), 0);
    s.push(0, true, 5000);
    s.push(1, false);
    assert.deepEqual(v.frames(), [0, 1]);
    assert.equal(s.requests(), 0);
  });

  test('a stream that starts with deltas (the customer came back) asks with its first delta', () => {
    const s = setup();
    const v = new TestSink();
    s.fwd.addViewer('v', v);
    s.push(5, false);
    assert.equal(s.requests(), 1);
    assert.deepEqual(v.frames(), []);
  });

  test('keyframe requests are limited to one per interval per session', () => {
    const s = setup();
    const v = new TestSink();
    s.push(0, false);
    s.fwd.addViewer('v', v);
    s.push(0, true);
    v.buffered = HIGH_WATER_BYTES + 1;
    for (let i = 1; i <= 10; i++) s.push(i, false);
    assert.equal(s.requests(), 1, 'still inside the interval that started when the viewer joined');
    s.advance(KEYFRAME_REQUEST_INTERVAL_MS);
    v.buffered = 0;
    s.push(11, false);
    s.push(12, false);
    assert.equal(s.requests(), 2);
  });

  test('a slow viewer never holds back a fast one', () => {
    const s = setup();
    const fast = new TestSink();
    const slow = new TestSink();
    s.fwd.addViewer('fast', fast);
    s.fwd.addViewer('slow', slow);
    s.push(0, true, 40_000);
    slow.buffered = HIGH_WATER_BYTES * 4;
    for (let i = 1; i < 30; i++) s.push(i, false, 20_000);
    assert.equal(fast.frames().length, 30);
    assert.deepEqual(slow.frames(), [0]);
    const stats = s.fwd.stats();
    assert.equal(stats.viewers.fast?.droppedFrames, 0);
    assert.equal(stats.viewers.slow?.droppedFrames, 29);
    assert.equal(stats.framesIn, 30);
  });

  test('a closed channel or a refused send makes the viewer wait for the next keyframe', () => {
    const s = setup();
    const v = new TestSink();
    s.fwd.addViewer('v', v);
    s.push(0, true);
    v.isChannelOpen = false;
    s.push(1, false);
    v.isChannelOpen = true;
    s.push(2, false);
    assert.deepEqual(v.frames(), [0]);
    const refusing = new TestSink();
    refusing.send = () => false;
    s.fwd.addViewer('r', refusing);
    s.push(3, true, 50_000);
    assert.equal(s.fwd.stats().viewers.r?.brokenFrames, 1);
    assert.equal(s.fwd.stats().viewers.r?.needsKey, true);
  });

  test('a frame stops part-way when the viewer\'s queue would pass its budget, and the viewer waits for a keyframe', () => {
    const s = setup();
    const v = new TestSink();
    v.send = (f) => {
      v.got.push(f);
      v.buffered += f.byteLength;
      return true;
    };
    s.fwd.addViewer('v', v);
    v.buffered = HARD_CAP_BYTES; // at the cap: a keyframe is still taken
    s.push(0, true, 8 * 1024 * 1024);
    assert.ok(v.buffered <= MAX_VIEWER_QUEUE_BYTES, `queue ${v.buffered} within ${MAX_VIEWER_QUEUE_BYTES}`);
    assert.deepEqual(v.frames(), [], 'the frame was not finished');
    assert.equal(s.fwd.stats().viewers.v?.brokenFrames, 1);
    assert.equal(s.fwd.stats().viewers.v?.needsKey, true);
    v.buffered = 0;
    s.push(1, false);
    s.push(2, true);
    assert.deepEqual(v.frames(), [2], 'deltas skipped until the next keyframe');
  });

  test('a viewer whose picture is not shown gets keyframes only and asks for none; the others get everything', () => {
    const s = setup();
    const hidden = new TestSink();
    const shown = new TestSink();
    s.fwd.addViewer('hidden', hidden);
    s.fwd.addViewer('shown', shown);
    s.push(0, true);
    s.push(1, false);
    assert.equal(s.fwd.setVisible('hidden', false), true);
    const requestsBefore = s.requests();
    for (let i = 2; i < 40; i++) {
      s.advance(100);
      s.push(i, i % 10 === 0);
    }
    assert.deepEqual(hidden.frames(), [0, 1, 10, 20, 30]);
    assert.equal(shown.frames().length, 40);
    assert.equal(s.requests(), requestsBefore, 'a hidden viewer never makes the customer send keyframes');
    const stats = s.fwd.stats().viewers.hidden;
    assert.equal(stats?.hiddenFrames, 38 - 3);
    assert.equal(stats?.droppedFrames, 0, 'skipping a hidden picture is not congestion');
    assert.equal(stats?.isVisible, false);
  });

  test('shown again, the viewer asks for a keyframe at once and resumes from it', () => {
    const s = setup();
    const v = new TestSink();
    s.fwd.addViewer('v', v);
    s.push(0, true);
    s.fwd.setVisible('v', false);
    s.advance(5000);
    s.push(1, false);
    s.push(2, false);
    const requestsBefore = s.requests();
    s.fwd.setVisible('v', true);
    assert.equal(s.requests(), requestsBefore + 1, 'the keyframe is asked for when the view is shown, not at the next frame');
    s.push(3, false);
    s.push(4, true);
    s.push(5, false);
    assert.deepEqual(v.frames(), [0, 4, 5], 'deltas before the keyframe cannot be decoded and are not sent');
    assert.equal(s.fwd.stats().viewers.v?.isVisible, true);
  });

  test('shown again within the throttle interval, the next delta asks again', () => {
    const s = setup();
    const v = new TestSink();
    s.fwd.addViewer('v', v);
    s.push(0, true);
    s.fwd.setVisible('v', false);
    s.push(1, false);
    s.fwd.setVisible('v', true);
    assert.equal(s.requests(), 1, 'throttled: the join request was just now');
    s.advance(KEYFRAME_REQUEST_INTERVAL_MS);
    s.push(2, false);
    assert.equal(s.requests(), 2);
  });

  test('hidden and shown again before any delta was missed, the stream just goes on', () => {
    const s = setup();
    const v = new TestSink();
    s.fwd.addViewer('v', v);
    s.push(0, true);
    s.advance(1000);
    s.fwd.setVisible('v', false);
    s.fwd.setVisible('v', true);
    s.fwd.setVisible('v', true);
    s.push(1, false);
    assert.deepEqual(v.frames(), [0, 1]);
    assert.equal(s.requests(), 0, 'nothing to ask for');
    assert.equal(s.fwd.setVisible('nobody', false), false);
  });
});
