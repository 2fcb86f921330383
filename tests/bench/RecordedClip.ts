/**
 * Real encoded video recorded from the Beacon customer (see recordClip.ts), replayed by
 * synthetic customers in the relay-capacity and console benchmarks.
 *
 * A clip is two files under tests/fixtures/recorded/: `<name>.bin`, the encoded frames back
 * to back, and `<name>.json`, the index: codec and size, then one `[offsetMs, bytes, isKey]`
 * per frame, in order. The first frame is a keyframe.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseJson } from '@beacon/shared/parse';
import { StreamConfig } from '@beacon/shared/protocol';
import { REPO_ROOT } from '../harness/paths.ts';

export const CLIP_DIR = join(REPO_ROOT, 'tests', 'fixtures', 'recorded');

export const ClipIndex = z.object({
  workload: z.string(),
  config: StreamConfig,
  /** What the clip was recorded with, for the record. */
  source: z.string(),
  frames: z.array(z.tuple([z.number().nonnegative(), z.number().int().positive(), z.boolean()])).min(2),
});
export type ClipIndex = z.infer<typeof ClipIndex>;

export interface ClipFrame {
  /** When it was captured, ms after the clip's first frame. */
  offsetMs: number;
  isKey: boolean;
  data: Uint8Array;
}

export class RecordedClip {
  readonly frames: ClipFrame[];

  private constructor(
    readonly name: string,
    readonly index: ClipIndex,
    bin: Uint8Array,
  ) {
    let at = 0;
    this.frames = index.frames.map(([offsetMs, size, isKey]) => {
      const data = bin.subarray(at, at + size);
      at += size;
      return { offsetMs, isKey, data };
    });
    if (at !== bin.byteLength) throw new Error(`clip ${name}: index lists ${at} bytes, file has ${bin.byteLength}`);
    if (!this.frames[0]?.isKey) throw new Error(`clip ${name}: the first frame is not a keyframe`);
  }

  static load(name: string, dir = CLIP_DIR): RecordedClip {
    const r = parseJson(ClipIndex, readFileSync(join(dir, `${name}.json`), 'utf8'), `clip index ${name}`);
    if (!r.ok) throw r.error;
    return new RecordedClip(name, r.value, new Uint8Array(readFileSync(join(dir, `${name}.bin`))));
  }

  get config(): StreamConfig {
    return this.index.config;
  }

  /** Length of one loop: the last frame's offset plus one average frame interval. */
  get durationMs(): number {
    const last = this.frames[this.frames.length - 1]!.offsetMs;
    return last + last / (this.frames.length - 1);
  }

  get totalBytes(): number {
    return this.frames.reduce((sum, f) => sum + f.data.byteLength, 0);
  }

  /** The bitrate the clip plays at in real time, looped (kbit/s). */
  get naturalKbps(): number {
    return (this.totalBytes * 8) / this.durationMs;
  }

  get naturalFps(): number {
    return (this.frames.length * 1000) / this.durationMs;
  }
}

/**
 * Plays a clip in a loop at a target bitrate by stretching or squeezing its timeline, so the
 * frame sizes and their mix of big and small stay as recorded. A keyframe request is answered
 * either like a real encoder answers it, one keyframe (the clip's) at once and then the
 * stream goes on (`insertKeyframe`: right for the relay, which never decodes; a decoder
 * rejects the deltas that follow), or by playing the clip again from its keyframe
 * (`restart`: every frame decodes, but the clip's first frames come more often).
 *
 * `phase` (0..1) makes many players not burst together: after its first keyframe a player
 * continues from that point of the clip instead of from the start. (The deltas after the
 * jump do not decode cleanly; use phase 0 where a real decoder watches.)
 */
export class ClipPlayer {
  private next = 0;
  private loopStartMs: number;
  private jumpTo: number;
  private isKeyOwed = false;
  /** Wall-clock ms per clip ms. */
  readonly timeScale: number;
  framesSent = 0;

  constructor(
    readonly clip: RecordedClip,
    targetKbps: number,
    startMs: number,
    phase = 0,
  ) {
    this.timeScale = clip.naturalKbps / targetKbps;
    this.loopStartMs = startMs;
    this.jumpTo = Math.min(clip.frames.length - 1, Math.floor(Math.max(0, phase) * clip.frames.length));
  }

  get loopMs(): number {
    return this.clip.durationMs * this.timeScale;
  }

  /** The frames due by `nowMs`, in order (at most one loop's worth, so a stall cannot burst). */
  due(nowMs: number): ClipFrame[] {
    const out: ClipFrame[] = [];
    const frames = this.clip.frames;
    if (this.isKeyOwed) {
      this.isKeyOwed = false;
      out.push(frames[0]!);
    }
    while (out.length < frames.length) {
      if (this.next >= frames.length) {
        this.next = 0;
        this.loopStartMs += this.loopMs;
        // A sender that fell more than a loop behind starts over rather than catching up in a burst.
        if (this.loopStartMs < nowMs - this.loopMs) this.loopStartMs = nowMs;
      }
      const f = frames[this.next]!;
      if (this.loopStartMs + f.offsetMs * this.timeScale > nowMs) break;
      out.push(f);
      this.next++;
      if (this.jumpTo > 0) {
        // Carry on from the phase point as if the clip had been playing since the keyframe.
        const from = frames[this.jumpTo]!.offsetMs - frames[1]!.offsetMs;
        this.loopStartMs -= from * this.timeScale;
        this.next = this.jumpTo;
        this.jumpTo = 0;
      }
    }
    this.framesSent += out.length;
    return out;
  }

  /** Answer a keyframe request: the clip's keyframe goes with the next `due`, then the stream goes on. */
  insertKeyframe(): void {
    this.isKeyOwed = true;
  }

  /** Answer a keyframe request decodably: the clip plays again from its keyframe, now. */
  restart(nowMs: number): void {
    this.next = 0;
    this.jumpTo = 0;
    this.isKeyOwed = false;
    this.loopStartMs = nowMs;
  }

  /** Moves the timeline later by `ms` (after a pause), so playing resumes where it stopped. */
  shift(ms: number): void {
    this.loopStartMs += ms;
  }
}
