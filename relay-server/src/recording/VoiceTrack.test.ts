import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ChunkJournalReader, ChunkJournalWriter, type ChunkJournalRecord } from './ChunkJournal.ts';
import { OPUS_PT, rtpOf } from './testing/voice.ts';
import { VoiceTrack } from './VoiceTrack.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'beacon-voicetrack-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A 20 ms CELT fullband Opus packet (what the TOC says is all the track looks at). */
const OPUS_20MS = Uint8Array.of(31 << 3, 0xaa, 0xbb);
const TICKS_20MS = 960;
let n = 0;

/** Feeds `packets` (RTP bytes, arrival µs) through a VoiceTrack into a log; returns the log's records. */
async function record(packets: [Uint8Array, number][]): Promise<ChunkJournalRecord[]> {
  const file = path.join(dir, `t${n++}.bcl`);
  const w = ChunkJournalWriter.create(file, { sessionId: 's', startedAt: 0 }, () => assert.fail('no problem expected'));
  const track = new VoiceTrack(2, w);
  for (const [p, at] of packets) track.push(p, OPUS_PT, at);
  await w.close();
  const out: ChunkJournalRecord[] = [];
  for await (const r of new ChunkJournalReader(file).records()) out.push(r);
  return out.slice(1);
}

const audioTimes = (records: ChunkJournalRecord[]) => records.flatMap((r) => (r.type === 'audio' ? [r.timeUs] : []));

test('packets keep the sender’s spacing from their RTP timestamps, anchored at the first arrival, despite jitter', async () => {
  const jitter = [0, 14_000, -3000, 9000, 30_000, 0, 2000, -1000];
  const packets = Array.from({ length: 40 }, (_, i): [Uint8Array, number] => [
    rtpOf(OPUS_20MS, { sequence: 100 + i, timestamp: 5000 + i * TICKS_20MS, ssrc: 42, hasExtension: true }),
    1_500_000 + i * 20_000 + (i === 0 ? 0 : jitter[i % jitter.length]!),
  ]);
  const records = await record(packets);
  assert.deepEqual(records[0], { type: 'track', track: 2, spec: { kind: 'audio', codec: 'opus', sampleRate: 48_000, channels: 1 } });
  assert.equal(records.filter((r) => r.type === 'track').length, 1, 'the track is declared once');
  assert.deepEqual(audioTimes(records), packets.map((_, i) => 1_500_000 + i * 20_000));
  const first = records[1];
  assert.ok(first?.type === 'audio');
  assert.deepEqual([...first.data], [...OPUS_20MS], 'the payload is the Opus packet alone');
});

test('the timestamp wrapping at 2^32 goes on counting', async () => {
  const start = 2 ** 32 - 3 * TICKS_20MS;
  const packets = Array.from({ length: 6 }, (_, i): [Uint8Array, number] => [rtpOf(OPUS_20MS, { sequence: i, timestamp: (start + i * TICKS_20MS) % 2 ** 32, ssrc: 7 }), 100_000 + i * 20_000]);
  assert.deepEqual(audioTimes(await record(packets)), [100_000, 120_000, 140_000, 160_000, 180_000, 200_000]);
});

test('a new SSRC, or a timestamp far from the arrival time, starts again at the arrival time', async () => {
  const records = await record([
    [rtpOf(OPUS_20MS, { sequence: 1, timestamp: 1000, ssrc: 1 }), 1_000_000],
    [rtpOf(OPUS_20MS, { sequence: 2, timestamp: 1000 + TICKS_20MS, ssrc: 1 }), 1_020_000],
    // A new microphone track: another SSRC with its own timestamps.
    [rtpOf(OPUS_20MS, { sequence: 9, timestamp: 777_777, ssrc: 2 }), 5_000_000],
    [rtpOf(OPUS_20MS, { sequence: 10, timestamp: 777_777 + TICKS_20MS, ssrc: 2 }), 5_020_000],
    // The sender paused for 8 s but its timestamps say 30 s.
    [rtpOf(OPUS_20MS, { sequence: 11, timestamp: 777_777 + 30 * 48_000, ssrc: 2 }), 13_000_000],
  ]);
  assert.deepEqual(audioTimes(records), [1_000_000, 1_020_000, 5_000_000, 5_020_000, 13_000_000]);
});

test('late repeats, RTCP, other payload types and non-Opus payloads are left out', async () => {
  const rtcp = rtpOf(OPUS_20MS, { sequence: 0, timestamp: 0, ssrc: 1 });
  rtcp[1] = 201;
  const records = await record([
    [rtpOf(OPUS_20MS, { sequence: 1, timestamp: 0, ssrc: 1 }), 0],
    [rtpOf(OPUS_20MS, { sequence: 2, timestamp: TICKS_20MS, ssrc: 1 }), 20_000],
    [rtpOf(OPUS_20MS, { sequence: 2, timestamp: TICKS_20MS, ssrc: 1 }), 21_000],
    [rtpOf(OPUS_20MS, { sequence: 1, timestamp: 0, ssrc: 1 }), 22_000],
    [rtcp, 23_000],
    [rtpOf(OPUS_20MS, { sequence: 3, timestamp: 2 * TICKS_20MS, ssrc: 1, payloadType: 9 }), 40_000],
    [rtpOf(new Uint8Array(0), { sequence: 3, timestamp: 2 * TICKS_20MS, ssrc: 1 }), 40_000],
    [rtpOf(OPUS_20MS, { sequence: 4, timestamp: 3 * TICKS_20MS, ssrc: 1 }), 60_000],
  ]);
  assert.deepEqual(audioTimes(records), [0, 20_000, 60_000]);
});
