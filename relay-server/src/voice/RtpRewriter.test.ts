import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRtcp, parseAudioLine, RtpRewriter } from './RtpRewriter.ts';

/** The audio part of a Chromium offer, trimmed to the lines that matter here. */
const OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'a=mid:0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 109 9 0',
  'a=mid:1',
  'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
  'a=sendrecv',
  'a=rtpmap:109 opus/48000/2',
  'a=rtpmap:9 G722/8000',
  '',
].join('\r\n');

/** An RTP packet as Chromium sends it: audio level (id 1) and MID "0" (id 4) in a one-byte extension. */
function chromiumPacket(pt: number, ssrc: number, payload: Buffer): Buffer {
  const header = Buffer.from([0x90, 0x80 | pt, 0x12, 0x34, 0, 0, 0x03, 0xc0, 0, 0, 0, 0]);
  header.writeUInt32BE(ssrc, 8);
  const ext = Buffer.from([0xbe, 0xde, 0x00, 0x02, 0x10, 0xaa, 0x40, 0x30, 0x00, 0x00, 0x00, 0x00]);
  return Buffer.concat([header, ext, payload]);
}

test('reads the audio m-line: its MID, Opus payload type and MID extension id', () => {
  assert.deepEqual(parseAudioLine(OFFER), { mid: '1', opusPayloadType: 109, midExtensionId: 4 });
  assert.equal(parseAudioLine(OFFER.replace('m=audio', 'm=video')), null, 'no audio line');
  assert.equal(parseAudioLine(OFFER.replace('opus/48000/2', 'PCMU/8000')), null, 'no Opus');
  assert.equal(parseAudioLine(OFFER.replace(/a=extmap:4 .*\r\n/, ''))?.midExtensionId, null);
});

test('rewrites payload type, SSRC and the MID to the receiver’s, keeping marker, sequence, timestamp and payload', () => {
  const to = { mid: '2', opusPayloadType: 111, midExtensionId: 9 };
  const rw = new RtpRewriter(to, 0xcafef00d);
  const payload = Buffer.from('opus-frame-bytes');
  const out = rw.rewrite(chromiumPacket(109, 0x11223344, payload), 109);
  assert.ok(out);
  assert.equal(out[0], 0x90, 'version 2, extension bit set');
  assert.equal(out[1], 0x80 | 111, 'marker kept, receiver’s payload type');
  assert.equal(out.readUInt16BE(2), 0x1234);
  assert.equal(out.readUInt32BE(4), 0x3c0);
  assert.equal(out.readUInt32BE(8), 0xcafef00d);
  // One-byte extension block with only MID "2" under id 9, padded to a word.
  assert.deepEqual([...out.subarray(12, 20)], [0xbe, 0xde, 0x00, 0x01, 0x90, 0x32, 0x00, 0x00]);
  assert.ok(out.subarray(20).equals(payload));
});

test('without a MID extension on the receiver the extension block is dropped', () => {
  const rw = new RtpRewriter({ mid: '1', opusPayloadType: 111, midExtensionId: null }, 7);
  const out = rw.rewrite(chromiumPacket(111, 1, Buffer.from('xyz')), 111);
  assert.ok(out);
  assert.equal(out[0]! & 0x10, 0);
  assert.equal(out.subarray(12).toString(), 'xyz');
});

test('RTCP, other payload types and truncated packets are not forwarded', () => {
  const rw = new RtpRewriter({ mid: '1', opusPayloadType: 111, midExtensionId: 4 }, 7);
  const rr = Buffer.from([0x81, 201, 0, 7, 0, 0, 0, 1, 0, 0, 0, 0]);
  assert.ok(isRtcp(rr));
  assert.equal(rw.rewrite(rr, 111), null);
  assert.equal(rw.rewrite(chromiumPacket(0, 1, Buffer.from('pcmu')), 111), null, 'not the sender’s Opus');
  assert.equal(rw.rewrite(chromiumPacket(111, 1, Buffer.alloc(0)).subarray(0, 14), 111), null, 'extension cut off');
  assert.equal(rw.rewrite(Buffer.from([0x80, 111, 0]), 111), null);
});
