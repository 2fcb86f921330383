/**
 * A stand-in for a relay recording one session, for the kill test (storage/S3Recording.test.ts):
 * writes the test clip in real time to a chunk journal whose copy goes to the bucket, as the
 * recorder does, and prints a JSON line `{ shipped, frames }` whenever more was copied
 * (`frames`: how many whole frames the copied bytes hold). The test kills it with SIGKILL.
 *
 * argv: journal path, session ID; env BEACON_TEST_S3_SETTINGS: the bucket settings as JSON.
 */
import { MemoryLogger } from '../../platform/logger.ts';
import { ChunkJournalWriter } from '../ChunkJournal.ts';
import { S3RecordingFiles } from '../storage/S3RecordingFiles.ts';
import type { S3Settings } from '../storage/s3Settings.ts';
import { loadClip } from './clip.ts';

const [journalPath = '', sessionId = ''] = process.argv.slice(2);
const settings = JSON.parse(process.env['BEACON_TEST_S3_SETTINGS'] ?? '{}') as S3Settings;
const files = new S3RecordingFiles(settings, new MemoryLogger());
const clip = loadClip();
const meta = { sessionId, startedAt: Date.now() };
const writer = ChunkJournalWriter.create(journalPath, meta, (p, d) => process.stderr.write(`journal problem ${p}: ${d}\n`));
const spec = { kind: 'video' as const, ...clip.config };
writer.track(1, spec);
const follower = files.journals.follow(sessionId, journalPath, () => writer.writtenBytes);

// Where each frame's record ends in the journal (magic, meta and track records first).
let offset = 4 + 20 + JSON.stringify(meta).length + 20 + JSON.stringify(spec).length;
const frameEnds: number[] = [];
let lastShipped = 0;
setInterval(() => {
  if (follower.shippedBytes === lastShipped) return;
  lastShipped = follower.shippedBytes;
  process.stdout.write(`${JSON.stringify({ shipped: lastShipped, frames: frameEnds.filter((e) => e <= lastShipped).length })}\n`);
}, 50);

const base = Date.now();
for (const f of clip.frames) {
  const wait = base + f.offsetMs - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  writer.packet({ track: 1, isKey: f.isKey, timeUs: f.offsetMs * 1000, data: f.data });
  offset += 20 + f.data.byteLength;
  frameEnds.push(offset);
}
// The clip is over: wait to be killed.
await new Promise(() => undefined);
