/**
 * Retention of recordings: at start and every hour, playable recordings older than
 * `recordingMaxAgeDays` are deleted, then the oldest ones while all together are above
 * `recordingMaxTotalMB`. Each deletion removes the file, marks the row `deleted` (the row
 * stays: the log still says the session was recorded) and is written to the audit log with
 * the relay as actor.
 */
import type { OrgSettings } from '@beacon/shared/api';
import type { AuditLog } from '../accounts/AuditLog.ts';
import type { Logger } from '../platform/logger.ts';
import type { Clock } from '../platform/clock.ts';
import type { RecordingRecord, RecordingStore } from './RecordingStore.ts';
import type { RecordingFiles } from './storage/RecordingFiles.ts';

export const RETENTION_INTERVAL_MS = 60 * 60_000;
const DAY_MS = 24 * 60 * 60_000;
const MB = 1024 * 1024;

export interface RetentionOptions {
  /** Where the finished recordings are (disk or bucket). */
  files: RecordingFiles;
  store: RecordingStore;
  audit: AuditLog;
  log: Logger;
  now: Clock;
  settings: () => OrgSettings | null;
}

export interface SweepResult {
  byAge: number;
  bySize: number;
  freedBytes: number;
}

export class RecordingRetention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SweepResult> | null = null;

  constructor(private readonly o: RetentionOptions) {}

  /** Sweeps now, then every `intervalMs`. */
  start(intervalMs = RETENTION_INTERVAL_MS): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), intervalMs);
    this.timer.unref();
  }

  /** Idempotent. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass; concurrent calls share it. Never throws (failures are logged). */
  sweep(): Promise<SweepResult> {
    this.running ??= this.pass()
      .catch((err: unknown) => {
        this.o.log.error('recording retention failed', { err });
        return { byAge: 0, bySize: 0, freedBytes: 0 };
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async pass(): Promise<SweepResult> {
    const settings = this.o.settings();
    const result: SweepResult = { byAge: 0, bySize: 0, freedBytes: 0 };
    if (!settings) return result;
    const now = this.o.now();
    const oldestKept = now - settings.recordingMaxAgeDays * DAY_MS;
    const kept: RecordingRecord[] = [];
    for (const rec of await this.o.store.readyOldestFirst()) {
      if (rec.startedAt < oldestKept) {
        await this.remove(rec, 'age', { maxAgeDays: settings.recordingMaxAgeDays });
        result.byAge++;
        result.freedBytes += rec.sizeBytes ?? 0;
      } else kept.push(rec);
    }
    const limit = settings.recordingMaxTotalMB * MB;
    let total = kept.reduce((sum, r) => sum + (r.sizeBytes ?? 0), 0);
    for (const rec of kept) {
      if (total <= limit) break;
      await this.remove(rec, 'size', { maxTotalMB: settings.recordingMaxTotalMB, totalBytesBefore: total });
      total -= rec.sizeBytes ?? 0;
      result.bySize++;
      result.freedBytes += rec.sizeBytes ?? 0;
    }
    if (result.byAge + result.bySize > 0) this.o.log.info('recordings deleted by retention', { ...result });
    return result;
  }

  private async remove(rec: RecordingRecord, reason: 'age' | 'size', why: Record<string, unknown>): Promise<void> {
    if (rec.fileName) await this.o.files.remove(rec.fileName);
    const at = this.o.now();
    await this.o.store.markDeleted(rec.sessionId, reason, at);
    await this.o.audit.append({
      actorId: null,
      action: 'recording-deleted',
      target: { type: 'recording', id: rec.sessionId, label: rec.fileName ?? rec.sessionId },
      detail: { reason, sizeBytes: rec.sizeBytes, recordedAt: rec.startedAt, ...why },
    });
  }
}
