import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ALL_FORMATS, EncodedPacketSink, FilePathSource, Input } from 'mediabunny';
import { ChunkJournalWriter } from './ChunkJournal.ts';
import { containerFor, muxChunkJournal, NothingToMuxError } from './RecordingMuxer.ts';
import { loadClip, writeClipLog } from './testing/clip.ts';
import { loadTonePackets, OPUS_PT, readTone, rtpOf, TONE_HZ, writeCallLog } from './testing/voice.ts';
import { VoiceTrack } from './VoiceTrack.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'beacon-mux-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const clip = loadClip();

/** What a real demuxer finds in the file: format, codec, size, packets (keyframes) and duration. */
async function probe(file: string) {
  const input = new Input({ source: new FilePathSource(file), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryVideoTrack();
    assert.ok(track, 'the file has a video track');
    const sink = new EncodedPacketSink(track);
    let packets = 0;
    let keys = 0;
    for await (const p of sink.packets()) {
      packets++;
      if (p.type === 'key') keys++;
    }
    return {
      format: (await input.getFormat()).name,
      codec: track.codec,
      width: track.codedWidth,
      height: track.codedHeight,
      packets,
      keys,
      /** The duration the file declares: what a player shows and seeks within. */
      durationS: (await input.getDurationFromMetadata()) ?? -1,
      mime: await input.getMimeType(),
    };
  } finally {
    input.dispose();
  }
}

test('a finished session becomes a WebM with every frame and the session-long duration', async () => {
  const log = path.join(dir, 'full.bcl');
  const out = path.join(dir, 'full.webm');
  // The session went on 1.5 s after the last frame (a still screen): the file lasts as long.
  const endMs = clip.frames.at(-1)!.offsetMs + 1500;
  await writeClipLog(log, clip.frames, clip.config, endMs);
  const r = await muxChunkJournal(log, out);
  assert.equal(r.container, 'webm');
  assert.equal(r.frames, clip.frames.length);
  assert.equal(r.isCutOff, false);
  assert.equal(r.sizeBytes, statSync(out).size);
  const p = await probe(out);
  assert.equal(p.format, 'WebM');
  assert.equal(p.codec, 'vp9');
  assert.deepEqual([p.width, p.height], [1280, 720]);
  assert.equal(p.packets, clip.frames.length);
  assert.ok(Math.abs(p.durationS * 1000 - endMs) < 40, `duration ${p.durationS} s, session ${endMs} ms`);
  assert.ok(Math.abs(r.durationMs - endMs) < 2);
});

test('leading delta frames are dropped: the file starts at a keyframe', async () => {
  const log = path.join(dir, 'late.bcl');
  const out = path.join(dir, 'late.webm');
  const w = ChunkJournalWriter.create(log, { sessionId: 's', startedAt: 0 }, () => undefined);
  w.track(1, { kind: 'video', ...clip.config });
  w.packet({ track: 1, isKey: false, timeUs: 0, data: clip.frames[5]!.data });
  for (const f of clip.frames.slice(0, 30)) w.packet({ track: 1, isKey: f.isKey, timeUs: 100_000 + f.offsetMs * 1000, data: f.data });
  await w.close();
  const r = await muxChunkJournal(log, out);
  assert.equal(r.frames, 30);
  const p = await probe(out);
  assert.equal(p.packets, 30);
  assert.equal(p.keys, 1);
});

test('a chunk journal cut mid-record by a crash still becomes a playable file up to the crash', async () => {
  const log = path.join(dir, 'crash.bcl');
  const out = path.join(dir, 'crash.webm');
  await writeClipLog(log, clip.frames.slice(0, 200), clip.config);
  truncateSync(log, statSync(log).size - Math.floor(clip.frames[199]!.data.byteLength / 2));
  const r = await muxChunkJournal(log, out);
  assert.equal(r.isCutOff, true);
  assert.equal(r.frames, 199);
  const p = await probe(out);
  assert.equal(p.packets, 199);
  const lastMs = clip.frames[198]!.offsetMs;
  assert.ok(p.durationS * 1000 >= lastMs && p.durationS * 1000 < lastMs + 100, `duration ${p.durationS} s, last frame at ${lastMs} ms`);
});

test('the last clock record puts every frame on the relay clock, keeping their spacing', async () => {
  const log = path.join(dir, 'clock.bcl');
  const out = path.join(dir, 'clock.webm');
  const w = ChunkJournalWriter.create(log, { sessionId: 's', startedAt: 0 }, () => undefined);
  w.track(1, { kind: 'video', ...clip.config });
  // The first frame arrived late (a slow first encode); later ones show the real offset.
  w.clock(900_000);
  for (const f of clip.frames.slice(0, 60)) w.packet({ track: 1, isKey: f.isKey, timeUs: f.offsetMs * 1000, data: f.data });
  w.clock(250_000);
  w.end(4_000_000);
  await w.close();
  const r = await muxChunkJournal(log, out);
  const input = new Input({ source: new FilePathSource(out), formats: ALL_FORMATS });
  const track = await input.getPrimaryVideoTrack();
  assert.ok(track);
  const first = await new EncodedPacketSink(track).getFirstPacket();
  assert.equal(first?.timestamp, 0.25);
  input.dispose();
  assert.equal(r.durationMs, 4000);
});

test('a log without a keyframe has nothing to play', async () => {
  const log = path.join(dir, 'empty.bcl');
  const w = ChunkJournalWriter.create(log, { sessionId: 's', startedAt: 0 }, () => undefined);
  w.track(1, { kind: 'video', ...clip.config });
  w.end(5_000_000);
  await w.close();
  await assert.rejects(muxChunkJournal(log, path.join(dir, 'empty.webm')), NothingToMuxError);
});

test('a codec switch mid-session ends the file there and says so', async () => {
  const log = path.join(dir, 'switch.bcl');
  const w = ChunkJournalWriter.create(log, { sessionId: 's', startedAt: 0 }, () => undefined);
  w.track(1, { kind: 'video', ...clip.config });
  for (const f of clip.frames.slice(0, 20)) w.packet({ track: 1, isKey: f.isKey, timeUs: f.offsetMs * 1000, data: f.data });
  w.track(1, { kind: 'video', codec: 'vp8', width: 1280, height: 720 });
  w.packet({ track: 1, isKey: true, timeUs: 900_000, data: clip.frames[0]!.data });
  await w.close();
  const r = await muxChunkJournal(log, path.join(dir, 'switch.webm'));
  assert.equal(r.frames, 20);
  assert.equal(r.failure?.code, 'codec-changed');
});

test('H.264 goes into MP4, VP8/VP9/AV1 into WebM', () => {
  assert.equal(containerFor('avc1.640028'), 'mp4');
  assert.equal(containerFor('vp09.00.10.08'), 'webm');
  assert.equal(containerFor('vp8'), 'webm');
  assert.equal(containerFor('av01.0.04M.08'), 'webm');
});

async function probeAudio(file: string) {
  const input = new Input({ source: new FilePathSource(file), formats: ALL_FORMATS });
  try {
    const tracks = await input.getAudioTracks();
    const out = [];
    for (const t of tracks) {
      const sink = new EncodedPacketSink(t);
      const first = await sink.getFirstPacket();
      out.push({ codec: t.codec, channels: t.numberOfChannels, startS: first?.timestamp ?? -1, endS: await t.computeDuration() });
    }
    return { videoTracks: (await input.getVideoTracks()).length, audio: out };
  } finally {
    input.dispose();
  }
}

test('a call becomes two Opus tracks beside the video, each where and as long as it was spoken, with its tone', async () => {
  const log = path.join(dir, 'call.bcl');
  const out = path.join(dir, 'call.webm');
  const tone = await loadTonePackets();
  await writeCallLog(log);
  const r = await muxChunkJournal(log, out);
  assert.equal(r.frames, clip.frames.length);
  assert.equal(r.audioPackets, 2 * tone.length);
  const p = await probeAudio(out);
  assert.equal(p.videoTracks, 1);
  assert.equal(p.audio.length, 2);
  const fedS = (tone.length * 20) / 1000;
  for (const [i, fromS] of [[0, 1.005], [1, 5.005]] as const) {
    const a = p.audio[i]!;
    assert.equal(a.codec, 'opus');
    assert.ok(Math.abs(a.startS - fromS) < 0.002, `track ${i} starts at ${a.startS} s, spoken at ${fromS} s`);
    assert.ok(Math.abs(a.endS - (fromS + fedS)) < 0.03, `track ${i} ends at ${a.endS} s, ${fedS} s fed from ${fromS} s`);
    const heard = await readTone(out, i);
    assert.ok(Math.abs(heard.hz - TONE_HZ) < 10, `track ${i} plays ${heard.hz} Hz`);
    assert.ok(Math.abs(heard.loudS - fedS) < 0.1, `track ${i} is loud for ${heard.loudS} s of ${fedS} s`);
  }
  assert.ok(Math.abs(r.durationMs - 10_500) < 2, 'the video still sets the length');
});

test('a log cut by a crash mid-call keeps the voice up to the cut', async () => {
  const log = path.join(dir, 'callcut.bcl');
  const out = path.join(dir, 'callcut.webm');
  await writeCallLog(log, 60);
  truncateSync(log, statSync(log).size - 10);
  const r = await muxChunkJournal(log, out);
  assert.equal(r.isCutOff, true);
  const p = await probeAudio(out);
  assert.equal(p.audio.length, 2);
  const customer = p.audio[1]!;
  assert.ok(Math.abs(customer.endS - (5.005 + 59 * 0.02)) < 0.03, `the customer's voice ends at ${customer.endS} s`);
  assert.ok(Math.abs((await readTone(out, 1)).hz - TONE_HZ) < 10);
});

test('an old log without voice still muxes to a file with no audio track', async () => {
  const log = path.join(dir, 'novoice.bcl');
  const out = path.join(dir, 'novoice.webm');
  await writeClipLog(log, clip.frames.slice(0, 60), clip.config, 3000);
  const r = await muxChunkJournal(log, out);
  assert.equal(r.audioPackets, 0);
  const p = await probeAudio(out);
  assert.equal(p.videoTracks, 1);
  assert.equal(p.audio.length, 0);
});

test('a voice-only session (no screen) becomes an audio WebM with both sides', async () => {
  const log = path.join(dir, 'voiceonly.bcl');
  const out = path.join(dir, 'voiceonly.webm');
  const tone = await loadTonePackets();
  const w = ChunkJournalWriter.create(log, { sessionId: 's', startedAt: 0 }, () => assert.fail('no problem expected'));
  // The screen track is declared but never gets a frame, as in a voice-only session.
  w.track(1, { kind: 'video', ...clip.config });
  const agent = new VoiceTrack(2, w);
  const customer = new VoiceTrack(3, w);
  tone.forEach((pkt, i) => {
    agent.push(rtpOf(pkt, { sequence: i, timestamp: i * 960, ssrc: 11, hasExtension: true }), OPUS_PT, 500_000 + i * 20_000);
    customer.push(rtpOf(pkt, { sequence: i, timestamp: 9000 + i * 960, ssrc: 22, hasExtension: true }), OPUS_PT, 600_000 + i * 20_000);
  });
  w.end(500_000 + tone.length * 20_000 + 200_000);
  await w.close();
  const r = await muxChunkJournal(log, out);
  assert.equal(r.container, 'webm');
  assert.equal(r.codec, 'opus');
  assert.equal(r.width, null);
  assert.equal(r.frames, 0);
  assert.equal(r.audioPackets, 2 * tone.length);
  const p = await probeAudio(out);
  assert.equal(p.videoTracks, 0);
  assert.equal(p.audio.length, 2);
  assert.ok(Math.abs((await readTone(out, 0)).hz - TONE_HZ) < 10);
  assert.ok(Math.abs((await readTone(out, 1)).hz - TONE_HZ) < 10);
  assert.ok(r.durationMs > (tone.length * 20) / 2, `the file lasts ${r.durationMs} ms`);
});
