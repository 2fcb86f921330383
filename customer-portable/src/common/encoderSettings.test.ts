import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamConfig } from '@beacon/shared/protocol';
import {
  averageFrameBytes,
  bitrateFor,
  captureConstraints,
  CODEC_CANDIDATES,
  encoderSettings,
  MAX_BITRATE,
  MAX_MEDIA_BUFFERED_BYTES,
  mediaBacklogLimit,
  MIN_BITRATE,
  MIN_MEDIA_BUFFERED_BYTES,
  modeSettings,
  SOURCE_FRAME_RATE,
} from './encoderSettings.ts';

test('bitrate scales with the pixel count: about 2 Mbit/s at 720p', () => {
  assert.equal(bitrateFor(1280, 720), 2_000_000);
  assert.equal(bitrateFor(1920, 1080), 4_500_000);
  assert.equal(bitrateFor(320, 200), MIN_BITRATE);
  assert.equal(bitrateFor(7680, 4320), MAX_BITRATE);
});

test('VP9 is preferred, then H.264 in Annex B, then VP8; all are valid stream configs', () => {
  assert.deepEqual(CODEC_CANDIDATES.map((c) => c.codec), ['vp09.00.10.08', 'avc1.640028', 'vp8']);
  for (const c of CODEC_CANDIDATES) {
    const s = encoderSettings(c, 1280, 720);
    assert.equal(s.latencyMode, 'realtime');
    assert.equal(s.framerate, 30);
    assert.ok(StreamConfig.safeParse({ codec: s.codec, width: s.width, height: s.height }).success, s.codec);
  }
  assert.deepEqual(encoderSettings(CODEC_CANDIDATES[1], 1280, 720).avc, { format: 'annexb' });
  assert.equal(encoderSettings(CODEC_CANDIDATES[0], 1280, 720).avc, undefined);
});

test('frames are dropped once about two frames wait on the channel, between 64 KiB and 1 MiB', () => {
  // 1080p full motion at 4.5 Mbit/s and 30 fps: ~19 kB a frame; two of them is under the floor.
  assert.equal(mediaBacklogLimit(19_000), MIN_MEDIA_BUFFERED_BYTES);
  assert.equal(MIN_MEDIA_BUFFERED_BYTES, 64 * 1024);
  // Large frames (a high-bitrate stream): two frames' worth.
  assert.equal(mediaBacklogLimit(100_000), 200_000);
  // Never more than the old fixed limit, and that limit until a frame was measured.
  assert.equal(mediaBacklogLimit(2_000_000), MAX_MEDIA_BUFFERED_BYTES);
  assert.equal(mediaBacklogLimit(null), MAX_MEDIA_BUFFERED_BYTES);
  assert.equal(MAX_MEDIA_BUFFERED_BYTES, 1024 * 1024);
});

test('the frame size average follows the recent frames, and one keyframe does not own it', () => {
  let avg: number | null = null;
  avg = averageFrameBytes(avg, 150_000); // the first frame is the keyframe
  assert.equal(avg, 150_000);
  for (let i = 0; i < 60; i++) avg = averageFrameBytes(avg, 20_000);
  assert.ok(Math.abs(avg - 20_000) < 100, `after 2 s of 20 kB frames the average is ${avg}`);
  const withKey = averageFrameBytes(avg, 300_000);
  assert.ok(withKey > 50_000 && withKey < 60_000, `one 300 kB keyframe moves it by an eighth: ${withKey}`);
  // A still screen after motion: the limit comes down to the floor within a second.
  let still = withKey;
  for (let i = 0; i < 30; i++) still = averageFrameBytes(still, 800);
  assert.equal(mediaBacklogLimit(still), MIN_MEDIA_BUFFERED_BYTES);
});

test('quality modes: speed doubles the frames at the same bitrate, balanced is the default, quality spends more bits on fewer frames', () => {
  const vp9 = CODEC_CANDIDATES[0];
  const balanced = encoderSettings(vp9, 1280, 720, 'balanced');
  assert.deepEqual(encoderSettings(vp9, 1280, 720), balanced, 'no mode: balanced');
  assert.equal(balanced.framerate, 30);
  assert.equal(balanced.bitrate, 2_000_000);

  const speed = encoderSettings(vp9, 1280, 720, 'speed');
  assert.equal(speed.framerate, 60);
  assert.equal(speed.bitrate, balanced.bitrate, 'scrolling costs the same bandwidth');
  assert.equal(speed.latencyMode, 'realtime');

  const quality = encoderSettings(vp9, 1280, 720, 'quality');
  const bitsPerFrame = (s: { bitrate: number; framerate: number }) => s.bitrate / s.framerate;
  assert.ok(quality.framerate < balanced.framerate);
  assert.ok(bitsPerFrame(quality) >= 2 * bitsPerFrame(balanced), `quality: ${bitsPerFrame(quality)} bits a frame`);
  assert.ok(bitsPerFrame(speed) < bitsPerFrame(balanced));
  // Same codec and size in every mode: a mode change needs no new stream-config.
  for (const s of [speed, quality]) assert.deepEqual([s.codec, s.width, s.height], [balanced.codec, balanced.width, balanced.height]);
  // The bounds hold in every mode.
  assert.equal(encoderSettings(vp9, 7680, 4320, 'quality').bitrate, MAX_BITRATE);
  assert.equal(encoderSettings(vp9, 320, 200, 'speed').bitrate, MIN_BITRATE);
});

test('the capture follows the mode: the source opens at the fastest rate, the track is held to the mode\'s', () => {
  assert.equal(SOURCE_FRAME_RATE, Math.max(...(['speed', 'balanced', 'quality'] as const).map((m) => modeSettings(m).frameRate)));
  assert.deepEqual(modeSettings('speed'), { frameRate: 60, bitrateFactor: 1, trackHint: 'motion' });
  assert.equal(modeSettings('balanced').trackHint, 'detail');
  assert.equal(modeSettings('quality').trackHint, 'text');
  assert.deepEqual(captureConstraints(60), { width: { max: 2560 }, height: { max: 1440 }, frameRate: { ideal: 60, max: 60 } });
  // A copy: callers cannot change the table.
  modeSettings('speed').frameRate = 1;
  assert.equal(modeSettings('speed').frameRate, 60);
});
