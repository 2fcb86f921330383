import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ClipPlayer, RecordedClip } from './RecordedClip.ts';

function makeClip(): { dir: string; clip: RecordedClip } {
  const dir = mkdtempSync(join(tmpdir(), 'beacon-clip-'));
  // A 1000-byte keyframe then nine 100-byte deltas, 100 ms apart: 1900 bytes per second.
  const frames: [number, number, boolean][] = Array.from({ length: 10 }, (_, i) => [i * 100, i === 0 ? 1000 : 100, i === 0]);
  writeFileSync(join(dir, 'c.json'), JSON.stringify({ workload: 'test', source: 'test', config: { codec: 'vp8', width: 64, height: 48 }, frames }));
  writeFileSync(join(dir, 'c.bin'), new Uint8Array(1900));
  return { dir, clip: RecordedClip.load('c', dir) };
}

test('a clip knows its natural bitrate and frame rate', () => {
  const { dir, clip } = makeClip();
  try {
    assert.equal(clip.durationMs, 1000);
    assert.equal(clip.naturalKbps, 15.2);
    assert.equal(clip.naturalFps, 10);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a player paced at half the natural bitrate sends the same frames over twice the time', () => {
  const { dir, clip } = makeClip();
  try {
    const p = new ClipPlayer(clip, clip.naturalKbps / 2, 0);
    assert.equal(p.due(0).length, 1, 'the keyframe goes at once');
    assert.equal(p.due(1000).length, 5);
    assert.equal(p.due(1999).length, 4);
    const wrapped = p.due(2000);
    assert.equal(wrapped.length, 1);
    assert.ok(wrapped[0]!.isKey, 'the loop starts again at the keyframe');
    p.insertKeyframe();
    const answered = p.due(2050);
    assert.deepEqual(answered.map((f) => f.isKey), [true], 'a keyframe request is answered with the keyframe at once');
    assert.equal(p.due(2200)[0], clip.frames[1], 'then the stream goes on where it was');
    p.restart(5000);
    assert.deepEqual(p.due(5000).map((f) => f.isKey), [true], 'a restart plays the clip again from its keyframe');
    assert.equal(p.due(5200)[0], clip.frames[1]);
    const burst = p.due(1e9).length;
    assert.ok(burst > 0 && burst <= clip.frames.length, `a stalled sender sends at most one loop at a time (sent ${burst})`);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('players with different phases do not send their big frames together', () => {
  const { dir, clip } = makeClip();
  try {
    const p = new ClipPlayer(clip, clip.naturalKbps, 0, 0.5);
    const first = p.due(0);
    assert.equal(first.length, 1);
    assert.ok(first[0]!.isKey, 'a phased player still starts with the keyframe');
    // Then it goes on from frame 5 (offset 500), one frame interval after the keyframe.
    const next = p.due(100);
    assert.equal(next.length, 1);
    assert.equal(next[0], clip.frames[5]);
    assert.equal(p.due(499).length, 3, 'frames 6..8');
    const wrap = p.due(600);
    assert.deepEqual(wrap.map((f) => f.isKey), [false, true], 'frame 9, then the loop starts again at the keyframe');
    p.shift(10_000);
    assert.equal(p.due(10_000).length, 0, 'after a pause it resumes where it was');
  } finally {
    rmSync(dir, { recursive: true });
  }
});
