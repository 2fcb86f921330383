/**
 * Turns a chunk journal into a file a browser plays natively, without re-encoding: WebM for
 * VP8/VP9/AV1, MP4 for H.264 (Annex B is converted to the sample format by mediabunny),
 * with cues / an index so `<video>` can seek. Runs in the finaliser worker; it only reads
 * the log and writes `outPath`.
 *
 * Tracks: every track the log declares becomes a track of the file, in track-number order:
 * the video, then one Opus track per side of a voice call (both containers carry Opus).
 * Audio packets are on the media clock already; the video's clock offset does not apply.
 */
import { stat } from 'node:fs/promises';
import {
  EncodedAudioPacketSource,
  EncodedPacket,
  EncodedVideoPacketSource,
  FilePathTarget,
  Mp4OutputFormat,
  Output,
  WebMOutputFormat,
  type VideoCodec,
} from 'mediabunny';
import type { RecordingFailure } from '@beacon/shared/api';
import { ChunkJournalReader, type EncodedPacketRecord, type TrackSpec } from './ChunkJournal.ts';
import { opusDurationUs } from './RtpDepacketizer.ts';

/** Used for the last packet's duration when the log has no end record (a crash). */
export const DEFAULT_FRAME_US = 1_000_000 / 30;

export interface MuxResult {
  container: 'webm' | 'mp4';
  /** The video codec, or `opus` for a voice-only recording. */
  codec: string;
  /** Null for a voice-only recording (no video track). */
  width: number | null;
  height: number | null;
  durationMs: number;
  /** Video packets written. */
  frames: number;
  /** Audio packets written (all voice tracks). */
  audioPackets: number;
  sizeBytes: number;
  /** The log had no end record: the session was cut off (relay crash). */
  isCutOff: boolean;
  /** Something the file lacks although it plays (`codec-changed`). */
  failure: { code: RecordingFailure; detail: string } | null;
}

export class NothingToMuxError extends Error {
  readonly failure = 'no-video' as const;
  constructor(detail: string) {
    super(detail);
    this.name = 'NothingToMuxError';
  }
}

export function videoCodecOf(codec: string): VideoCodec | null {
  if (codec === 'vp8') return 'vp8';
  if (codec.startsWith('vp09.')) return 'vp9';
  if (codec.startsWith('av01.')) return 'av1';
  if (codec.startsWith('avc1.')) return 'avc';
  return null;
}

export function containerFor(videoCodec: string): 'webm' | 'mp4' {
  return videoCodecOf(videoCodec) === 'avc' ? 'mp4' : 'webm';
}

export function mimeTypeOf(container: 'webm' | 'mp4', codec: string): string {
  return `${codec === 'opus' ? 'audio' : 'video'}/${container}; codecs="${codec}"`;
}

interface TrackState {
  spec: TrackSpec;
  source: EncodedVideoPacketSource | EncodedAudioPacketSource;
  /** Held back one packet: its duration is the gap to the next. */
  held: EncodedPacketRecord | null;
  hasConfig: boolean;
  lastUs: number;
  isStopped: boolean;
  packets: number;
}

function sourceFor(spec: TrackSpec): EncodedVideoPacketSource | EncodedAudioPacketSource {
  switch (spec.kind) {
    case 'video': {
      const codec = videoCodecOf(spec.codec);
      if (!codec) throw new Error(`unsupported video codec ${spec.codec}`);
      return new EncodedVideoPacketSource(codec);
    }
    case 'audio':
      return new EncodedAudioPacketSource(spec.codec);
  }
}

/**
 * First pass: the tracks the log declares (as first declared) that have packets, in track
 * order, and the final clock offset. A track with nothing in it (a crash right after its
 * declaration) is left out rather than written empty.
 */
async function scan(chunkJournalPath: string): Promise<{ tracks: Map<number, TrackSpec>; hasPackets: boolean; offsetUs: number }> {
  const declared = new Map<number, TrackSpec>();
  const used = new Set<number>();
  let hasPackets = false;
  let offsetUs = 0;
  for await (const rec of new ChunkJournalReader(chunkJournalPath).records()) {
    if (rec.type === 'track' && !declared.has(rec.track)) declared.set(rec.track, rec.spec);
    if (rec.type === 'packet' && rec.isKey && declared.get(rec.track)?.kind === 'video') {
      hasPackets = true;
      used.add(rec.track);
    }
    if (rec.type === 'audio' && declared.get(rec.track)?.kind === 'audio') used.add(rec.track);
    if (rec.type === 'clock') offsetUs = rec.offsetUs;
  }
  const tracks = new Map([...declared].filter(([t]) => used.has(t)).sort(([a], [b]) => a - b));
  return { tracks, hasPackets, offsetUs };
}

/** WebM and MP4 here count in milliseconds: two packets closer than this would share a timestamp. */
const MIN_STEP_US = 1000;

/** What the records said about the file as a whole, gathered while copying them. */
interface Progress {
  /** The `end` record's time: null if the journal was cut off (a crash). */
  endUs: number | null;
  width: number | null;
  height: number | null;
  failure: MuxResult['failure'];
}

/** Adds one packet to its track; `gapUs` is the time to the track's next packet. */
async function addPacket(st: TrackState, p: EncodedPacketRecord, gapUs: number): Promise<void> {
  // A voice packet lasts what it holds: a gap after it (mute, a pause) is silence, not a longer packet.
  const durationUs = st.spec.kind === 'audio' ? Math.min(gapUs, opusDurationUs(p.data) ?? gapUs) : gapUs;
  const packet = new EncodedPacket(p.data, p.isKey ? 'key' : 'delta', p.timeUs / 1e6, Math.max(1, durationUs) / 1e6);
  const meta = st.hasConfig ? undefined : decoderMeta(st.spec);
  st.hasConfig = true;
  st.packets++;
  if (st.source instanceof EncodedVideoPacketSource) await st.source.add(packet, meta as Parameters<EncodedVideoPacketSource['add']>[1]);
  else await st.source.add(packet, meta as Parameters<EncodedAudioPacketSource['add']>[1]);
}

/** Holds `p` back (its duration is the gap to the next one) and adds the one held before. */
async function hold(st: TrackState, p: EncodedPacketRecord): Promise<void> {
  st.lastUs = p.timeUs;
  if (st.held) await addPacket(st, st.held, p.timeUs - st.held.timeUs);
  st.held = p;
}

/** A track record mid-journal: a new size goes on; a new codec stops the track there. */
function trackChanged(st: TrackState, spec: TrackSpec, progress: Progress): void {
  if (st.spec.kind === 'video' && spec.kind === 'video' && spec.codec !== st.spec.codec) {
    // One track cannot switch codecs; the file ends where the stream changed.
    st.isStopped = true;
    progress.failure = { code: 'codec-changed', detail: `${st.spec.codec} -> ${spec.codec} at ${Math.round(st.lastUs / 1000)} ms` };
  } else if (spec.kind === 'video') {
    // A new size on the same codec: the keyframe that follows carries it in-band.
    progress.width = spec.width;
    progress.height = spec.height;
  }
}

/** Copies every media record of the journal into its track, in journal order. */
async function copyRecords(chunkJournalPath: string, states: Map<number, TrackState>, offsetUs: number, progress: Progress): Promise<void> {
  for await (const rec of new ChunkJournalReader(chunkJournalPath).records()) {
    if (rec.type === 'end') progress.endUs = rec.timeUs;
    if (rec.type !== 'track' && rec.type !== 'audio' && rec.type !== 'packet') continue;
    const st = states.get(rec.track);
    if (!st) continue;
    if (rec.type === 'track') {
      if (!st.isStopped) trackChanged(st, rec.spec, progress);
    } else if (rec.type === 'audio') {
      if (st.spec.kind !== 'audio') continue;
      const timeUs = Math.max(0, rec.timeUs, st.packets > 0 || st.held ? st.lastUs + MIN_STEP_US : 0);
      await hold(st, { track: rec.track, isKey: true, timeUs, data: rec.data });
    } else {
      // A decoder can only start at a keyframe.
      if (st.isStopped || st.spec.kind !== 'video' || (!st.held && st.packets === 0 && !rec.isKey)) continue;
      // One offset for the whole file keeps the customer's frame spacing exactly; a frame
      // stamped out of order still goes after the one before it.
      const timeUs = Math.max(0, rec.timeUs + offsetUs);
      await hold(st, { ...rec, timeUs: st.packets > 0 || st.held ? Math.max(timeUs, st.lastUs + MIN_STEP_US) : timeUs });
    }
  }
}

/** Adds each track's last held packet (lasting its own length, or up to the end); returns where the file ends. */
async function flushHeld(states: Map<number, TrackState>, endUs: number | null): Promise<number> {
  let lastEndUs = 0;
  for (const st of states.values()) {
    if (!st.held) continue;
    const ownUs = st.spec.kind === 'audio' ? opusDurationUs(st.held.data) : null;
    const tail = ownUs ?? (endUs !== null && endUs > st.held.timeUs ? endUs - st.held.timeUs : DEFAULT_FRAME_US);
    await addPacket(st, st.held, tail);
    lastEndUs = Math.max(lastEndUs, st.held.timeUs + tail);
    st.held = null;
  }
  return lastEndUs;
}

/**
 * Writes `outPath` from the log at `chunkJournalPath`. Throws {@link NothingToMuxError} if there
 * is no keyframe to start from, anything else if the file cannot be written.
 */
export async function muxChunkJournal(chunkJournalPath: string, outPath: string): Promise<MuxResult> {
  const { tracks: declared, hasPackets, offsetUs } = await scan(chunkJournalPath);
  const video = hasPackets ? [...declared.entries()].find(([, s]) => s.kind === 'video') : undefined;
  const firstVideo = video?.[1].kind === 'video' ? video[1] : null;
  // A voice-only session (or a call whose screen never produced a keyframe) is an audio file.
  const hasAudio = [...declared.values()].some((s) => s.kind === 'audio');
  if (!firstVideo && !hasAudio) throw new NothingToMuxError('the log holds no keyframe to start playback from');
  if (!firstVideo) for (const [track, spec] of declared) if (spec.kind === 'video') declared.delete(track);
  const container = firstVideo ? containerFor(firstVideo.codec) : 'webm';
  const output = new Output({
    format: container === 'mp4' ? new Mp4OutputFormat({ fastStart: false }) : new WebMOutputFormat(),
    target: new FilePathTarget(outPath),
  });
  const states = new Map<number, TrackState>();
  for (const [track, spec] of declared) {
    const source = sourceFor(spec);
    if (spec.kind === 'video') output.addVideoTrack(source as EncodedVideoPacketSource);
    else output.addAudioTrack(source as EncodedAudioPacketSource);
    states.set(track, { spec, source, held: null, hasConfig: false, lastUs: 0, isStopped: false, packets: 0 });
  }
  const progress: Progress = { endUs: null, width: firstVideo?.width ?? null, height: firstVideo?.height ?? null, failure: null };
  try {
    await output.start();
    await copyRecords(chunkJournalPath, states, offsetUs, progress);
    const lastEndUs = await flushHeld(states, progress.endUs);
    await output.finalize();
    const videoState = video ? states.get(video[0]) : undefined;
    return {
      container,
      codec: firstVideo?.codec ?? 'opus',
      width: progress.width,
      height: progress.height,
      durationMs: Math.round(lastEndUs / 1000),
      frames: videoState?.packets ?? 0,
      audioPackets: [...states.values()].reduce((n, st) => n + (st.spec.kind === 'audio' ? st.packets : 0), 0),
      sizeBytes: (await stat(outPath)).size,
      isCutOff: progress.endUs === null,
      failure: progress.failure,
    };
  } catch (err) {
    await output.cancel().catch(() => undefined);
    throw err;
  }
}

function decoderMeta(spec: TrackSpec): { decoderConfig: Record<string, unknown> } {
  switch (spec.kind) {
    case 'video':
      return { decoderConfig: { codec: spec.codec, codedWidth: spec.width, codedHeight: spec.height } };
    case 'audio':
      return { decoderConfig: { codec: spec.codec, sampleRate: spec.sampleRate, numberOfChannels: spec.channels } };
  }
}
