import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamConfig } from '@beacon/shared/protocol';
import { bitrateFor, CODEC_CANDIDATES, encoderSettings, MAX_BITRATE, MIN_BITRATE } from './encoderSettings.ts';

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
