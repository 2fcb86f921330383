/**
 * Server-side session recording: decides which sessions are recorded (organisation
 * setting), taps their media into a chunk journal per session, writes input activity to the
 * event timeline on the media clock, and finalises each log into a playable file when the
 * session ends, or at the next start for logs a stopped relay left behind.
 *
 * Every recording has a row from its first moment (RecordingStore), so a failure anywhere
 * (disk, muxer, a crash that lost the log) ends up on that row and in the log, never
 * silently lost.
 */
import { mkdirSync } from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { OrgSettings, RecordingFailure } from '@beacon/shared/api';
import type { FrameHeader } from '@beacon/shared/framing';
import type { InputEvent } from '@beacon/shared/input';
import type { Role, StreamConfig } from '@beacon/shared/protocol';
import type { EventLog, NewEvent } from '../sessions/EventLog.ts';
import type { Logger } from '../platform/logger.ts';
import type { Clock } from '../platform/clock.ts';
import { TokenBucket, type BucketSize } from '../platform/TokenBucket.ts';
import type { ActiveSession, EndedSession } from '../sessions/Session.ts';
import type { Finaliser } from './Finaliser.ts';
import { NothingToMuxError, type MuxResult } from './RecordingMuxer.ts';
import type { RecordingStore } from './RecordingStore.ts';
import { SessionRecording } from './SessionRecording.ts';
import { fetchForContinuation, type JournalTail } from './RecordingContinuation.ts';
import { takeOverCopy, type ContinuedCopy, type JournalFollower } from './storage/JournalStore.ts';
import { DiskRecordingFiles, type RecordingFiles } from './storage/RecordingFiles.ts';

/** A live snapshot is rebuilt at most this often, however many people watch. */
export const SNAPSHOT_MIN_INTERVAL_MS = 2000;
/** Snapshot files kept per live session, so a player still reading the previous one is not cut off. */
const SNAPSHOTS_KEPT = 3;
/** How long shutdown waits for finalisations in progress (the rest is done at the next start). */
const SHUTDOWN_FINALISE_WAIT_MS = 10_000;

export interface RecorderOptions {
  /** Chunk journals, files being muxed and near-live snapshots (and finished files, on disk). */
  dir: string;
  /** Where finished recordings go (default: `dir` on disk). */
  files?: RecordingFiles;
  store: RecordingStore;
  events: EventLog;
  finaliser: Finaliser;
  log: Logger;
  now: Clock;
  /** The organisation's current settings (null before setup: nothing is recorded). */
  settings: () => OrgSettings | null;
  /** Asks the session's customer for a keyframe (the screen's forwarder throttles it). */
  requestKeyframe: (sessionId: string) => void;
}

interface Snapshot {
  version: number;
  fileName: string;
  durationMs: number;
  builtAt: number;
}

/**
 * Clicks and key presses of one session written to the event log: each is a database write
 * (one serialized connection for every session). A fast typist presses about 10 keys a second;
 * past this the rest go unlogged, so an agent's input flood cannot queue writes others wait for.
 */
export const INPUT_EVENTS_BUDGET: BucketSize = { burst: 60, perSecond: 20 };

interface Live {
  /** The latest stream parameters (the player shows the live picture's codec and size). */
  streamConfig: StreamConfig | null;
  rec: SessionRecording;
  /** Copies the journal off this machine as it grows (with a bucket). */
  follower: JournalFollower | null;
  /** Input events this session may still log (INPUT_EVENTS_BUDGET). */
  inputEvents: TokenBucket;
  snapshots: Snapshot[];
  building: Promise<Snapshot | null> | null;
  nextVersion: number;
}

type Continued = { tail: JournalTail; copy: ContinuedCopy };

export const chunkJournalName = (sessionId: string): string => `${sessionId}.bcl`;

export class Recorder {
  private readonly live = new Map<string, Live>();
  private readonly finishing = new Set<Promise<void>>();
  private recovering: Promise<number> | null = null;
  private sweeping: Promise<number> | null = null;
  /** Sessions whose recording this relay is finalising now. */
  private readonly finalisingIds = new Set<string>();
  /** Sessions taken over whose journal is being fetched to go on with, and how each ended if it did meanwhile. */
  private readonly continuing = new Map<string, EndedSession | null>();
  private isClosed = false;
  /** Finished recordings. */
  readonly files: RecordingFiles;
  /** The scratch folder (near-live snapshots are served from it). */
  readonly scratch: DiskRecordingFiles;

  constructor(private readonly o: RecorderOptions) {
    mkdirSync(o.dir, { recursive: true });
    this.scratch = new DiskRecordingFiles(o.dir);
    this.files = o.files ?? this.scratch;
  }

  get dir(): string {
    return this.o.dir;
  }

  /** Whether a session starting now will be recorded (the consent dialog says so). */
  willRecord(): boolean {
    return !this.isClosed && (this.o.settings()?.recordSessions ?? false);
  }

  isRecording(sessionId: string): boolean {
    return this.live.has(sessionId);
  }

  /** Where relay time `at` falls in the session's recording, or null if it is not being recorded. */
  mediaMs(sessionId: string, at: number): number | null {
    return this.live.get(sessionId)?.rec.mediaMs(at) ?? null;
  }

  /** The stream parameters of a session being recorded, once the customer sent them. */
  streamConfigOf(sessionId: string): StreamConfig | null {
    return this.live.get(sessionId)?.streamConfig ?? null;
  }

  /** The customer consented; call before the consent events are written so they land at 0. */
  sessionStarted(s: ActiveSession): void {
    if (!this.willRecord()) return;
    this.begin(s, null);
    // Issued right after the session row (serialized connection), so it always has one.
    this.o.store.insert(s.id, s.startedAt).catch((err: unknown) => this.o.log.error('recording row not written', { sessionId: s.id, err }));
    this.o.log.info('recording started', { sessionId: s.id });
  }

  /** A recorded session taken over from a relay that died: its journal goes on here (RecordingContinuation.ts). */
  async sessionAdopted(s: ActiveSession): Promise<void> {
    const journals = this.files.journals;
    if (this.isClosed || !journals || this.live.has(s.id) || this.continuing.has(s.id)) return;
    this.continuing.set(s.id, null);
    const got = await fetchForContinuation(journals, s.id, path.join(this.o.dir, chunkJournalName(s.id)), this.o.log).catch((err: unknown) => {
      this.o.log.error('recording not continued', { sessionId: s.id, err });
      return null;
    });
    const ended = this.continuing.get(s.id);
    this.continuing.delete(s.id);
    if (got && !this.isClosed) this.begin(s, got);
    if (ended) this.sessionEnded(ended);
  }

  private begin(s: ActiveSession, from: Continued | null): void {
    const rec = new SessionRecording({
      sessionId: s.id,
      chunkJournalPath: path.join(this.o.dir, chunkJournalName(s.id)),
      startedAt: s.startedAt,
      now: this.o.now,
      requestKeyframe: () => this.o.requestKeyframe(s.id),
      onProblem: (code, detail) => this.problem(s.id, code, detail),
      ...(from ? { continuing: from.tail } : {}),
    });
    const follower = this.files.journals?.follow(s.id, rec.chunkJournalPath, () => rec.writtenBytes, from?.copy) ?? null;
    this.live.set(s.id, { rec, follower, streamConfig: from?.tail.config ?? null, inputEvents: new TokenBucket(INPUT_EVENTS_BUDGET, this.o.now), snapshots: [], building: null, nextVersion: 1 });
  }

  media(s: ActiveSession, fragment: Uint8Array, header: FrameHeader): void {
    const rec = this.live.get(s.id)?.rec;
    if (!rec) return;
    const hadPicture = rec.tally.frames > 0;
    rec.push(fragment, header);
    // When the file can first show the screen: a recording without it is worth knowing about.
    if (!hadPicture && rec.tally.frames > 0) {
      const { droppedFrames, keyframeRequests } = rec.tally;
      this.o.log.info('recording has its first picture', { sessionId: s.id, afterMs: rec.mediaMs(this.o.now()), droppedFrames, keyframeRequests });
    }
  }

  /** One voice RTP packet of `role` in session `sessionId`'s call, as the relay forwards it. */
  voice(sessionId: string, role: Role, packet: Uint8Array, opusPayloadType: number): void {
    this.live.get(sessionId)?.rec.voice(role, packet, opusPayloadType);
  }

  /** One voice RTP packet of participant `agentId` in session `sessionId`'s call (`voice-multi`). */
  participantVoice(sessionId: string, agentId: number, packet: Uint8Array, opusPayloadType: number): void {
    this.live.get(sessionId)?.rec.participantVoice(agentId, packet, opusPayloadType);
  }

  /** One RTP packet of the customer PC's sound in session `sessionId`, as the relay forwards it. */
  sound(sessionId: string, packet: Uint8Array, opusPayloadType: number): void {
    this.live.get(sessionId)?.rec.sound(packet, opusPayloadType);
  }

  streamConfig(s: ActiveSession, config: StreamConfig): void {
    const l = this.live.get(s.id);
    if (!l) return;
    l.streamConfig = config;
    l.rec.streamConfig(config);
  }

  /**
   * The agent's input on the timeline: clicks with their position, and key activity. Keys
   * are masked ("a key was pressed") unless the organisation keeps keystrokes. Moves and
   * wheel turns are left out: they are many and say little.
   */
  input(s: ActiveSession, e: InputEvent): void {
    const live = this.live.get(s.id);
    if (!live) return;
    const isKept = this.o.settings()?.recordKeystrokes ?? false;
    const base = { sessionId: s.id, deviceId: s.deviceId, actor: `agent:${s.agent.agent.login}` };
    let event: NewEvent | null = null;
    switch (e.kind) {
      case 'mouse-button':
        if (e.down) event = { ...base, kind: 'click', detail: { x: e.x, y: e.y, button: e.button } };
        break;
      case 'key':
        if (e.down) event = { ...base, kind: 'key', detail: isKept ? { key: e.key, modifiers: e.modifiers } : { isMasked: true } };
        break;
      case 'text':
        event = { ...base, kind: 'key', detail: isKept ? { text: e.text } : { isMasked: true, chars: [...e.text].length } };
        break;
      default:
        break;
    }
    if (event && live.inputEvents.take()) void this.o.events.append(event);
  }

  /** The session is over: close its log and finalise it in the background. */
  sessionEnded(s: EndedSession): void {
    if (this.continuing.has(s.id)) return void this.continuing.set(s.id, s);
    const l = this.live.get(s.id);
    if (!l) return;
    this.live.delete(s.id);
    // Not live any more, but not abandoned either: a sweep must leave it alone.
    this.finalisingIds.add(s.id);
    const endedAt = this.o.now();
    const p = (async () => {
      await l.building?.catch(() => null);
      await l.rec.close(endedAt);
      await l.follower?.close();
      await this.o.store.markFinalising(s.id, endedAt);
      await this.finalise(s.id, false, endedAt);
      await this.removeSnapshots(s.id);
    })()
      .catch((err: unknown) => this.o.log.error('recording could not be finished', { sessionId: s.id, err }))
      .finally(() => {
        this.finishing.delete(p);
        this.finalisingIds.delete(s.id);
      });
    this.finishing.add(p);
  }

  /** Resolves once recovery and every finalisation started so far have settled (tests). */
  async idle(): Promise<void> {
    await this.recovering?.catch(() => 0);
    while (this.finishing.size > 0) await Promise.allSettled([...this.finishing]);
  }

  /**
   * A near-live file of a session still running, at most SNAPSHOT_MIN_INTERVAL_MS old, or
   * null when the session is not live (or nothing playable arrived yet).
   */
  async snapshot(sessionId: string): Promise<Snapshot | null> {
    const l = this.live.get(sessionId);
    if (!l) return null;
    const latest = l.snapshots.at(-1);
    if (latest && this.o.now() - latest.builtAt < SNAPSHOT_MIN_INTERVAL_MS) return latest;
    l.building ??= this.buildSnapshot(sessionId, l).finally(() => {
      l.building = null;
    });
    return l.building;
  }

  /** The file of snapshot `version` of a live session, if it is still kept. */
  snapshotFile(sessionId: string, version: number): string | null {
    return this.live.get(sessionId)?.snapshots.find((s) => s.version === version)?.fileName ?? null;
  }

  /**
   * At start: finalises every recording a stopped relay left unfinished (playable up to the
   * moment it stopped), marks those whose log is gone as failed, and clears leftovers.
   */
  recover(): Promise<number> {
    this.recovering ??= this.recoverNow();
    return this.recovering;
  }

  private async recoverNow(): Promise<number> {
    for (const n of await readdir(this.o.dir).catch(() => [] as string[])) {
      if (n.endsWith('.part') || /\.live-\d+\.(webm|mp4)$/.test(n)) await rm(path.join(this.o.dir, n), { force: true });
    }
    return this.recoverRows();
  }

  /**
   * With a bucket: finalises recordings whose relay stopped (their journal copy went stale),
   * whichever relay they were on. Call now and then; concurrent calls share one pass.
   */
  sweepAbandoned(): Promise<number> {
    if (!this.files.journals || this.isClosed) return Promise.resolve(0);
    this.sweeping ??= (async () => {
      await this.recovering?.catch(() => 0);
      return this.recoverRows();
    })().finally(() => {
      this.sweeping = null;
    });
    return this.sweeping;
  }

  private async recoverRows(): Promise<number> {
    const names = new Set(await readdir(this.o.dir).catch(() => [] as string[]));
    let recovered = 0;
    for (const row of await this.o.store.unfinished()) {
      if (this.live.has(row.sessionId) || this.finalisingIds.has(row.sessionId) || this.continuing.has(row.sessionId)) continue;
      const local = path.join(this.o.dir, chunkJournalName(row.sessionId));
      const copy = names.has(chunkJournalName(row.sessionId)) ? 'local' : await takeOverCopy(this.files.journals, row, local, this.o.now(), this.o.log);
      if (copy === 'elsewhere') continue;
      if (copy === 'none') {
        await this.o.store.markFailed(row.sessionId, 'chunk-log-missing', 'the relay stopped during this session and its chunk journal was gone at the next start', this.o.now(), true);
        this.o.log.error('recording lost: chunk journal missing', { sessionId: row.sessionId });
        continue;
      }
      await this.finalise(row.sessionId, row.status === 'recording', row.endedAt);
      recovered++;
    }
    return recovered;
  }

  /** Idempotent: closes live logs and waits a little for finalisations in progress. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const l of this.live.values()) {
      await l.rec.close(this.o.now());
      await l.follower?.close();
    }
    const wait = new Promise((r) => setTimeout(r, SHUTDOWN_FINALISE_WAIT_MS).unref());
    await Promise.race([this.idle(), wait]);
    await this.o.finaliser.close();
  }

  private problem(sessionId: string, code: RecordingFailure, detail: string): void {
    this.o.log.error('recording problem: the rest of this session is not recorded', { sessionId, code, detail });
    this.o.store.noteProblem(sessionId, code, detail).catch((err: unknown) => this.o.log.error('recording problem not stored', { sessionId, err }));
  }

  private async finalise(sessionId: string, isRecovered: boolean, endedAt: number | null): Promise<void> {
    this.finalisingIds.add(sessionId);
    try {
      await this.finaliseNow(sessionId, isRecovered, endedAt);
    } finally {
      this.finalisingIds.delete(sessionId);
    }
  }

  private async finaliseNow(sessionId: string, isRecovered: boolean, endedAt: number | null): Promise<void> {
    const log = path.join(this.o.dir, chunkJournalName(sessionId));
    const part = path.join(this.o.dir, `${sessionId}.part`);
    let result: MuxResult;
    try {
      result = await this.o.finaliser.run(log, part);
    } catch (err) {
      await rm(part, { force: true });
      if (err instanceof NothingToMuxError) {
        await this.o.store.markFailed(sessionId, 'no-video', 'no picture arrived before the session ended', this.o.now(), isRecovered);
        await rm(log, { force: true });
        await this.dropCopy(sessionId);
        this.o.log.warn('recording has no video', { sessionId });
        return;
      }
      // The chunk journal is kept: nothing more can be lost, and it can be looked at by hand.
      await this.o.store.markFailed(sessionId, 'finalise-failed', err instanceof Error ? err.message : String(err), this.o.now(), isRecovered);
      this.o.log.error('recording could not be finalised; chunk journal kept', { sessionId, err });
      return;
    }
    const fileName = `${sessionId}.${result.container}`;
    await this.files.put(fileName, part, `video/${result.container}`);
    await this.o.store.markReady(sessionId, { ...result, fileName, isRecovered: isRecovered || result.isCutOff, finalisedAt: this.o.now(), endedAt });
    await rm(log, { force: true });
    await this.dropCopy(sessionId);
    this.o.log.info('recording finalised', { sessionId, durationMs: result.durationMs, frames: result.frames, audioPackets: result.audioPackets, sizeBytes: result.sizeBytes, isRecovered });
  }

  private async buildSnapshot(sessionId: string, l: Live): Promise<Snapshot | null> {
    await l.rec.flush();
    const version = l.nextVersion++;
    const part = path.join(this.o.dir, `${sessionId}.live-${version}.part`);
    let result: MuxResult;
    try {
      result = await this.o.finaliser.run(l.rec.chunkJournalPath, part);
    } catch (err) {
      await rm(part, { force: true });
      if (!(err instanceof NothingToMuxError)) this.o.log.warn('live snapshot failed', { sessionId, err });
      return null;
    }
    const fileName = `${sessionId}.live-${version}.${result.container}`;
    await rename(part, path.join(this.o.dir, fileName));
    if (!this.live.has(sessionId)) {
      await rm(path.join(this.o.dir, fileName), { force: true });
      return null;
    }
    const snap: Snapshot = { version, fileName, durationMs: result.durationMs, builtAt: this.o.now() };
    l.snapshots.push(snap);
    for (const old of l.snapshots.splice(0, Math.max(0, l.snapshots.length - SNAPSHOTS_KEPT))) {
      await rm(path.join(this.o.dir, old.fileName), { force: true });
    }
    return snap;
  }

  private async removeSnapshots(sessionId: string): Promise<void> {
    for (const n of await readdir(this.o.dir).catch(() => [] as string[])) {
      if (n.startsWith(`${sessionId}.live-`)) await rm(path.join(this.o.dir, n), { force: true });
    }
  }

  /** Deletes the bucket's copy of a finalised journal (a leftover costs storage, nothing else). */
  private async dropCopy(sessionId: string): Promise<void> {
    await this.files.journals?.remove(sessionId).catch((err: unknown) => this.o.log.warn('journal copy not deleted from the bucket', { sessionId, err }));
  }

  /** Bytes of a finished file (retention, metadata), or null if it is missing. */
  async fileSize(fileName: string): Promise<number | null> {
    return (await this.files.stat(fileName))?.size ?? null;
  }
}
