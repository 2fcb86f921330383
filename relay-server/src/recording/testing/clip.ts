/**
 * Real encoder output for recording tests: the typing clip the benchmarks replay
 * (tests/fixtures/recorded/, VP9 1280x720, 297 frames over 10 s, one keyframe first), and a
 * helper that writes it, or part of it, into a chunk journal.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseJson } from '@beacon/shared/parse';
import { ChunkJournalWriter } from '../ChunkJournal.ts';

const CLIP_URL = new URL('../../../../tests/fixtures/recorded/', import.meta.url);
const Index = z.object({
  config: z.object({ codec: z.string(), width: z.number().int(), height: z.number().int() }),
  frames: z.array(z.tuple([z.number(), z.number().int().positive(), z.boolean()])),
});

export interface ClipFrame {
  offsetMs: number;
  isKey: boolean;
  data: Uint8Array;
}

export function loadClip(name = 'typing-1280x720'): { config: z.infer<typeof Index>['config']; frames: ClipFrame[] } {
  const r = parseJson(Index, readFileSync(new URL(`${name}.json`, CLIP_URL), 'utf8'), 'clip index');
  if (!r.ok) throw r.error;
  const bin = readFileSync(new URL(`${name}.bin`, CLIP_URL));
  let at = 0;
  const frames = r.value.frames.map(([offsetMs, size, isKey]) => {
    const data = new Uint8Array(bin.subarray(at, at + size));
    at += size;
    return { offsetMs, isKey, data };
  });
  return { config: r.value.config, frames };
}

/** Writes `frames` of the clip to a new chunk journal (video track 1); `endMs` adds an end record. */
export async function writeClipLog(path: string, frames: readonly ClipFrame[], config: { codec: string; width: number; height: number }, endMs?: number): Promise<void> {
  let problem: string | null = null;
  const w = ChunkJournalWriter.create(path, { sessionId: 'clip-session', startedAt: 1_700_000_000_000 }, (p, d) => (problem = `${p}: ${d}`));
  w.track(1, { kind: 'video', ...config });
  for (const f of frames) w.packet({ track: 1, isKey: f.isKey, timeUs: f.offsetMs * 1000, data: f.data });
  if (endMs !== undefined) w.end(endMs * 1000);
  await w.close();
  if (problem) throw new Error(problem);
}
