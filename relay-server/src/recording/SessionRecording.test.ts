import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { HEADER_BYTES, fragmentFrame, readHeader, writeHeader } from '@beacon/shared/framing';
import { KEYFRAME_INTERVAL_MS, MAX_REASSEMBLY_BYTES, SEEK_KEYFRAMES, SessionRecording } from './SessionRecording.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'beacon-sessrec-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A recording on a clock the test moves, counting the keyframes it asks for. */
function recording(name: string) {
  let clock = 1_000_000;
  let asked = 0;
  const rec = new SessionRecording({
    sessionId: name,
    chunkJournalPath: path.join(dir, `${name}.bcl`),
    startedAt: clock,
    now: () => clock,
    requestKeyframe: () => asked++,
    onProblem: () => assert.fail('no problem expected'),
  });
  rec.streamConfig({ codec: 'vp8', width: 320, height: 180 });
  let seq = 0;
  /** One frame of video, `ms` after the previous one. */
  const frame = (isKey: boolean, ms = 33, bytes = 200) => {
    clock += ms;
    for (const f of fragmentFrame(new Uint8Array(bytes).fill(seq), { isKey, stream: 1, seq: seq++, captureTs: clock })) rec.push(f, readHeader(f));
  };
  return { rec, frame, asked: () => asked };
}

test('a recording that joined after the keyframe asks for one at once, not after the seek interval', async () => {
  const r = recording('late');
  r.frame(false);
  assert.equal(r.asked(), 1, 'the first delta without a keyframe before it asks');
  for (let i = 0; i < 20; i++) r.frame(false, 25);
  assert.equal(r.asked(), 1, 'asked again only after the ask interval (1 s), not on every frame');
  for (let i = 0; i < 20; i++) r.frame(false, 25);
  assert.equal(r.asked(), 2, 'still none: asked again a second later');
  r.frame(true);
  assert.equal(r.rec.tally.keyframes, 1);
  await r.rec.close(Date.now());
});

test('with a keyframe in hand it asks again only when none came for the seek interval', async () => {
  const r = recording('steady');
  r.frame(true);
  // A second of small deltas refines the keyframe; then a busy screen's big ones soon add up to SEEK_KEYFRAMES keyframes.
  const refine = Math.ceil(1000 / 33);
  for (let i = 0; i < refine; i++) r.frame(false);
  const steps = Math.floor((KEYFRAME_INTERVAL_MS - 100) / 33) - refine;
  for (let i = 0; i < steps; i++) r.frame(false, 33, 5000);
  assert.equal(r.asked(), 0);
  for (let i = 0; i < 10; i++) r.frame(false);
  assert.equal(r.asked(), 1);
  await r.rec.close(Date.now());
});

test('a still screen (tiny heartbeat frames after a big keyframe) never makes it ask', async () => {
  const r = recording('still');
  r.frame(true, 33, 30_000);
  for (let i = 0; i < 60; i++) r.frame(false, 500, 40);
  assert.equal(r.asked(), 0, 'no keyframe asked for in 30 s of a still screen');
  // Deltas of 2000 B add up to SEEK_KEYFRAMES keyframes (with the first second's 80 B) after this many.
  const enough = Math.ceil((SEEK_KEYFRAMES * 30_080 - 58 * 40) / 2000);
  for (let i = 0; i < enough - 5; i++) r.frame(false, 33, 2000);
  assert.equal(r.asked(), 0, `a small clock changing 30 times a second: still no keyframe after ${enough - 5} changes`);
  for (let i = 0; i < 10; i++) r.frame(false, 33, 2000);
  assert.equal(r.asked(), 1, 'once the deltas add up to several keyframes, a seek point is asked for');
  await r.rec.close(Date.now());
});

test('a frame over the reassembly budget is dropped, an abandoned one is let go, and the recording resumes at the next keyframe', async () => {
  const r = recording('budget');
  r.frame(true);
  // 1023 fragments of a 1024-fragment frame (16 MB), frame after frame: never rebuilt in full.
  const payload = new Uint8Array(16_000);
  for (let seq = 100; seq < 103; seq++) {
    for (let i = 0; i < 1023; i++) {
      const f = new Uint8Array(HEADER_BYTES + payload.length);
      writeHeader(f, { isKey: false, fragIndex: i, fragCount: 1024, stream: 1, seq, captureTs: 1 });
      f.set(payload, HEADER_BYTES);
      r.rec.push(f, readHeader(f));
      assert.ok((r.rec as unknown as { reassembler: { pendingCount: number } }).reassembler.pendingCount <= 1, 'at most one frame is rebuilt at a time');
    }
  }
  assert.equal(r.rec.tally.droppedFrames, 3, 'each one dropped once it passed the budget');
  r.frame(false);
  assert.equal(r.rec.tally.frames, 1, 'a delta after a dropped frame is not recorded');
  r.frame(true);
  assert.equal(r.rec.tally.frames, 2, 'the next keyframe is');
  assert.ok(MAX_REASSEMBLY_BYTES < 16 * 1024 * 1024);
  await r.rec.close(Date.now());
});

test('a coarse keyframe and the big delta that sharpens it count as one keyframe', async () => {
  const r = recording('coarse');
  r.frame(true, 33, 5_000);
  r.frame(false, 66, 25_000);
  // A small clock: 600 B deltas at 15 fps, far more than SEEK_KEYFRAMES x 5 kB, less than SEEK_KEYFRAMES x the ~38 kB of the keyframe's first second.
  const cost = 5_000 + 25_000 + 14 * 600;
  for (let i = 0; i < Math.floor((SEEK_KEYFRAMES * cost * 0.9) / 600); i++) r.frame(false, 66, 600);
  assert.equal(r.asked(), 0, 'the sharpening delta is part of what the keyframe cost');
  for (let i = 0; i < Math.ceil((SEEK_KEYFRAMES * cost * 0.2) / 600); i++) r.frame(false, 66, 600);
  assert.ok(r.asked() >= 1, 'the deltas add up to SEEK_KEYFRAMES such keyframes: a seek point');
  await r.rec.close(Date.now());
});
