/**
 * Wires the relay together: one HTTP server carrying the API, the static apps and the
 * `/ws` WebSocket, backed by SQLite. `startRelay` is what main.ts runs and what tests and
 * benchmarks start in-process.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { ProtocolError } from '@beacon/shared/errors';
import { LIMITS, type AccountRole } from '@beacon/shared/protocol';
import { Accounts, actorOf } from './accounts/Accounts.ts';
import { AgentAuth } from './accounts/AgentAuth.ts';
import { adminRoutes } from './accounts/AdminRoutes.ts';
import type { ApiDeps } from './http/ApiDeps.ts';
import { HttpApi } from './http/HttpApi.ts';
import { authRoutes } from './accounts/AuthRoutes.ts';
import { customerRoutes } from './directory/CustomerRoutes.ts';
import { historyRoutes } from './history/HistoryRoutes.ts';
import { seatRoutes } from './accounts/SeatRoutes.ts';
import { AuditLog } from './accounts/AuditLog.ts';
import { CLOSE_GOING_AWAY, ClientConnection, HELLO_TIMEOUT_MS } from './transport/ClientConnection.ts';
import { CustomerStore } from './directory/CustomerStore.ts';
import { CollabHandler } from './collab/CollabHandler.ts';
import { VoiceHandler } from './voice/VoiceHandler.ts';
import { collabRoutes } from './collab/CollabRoutes.ts';
import { CollabStore } from './collab/CollabStore.ts';
import { FileTransfers } from './collab/FileTransfers.ts';
import { Database } from './platform/Database.ts';
import { DeviceRegistry } from './sessions/DeviceRegistry.ts';
import { EventLog } from './sessions/EventLog.ts';
import { HttpSurface } from './http/HttpSurface.ts';
import { stdoutLogger, type Logger } from './platform/logger.ts';
import { Organisation } from './accounts/Organisation.ts';
import type { RtcPorts } from './transport/PeerLink.ts';
import { demand } from './accounts/Policy.ts';
import { Presence } from './accounts/Presence.ts';
import type { Clock } from './platform/clock.ts';
import { SessionHistory } from './history/SessionHistory.ts';
import { SessionManager, type Admission, type SessionStats } from './sessions/SessionManager.ts';
import { SessionStore } from './sessions/SessionStore.ts';
import { StaticFiles } from './http/StaticFiles.ts';
import { TrafficHandler } from './media/TrafficHandler.ts';
import { Finaliser } from './recording/Finaliser.ts';
import { MediaTickets } from './recording/MediaTicket.ts';
import { Recorder } from './recording/Recorder.ts';
import { RecordingRetention } from './recording/RecordingRetention.ts';
import { recordingRoutes } from './recording/RecordingRoutes.ts';
import { VoiceTrackCache } from './recording/VoiceTracks.ts';
import { ClientAddress } from './transport/ClientAddress.ts';
import { RecordingStore } from './recording/RecordingStore.ts';

export const DB_FILE_NAME = 'beacon.sqlite';
const KEEPALIVE_MS = 30_000;
const CODE_SWEEP_MS = 1000;
const SHUTDOWN_GRACE_MS = 1000;
/**
 * Frames up to this size are read so they can be refused with a `bad-message` reply (the
 * limit itself is LIMITS.maxJsonMessageBytes); anything bigger is cut off by `ws` (1009).
 */
export const WS_MAX_PAYLOAD = 4 * LIMITS.maxJsonMessageBytes;

export interface RelayOptions {
  /** 0 = any free port. */
  port?: number;
  host?: string;
  /** Folder for `beacon.sqlite`, created if missing. Ignored when `dbFile` is given. */
  dataDir?: string;
  /** A database file, or `:memory:` (tests). */
  dbFile?: string;
  logger?: Logger;
  now?: Clock;
  consentTimeoutMs?: number;
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
  /** Tests: mux recordings on the main thread instead of the worker. */
  isFinaliserInProcess?: boolean;
  /** Reverse proxies whose `X-Forwarded-For` names the client (ClientAddress.ts); default none. */
  clientAddress?: ClientAddress;
}

/** An account the operator configures from the environment (tests, development, scripted installs). */
export interface SeedAccount {
  login: string;
  password: string;
  displayName: string;
  /** Changes an existing account's role only when given; a new one defaults to `agent`. */
  role?: AccountRole;
  /** The organisation's name if it has to be created (default `Beacon`). */
  orgName?: string;
  /** A new organisation records sessions or not (`BEACON_RECORD_SESSIONS`); default on. */
  recordSessions?: boolean;
}

export const DEFAULT_ORG_NAME = 'Beacon';

export interface RelayStats {
  clients: number;
  onlineDevices: number;
  droppedFragments: number;
  sessions: SessionStats[];
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
  readonly auth: AgentAuth;
  readonly events: EventLog;
  readonly sessionStore: SessionStore;
  readonly registry: DeviceRegistry;
  readonly db: Database;
  readonly accounts: Accounts;
  readonly organisation: Organisation;
  readonly audit: AuditLog;
  readonly customers: CustomerStore;
  readonly sessionHistory: SessionHistory;
  readonly presence: Presence;
  readonly recorder: Recorder;
  readonly recordings: RecordingStore;
  readonly retention: RecordingRetention;
  /** Creates the organisation if missing, then creates or updates the account; returns its id. */
  seedAccount(seed: SeedAccount): Promise<number>;
}

export function defaultStaticRoots(): { agent: string; customer: string } {
  return {
    agent: fileURLToPath(new URL('../../agent-app/dist/renderer/', import.meta.url)),
    customer: fileURLToPath(new URL('../../customer-portable/dist/renderer/', import.meta.url)),
  };
}

export async function startRelay(options: RelayOptions = {}): Promise<RelayHandle> {
  const log = options.logger ?? stdoutLogger();
  const now = options.now ?? Date.now;
  let dbFile = options.dbFile;
  if (!dbFile) {
    const dir = path.resolve(options.dataDir ?? './data');
    mkdirSync(dir, { recursive: true });
    dbFile = path.join(dir, DB_FILE_NAME);
  }
  let filesDir = options.filesDir;
  let isFilesDirTemporary = false;
  if (!filesDir) {
    if (options.dbFile && !options.dataDir) {
      filesDir = mkdtempSync(path.join(tmpdir(), 'beacon-relay-files-'));
      isFilesDirTemporary = true;
    } else filesDir = path.join(path.resolve(options.dataDir ?? './data'), 'files');
  }
  mkdirSync(filesDir, { recursive: true });
  let recordingsDir = options.recordingsDir;
  const isRecordingsDirTemporary = !recordingsDir && Boolean(options.dbFile) && !options.dataDir;
  if (!recordingsDir) {
    recordingsDir = isRecordingsDirTemporary ? mkdtempSync(path.join(tmpdir(), 'beacon-recordings-')) : path.join(path.resolve(options.dataDir ?? './data'), 'recordings');
  }
  const db = await Database.open(dbFile);
  const audit = new AuditLog(db, log, now);
  const auth = new AgentAuth(db, log, now, audit);
  const accounts = new Accounts(db, now);
  const organisation = new Organisation(db, log, now);
  const customers = new CustomerStore(db, now);
  const sessionHistory = new SessionHistory(db);
  const presence = new Presence();
  const events = new EventLog(db, log, now);
  const sessionStore = new SessionStore(db, log);
  const registry = new DeviceRegistry(db, log, { now, codeLifetimeMs: options.codeLifetimeMs });
  const recordings = new RecordingStore(db);
  const recorder = new Recorder({ dir: recordingsDir, store: recordings, events, finaliser: new Finaliser(log, options.isFinaliserInProcess), log, now, settings: () => organisation.settings });
  events.setMediaClock((sessionId, at) => recorder.mediaMs(sessionId, at));
  const retention = new RecordingRetention({ dir: recordingsDir, store: recordings, audit, log, now, settings: () => organisation.settings });
  try {
    await organisation.load();
    const recovered = await sessionHistory.recoverInterrupted();
    if (recovered > 0) log.warn('sessions left open by an earlier run marked dropped', { count: recovered });
  } catch (err) {
    await db.close();
    throw err;
  }
  const admission: Admission = {
    admit: async (agent, customerId) => {
      const seat = await accounts.seat(agent.id);
      const actor = seat ? actorOf(seat) : null;
      if (!seat || !actor) throw new ProtocolError('unauthorized', 'this seat can no longer sign in');
      demand(actor, 'session.connect', null);
      if (customerId !== undefined) {
        const customer = await customers.record(customerId);
        // Unknown and not-yours look the same: the request names no customer it may use.
        if (!customer) throw new ProtocolError('forbidden', 'this seat may not use that customer record');
        demand(actor, 'customer.read', customer);
      }
      return { concurrencyLimit: seat.concurrencyLimit };
    },
    orgName: () => organisation.name,
  };
  const sessions = new SessionManager(registry, sessionStore, events, log, { now, consentTimeoutMs: options.consentTimeoutMs, admission, recorder });
  const traffic = new TrafficHandler(sessions, log, recorder);
  const collabStore = new CollabStore(db, log, now);
  const collab = new CollabHandler(sessions, collabStore, new FileTransfers(filesDir, log, now), events, log);
  const roots = options.staticRoots ?? defaultStaticRoots();
  const staticFiles = new StaticFiles(
    [
      { prefix: '/', root: roots.agent },
      { prefix: '/customer/', root: roots.customer },
    ],
    log,
  );
  const apiDeps: ApiDeps = { auth, accounts, organisation, customers, sessionHistory, sessionStore, sessions, events, registry, presence, audit, log, now };
  const clientAddress = options.clientAddress ?? new ClientAddress();
  const api = new HttpApi(
    [...authRoutes(apiDeps), ...seatRoutes(apiDeps), ...customerRoutes(apiDeps), ...historyRoutes(apiDeps), ...adminRoutes(apiDeps), ...recordingRoutes(apiDeps, { store: recordings, recorder, tickets: new MediaTickets(now), voices: new VoiceTrackCache() }), ...collabRoutes(apiDeps, { store: collabStore, files: collab.files })],
    {
      authenticate: async (token) => {
        const grant = await auth.verifyToken(token);
        const actor = grant ? await accounts.actor(grant.agent.id) : null;
        return grant && actor ? { actor, tokenHash: grant.tokenHash, expiresAt: grant.expiresAt } : null;
      },
    },
    log,
    (req) => clientAddress.of(req),
  );
  const routes = new HttpSurface(api, staticFiles, log);
  const clients = new Set<ClientConnection>();
  const ctx = {
    auth,
    registry,
    sessions,
    traffic,
    log,
    now,
    helloTimeoutMs: options.helloTimeoutMs ?? HELLO_TIMEOUT_MS,
    rtcPorts: options.rtcPorts,
    presence,
    collab,
    voice: new VoiceHandler(sessions, log, recorder, events, now),
  };

  const server: Server = createServer((req, res) => void routes.handle(req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD });
  server.on('upgrade', (req, socket, head) => {
    const rawPath = (req.url ?? '').split('?')[0];
    if (rawPath !== '/ws') {
      log.warn('websocket upgrade on an unknown path refused', { path: (rawPath ?? '').slice(0, 200) });
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const client = new ClientConnection(ws, clientAddress.of(req), ctx, (c) => clients.delete(c));
      clients.add(client);
    });
  });
  server.on('clientError', (err, socket) => {
    log.warn('malformed http request', { err });
    socket.destroy();
  });

  const keepalive = setInterval(() => {
    for (const c of [...clients]) {
      if (!c.isAlive) c.close('keepalive-timeout', CLOSE_GOING_AWAY);
      else c.ping();
    }
  }, options.keepaliveMs ?? KEEPALIVE_MS);
  keepalive.unref();
  const sweeper = setInterval(() => registry.sweep(), CODE_SWEEP_MS);
  sweeper.unref();

  const host = options.host ?? '0.0.0.0';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 8080, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    clearInterval(keepalive);
    clearInterval(sweeper);
    await db.close();
    throw err;
  }
  const bound = server.address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : 0;
  const isWildcard = host === '0.0.0.0' || host === '::' || host === '';
  const urlHost = isWildcard ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearInterval(keepalive);
      clearInterval(sweeper);
      sessions.endAll('relay-shutdown');
      for (const c of [...clients]) c.close('relay-shutdown', CLOSE_GOING_AWAY);
      await collab.close();
      // Let the close frames (and the session-ended before them) reach the clients before
      // the sockets are torn down; a client that does not answer is cut off after the grace.
      const deadline = Date.now() + SHUTDOWN_GRACE_MS;
      while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      retention.stop();
      await recorder.close();
      await db.close();
      if (isRecordingsDirTemporary) rmSync(recordingsDir, { recursive: true, force: true });
      if (isFilesDirTemporary && filesDir) rmSync(filesDir, { recursive: true, force: true });
      log.info('relay stopped');
    })();
    return closing;
  };

  // Logs a killed relay left behind become playable files; then old recordings are pruned.
  recorder
    .recover()
    .then((n) => n > 0 && log.warn('recordings of sessions cut off by an earlier stop finalised', { count: n }))
    .catch((err: unknown) => log.error('recording recovery failed', { err }))
    .finally(() => {
      if (!closing) retention.start();
    });
  log.info('relay started', { port, host, dbFile: dbFile === ':memory:' ? dbFile : path.basename(dbFile) });
  return {
    port,
    url: `http://${urlHost}:${port}`,
    close,
    stats: () => ({
      clients: clients.size,
      onlineDevices: registry.onlineCount,
      droppedFragments: traffic.droppedFragments,
      sessions: sessions.stats(),
    }),
    flush: () => db.barrier(),
    auth,
    events,
    sessionStore,
    registry,
    db,
    accounts,
    organisation,
    audit,
    customers,
    sessionHistory,
    presence,
    recorder,
    recordings,
    retention,
    seedAccount: async (seed) => {
      const overrides = seed.recordSessions === undefined ? {} : { recordSessions: seed.recordSessions };
      if (await organisation.create(seed.orgName ?? DEFAULT_ORG_NAME, overrides)) log.info('organisation created from the environment', { name: organisation.name });
      return auth.upsertAgent(seed.login, seed.password, seed.displayName, seed.role);
    },
  };
}
