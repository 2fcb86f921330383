/**
 * One recording across a relay's death, against a real S3 protocol server (s3rver, the AWS SDK
 * as client), as the other S3 tests: relay 1's journal goes up in numbered chunks; relay 2
 * fetches the copy, reads where it stands (whole records, the clock offset, the screen's
 * parameters), appends after the last whole record and ships the next numbered chunks; the
 * bucket's copy is then relay 1's journal followed by relay 2's records and muxes as one file
 * with the frames of both. A copy that ends inside a record, or none at all, is not continued.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { readFile, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DeleteObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { MemoryLogger } from '../platform/logger.ts';
import { startS3Server, type TestS3Server } from '../testing/S3Server.ts';
import { ChunkJournalWriter } from './ChunkJournal.ts';
import { fetchForContinuation } from './RecordingContinuation.ts';
import { muxChunkJournal } from './RecordingMuxer.ts';
import { S3RecordingFiles } from './storage/S3RecordingFiles.ts';
import type { S3Settings } from './storage/s3Settings.ts';
import { loadClip, type ClipFrame } from './testing/clip.ts';

const clip = loadClip();
const dir = mkdtempSync(path.join(tmpdir(), 'beacon-continue-'));
const OFFSET_US = 1_234_567;
let s3: TestS3Server;
let settings: S3Settings;
let files: S3RecordingFiles;

before(async () => {
  s3 = await startS3Server();
  settings = s3.settings('continued/');
  files = new S3RecordingFiles(settings, new MemoryLogger());
});
after(async () => {
  await s3.close();
  rmSync(dir, { recursive: true, force: true });
});

async function chunkKeys(sessionId: string): Promise<string[]> {
  const r = await s3.client().send(new ListObjectsV2Command({ Bucket: settings.bucket, Prefix: `continued/journals/${sessionId}/` }));
  return (r.Contents ?? []).map((o) => path.basename(o.Key ?? '')).filter((k) => k.endsWith('.bcl')).sort();
}

function packets(w: ChunkJournalWriter, frames: readonly ClipFrame[]): void {
  for (const f of frames) w.packet({ track: 1, isKey: f.isKey, timeUs: f.offsetMs * 1000, data: f.data });
}

/** Relay 1: a journal with the screen's track, a clock offset and `frames`, copied up in two chunks. */
async function firstRelay(sessionId: string, frames: readonly ClipFrame[]): Promise<{ journal: string; bytes: number }> {
  const journal = path.join(dir, `${sessionId}-relay1.bcl`);
  const w = ChunkJournalWriter.create(journal, { sessionId, startedAt: 1_700_000_000_000 }, (p, d) => assert.fail(`${p}: ${d}`));
  w.track(1, { kind: 'video', ...clip.config });
  w.clock(OFFSET_US);
  packets(w, frames);
  await w.close();
  const bytes = (await stat(journal)).size;
  let shipped = Math.floor(bytes / 2);
  const follower = files.journals.follow(sessionId, journal, () => shipped);
  await follower.flush();
  shipped = bytes;
  await follower.close();
  return { journal, bytes };
}

test('relay 2 appends after the last whole record and ships the next numbered chunks: one journal, the frames of both', { timeout: 60_000 }, async () => {
  const sessionId = 'continuedSession1';
  const firstKeyframe = clip.frames.findIndex((f, i) => i > 30 && f.isKey);
  const cut = firstKeyframe > 0 ? firstKeyframe : 40;
  const { journal, bytes } = await firstRelay(sessionId, clip.frames.slice(0, cut));
  assert.deepEqual(await chunkKeys(sessionId), ['00000000.bcl', '00000001.bcl']);

  const local = path.join(dir, `${sessionId}-relay2.bcl`);
  const got = await fetchForContinuation(files.journals, sessionId, local, new MemoryLogger());
  assert.ok(got, 'the copy is continued');
  assert.deepEqual(got.copy, { seq: 2, bytes }, 'the next chunk is number 2, after all of relay 1\'s bytes');
  const { codec, width, height } = clip.config;
  assert.deepEqual(got.tail, { validBytes: bytes, offsetUs: OFFSET_US, config: { codec, width, height } });
  assert.deepEqual(await readFile(local), await readFile(journal));

  const rest = clip.frames.slice(cut, cut + 40);
  const w = ChunkJournalWriter.append(local, got.tail.validBytes, (p, d) => assert.fail(`${p}: ${d}`));
  const follower = files.journals.follow(sessionId, local, () => w.writtenBytes, got.copy);
  packets(w, rest);
  w.end(((rest.at(-1)?.offsetMs ?? 0) + 100) * 1000);
  await w.close();
  await follower.close();
  const keys = await chunkKeys(sessionId);
  assert.deepEqual(keys.slice(0, 3), ['00000000.bcl', '00000001.bcl', '00000002.bcl'], `relay 2's chunks follow relay 1's: ${keys.join(', ')}`);

  const whole = path.join(dir, `${sessionId}-whole.bcl`);
  const copy = await files.journals.fetchChunks(sessionId, whole);
  assert.equal(copy?.bytes, (await stat(local)).size, 'the bucket holds the whole continued journal');
  const muxed = await muxChunkJournal(whole, path.join(dir, `${sessionId}.webm`));
  assert.equal(muxed.frames, cut + rest.length, 'one file with the frames of both relays');
});

test('a copy that ends inside a record, or a missing one, is not continued', { timeout: 60_000 }, async () => {
  const log = new MemoryLogger();
  const none = path.join(dir, 'nothing.bcl');
  assert.equal(await fetchForContinuation(files.journals, 'neverRecorded', none, log), null);

  const sessionId = 'continuedSession2';
  const journal = path.join(dir, `${sessionId}-cut.bcl`);
  const w = ChunkJournalWriter.create(journal, { sessionId, startedAt: 1_700_000_000_000 }, (p, d) => assert.fail(`${p}: ${d}`));
  w.track(1, { kind: 'video', ...clip.config });
  packets(w, clip.frames.slice(0, 10));
  await w.close();
  const cutShort = (await stat(journal)).size - 5;
  await truncate(journal, cutShort); // the last record, cut short (a chunk shipped mid-write)
  const follower = files.journals.follow(sessionId, journal, () => cutShort);
  await follower.close();
  const local = path.join(dir, `${sessionId}-relay2.bcl`);
  assert.equal(await fetchForContinuation(files.journals, sessionId, local, log), null);
  assert.equal(existsSync(local), false, 'nothing is left to append to');

  // A chunk missing in the middle: only the unbroken run from chunk 0 is fetched.
  const gapped = 'continuedSession3';
  await firstRelay(gapped, clip.frames.slice(0, 20));
  await s3.client().send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: `continued/journals/${gapped}/00000001.bcl` }));
  const fromGap = await files.journals.fetchChunks(gapped, path.join(dir, `${gapped}-probe.bcl`));
  assert.equal(fromGap?.seq, 1, 'only chunk 0 can be placed');
});
