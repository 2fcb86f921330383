/**
 * The `recordings` table: one row per recorded session, written when recording starts and
 * updated as it is finalised, fails or is deleted, so no recording can disappear unnoticed.
 * Rows are read back through zod.
 */
import { z } from 'zod';
import { RecordingFailure, type RecordingStatus } from '@beacon/shared/api';
import { parseUnknown } from '@beacon/shared/parse';
import type { Database } from '../platform/Database.ts';
import type { MuxResult } from './RecordingMuxer.ts';

const Row = z.object({
  session_id: z.string(),
  status: z.enum(['recording', 'finalising', 'ready', 'failed', 'deleted']),
  started_at: z.number().int(),
  ended_at: z.number().int().nullable(),
  file_name: z.string().nullable(),
  container: z.enum(['webm', 'mp4']).nullable(),
  codec: z.string().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  duration_ms: z.number().int().nullable(),
  size_bytes: z.number().int().nullable(),
  frames: z.number().int().nullable(),
  is_recovered: z.number().int(),
  failure_code: RecordingFailure.nullable().catch(null),
  failure_detail: z.string().nullable(),
  finalised_at: z.number().int().nullable(),
  deleted_at: z.number().int().nullable(),
  deleted_reason: z.enum(['age', 'size']).nullable(),
});

export interface RecordingRecord {
  sessionId: string;
  status: Exclude<RecordingStatus, 'none'>;
  startedAt: number;
  endedAt: number | null;
  fileName: string | null;
  container: 'webm' | 'mp4' | null;
  codec: string | null;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  sizeBytes: number | null;
  frames: number | null;
  isRecovered: boolean;
  failure: { code: RecordingFailure; detail: string } | null;
  finalisedAt: number | null;
  deletedAt: number | null;
  deletedReason: 'age' | 'size' | null;
}

function toRecord(raw: unknown): RecordingRecord {
  const r = parseUnknown(Row, raw, 'recordings row');
  if (!r.ok) throw r.error;
  const x = r.value;
  return {
    sessionId: x.session_id,
    status: x.status,
    startedAt: x.started_at,
    endedAt: x.ended_at,
    fileName: x.file_name,
    container: x.container,
    codec: x.codec,
    width: x.width,
    height: x.height,
    durationMs: x.duration_ms,
    sizeBytes: x.size_bytes,
    frames: x.frames,
    isRecovered: x.is_recovered === 1,
    failure: x.failure_code ? { code: x.failure_code, detail: x.failure_detail ?? '' } : null,
    finalisedAt: x.finalised_at,
    deletedAt: x.deleted_at,
    deletedReason: x.deleted_reason,
  };
}

export class RecordingStore {
  constructor(private readonly db: Database) {}

  async insert(sessionId: string, startedAt: number): Promise<void> {
    await this.db.run("INSERT INTO recordings (session_id, status, started_at) VALUES (?, 'recording', ?)", [sessionId, Math.round(startedAt)]);
  }

  async get(sessionId: string): Promise<RecordingRecord | null> {
    const raw = await this.db.get('SELECT * FROM recordings WHERE session_id = ?', [sessionId]);
    return raw === undefined ? null : toRecord(raw);
  }

  /** Recordings a stopped relay left unfinished. */
  async unfinished(): Promise<RecordingRecord[]> {
    return (await this.db.all("SELECT * FROM recordings WHERE status IN ('recording', 'finalising') ORDER BY started_at")).map(toRecord);
  }

  async markFinalising(sessionId: string, endedAt: number | null): Promise<void> {
    await this.db.run("UPDATE recordings SET status = 'finalising', ended_at = COALESCE(?, ended_at) WHERE session_id = ?", [endedAt === null ? null : Math.round(endedAt), sessionId]);
  }

  /** A problem met while recording (the file will lack the rest); kept unless a worse one follows. */
  async noteProblem(sessionId: string, code: RecordingFailure, detail: string): Promise<void> {
    await this.db.run('UPDATE recordings SET failure_code = COALESCE(failure_code, ?), failure_detail = COALESCE(failure_detail, ?) WHERE session_id = ?', [code, detail.slice(0, 500), sessionId]);
  }

  async markReady(sessionId: string, r: MuxResult & { fileName: string; isRecovered: boolean; finalisedAt: number; endedAt: number | null }): Promise<void> {
    await this.db.run(
      `UPDATE recordings SET status = 'ready', file_name = ?, container = ?, codec = ?, width = ?, height = ?, duration_ms = ?,
         size_bytes = ?, frames = ?, is_recovered = ?, finalised_at = ?, ended_at = COALESCE(ended_at, ?),
         failure_code = COALESCE(failure_code, ?), failure_detail = COALESCE(failure_detail, ?)
       WHERE session_id = ?`,
      [
        r.fileName,
        r.container,
        r.codec,
        r.width,
        r.height,
        r.durationMs,
        r.sizeBytes,
        r.frames,
        r.isRecovered ? 1 : 0,
        Math.round(r.finalisedAt),
        r.endedAt === null ? null : Math.round(r.endedAt),
        r.failure?.code ?? null,
        r.failure?.detail ?? null,
        sessionId,
      ],
    );
  }

  /** Nothing playable: the reason replaces any earlier note, which is kept in the detail. */
  async markFailed(sessionId: string, code: RecordingFailure, detail: string, at: number, isRecovered = false): Promise<void> {
    await this.db.run(
      `UPDATE recordings SET status = 'failed', failure_detail = CASE WHEN failure_code IS NULL THEN ? ELSE failure_code || ': ' || failure_detail || '; ' || ? END,
         failure_code = ?, finalised_at = ?, is_recovered = ? WHERE session_id = ?`,
      [detail.slice(0, 500), detail.slice(0, 500), code, Math.round(at), isRecovered ? 1 : 0, sessionId],
    );
  }

  async markDeleted(sessionId: string, reason: 'age' | 'size', at: number): Promise<void> {
    await this.db.run("UPDATE recordings SET status = 'deleted', deleted_at = ?, deleted_reason = ? WHERE session_id = ?", [Math.round(at), reason, sessionId]);
  }

  /** Playable recordings, oldest first (retention). */
  async readyOldestFirst(): Promise<RecordingRecord[]> {
    return (await this.db.all("SELECT * FROM recordings WHERE status = 'ready' ORDER BY started_at, session_id")).map(toRecord);
  }
}
