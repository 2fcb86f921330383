/**
 * The recording API (relay-server/API.md, schemas in shared/src/api.ts): metadata, the media
 * ticket, the file itself (Range requests, near-live snapshots while the session runs) and
 * the event timeline on the media clock.
 *
 * Who: owners, admins and managers every recording; an agent their own sessions' recordings
 * only if the organisation allows it (Policy `recording.watch`). Each view (ticket issued)
 * and each download is written to the audit log before the answer goes out.
 *
 * A call's voices are audio tracks of the file; a browser's `<video>` plays only the first,
 * so `?voice=N` serves track N alone (VoiceTracks.ts) for the player to play beside it.
 */
import path from 'node:path';
import { z } from 'zod';
import { RecordingTicketRequest, type RecordingInfo, type SessionRow, type SessionTimeline } from '@beacon/shared/api';
import { ProtocolError } from '@beacon/shared/errors';
import type { Accounts } from '../accounts/Accounts.ts';
import type { AuditLog } from '../accounts/AuditLog.ts';
import type { Organisation } from '../accounts/Organisation.ts';
import { demand, type Actor, type ActorContext, type ApiRoute } from '../accounts/Policy.ts';
import type { SessionHistory } from '../history/SessionHistory.ts';
import type { Logger } from '../platform/logger.ts';
import { ok, readJson, type RequestContext } from '../platform/route.ts';
import type { EventLog } from '../sessions/EventLog.ts';
import type { MediaTickets } from './MediaTicket.ts';
import type { Recorder } from './Recorder.ts';
import { mimeTypeOf } from './RecordingMuxer.ts';
import type { RecordingStore } from './RecordingStore.ts';
import { sendBytes, sendStored } from './RangeFile.ts';
import { NoSuchVoiceError, type VoiceTrackCache } from './VoiceTracks.ts';

export interface RecordingRouteDeps {
  accounts: Accounts;
  audit: AuditLog;
  organisation: Organisation;
  sessionHistory: SessionHistory;
  events: EventLog;
  log: Logger;
  store: RecordingStore;
  recorder: Recorder;
  tickets: MediaTickets;
  /** One voice of a call as its own file, for the player's `<audio>` beside the video. */
  voices: VoiceTrackCache;
}

const SESSION_PATH = '(?<id>[A-Za-z0-9_-]{1,64})';
const FileQuery = z.object({
  ticket: z.string().min(1).max(600),
  snapshot: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).optional()),
  /** Only this voice (audio track, 0-based) as an audio WebM. */
  voice: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).max(15).optional()),
});

export function recordingRoutes(d: RecordingRouteDeps): ApiRoute[] {
  /** The session, if `actor` may watch its recording: unknown sessions are 404, others' 403. */
  const watchable = async (actor: Actor, sessionId: string): Promise<SessionRow> => {
    const session = await d.sessionHistory.get(sessionId);
    if (!session) throw new ProtocolError('not-found', 'no such session');
    const agentsMayWatchOwn = d.organisation.settings?.agentsMayWatchOwn ?? false;
    demand(actor, 'recording.watch', { kind: 'recording', agentId: session.seat.id, agentsMayWatchOwn });
    return session;
  };

  /** Where a file is: near-live snapshots in the scratch folder, finished files on disk or in the bucket. */
  const filesOf = (fileName: string) => (/\.live-\d+\./.test(fileName) ? d.recorder.scratch : d.recorder.files);

  /** Voice tracks in a recording file; a file that cannot be read has none to offer. */
  const voicesIn = async (fileName: string): Promise<number> => {
    try {
      return await d.voices.count({ files: filesOf(fileName), name: fileName });
    } catch (err) {
      d.log.warn('recording file unreadable while counting its voices', { fileName, err: err instanceof Error ? err.message : String(err) });
      return 0;
    }
  };

  const info = async (sessionId: string): Promise<RecordingInfo> => {
    const row = await d.store.get(sessionId);
    const none: RecordingInfo = {
      sessionId,
      status: 'none',
      isLive: false,
      container: null,
      mimeType: null,
      codec: null,
      width: null,
      height: null,
      durationMs: null,
      sizeBytes: null,
      startedAt: null,
      isRecovered: false,
      failure: null,
      deletedAt: null,
      deletedReason: null,
      snapshot: null,
      voiceTracks: 0,
    };
    if (!row) return none;
    const base: RecordingInfo = {
      ...none,
      status: row.status,
      container: row.container,
      codec: row.codec,
      mimeType: row.container && row.codec ? mimeTypeOf(row.container, row.codec) : null,
      width: row.width,
      height: row.height,
      durationMs: row.durationMs,
      sizeBytes: row.sizeBytes,
      startedAt: row.startedAt,
      isRecovered: row.isRecovered,
      failure: row.failure,
      deletedAt: row.deletedAt,
      deletedReason: row.deletedReason,
      voiceTracks: row.status === 'ready' && row.fileName ? await voicesIn(row.fileName) : 0,
    };
    if (row.status !== 'recording') return base;
    // A row still `recording` that this relay is not recording is being recovered.
    if (!d.recorder.isRecording(sessionId)) return { ...base, status: 'finalising' };
    const snap = await d.recorder.snapshot(sessionId);
    const config = d.recorder.streamConfigOf(sessionId);
    const container = snap ? (path.extname(snap.fileName).slice(1) === 'mp4' ? 'mp4' : 'webm') : null;
    const codec = config?.codec ?? null;
    return {
      ...base,
      isLive: true,
      container,
      codec,
      mimeType: container && codec ? mimeTypeOf(container, codec) : null,
      width: config?.width ?? null,
      height: config?.height ?? null,
      durationMs: snap?.durationMs ?? null,
      snapshot: snap?.version ?? null,
      voiceTracks: snap ? await voicesIn(snap.fileName) : 0,
    };
  };

  const auditTarget = (s: SessionRow) => ({ type: 'recording' as const, id: s.id, label: `${s.seat.displayName} · ${s.deviceId}` });

  return [
    {
      method: 'GET',
      path: new RegExp(`^/api/sessions/${SESSION_PATH}/recording$`),
      handle: async (c) => {
        const s = await watchable(c.actor, c.params.id ?? '');
        return ok(await info(s.id));
      },
    },
    {
      method: 'POST',
      path: new RegExp(`^/api/sessions/${SESSION_PATH}/recording/ticket$`),
      handle: async (c: ActorContext) => {
        const s = await watchable(c.actor, c.params.id ?? '');
        const body = await readJson(c, RecordingTicketRequest);
        const row = await d.store.get(s.id);
        const isPlayable = row?.status === 'ready' || (row?.status === 'recording' && d.recorder.isRecording(s.id));
        if (!isPlayable) throw new ProtocolError('not-found', 'this session has no recording that can be played');
        const t = d.tickets.issue(s.id, c.actor.id, body.purpose);
        if (body.purpose === 'view') {
          await d.audit.append({ actorId: c.actor.id, action: 'recording-viewed', target: auditTarget(s), detail: { isLive: row?.status === 'recording' } });
        }
        const url = `/api/sessions/${encodeURIComponent(s.id)}/recording/file?ticket=${encodeURIComponent(t.ticket)}`;
        return ok({ url, expiresAt: t.expiresAt });
      },
    },
    {
      method: 'GET',
      path: new RegExp(`^/api/sessions/${SESSION_PATH}/recording/file$`),
      // The ticket is the credential: a <video> element sends no Authorization header.
      isPublic: true,
      handle: async (c: RequestContext) => {
        const sessionId = c.params.id ?? '';
        const q = FileQuery.safeParse(Object.fromEntries(c.query.entries()));
        const ticket = q.success ? d.tickets.verify(q.data.ticket, sessionId) : null;
        if (!q.success || !ticket) throw new ProtocolError('unauthorized', 'the media ticket is missing, expired or not for this session; ask for a new one');
        const actor = await d.accounts.actor(ticket.accountId);
        if (!actor) throw new ProtocolError('unauthorized', 'the seat of this ticket can no longer sign in');
        // Checked again on use: a seat that lost the right since the ticket was issued is refused.
        const s = await watchable(actor, sessionId);
        const row = await d.store.get(s.id);
        let fileName: string | null = null;
        if (q.data.snapshot !== undefined) fileName = d.recorder.snapshotFile(s.id, q.data.snapshot);
        if (!fileName && row?.status === 'ready') fileName = row.fileName;
        if (!fileName && row?.status === 'recording') fileName = (await d.recorder.snapshot(s.id))?.fileName ?? null;
        if (!fileName) throw new ProtocolError('not-found', 'this recording file is not available (any more); reload the player');
        const file = { files: filesOf(fileName), name: fileName };
        const stored = await file.files.stat(fileName);
        if (!stored) throw new ProtocolError('not-found', 'this recording file is not available (any more); reload the player');
        if (q.data.voice !== undefined) {
          if (ticket.purpose !== 'view') throw new ProtocolError('forbidden', 'a download ticket fetches the whole recording; ask for a view ticket to play one voice');
          let bytes: Uint8Array;
          try {
            bytes = await d.voices.voice(file, q.data.voice);
          } catch (err) {
            if (err instanceof NoSuchVoiceError) throw new ProtocolError('not-found', err.message);
            throw err;
          }
          await sendBytes(c.req, c.res, bytes, { contentType: 'audio/webm' });
          return undefined;
        }
        const container = path.extname(fileName) === '.mp4' ? 'mp4' : 'webm';
        const isDownload = ticket.purpose === 'download';
        // On record before the first byte goes out; a download resumed from the middle is the same download.
        const isFromStart = !c.req.headers.range || /^\s*bytes=0-/.test(c.req.headers.range);
        if (isDownload && isFromStart) {
          await d.audit.append({ actorId: actor.id, action: 'recording-downloaded', target: auditTarget(s), detail: { file: fileName } });
        }
        await sendStored(c.req, c.res, file.files, fileName, stored.size, {
          contentType: `video/${container}`,
          downloadName: isDownload ? `beacon-${s.id}.${container}` : undefined,
        });
        return undefined;
      },
    },
    {
      method: 'GET',
      path: new RegExp(`^/api/sessions/${SESSION_PATH}/timeline$`),
      handle: async (c) => {
        const s = await watchable(c.actor, c.params.id ?? '');
        const events = (await d.events.forSession(s.id)).map((e) => ({ id: e.id, at: e.at, mediaMs: e.mediaMs, kind: e.kind, actor: e.actor, detail: e.detail }));
        return ok({ sessionId: s.id, events } satisfies SessionTimeline);
      },
    },
  ];
}
