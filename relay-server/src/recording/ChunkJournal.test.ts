import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { crc32 } from 'node:zlib';
import path from 'node:path';
import { after, test } from 'node:test';
import { ChunkJournalReader, ChunkJournalWriter, RECORD_HEADER_BYTES, type ChunkJournalRecord } from './ChunkJournal.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'beacon-chunklog-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(file: string): Promise<{ records: ChunkJournalRecord[]; reader: ChunkJournalReader }> {
  const reader = new ChunkJournalReader(file);
  const records: ChunkJournalRecord[] = [];
  for await (const r of reader.records()) records.push(r);
  return { records, reader };
}

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed) & 0xff);

test('what is written is read back exactly, in order', async () => {
  const file = path.join(dir, 'round.bcl');
  const w = ChunkJournalWriter.create(file, { sessionId: 'sess-1', startedAt: 123.5 }, () => assert.fail('no problem expected'));
  w.track(1, { kind: 'video', codec: 'vp09.00.10.08', width: 1280, height: 720 });
  w.clock(612_000);
  w.packet({ track: 1, isKey: true, timeUs: 40_000, data: bytes(70_000, 1) });
  w.clock(580_500);
  w.packet({ track: 1, isKey: false, timeUs: 73_333.5, data: bytes(900, 2) });
  w.track(1, { kind: 'video', codec: 'vp09.00.10.08', width: 1920, height: 1080 });
  w.packet({ track: 1, isKey: true, timeUs: 106_000, data: bytes(0, 3) });
  w.end(2_000_000);
  await w.close();
  await w.close();
  const { records, reader } = await readAll(file);
  assert.equal(reader.isTruncated, false);
  assert.equal(reader.validBytes, statSync(file).size);
  assert.deepEqual(records, [
    { type: 'meta', meta: { sessionId: 'sess-1', startedAt: 123.5 } },
    { type: 'track', track: 1, spec: { kind: 'video', codec: 'vp09.00.10.08', width: 1280, height: 720 } },
    { type: 'clock', offsetUs: 612_000 },
    { type: 'packet', track: 1, isKey: true, timeUs: 40_000, data: bytes(70_000, 1) },
    { type: 'clock', offsetUs: 580_500 },
    { type: 'packet', track: 1, isKey: false, timeUs: 73_333.5, data: bytes(900, 2) },
    { type: 'track', track: 1, spec: { kind: 'video', codec: 'vp09.00.10.08', width: 1920, height: 1080 } },
    { type: 'packet', track: 1, isKey: true, timeUs: 106_000, data: new Uint8Array(0) },
    { type: 'end', timeUs: 2_000_000 },
  ]);
});

test('records appended before a flush are on disk for a reader while the log is still open', async () => {
  const file = path.join(dir, 'live.bcl');
  const w = ChunkJournalWriter.create(file, { sessionId: 'sess-2', startedAt: 0 }, () => undefined);
  w.track(1, { kind: 'video', codec: 'vp8', width: 640, height: 480 });
  w.packet({ track: 1, isKey: true, timeUs: 0, data: bytes(100, 4) });
  await w.flush();
  const { records } = await readAll(file);
  assert.deepEqual(records.map((r) => r.type), ['meta', 'track', 'packet']);
  await w.close();
});

test('a log cut inside a record (a crash mid-write) yields every complete record before the cut', async () => {
  const file = path.join(dir, 'cut.bcl');
  const w = ChunkJournalWriter.create(file, { sessionId: 'sess-3', startedAt: 0 }, () => undefined);
  w.track(1, { kind: 'video', codec: 'vp8', width: 640, height: 480 });
  for (let i = 0; i < 5; i++) w.packet({ track: 1, isKey: i === 0, timeUs: i * 33_000, data: bytes(1000, i) });
  await w.close();
  const full = statSync(file).size;
  // Half of the last packet's payload is missing.
  truncateSync(file, full - 500);
  const cut = await readAll(file);
  assert.equal(cut.reader.isTruncated, true);
  assert.deepEqual(cut.records.filter((r) => r.type === 'packet').length, 4);
  assert.equal(cut.reader.validBytes, full - (RECORD_HEADER_BYTES + 1000));
  // Cut inside the header of the last record.
  truncateSync(file, full - 1000 - RECORD_HEADER_BYTES + 7);
  assert.equal((await readAll(file)).records.filter((r) => r.type === 'packet').length, 4);
});

test('a corrupted payload ends the log at the record before it', async () => {
  const file = path.join(dir, 'corrupt.bcl');
  const w = ChunkJournalWriter.create(file, { sessionId: 'sess-4', startedAt: 0 }, () => undefined);
  w.track(1, { kind: 'video', codec: 'vp8', width: 640, height: 480 });
  for (let i = 0; i < 3; i++) w.packet({ track: 1, isKey: true, timeUs: i, data: bytes(200, i) });
  await w.close();
  const buf = readFileSync(file);
  buf[buf.length - 10] = (buf[buf.length - 10] ?? 0) ^ 0xff;
  writeFileSync(file, buf);
  const { records, reader } = await readAll(file);
  assert.equal(reader.isTruncated, true);
  assert.match(reader.problem ?? '', /checksum/);
  assert.equal(records.filter((r) => r.type === 'packet').length, 2);
});

test('a file that is not a chunk journal is refused, not misread', async () => {
  const file = path.join(dir, 'other.bcl');
  writeFileSync(file, 'hello, not a log');
  const { records, reader } = await readAll(file);
  assert.equal(records.length, 0);
  assert.equal(reader.isTruncated, true);
});

test('a log that cannot be created reports a disk error once and never throws at the caller', async () => {
  const problems: string[] = [];
  const w = ChunkJournalWriter.create(path.join(dir, 'missing-folder', 'x.bcl'), { sessionId: 's', startedAt: 0 }, (p) => problems.push(p));
  w.packet({ track: 1, isKey: true, timeUs: 0, data: bytes(10, 0) });
  await w.flush();
  w.packet({ track: 1, isKey: true, timeUs: 1, data: bytes(10, 0) });
  await w.close();
  assert.deepEqual(problems, ['disk-error']);
  assert.equal(w.failed, true);
});

test('voice audio records read back with their track, media-clock time and Opus payload', async () => {
  const file = path.join(dir, 'audio.bcl');
  const w = ChunkJournalWriter.create(file, { sessionId: 'sess-5', startedAt: 0 }, () => assert.fail('no problem expected'));
  w.track(1, { kind: 'video', codec: 'vp8', width: 640, height: 480 });
  w.track(2, { kind: 'audio', codec: 'opus', sampleRate: 48_000, channels: 1 });
  w.packet({ track: 1, isKey: true, timeUs: 0, data: bytes(300, 1) });
  w.audio({ track: 2, timeUs: 1_250_000.5, data: bytes(60, 2) });
  w.clock(40_000);
  w.audio({ track: 3, timeUs: 1_270_000, data: bytes(61, 3) });
  await w.close();
  const { records, reader } = await readAll(file);
  assert.equal(reader.isTruncated, false);
  assert.deepEqual(records.slice(2), [
    { type: 'track', track: 2, spec: { kind: 'audio', codec: 'opus', sampleRate: 48_000, channels: 1 } },
    { type: 'packet', track: 1, isKey: true, timeUs: 0, data: bytes(300, 1) },
    { type: 'audio', track: 2, timeUs: 1_250_000.5, data: bytes(60, 2) },
    { type: 'clock', offsetUs: 40_000 },
    { type: 'audio', track: 3, timeUs: 1_270_000, data: bytes(61, 3) },
  ]);
});

test('a log written before voice existed (record types 1-5 only) still reads completely', async () => {
  // Built byte by byte from the format as it was, not with today's writer.
  const record = (type: number, track: number, flags: number, timeUs: number, payload: Buffer) => {
    const h = Buffer.alloc(20);
    h[0] = type;
    h[1] = track;
    h[2] = flags;
    h.writeDoubleBE(timeUs, 4);
    h.writeUInt32BE(payload.length, 12);
    h.writeUInt32BE(crc32(payload), 16);
    return Buffer.concat([h, payload]);
  };
  const file = path.join(dir, 'old.bcl');
  writeFileSync(file, Buffer.concat([
    Buffer.from('BCL1', 'latin1'),
    record(1, 0, 0, 0, Buffer.from('{"sessionId":"old-1","startedAt":1700000000000}')),
    record(2, 1, 0, 0, Buffer.from('{"kind":"video","codec":"vp8","width":640,"height":480}')),
    record(5, 0, 0, 120_000, Buffer.alloc(0)),
    record(3, 1, 1, 0, Buffer.from(bytes(500, 7))),
    record(3, 1, 0, 33_000, Buffer.from(bytes(80, 8))),
    record(4, 0, 0, 1_000_000, Buffer.alloc(0)),
  ]));
  const { records, reader } = await readAll(file);
  assert.equal(reader.isTruncated, false);
  assert.equal(reader.validBytes, statSync(file).size);
  assert.deepEqual(records, [
    { type: 'meta', meta: { sessionId: 'old-1', startedAt: 1700000000000 } },
    { type: 'track', track: 1, spec: { kind: 'video', codec: 'vp8', width: 640, height: 480 } },
    { type: 'clock', offsetUs: 120_000 },
    { type: 'packet', track: 1, isKey: true, timeUs: 0, data: bytes(500, 7) },
    { type: 'packet', track: 1, isKey: false, timeUs: 33_000, data: bytes(80, 8) },
    { type: 'end', timeUs: 1_000_000 },
  ]);
});
