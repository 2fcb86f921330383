/**
 * Recordings in an S3-compatible bucket (a throwaway s3rver; the AWS SDK as client): the store
 * serves byte ranges and media sources of a finished file; a live journal is copied while the
 * session runs, and after its writer is killed with SIGKILL, what was copied is playable up to
 * the last copied chunk.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { MemoryLogger } from '../../platform/logger.ts';
import { startS3Server, type TestS3Server } from '../../testing/S3Server.ts';
import { muxChunkJournal } from '../RecordingMuxer.ts';
import { loadClip, writeClipLog } from '../testing/clip.ts';
import { countVoiceTracks } from '../VoiceTracks.ts';
import { S3RecordingFiles } from './S3RecordingFiles.ts';
import type { S3Settings } from './s3Settings.ts';

const clip = loadClip();
const dir = mkdtempSync(path.join(tmpdir(), 'beacon-s3-rec-'));
let s3: TestS3Server;
let settings: S3Settings;
let files: S3RecordingFiles;

before(async () => {
  s3 = await startS3Server();
  settings = s3.settings('recordings/');
  files = new S3RecordingFiles(settings, new MemoryLogger());
});
after(async () => {
  await s3.close();
  rmSync(dir, { recursive: true, force: true });
});

async function keys(prefix: string): Promise<string[]> {
  const r = await s3.client().send(new ListObjectsV2Command({ Bucket: settings.bucket, Prefix: prefix }));
  return (r.Contents ?? []).map((o) => o.Key ?? '');
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of stream) parts.push(Buffer.from(p as Uint8Array));
  return Buffer.concat(parts);
}

test('a finished file goes up whole and is read back by byte range and as a media source', async () => {
  const journal = path.join(dir, 'finished.bcl');
  await writeClipLog(journal, clip.frames.slice(0, 60), clip.config, 2000);
  const local = path.join(dir, 'finished.part');
  const muxed = await muxChunkJournal(journal, local);
  const whole = await readAll(createReadStream(local));
  await files.put('session0001.webm', local, 'video/webm');
  assert.deepEqual(await keys('recordings/session0001'), ['recordings/session0001.webm']);

  const stored = await files.stat('session0001.webm');
  assert.equal(stored?.size, muxed.sizeBytes);
  assert.deepEqual(await readAll(await files.read('session0001.webm', { start: 100, end: 1099 })), whole.subarray(100, 1100));
  assert.deepEqual(await readAll(await files.read('session0001.webm', { start: whole.length - 10, end: whole.length - 1 })), whole.subarray(-10));
  assert.equal(await countVoiceTracks(files.source('session0001.webm', stored?.size ?? 0)), 0, 'the media library reads the file through ranged GETs');

  await files.remove('session0001.webm');
  assert.equal(await files.stat('session0001.webm'), null);
  await files.remove('session0001.webm');
});

test('a live journal is copied while it is written; killed, what was copied plays up to the last copied chunk', { timeout: 60_000 }, async () => {
  const journal = path.join(dir, 'live.bcl');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../testing/shipJournalMain.ts'), journal, 'liveSession01'], {
    env: { ...process.env, BEACON_TEST_S3_SETTINGS: JSON.stringify(settings) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(d));
  const exited = new Promise((r) => child.once('exit', r));
  let last = { shipped: 0, frames: 0 };
  let text = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not enough was copied: ${text}`)), 40_000);
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      const lines = text.split('\n').filter(Boolean);
      last = JSON.parse(lines.at(-1) ?? '{}') as typeof last;
      // Several chunks, while the clip is still being written.
      if (last.frames >= 90) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const chunks = (await keys('recordings/journals/liveSession01/')).filter((k) => k.endsWith('.bcl'));
  assert.ok(chunks.length >= 2, `${chunks.length} chunks copied while the session ran`);
  child.kill('SIGKILL');
  await exited;

  // Another machine: the local journal is gone; the copy is all there is.
  const fetched = path.join(dir, 'fetched.bcl');
  const bytes = await files.journals.fetch('liveSession01', fetched);
  assert.ok(bytes !== null && bytes >= last.shipped, `${bytes} bytes fetched, ${last.shipped} reported copied`);
  const result = await muxChunkJournal(fetched, path.join(dir, 'fetched.webm'));
  assert.ok(result.frames >= last.frames, `${result.frames} frames playable, ${last.frames} were copied whole`);
  assert.ok(result.frames < clip.frames.length, 'the end of the clip was never written');
  const lastMs = clip.frames[result.frames - 1]?.offsetMs ?? 0;
  assert.ok(result.durationMs >= lastMs, `${result.durationMs} ms, the last frame at ${lastMs} ms`);
  assert.ok(((await files.journals.lastShippedAt('liveSession01')) ?? 0) > Date.now() - 30_000, 'the copy says when it last grew');

  await files.journals.remove('liveSession01');
  assert.deepEqual(await keys('recordings/journals/liveSession01/'), []);
  assert.equal(await files.journals.fetch('liveSession01', path.join(dir, 'none.bcl')), null);
});
