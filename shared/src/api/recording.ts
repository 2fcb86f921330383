import { z } from 'zod';
import { SessionId } from '../protocol.ts';
import { EpochMs } from './common.ts';

/** Session recordings: status, tickets for playback and download, and the session timeline. */

/* ---------- session recordings ---------- */

/**
 * Where a session's recording stands:
 * - `none`: the session was not recorded (recording off, or it never started);
 * - `recording`: the session is live; a near-live snapshot can be played;
 * - `finalising`: the session ended and its file is being written;
 * - `ready`: the file can be played and downloaded;
 * - `failed`: nothing playable could be made (`failure` says why);
 * - `deleted`: removed under the retention settings.
 */
export const RECORDING_STATUSES = ['none', 'recording', 'finalising', 'ready', 'failed', 'deleted'] as const;
export const RecordingStatus = z.enum(RECORDING_STATUSES);
export type RecordingStatus = z.infer<typeof RecordingStatus>;

/**
 * Why recording failed, or what a playable recording lacks:
 * - `disk-error`: the chunk log could not be written (the rest of the session is missing);
 * - `too-slow`: the disk fell behind and recording stopped to protect the live session;
 * - `no-video`: no picture arrived before the session ended;
 * - `finalise-failed`: the chunk log could not be turned into a file;
 * - `chunk-log-missing`: the relay stopped and the chunk log was gone at the next start;
 * - `codec-changed`: the customer switched codecs; the file ends there.
 */
export const RECORDING_FAILURES = ['disk-error', 'too-slow', 'no-video', 'finalise-failed', 'chunk-log-missing', 'codec-changed'] as const;
export const RecordingFailure = z.enum(RECORDING_FAILURES);
export type RecordingFailure = z.infer<typeof RecordingFailure>;

/** `GET /api/sessions/:id/recording`. Durations and times are on the media clock (0 = `startedAt`). */
export const RecordingInfo = z.object({
  sessionId: SessionId,
  status: RecordingStatus,
  /** The session is still running: play `snapshot` (near-live) and poll again. */
  isLive: z.boolean(),
  container: z.enum(['webm', 'mp4']).nullable(),
  /** For `<video>` / `MediaSource.isTypeSupported`, e.g. `video/webm; codecs="vp09.00.10.08"`. */
  mimeType: z.string().nullable(),
  codec: z.string().nullable(),
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  durationMs: z.number().int().nonnegative().nullable(),
  sizeBytes: z.number().int().nonnegative().nullable(),
  /** Relay time (epoch ms) of media time 0: when the customer consented. */
  startedAt: EpochMs.nullable(),
  /** Finalised at a relay start after the relay stopped mid-session (playable up to then). */
  isRecovered: z.boolean(),
  /** Set when `status` is `failed`, and on a playable file that lacks something. */
  failure: z.object({ code: RecordingFailure, detail: z.string() }).nullable(),
  deletedAt: EpochMs.nullable(),
  deletedReason: z.enum(['age', 'size']).nullable(),
  /** Live only: the snapshot version to append as `&snapshot=` to the ticket URL. */
  snapshot: z.number().int().nonnegative().nullable(),
  /**
   * Voice tracks in the file (one per side of a call). A `<video>` plays only the first;
   * `&voice=N` on the ticket URL serves voice N alone as audio/webm, to play beside it.
   */
  voiceTracks: z.number().int().nonnegative().default(0),
});
export type RecordingInfo = z.infer<typeof RecordingInfo>;

/** `POST /api/sessions/:id/recording/ticket`: `view` is audited now, `download` when the file is fetched. */
export const RecordingTicketRequest = z.object({ purpose: z.enum(['view', 'download']).default('view') });
export type RecordingTicketRequest = z.infer<typeof RecordingTicketRequest>;
/** A relative URL (`/api/sessions/:id/recording/file?ticket=…`) that works without a bearer header until `expiresAt`. */
export const RecordingTicket = z.object({ url: z.string().startsWith('/api/'), expiresAt: EpochMs });
export type RecordingTicket = z.infer<typeof RecordingTicket>;

/** One entry of `GET /api/sessions/:id/timeline`; `mediaMs` places it in the recording (null: not recorded). */
export const TimelineEvent = z.object({
  id: z.number().int().positive(),
  at: EpochMs,
  mediaMs: z.number().int().nonnegative().nullable(),
  kind: z.string(),
  actor: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type TimelineEvent = z.infer<typeof TimelineEvent>;
export const SessionTimeline = z.object({ sessionId: SessionId, events: z.array(TimelineEvent) });
export type SessionTimeline = z.infer<typeof SessionTimeline>;
