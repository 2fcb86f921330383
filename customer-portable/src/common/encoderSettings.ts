/**
 * What the screen encoder asks WebCodecs for, and the capture of getDisplayMedia, per quality
 * mode. Pure data, so the choices are tested in Node; the renderer's ScreenCapture and
 * ScreenEncoder apply them.
 */
import { DEFAULT_QUALITY_MODE, type QualityMode } from '@beacon/shared/protocol';

/** Preferred first: VP9 compresses desktop content best; H.264 is often hardware-encoded; VP8 is everywhere. */
export const CODEC_CANDIDATES = [
  { codec: 'vp09.00.10.08' },
  // Annex B carries SPS/PPS in-band, so the agent's decoder needs no `description`.
  { codec: 'avc1.640028', avc: { format: 'annexb' as const } },
  { codec: 'vp8' },
] as const;

export type CodecCandidate = (typeof CODEC_CANDIDATES)[number];

/** The balanced (default) mode's frame rate. */
export const FRAME_RATE = 30;
/**
 * The rate the screen source is opened at. Chromium cannot raise a screen track's frame rate
 * after getDisplayMedia (applyConstraints only thins out the source's frames), so the source
 * is opened at the fastest mode's rate and the track is constrained to the current mode's.
 */
export const SOURCE_FRAME_RATE = 60;
/** ~2 Mbit/s for 1280x720: sharp text at 30 fps, and within the 250 kB/s scrolling budget. */
export const BITS_PER_PIXEL_SECOND = 2_000_000 / (1280 * 720);
export const MIN_BITRATE = 300_000;
export const MAX_BITRATE = 12_000_000;

/** A frame waits in the encoder at most this deep; a newer frame is dropped instead of queuing latency. */
export const MAX_ENCODE_QUEUE = 2;
/**
 * Frames are dropped before encoding once the media channel holds more than about this many
 * frames' worth of bytes: anything more is latency the agent sees (at 1080p full motion a
 * fixed 1 MiB was ~180 ms of queue). Dropped before encoding, a frame is never referenced,
 * so the stream stays decodable.
 */
export const BACKLOG_FRAMES = 2;
/** The backlog limit never goes below this (tiny frames of a still screen, a keyframe in flight)... */
export const MIN_MEDIA_BUFFERED_BYTES = 64 * 1024;
/** ...nor above this; it is also the limit before any frame was sent. */
export const MAX_MEDIA_BUFFERED_BYTES = 1024 * 1024;
/** Weight of the newest frame in the moving average of frame sizes: about the last 8 frames count. */
export const FRAME_SIZE_WEIGHT = 1 / 8;

/** The moving average of encoded frame sizes after a frame of `frameBytes` (`null`: none yet). */
export function averageFrameBytes(previous: number | null, frameBytes: number): number {
  return previous === null ? frameBytes : previous + (frameBytes - previous) * FRAME_SIZE_WEIGHT;
}

/** Bytes the media channel may hold before the next frame is dropped instead of encoded. */
export function mediaBacklogLimit(averageBytes: number | null): number {
  if (averageBytes === null) return MAX_MEDIA_BUFFERED_BYTES;
  return Math.min(MAX_MEDIA_BUFFERED_BYTES, Math.max(MIN_MEDIA_BUFFERED_BYTES, Math.round(BACKLOG_FRAMES * averageBytes)));
}

/** The bitrate for a screen size; `factor` scales it for a quality mode (within the same bounds). */
export function bitrateFor(width: number, height: number, factor = 1): number {
  const bps = Math.round(width * height * BITS_PER_PIXEL_SECOND * factor);
  return Math.min(MAX_BITRATE, Math.max(MIN_BITRATE, bps));
}

/** How one quality mode captures and encodes. */
export interface ModeSettings {
  /** Frames per second the capture track delivers and the encoder's rate control plans for. */
  frameRate: number;
  /** Multiplies the screen size's bitrate ({@link bitrateFor}). */
  bitrateFactor: number;
  /** The capture track's content hint: `motion` keeps the frame rate, `detail`/`text` the sharpness. */
  trackHint: 'motion' | 'detail' | 'text';
}

const MODES: Readonly<Record<QualityMode, Readonly<ModeSettings>>> = {
  // Twice the frames at the same bitrate: half the wait for the next capture, smoother motion,
  // fewer bits a frame, and the same bandwidth while scrolling.
  speed: { frameRate: SOURCE_FRAME_RATE, bitrateFactor: 1, trackHint: 'motion' },
  balanced: { frameRate: FRAME_RATE, bitrateFactor: 1, trackHint: 'detail' },
  // Fewer frames with more bits: about 2.25x the bits a frame of balanced, for crisp text.
  quality: { frameRate: 20, bitrateFactor: 1.5, trackHint: 'text' },
};

export function modeSettings(mode: QualityMode): ModeSettings {
  return { ...MODES[mode] };
}

/** What getDisplayMedia / applyConstraints is asked for the capture track at `frameRate`. */
export interface CaptureConstraints {
  width: { max: number };
  height: { max: number };
  frameRate: { ideal: number; max: number };
}

export function captureConstraints(frameRate: number): CaptureConstraints {
  return { width: { max: CAPTURE_MAX.width }, height: { max: CAPTURE_MAX.height }, frameRate: { ideal: frameRate, max: frameRate } };
}

export interface EncoderSettings {
  codec: string;
  avc?: { format: 'annexb' };
  width: number;
  height: number;
  bitrate: number;
  bitrateMode: 'variable';
  framerate: number;
  latencyMode: 'realtime';
  /** Screen content: Chromium turns on the encoders' screen-content tools for it. */
  contentHint: 'detail';
}

/** What the rate control asks of the encoder instead of the mode's fixed bitrate and frame rate. */
export interface EncoderRate {
  bitrate: number;
  framerate: number;
}

export function encoderSettings(
  candidate: CodecCandidate,
  width: number,
  height: number,
  mode: QualityMode = DEFAULT_QUALITY_MODE,
  rate?: EncoderRate,
): EncoderSettings {
  const m = MODES[mode];
  const s: EncoderSettings = {
    codec: candidate.codec,
    width,
    height,
    bitrate: rate ? Math.round(rate.bitrate) : bitrateFor(width, height, m.bitrateFactor),
    bitrateMode: 'variable',
    framerate: rate ? rate.framerate : m.frameRate,
    latencyMode: 'realtime',
    contentHint: 'detail',
  };
  if ('avc' in candidate) s.avc = { ...candidate.avc };
  return s;
}

/**
 * The upper bound asked of getDisplayMedia. Chromium scales the screen to 1280x720 unless
 * asked otherwise, and `window.screen` cannot be trusted for the real size (it says 1280x720
 * on an X server without RANDR, and reports one monitor of several), so ask for "native, up to
 * this": screens up to 2560x1440 arrive at their own size, larger ones are scaled down to it,
 * which software encoders on a 2-core PC still keep up with.
 */
export const CAPTURE_MAX = { width: 2560, height: 1440 } as const;
