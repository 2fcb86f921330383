import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamConfig } from '@beacon/shared/protocol';
import {
  averageFrameBytes,
  bitrateFor,
  CODEC_CANDIDATES,
  encoderSettings,
  MAX_BITRATE,
  MAX_MEDIA_BUFFERED_BYTES,
  mediaBacklogLimit,
  MIN_BITRATE,
  MIN_MEDIA_BUFFERED_BYTES,
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
