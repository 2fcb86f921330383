/**
 * The append-only session event log (`session_events`): who asked for which PC, whether
 * the customer agreed, when control started and stopped, how it ended. Rows are written
 * in the order `append` is called (serialized connection) and read back through zod.
 */
import { z } from 'zod';
import { parseUnknown } from '@beacon/shared/parse';
import type { Logger } from '../platform/logger.ts';
import type { Database } from '../platform/Database.ts';
import type { Clock } from '../platform/clock.ts';

export const EVENT_KINDS = [
  'registered',
  'connect-requested',
  'connect-refused',
  'consent-granted',
  'consent-denied',
  'consent-timeout',
  'control-started',
  'control-stopped',
  'disconnected',
  // Collaboration (issue 6), so the recording timeline shows them.
  'chat',
  'stroke',
  'screenshot',
  'file',
  // Recorded sessions (issue 4): a click (`x`, `y`, `button` in screen pixels), and key
  // activity, masked (`isMasked`) unless the organisation keeps keystrokes.
  'click',
  'key',
  // A voice call answered (`by`: who called) and ended (`by`, `reason`, `durationMs`).
  'voice-started',
  'voice-ended',
  // Resume (issue 14): one side's link dropped (`who`, `graceMs`), and it came back (`who`, `awayMs`).
  'drop',
  'resume',
  // Clipboard text passed on (issue 13): `direction` (`to-customer`, `to-agent`), `kind`, `chars`; never the text.
  'clipboard',
  // Issue 12: the session went on with another agent (`how`: transfer or take-over, `fromAgentId`, `toAgentId`, `note`).
  'agent-changed',
  // Issue 12, several agents: one came (`role`: monitor or guest, `invitedBy`) or left, and the owner passed control (`toAgentId`).
  'participant-joined',
  'participant-left',
  'control-passed',
  // Issue 13: a file transfer ended (`name`, `size`, `direction`, `outcome`, `sha256` when every byte arrived, `by`).
  'file-transfer',
  // Issue 13, remote sound: the agent began hearing the PC's sound (`by`: who asked) and stopped (`by`, `reason`, `durationMs`).
  'sound-started',
  'sound-ended',
  // Issue 12, video guidance: the agent asked for the camera or the screen (`source`), the customer answered (`source`, `granted`), the picture changed (`source`: screen, camera or off).
  'camera-requested',
  'camera-answered',
  'camera-source',
  // Issue 13, privacy curtain: the agent asked to raise or lower it (`up`), the customer answered (`granted`), it went on, off or was unavailable (`reason`; the actor is who caused it).
  'curtain-requested',
  'curtain-answered',
  'curtain-on',
  'curtain-off',
  'curtain-unavailable',
] as const;
export const EventKind = z.enum(EVENT_KINDS);
export type EventKind = z.infer<typeof EventKind>;

export interface NewEvent {
  sessionId: string | null;
  deviceId: string;
  kind: EventKind;
  /** `agent:<login>`, `customer:<deviceId>` or `relay`. */
  actor: string;
  detail?: Record<string, unknown>;
}

const JsonObject = z.record(z.string(), z.unknown());

const EventRow = z.object({
  id: z.number().int(),
  session_id: z.string().nullable(),
  device_id: z.string(),
  at: z.number().int(),
  kind: EventKind,
  actor: z.string(),
  detail: z.string(),
  media_ms: z.number().int().nullable().default(null),
});

export interface SessionEvent {
  id: number;
  sessionId: string | null;
  deviceId: string;
  at: number;
  kind: EventKind;
  actor: string;
  detail: Record<string, unknown>;
  /** Where it falls in the session's recording (ms), or null if the session is not recorded. */
  mediaMs: number | null;
}

/** Places an event of a recorded session on its media clock; null when it is not recorded. */
export type MediaClock = (sessionId: string, at: number) => number | null;

export class EventLog {
  private mediaClock: MediaClock | null = null;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly now: Clock = Date.now,
  ) {}

  /** Set by the recorder, so every event of a recorded session is stamped on the media clock too. */
  setMediaClock(clock: MediaClock): void {
    this.mediaClock = clock;
  }

  /**
   * Queues one row, stamped now. The returned promise settles when it is written; callers
   * on a hot path may ignore it, since a failed write is logged here and never thrown away silently.
   */
  append(e: NewEvent): Promise<void> {
    const at = Math.round(this.now());
    const mediaMs = e.sessionId && this.mediaClock ? this.mediaClock(e.sessionId, at) : null;
    return this.db
      .run('INSERT INTO session_events (session_id, device_id, at, kind, actor, detail, media_ms) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        e.sessionId,
        e.deviceId,
        at,
        e.kind,
        e.actor,
        JSON.stringify(e.detail ?? {}),
        mediaMs,
      ])
      .then(
        () => undefined,
        (err: unknown) => {
          this.log.error('event log write failed', { kind: e.kind, sessionId: e.sessionId, err });
        },
      );
  }

  /** Events of one session, oldest first. */
  forSession(sessionId: string): Promise<SessionEvent[]> {
    return this.query('SELECT * FROM session_events WHERE session_id = ? ORDER BY id', [sessionId]);
  }

  /** Events naming one device (registration, refused attempts, sessions), oldest first. */
  forDevice(deviceId: string): Promise<SessionEvent[]> {
    return this.query('SELECT * FROM session_events WHERE device_id = ? ORDER BY id', [deviceId]);
  }

  private async query(sql: string, params: string[]): Promise<SessionEvent[]> {
    const rows = await this.db.all(sql, params);
    const out: SessionEvent[] = [];
    for (const raw of rows) {
      const r = parseUnknown(EventRow, raw, 'session_events row');
      if (!r.ok) {
        this.log.error('unreadable event row skipped', { err: r.error.message });
        continue;
      }
      const row = r.value;
      let detail: Record<string, unknown> = {};
      try {
        const d = parseUnknown(JsonObject, JSON.parse(row.detail), 'session_events.detail');
        if (d.ok) detail = d.value;
        else this.log.warn('event detail is not an object', { id: row.id });
      } catch {
        this.log.warn('event detail is not JSON', { id: row.id });
      }
      out.push({
        id: row.id,
        sessionId: row.session_id,
        deviceId: row.device_id,
        at: row.at,
        kind: row.kind,
        actor: row.actor,
        detail,
        mediaMs: row.media_ms,
      });
    }
    return out;
  }
}
