/**
 * Real Opus for voice recording tests: 3 s of a 440 Hz tone, mono, 20 ms packets
 * (tone-440hz.webm, made with ffmpeg/libopus), and RTP packets around them the way a
 * browser sends them (MID and audio-level header extensions).
 */
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { ALL_FORMATS, EncodedPacketSink, FilePathSource, Input } from 'mediabunny';
import { ChunkJournalWriter } from '../ChunkJournal.ts';
import { VoiceTrack } from '../VoiceTrack.ts';
import { loadClip } from './clip.ts';

export const TONE_HZ = 440;
export const OPUS_PT = 111;

export async function loadTonePackets(): Promise<Uint8Array[]> {
  const input = new Input({ source: new FilePathSource(fileURLToPath(new URL('./tone-440hz.webm', import.meta.url))), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryAudioTrack();
    if (!track) throw new Error('the tone fixture has no audio track');
    const out: Uint8Array[] = [];
    for await (const p of new EncodedPacketSink(track).packets()) out.push(p.data);
    return out;
  } finally {
    input.dispose();
  }
}

export interface RtpOptions {
  sequence: number;
  timestamp: number;
  ssrc: number;
  payloadType?: number;
  csrcs?: number[];
  /** Adds a one-byte-header extension block like Chromium's (MID + audio level). */
  hasExtension?: boolean;
  padding?: number;
}

export function rtpOf(payload: Uint8Array, o: RtpOptions): Buffer {
  const csrcs = o.csrcs ?? [];
  const ext = o.hasExtension ? Buffer.from([0xbe, 0xde, 0x00, 0x02, 0x10, 0x30, 0x20, 0x81, 0x00, 0x00, 0x00, 0x00]) : Buffer.alloc(0);
  const pad = o.padding ?? 0;
  const head = Buffer.alloc(12 + csrcs.length * 4);
  head[0] = 0x80 | (pad ? 0x20 : 0) | (ext.length ? 0x10 : 0) | csrcs.length;
  head[1] = o.payloadType ?? OPUS_PT;
  head.writeUInt16BE(o.sequence & 0xffff, 2);
  head.writeUInt32BE(o.timestamp >>> 0, 4);
  head.writeUInt32BE(o.ssrc >>> 0, 8);
  csrcs.forEach((c, i) => head.writeUInt32BE(c, 12 + i * 4));
  const tail = Buffer.alloc(pad);
  if (pad) tail[pad - 1] = pad;
  return Buffer.concat([head, ext, payload, tail]);
}

export interface ToneReading {
  /** Frequency from zero crossings in the loud 20 ms windows, Hz. */
  hz: number;
  /** Highest RMS of a 20 ms window (full scale 1). */
  peakRms: number;
  /** How much of the audio is loud, seconds. */
  loudS: number;
  /** Decoded length, seconds. */
  durationS: number;
  /** Where the first loud 20 ms window starts, seconds (-1: none). */
  firstLoudS: number;
}

const WINDOW = 960;

/**
 * Decodes audio stream `index` of `file` with ffmpeg (mono, 48 kHz float) and measures the
 * tone in it: where it is loud, its frequency by zero crossings.
 */
export async function readTone(file: string, index: number, loudRms = 0.02): Promise<ToneReading> {
  const { execFile } = await import('node:child_process');
  const pcm = await new Promise<Buffer>((resolve, reject) => {
    execFile('ffmpeg', ['-v', 'error', '-i', file, '-map', `0:a:${index}`, '-f', 'f32le', '-ac', '1', '-ar', '48000', '-'], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`ffmpeg: ${err.message} ${stderr.toString()}`));
      else resolve(stdout);
    });
  });
  const samples = new Float32Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.byteLength / 4));
  let crossings = 0;
  let loudWindows = 0;
  let peakRms = 0;
  let firstLoudS = -1;
  for (let start = 0; start + WINDOW <= samples.length; start += WINDOW) {
    let sum = 0;
    for (let i = start; i < start + WINDOW; i++) sum += samples[i]! * samples[i]!;
    const rms = Math.sqrt(sum / WINDOW);
    peakRms = Math.max(peakRms, rms);
    if (rms < loudRms) continue;
    if (firstLoudS < 0) firstLoudS = start / 48_000;
    loudWindows++;
    for (let i = start + 1; i < start + WINDOW; i++) if (samples[i - 1]! < 0 !== samples[i]! < 0) crossings++;
  }
  const loudS = (loudWindows * WINDOW) / 48_000;
  return { hz: loudS > 0 ? crossings / 2 / loudS : 0, peakRms, loudS, durationS: samples.length / 48_000, firstLoudS };
}

/**
 * A 10 s session with its video (clock offset 0.2 s), the agent talking from 1 s to 4 s and
 * the customer from 5 s to 8 s: the tone's packets wrapped in RTP and fed as the relay does.
 */
export async function writeCallLog(log: string, cutAfterCustomerPackets?: number): Promise<void> {
  const clip = loadClip();
  const tone = await loadTonePackets();
  const w = ChunkJournalWriter.create(log, { sessionId: 's', startedAt: 0 }, () => assert.fail('no problem expected'));
  w.track(1, { kind: 'video', ...clip.config });
  w.clock(200_000);
  const agent = new VoiceTrack(2, w);
  const customer = new VoiceTrack(3, w);
  const voice = (track: VoiceTrack, fromUs: number, i: number, ssrc: number) =>
    track.push(rtpOf(tone[i]!, { sequence: i, timestamp: 3_000_000 + i * 960, ssrc, hasExtension: true }), OPUS_PT, fromUs + i * 20_000 + 5000);
  let a = 0;
  let c = 0;
  for (const f of clip.frames) {
    const atUs = f.offsetMs * 1000 + 200_000;
    while (a < tone.length && 1_000_000 + a * 20_000 < atUs) voice(agent, 1_000_000, a++, 11);
    while (c < tone.length && 5_000_000 + c * 20_000 < atUs) {
      voice(customer, 5_000_000, c++, 22);
      if (c === cutAfterCustomerPackets) return w.close();
    }
    w.packet({ track: 1, isKey: f.isKey, timeUs: f.offsetMs * 1000, data: f.data });
  }
  w.end(10_500_000);
  await w.close();
}
