/**
 * The composition root: builds each feature from its `createX(deps)` and wires them into one
 * HTTP server carrying the API, the static apps and the `/ws` WebSocket, backed by SQLite.
 * `startRelay` is what main.ts runs and what tests and benchmarks start in-process.
 */
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Accounts } from './accounts/Accounts.ts';
import type { AgentAuth } from './accounts/AgentAuth.ts';
import type { AuditLog } from './accounts/AuditLog.ts';
import { createAccounts, type SeedAccount } from './accounts/createAccounts.ts';
import type { Organisation } from './accounts/Organisation.ts';
import type { ApiRoute } from './accounts/Policy.ts';
import { closeShared, clusterLinkOf, joinCluster, openShared, type ClusterOptions, type SharedFeature } from './cluster/createCluster.ts';
import { createCollab } from './collab/createCollab.ts';
import { createTransfer } from './transfer/createTransfer.ts';
import type { Desk } from './desk/Desk.ts';
import { createDesk } from './desk/createDesk.ts';
import { createDirectory } from './directory/createDirectory.ts';
import type { CustomerStore } from './directory/CustomerStore.ts';
import { createHistory } from './history/createHistory.ts';
import type { SessionHistory } from './history/SessionHistory.ts';
import { createHttp } from './http/createHttp.ts';
import { createMedia } from './media/createMedia.ts';
import type { Clock } from './platform/clock.ts';
import { Database } from './platform/Database.ts';
import { resolveDataPaths, type DataPaths } from './platform/dataPaths.ts';
import { stdoutLogger, type Logger } from './platform/logger.ts';
import { createRecording } from './recording/createRecording.ts';
import type { Recorder } from './recording/Recorder.ts';
import type { RecordingStore } from './recording/RecordingStore.ts';
import { createSessions } from './sessions/createSessions.ts';
import { Participants } from './sessions/Participants.ts';
import type { EventLog } from './sessions/EventLog.ts';
import type { ForwarderStats } from './media/MediaForwarder.ts';
import type { SessionStats } from './sessions/SessionManager.ts';
import type { SessionStore } from './sessions/SessionStore.ts';
import { ClientAddress } from './transport/ClientAddress.ts';
import { HELLO_TIMEOUT_MS, type ConnectionContext } from './transport/ClientConnection.ts';
import { createTransport } from './transport/createTransport.ts';
import type { RtcPorts } from './transport/PeerLink.ts';
import { createVoice } from './voice/createVoice.ts';
import { createCamera } from './media/createCamera.ts';
import { createCurtain } from './media/createCurtain.ts';
import type { S3Settings } from './recording/storage/s3Settings.ts';
import { openRecordingFiles } from './recording/storage/openRecordingFiles.ts';
import type { RecordingFiles } from './recording/storage/RecordingFiles.ts';

export interface RelayOptions {
  /** 0 = any free port. */
  port?: number;
  host?: string;
  /** Folder for `beacon.sqlite`, created if missing. Ignored when `dbFile` is given. */
  dataDir?: string;
  /** A database file, or `:memory:` (tests). */
  dbFile?: string;
  /** A `postgres://` URL: the database is PostgreSQL, not the SQLite file (files and recordings stay in dataDir). */
  databaseUrl?: string;
  logger?: Logger;
  now?: Clock;
  consentTimeoutMs?: number;
  /** How long a consented session waits for the customer's data channels (default 5 s). */
  linkWaitMs?: number;
  /** The longest a running session waits for a party whose link dropped: caps the organisation's setting (see sessions/Resume.ts). */
  resumeGraceMs?: number;
  helloTimeoutMs?: number;
  codeLifetimeMs?: number;
  keepaliveMs?: number;
  /** WebRTC ports: a range, or one UDP port all connections share (default: any free port per connection). */
  rtcPorts?: RtcPorts;
  /**
   * Folder for chat attachments and screenshots (default `<dataDir>/files`; with `dbFile`
   * and no dataDir, a temporary folder deleted on close).
   */
  filesDir?: string;
  /** Build folders of the web apps (defaults: next to this source tree). */
  staticRoots?: { agent: string; customer: string };
  /**
   * Folder for session recordings (default `<dataDir>/recordings`; with `dbFile` and no
   * dataDir, a temporary folder deleted on close).
   */
  recordingsDir?: string;
  /** Finished recordings and copies of live chunk journals in this S3-compatible bucket (`recordingsDir` is then scratch space). */
  recordingsS3?: S3Settings;
  /** Tests: mux recordings on the main thread instead of the worker. */
  isFinaliserInProcess?: boolean;
  /** Reverse proxies whose `X-Forwarded-For` names the client (ClientAddress.ts); default none. */
  clientAddress?: ClientAddress;
  /** One of several relays: shared state in Redis and this relay's identity (cluster/createCluster.ts). Absent: a relay on its own. */
  cluster?: ClusterOptions;
}

export interface RelayStats {
  clients: number;
  onlineDevices: number;
  droppedFragments: number;
  sessions: (SessionStats & { media: ForwarderStats | null })[];
}

/** Services tests reach into (seeding rows, reading the timeline); the relay itself never needs them. */
export interface RelayServices {
  readonly db: Database;
  readonly auth: AgentAuth;
  readonly accounts: Accounts;
  readonly organisation: Organisation;
  readonly audit: AuditLog;
  readonly customers: CustomerStore;
  readonly events: EventLog;
  readonly sessionStore: SessionStore;
  readonly sessionHistory: SessionHistory;
  readonly recorder: Recorder;
  readonly recordings: RecordingStore;
  readonly desk: Desk;
}

export interface RelayHandle {
  port: number;
  /** `http://127.0.0.1:<port>` (or the bound host if it is specific). */
  url: string;
  /** Idempotent: ends sessions (`relay-shutdown`), closes every client, the server and the database. */
  close(): Promise<void>;
  /** Live counters (sessions, per-viewer forwarded/dropped frames) for tests and benchmarks. */
  stats(): RelayStats;
  /** Resolves once every database write issued so far has been applied. */
  flush(): Promise<void>;
  /** Creates the organisation if missing, then creates or updates the account; returns its id. */
  seedAccount(seed: SeedAccount): Promise<number>;
  /** While no organisation exists: a new first-run setup token (the previous one stops working). Otherwise null. */
  issueSetupToken(): Promise<string | null>;
  readonly services: RelayServices;
}

export function defaultStaticRoots(): { agent: string; customer: string } {
  return {
    agent: fileURLToPath(new URL('../../agent-app/dist/renderer/', import.meta.url)),
    customer: fileURLToPath(new URL('../../customer-portable/dist/renderer/', import.meta.url)),
  };
}

interface Base {
  db: Database;
  log: Logger;
  now: Clock;
}

/** Every feature, built from its `createX(deps)` in dependency order. */
function createFeatures(base: Base, options: RelayOptions, paths: DataPaths, shared: SharedFeature, recordingFiles: RecordingFiles | undefined) {
  const { log, now } = base;
  const accounts = createAccounts({ ...base, shared });
  const directory = createDirectory(base);
  const sessions = createSessions({
    ...base,
    accounts: accounts.accounts,
    customers: directory.customers,
    organisation: accounts.organisation,
    consentTimeoutMs: options.consentTimeoutMs,
    linkWaitMs: options.linkWaitMs,
    resumeGraceMs: options.resumeGraceMs,
    codeLifetimeMs: options.codeLifetimeMs,
    shared,
    // The recorder and the media forwarders are built below; these run only once sessions do.
    willRecord: () => recording.recorder.willRecord(),
  });
  const history = createHistory({ ...base, sessions, customers: directory.customers, audit: accounts.audit });
  const { sessionHistory } = history;
  const recording = createRecording({
    ...base,
    dir: paths.recordingsDir,
    files: recordingFiles,
    isFinaliserInProcess: options.isFinaliserInProcess,
    sessions,
    accounts: accounts.accounts,
    organisation: accounts.organisation,
    audit: accounts.audit,
    sessionHistory,
    requestKeyframe: (id) => media.requestKeyframe(id),
  });
  const media = createMedia({ sessions, log, now, tap: recording.recorder, settings: () => accounts.organisation.settings });
  const participants = new Participants();
  media.useParticipants(participants);
  const voice = createVoice({ sessions, log, now, recording: recording.recorder });
  voice.multi.useParticipants(participants);
  const collab = createCollab({ ...base, filesDir: paths.filesDir, sessions, customers: directory.customers, sessionHistory });
  collab.handler.useParticipants(participants);
  const desk = createDesk({ ...base, accounts: accounts.accounts, audit: accounts.audit, presence: accounts.presence, sessions: sessions.manager, events: sessions.events, chatOf: (id) => collab.store.chatOfSession(id), chats: collab.handler.chatSent, participants, shared });
  const transfer = createTransfer({ ...base, sessions: sessions.manager, events: sessions.events, audit: accounts.audit, settings: () => accounts.organisation.settings });
  const camera = createCamera({ sessions, audit: accounts.audit, log, viewersOf: (id) => participants.of(id).map((p) => p.party) });
  const curtain = createCurtain({
    sessions,
    audit: accounts.audit,
    log,
    viewersOf: (id) => participants.of(id).map((p) => p.party),
    onViewerJoined: (listener) =>
      participants.onChange((e) => {
        if (e.type === 'joined') listener(e.sessionId, e.party);
      }),
  });
  return { accounts, directory, sessions, history, recording, media, voice, collab, desk, transfer, camera, curtain };
}
type Features = ReturnType<typeof createFeatures>;

/** The JSON API: every feature's routes. */
function apiRoutes(f: Features): ApiRoute[] {
  return [
    ...f.accounts.routes({ liveSessionsOf: (id) => [...f.sessions.manager.liveSessionsOf(id), ...f.desk.sessionsElsewhereOf(id)] }),
    ...f.directory.routes({ accounts: f.accounts.accounts, audit: f.accounts.audit, isDeviceOnline: (id) => f.sessions.registry.isOnline(id) }),
    ...f.history.routes(),
    ...f.recording.routes(),
    ...f.collab.routes(),
    ...f.desk.routes(),
  ];
}

/** What each WebSocket client's connection works with. */
function connectionContext(f: Features, base: Base, options: RelayOptions, cluster: ConnectionContext['cluster']): ConnectionContext {
  return {
    auth: f.accounts.auth,
    registry: f.sessions.registry,
    sessions: f.sessions.manager,
    traffic: f.media,
    log: base.log,
    now: base.now,
    helloTimeoutMs: options.helloTimeoutMs ?? HELLO_TIMEOUT_MS,
    rtcPorts: options.rtcPorts,
    ...rtcBindAddressOf(options.host),
    presence: f.accounts.presence,
    collab: f.collab.handler,
    voice: f.voice,
    desk: f.desk.link,
    ...(f.desk.route ? { supervision: f.desk.route } : {}),
    transfer: f.transfer,
    camera: f.camera,
    curtain: f.curtain,
    ...(cluster ? { cluster } : {}),
  };
}

function servicesOf(db: Database, f: Features): RelayServices {
  return {
    db,
    auth: f.accounts.auth,
    accounts: f.accounts.accounts,
    organisation: f.accounts.organisation,
    audit: f.accounts.audit,
    customers: f.directory.customers,
    events: f.sessions.events,
    sessionStore: f.sessions.store,
    sessionHistory: f.history.sessionHistory,
    recorder: f.recording.recorder,
    recordings: f.recording.store,
    desk: f.desk.desk,
  };
}

/** The database, and the state shared with other relays (memory on a relay of its own); the database is closed again if the rest fails. */
async function openStores(options: RelayOptions, paths: DataPaths, log: Logger, now: Clock): Promise<{ db: Database; shared: SharedFeature }> {
  const db = await Database.open(options.databaseUrl ?? paths.dbFile);
  try {
    return { db, shared: await openShared(options.cluster, log, now) };
  } catch (err) {
    await db.close();
    throw err;
  }
}

export async function startRelay(options: RelayOptions = {}): Promise<RelayHandle> {
  const log = options.logger ?? stdoutLogger();
  const now = options.now ?? Date.now;
  const paths = resolveDataPaths(options);
  const { db, shared } = await openStores(options, paths, log, now);
  const base = { db, log, now };
  const f = createFeatures(base, options, paths, shared, await openRecordingFiles(options.recordingsS3, log));
  try {
    await f.accounts.organisation.load();
    await f.history.recoverInterrupted();
    await f.desk.start();
  } catch (err) {
    f.desk.close();
    await closeShared(shared);
    await db.close();
    throw err;
  }
  const clientAddress = options.clientAddress ?? new ClientAddress();
  const http = createHttp({
    routes: apiRoutes(f),
    authenticator: { authenticate: (token) => f.accounts.authenticate(token) },
    log,
    addressOf: (req) => clientAddress.of(req),
    staticRoots: options.staticRoots ?? defaultStaticRoots(),
  });
  const transport = createTransport({ server: http.server, clientAddress, log, keepaliveMs: options.keepaliveMs, connection: connectionContext(f, base, options, clusterLinkOf(shared, { registry: f.sessions.registry, auth: f.accounts.auth, sessions: f.sessions.manager, log, now })) });
  /** Sessions end (`relay-shutdown`), clients are closed, partial uploads deleted. */
  const stopFeatures = async (): Promise<void> => {
    f.desk.close();
    f.sessions.close();
    f.sessions.manager.endAll('relay-shutdown');
    await transport.close();
    await f.collab.close();
    f.transfer.close();
    f.accounts.close();
    await closeShared(shared);
  };
  const host = options.host ?? '0.0.0.0';
  let port: number;
  try {
    port = await http.listen(options.port ?? 8080, host);
    await joinCluster(shared, `http://${urlHost(host)}:${port}`, log, f.accounts.auth, (e) => f.desk.onClusterEvent(e));
  } catch (err) {
    await stopFeatures();
    await db.close();
    throw err;
  }
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await stopFeatures();
      await http.close();
      await f.recording.close();
      await db.close();
      paths.removeTemporary();
      log.info('relay stopped');
    })());

  // Journals a killed relay left behind become playable files; then old recordings are pruned.
  f.recording.start(() => closing !== null);
  log.info('relay started', { port, host, dbFile: options.databaseUrl ? 'postgres' : paths.dbFile === ':memory:' ? paths.dbFile : path.basename(paths.dbFile) });
  return {
    port,
    url: `http://${urlHost(host)}:${port}`,
    close,
    stats: () => ({
      clients: transport.clientCount,
      onlineDevices: f.sessions.registry.onlineCount,
      droppedFragments: f.media.droppedFragments,
      sessions: f.sessions.manager.stats().map((s) => ({ ...s, media: f.media.mediaStats(s.id) })),
    }),
    flush: () => db.barrier(),
    seedAccount: (seed) => f.accounts.seed(seed),
    issueSetupToken: async () => (f.accounts.organisation.exists ? null : f.accounts.organisation.issueSetupToken()),
    services: servicesOf(db, f),
  };
}

/**
 * A specific host (an IP address) binds WebRTC's UDP too, so the relay neither listens on nor
 * advertises any other interface; a wildcard or a host name leaves WebRTC on every interface.
 */
function rtcBindAddressOf(host: string | undefined): { rtcBindAddress?: string } {
  if (!host || host === '0.0.0.0' || host === '::' || isIP(host) === 0) return {};
  return { rtcBindAddress: host };
}

/** The host part of the relay's own URL: loopback for a wildcard bind, brackets for IPv6. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
