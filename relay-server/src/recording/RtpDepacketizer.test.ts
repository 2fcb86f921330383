import assert from 'node:assert/strict';
import { test } from 'node:test';
import { depacketize, opusDurationUs } from './RtpDepacketizer.ts';
import { rtpOf } from './testing/voice.ts';

const OPUS = Uint8Array.from([0x78, 0x01, 0x02, 0x03, 0x04]);

test('the Opus payload comes out whole past CSRCs, a header extension and padding', () => {
  const plain = depacketize(rtpOf(OPUS, { sequence: 7, timestamp: 960, ssrc: 0xdeadbeef }));
  assert.deepEqual(plain && { ...plain, payload: [...plain.payload] }, { payloadType: 111, sequence: 7, timestamp: 960, ssrc: 0xdeadbeef, payload: [...OPUS] });
  const dressed = depacketize(rtpOf(OPUS, { sequence: 65535, timestamp: 0xffffffff, ssrc: 1, csrcs: [5, 6], hasExtension: true, padding: 3 }));
  assert.ok(dressed);
  assert.deepEqual([...dressed.payload], [...OPUS]);
  assert.equal(dressed.sequence, 65535);
  assert.equal(dressed.timestamp, 0xffffffff);
});

test('RTCP, other RTP versions and packets whose lengths do not add up are refused', () => {
  const ok = rtpOf(OPUS, { sequence: 1, timestamp: 1, ssrc: 1, hasExtension: true });
  const rtcp = Buffer.from(ok);
  rtcp[1] = 200; // sender report
  assert.equal(depacketize(rtcp), null);
  const v1 = Buffer.from(ok);
  v1[0] = (v1[0]! & 0x3f) | 0x40;
  assert.equal(depacketize(v1), null);
  assert.equal(depacketize(ok.subarray(0, 11)), null);
  // The extension claims more words than the packet has.
  const longExt = Buffer.from(ok);
  longExt.writeUInt16BE(40, 14);
  assert.equal(depacketize(longExt), null);
  // Padding longer than the payload, and a zero padding count.
  const badPad = rtpOf(OPUS, { sequence: 1, timestamp: 1, ssrc: 1, padding: 1 });
  badPad[badPad.length - 1] = 200;
  assert.equal(depacketize(badPad), null);
  badPad[badPad.length - 1] = 0;
  assert.equal(depacketize(badPad), null);
});

test('an Opus packet’s duration is read from its TOC byte', () => {
  // What WebRTC sends: SILK wideband 20 ms (config 9), CELT fullband 20 ms (config 31), hybrid 20 ms (config 15).
  assert.equal(opusDurationUs(Uint8Array.of(9 << 3)), 20_000);
  assert.equal(opusDurationUs(Uint8Array.of((31 << 3) | 0x04)), 20_000);
  assert.equal(opusDurationUs(Uint8Array.of(15 << 3)), 20_000);
  assert.equal(opusDurationUs(Uint8Array.of(16 << 3)), 2500);
  // Two frames (codes 1 and 2), and code 3 with its frame count: 3 x 40 ms SILK.
  assert.equal(opusDurationUs(Uint8Array.of((11 << 3) | 1)), 120_000);
  assert.equal(opusDurationUs(Uint8Array.of((10 << 3) | 3, 3)), 120_000);
  // More than 120 ms, no frames, or nothing at all is not Opus.
  assert.equal(opusDurationUs(Uint8Array.of((11 << 3) | 3, 3)), null);
  assert.equal(opusDurationUs(Uint8Array.of((9 << 3) | 3, 0)), null);
  assert.equal(opusDurationUs(new Uint8Array(0)), null);
});
