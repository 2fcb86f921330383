/**
 * Session recording: the recorder that taps live sessions, finalisation into playable files,
 * retention, and the routes that serve recordings and their timelines.
 */
import type { Accounts } from '../accounts/Accounts.ts';
import type { AuditLog } from '../accounts/AuditLog.ts';
import type { Organisation } from '../accounts/Organisation.ts';
import type { ApiRoute } from '../accounts/Policy.ts';
import type { SessionHistory } from '../history/SessionHistory.ts';
import type { Clock } from '../platform/clock.ts';
import type { Database } from '../platform/Database.ts';
import type { Logger } from '../platform/logger.ts';
import type { SessionsFeature } from '../sessions/createSessions.ts';
import { Finaliser } from './Finaliser.ts';
import { MediaTickets } from './MediaTicket.ts';
import { Recorder } from './Recorder.ts';
import { RecordingRetention } from './RecordingRetention.ts';
import { recordingRoutes } from './RecordingRoutes.ts';
import { RecordingStore } from './RecordingStore.ts';
import { JOURNAL_STALE_MS } from './storage/JournalStore.ts';
import type { RecordingFiles } from './storage/RecordingFiles.ts';
import { VoiceTrackCache } from './VoiceTracks.ts';

export interface RecordingDeps {
  db: Database;
  log: Logger;
  now: Clock;
  /** Where recordings are kept (with `s3`: only while they are made). */
  dir: string;
  /** Where finished recordings go, if not `dir` (a bucket: openRecordingFiles.ts). */
  files?: RecordingFiles;
  /** Tests: mux on the main thread instead of the worker. */
  isFinaliserInProcess?: boolean;
  sessions: SessionsFeature;
  accounts: Accounts;
  organisation: Organisation;
  audit: AuditLog;
  sessionHistory: SessionHistory;
  /** Asks a session's customer for a keyframe (the media feature's forwarder). */
  requestKeyframe(sessionId: string): void;
}

export interface RecordingFeature {
  readonly recorder: Recorder;
  readonly store: RecordingStore;
  readonly retention: RecordingRetention;
  routes(): ApiRoute[];
  /** Finalises recordings a killed relay left behind, then starts pruning old ones (unless `isClosing()` by then). */
  start(isClosing: () => boolean): void;
  close(): Promise<void>;
}

export function createRecording(d: RecordingDeps): RecordingFeature {
  const settings = () => d.organisation.settings;
  const store = new RecordingStore(d.db);
  const events = d.sessions.events;
  const files = d.files;
  let sweeper: NodeJS.Timeout | null = null;
  const recorder = new Recorder({ dir: d.dir, files, store, events, finaliser: new Finaliser(d.log, d.isFinaliserInProcess), log: d.log, now: d.now, settings, requestKeyframe: (id) => d.requestKeyframe(id) });
  d.sessions.manager.onSessionEvent((e) => {
    if (e.type === 'started' && e.session.isRecorded && e.isAdopted) void recorder.sessionAdopted(e.session);
    else if (e.type === 'started' && e.session.isRecorded) recorder.sessionStarted(e.session);
    else if (e.type === 'ended' && e.session.startedAt !== null) recorder.sessionEnded(e.session);
  });
  // Timeline events of a recorded session carry where they fall in its recording.
  events.setMediaClock((sessionId, at) => recorder.mediaMs(sessionId, at));
  const retention = new RecordingRetention({ files: recorder.files, store, audit: d.audit, log: d.log, now: d.now, settings });
  return {
    recorder,
    store,
    retention,
    routes: () =>
      recordingRoutes({
        accounts: d.accounts,
        audit: d.audit,
        organisation: d.organisation,
        sessionHistory: d.sessionHistory,
        events,
        log: d.log,
        store,
        recorder,
        tickets: new MediaTickets(d.now),
        voices: new VoiceTrackCache(),
      }),
    start: (isClosing) => {
      recorder
        .recover()
        .then((n) => n > 0 && d.log.warn('recordings of sessions cut off by an earlier stop finalised', { count: n }))
        .catch((err: unknown) => d.log.error('recording recovery failed', { err }))
        .finally(() => {
          if (isClosing()) return;
          retention.start();
          // With a bucket, recordings of relays that stopped for good are finalised by the others.
          if (files?.journals) sweeper = setInterval(() => void recorder.sweepAbandoned().catch((err: unknown) => d.log.error('recording sweep failed', { err })), JOURNAL_STALE_MS / 3).unref();
        });
    },
    close: async () => {
      retention.stop();
      if (sweeper) clearInterval(sweeper);
      await recorder.close();
      recorder.files.close();
    },
  };
}
