import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ALL_FORMATS, BufferSource, Input } from 'mediabunny';
import { muxChunkJournal } from './RecordingMuxer.ts';
import { loadTonePackets, readTone, TONE_HZ, writeCallLog } from './testing/voice.ts';
import { countVoiceTracks, extractVoiceTrack, NoSuchVoiceError, VoiceTrackCache } from './VoiceTracks.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'beacon-voices-'));
const recording = path.join(dir, 'call.webm');
let fedS = 0;
before(async () => {
  // The agent talks from 1.005 s, the customer from 5.005 s, each for the tone's length.
  await writeCallLog(path.join(dir, 'call.bcl'));
  await muxChunkJournal(path.join(dir, 'call.bcl'), recording);
  fedS = ((await loadTonePackets()).length * 20) / 1000;
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('each voice of a call comes out as its own audio file on the recording’s clock, silent where that side was', async () => {
  assert.equal(await countVoiceTracks(recording), 2);
  for (const [index, spokeFromS] of [[0, 1.005], [1, 5.005]] as const) {
    const file = path.join(dir, `voice${index}.webm`);
    writeFileSync(file, await extractVoiceTrack(recording, index));
    const input = new Input({ source: new BufferSource(await extractVoiceTrack(recording, index)), formats: ALL_FORMATS });
    assert.equal((await input.getVideoTracks()).length, 0, 'no video in a voice file');
    assert.equal((await input.getAudioTracks()).length, 1);
    input.dispose();
    const heard = await readTone(file, 0);
    assert.ok(Math.abs(heard.hz - TONE_HZ) < 10, `voice ${index} plays ${heard.hz} Hz`);
    // Filled with silence from 0: the tone starts where it was spoken, not at 0.
    assert.ok(Math.abs(heard.firstLoudS - spokeFromS) < 0.05, `voice ${index} is heard from ${heard.firstLoudS} s, spoken from ${spokeFromS} s`);
    assert.ok(Math.abs(heard.loudS - fedS) < 0.1, `voice ${index} is loud for ${heard.loudS} s of ${fedS} s`);
    assert.ok(Math.abs(heard.durationS - (spokeFromS + fedS)) < 0.05, `voice ${index} lasts ${heard.durationS} s`);
  }
});

test('asking for a voice the recording does not have is a clear error', async () => {
  await assert.rejects(extractVoiceTrack(recording, 2), NoSuchVoiceError);
});

test('the cache extracts a voice once, shares a running extraction and counts tracks', async () => {
  const cache = new VoiceTrackCache();
  const [a, b] = await Promise.all([cache.voice(recording, 1), cache.voice(recording, 1)]);
  assert.equal(a, b, 'two requests at once get the same extraction');
  assert.equal(await cache.voice(recording, 1), a, 'a later request is served from the cache');
  assert.notEqual(await cache.voice(recording, 0), a);
  assert.equal(await cache.count(recording), 2);
});

test('the cache keeps no more than its byte limit', async () => {
  const one = await extractVoiceTrack(recording, 0);
  const cache = new VoiceTrackCache({ maxBytes: Math.ceil(one.byteLength * 1.5) });
  const first = await cache.voice(recording, 0);
  await cache.voice(recording, 1);
  assert.notEqual(await cache.voice(recording, 0), first, 'the oldest voice was dropped and extracted again');
});
