/**
 * The one session lifecycle: connect request (admission, code check), consent, start, end.
 * A session belongs to one device and one agent; only they may act on it.
 *
 * Sessions are values of their state (Session.ts): pending -> active -> ended, or pending ->
 * ended. `activate` and `finish` are the only transitions; each replaces the live value and
 * tells subscribers (`onSessionEvent`), so features hear of a start or an end in one way and
 * once. Every step is put on record (SessionRecords: the `sessions` row and the timeline).
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { LiveSession as LiveSessionRow } from '@beacon/shared/api';
import { LIMITS, type ClientToRelay, type RelayToClient, type ResumeClaim, type Role } from '@beacon/shared/protocol';
import { ProtocolError, toWireError, type EndReason, type ErrorCode } from '@beacon/shared/errors';
import type { AgentIdentity } from '../accounts/AgentAuth.ts';
import type { Clock } from '../platform/clock.ts';
import { Emitter } from '@beacon/shared/client/lifecycle';
import type { Logger } from '../platform/logger.ts';
import type { DeviceRegistry } from './DeviceRegistry.ts';
import type { EventLog } from './EventLog.ts';
import {
  type ActiveSession,
  type AgentParty,
  type CustomerParty,
  type EndedSession,
  type LiveSession,
  type Party,
  type PendingSession,
  type Session,
  type SessionEnding,
  type SessionEvent,
  carriesSession,
  transportOf,
} from './Session.ts';
import { refusalText, type Admission } from './admission.ts';
import { tellEnded } from './tellEnded.ts';
import { RESUME_GRACE_MS, Resume, type ParticipantResume, type ResumeOutcome, type SecretHashes } from './Resume.ts';
import { SessionRecords } from './SessionRecords.ts';
import type { SessionStore } from './SessionStore.ts';

export type ConnectRequest = Extract<ClientToRelay, { type: 'connect-request' }>;
export type { Admission };

export interface SessionManagerOptions {
  now?: Clock;
  consentTimeoutMs?: number;
  admission?: Admission;
  /** Whether a session requested now will be recorded (the consent dialog says so). */
  willRecord?: () => boolean;
  /** How long a consented session waits for the customer's channels before it ends `link-failed`. */
  linkWaitMs?: number;
  /** How long a running session waits for a party whose link dropped (Resume.ts); a function is read at each drop. */
  resumeGraceMs?: number | (() => number);
}

/**
 * A consented session waits this long for the customer's data channels. A real client opens
 * them before it shows any consent dialog, so this only runs out for a client whose link
 * failed (a firewall) or that never opened the channels the session needs.
 */
export const LINK_WAIT_MS = 5000;

export interface SessionStats {
  id: string;
  deviceId: string;
  agentId: number;
  state: LiveSession['state'];
  streamId: number | null;
}

interface Refusal {
  code: ErrorCode;
  message: string;
}

/** The fields every state shares, copied into the next state's value. */
function identity(s: Session) {
  const { id, deviceId, agent, customer, permissions, mode, requestedAt, customerId, isRecorded, firstSource } = s;
  return { id, deviceId, agent, customer, permissions, mode, requestedAt, customerId, isRecorded, ...(firstSource ? { firstSource } : {}) };
}

/** Why a session may not start on the camera (capability `camera-first`), or null. */
function firstSourceRefusal(customer: CustomerParty, req: Pick<ConnectRequest, 'mode' | 'source'>): Refusal | null {
  if (!req.source) return null;
  if (req.mode === 'voice') return { code: 'bad-message', message: 'a voice session has no picture to start on the camera' };
  // An older client would show its screen dialog and capture the screen: the agent connects with the screen instead.
  if (!customer.speaks?.('camera-first')) return { code: 'not-allowed', message: 'the customer\'s client cannot start a session on the camera' };
  return null;
}

export class SessionManager {
  /** Pending and active sessions; an ended one is gone from here. */
  private readonly sessions = new Map<string, LiveSession>();
  /** deviceId -> the ID of its pending or active session. */
  private readonly byDevice = new Map<string, string>();
  private readonly customers = new Map<string, CustomerParty>();
  private readonly streamIds = new Set<number>();
  /** Per pending session: its consent timer, or once consented, its wait for the customer's link. */
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly emitter: Emitter<[SessionEvent]>;
  private readonly now: Clock;
  private readonly consentTimeoutMs: number;
  private readonly linkWaitMs: number;
  private readonly admission: Admission | null;
  private readonly willRecord: () => boolean;
  private readonly records: SessionRecords;
  private readonly resume: Resume;

  constructor(
    private readonly registry: DeviceRegistry,
    store: SessionStore,
    events: EventLog,
    private readonly log: Logger,
    opts: SessionManagerOptions = {},
  ) {
    this.records = new SessionRecords(store, events);
    this.now = opts.now ?? Date.now;
    this.consentTimeoutMs = opts.consentTimeoutMs ?? LIMITS.consentTimeoutMs;
    this.linkWaitMs = opts.linkWaitMs ?? LINK_WAIT_MS;
    this.admission = opts.admission ?? null;
    this.willRecord = opts.willRecord ?? (() => false);
    this.emitter = new Emitter((err) => log.error('session event listener failed', { err: err instanceof Error ? err.message : String(err) }));
    this.resume = new Resume({
      now: this.now,
      log,
      events,
      graceMs: opts.resumeGraceMs ?? RESUME_GRACE_MS,
      live: (id) => this.sessions.get(id),
      end: (s, ending) => this.finish(s, ending),
      fire: (e) => this.emitter.fire(e),
    });
    registry.onCodeChange((d) => {
      this.customers.get(d.deviceId)?.send({ type: 'code-update', code: d.code, codeExpiresAt: d.codeExpiresAt });
    });
  }

  /** Hears every session start and end (SessionEvent says when each fires). Returns the unsubscribe. */
  onSessionEvent(listener: (e: SessionEvent) => void): () => void {
    return this.emitter.on(listener);
  }

  get(sessionId: string): LiveSession | undefined {
    return this.sessions.get(sessionId);
  }

  /** The device's pending or active session, if any. */
  forDevice(deviceId: string): LiveSession | undefined {
    const id = this.byDevice.get(deviceId);
    return id === undefined ? undefined : this.sessions.get(id);
  }

  sessionsOf(party: Party): LiveSession[] {
    return [...this.sessions.values()].filter((s) => s.agent === party || s.customer === party);
  }

  addCustomer(c: CustomerParty): void {
    this.customers.set(c.deviceId, c);
    this.records.registered(c);
  }

  /**
   * A client went away: its sessions end, and a customer's ID stops accepting codes. When its
   * link was lost (`mayResume`), a running session it holds a resume secret for waits for it
   * instead (Resume.ts), and a customer keeps its ID meanwhile.
   */
  partyGone(party: AgentParty | CustomerParty, reason: EndReason, mayResume = false): void {
    for (const s of this.sessionsOf(party)) {
      if (!mayResume || !this.resume.holdAway(s, party)) this.finish(s, reason);
    }
    if ('deviceId' in party) this.dropCustomerIfGone(party);
  }

  /** A new connection's `hello.resume`: the party it may carry (null: none), and what to tell it. */
  resumeClaims(role: Role, claims: readonly ResumeClaim[], agentId: number | null): ResumeOutcome {
    return this.resume.claim(role, claims, agentId);
  }

  /** The party is carried by its new connection (welcomed): it hears its sessions are back. */
  partyReturned(party: Party, outcome: ResumeOutcome): void {
    for (const m of outcome.replies) party.send(m);
    this.resume.returned(party, outcome.resumed);
    this.resume.rejoin(party, outcome);
  }

  /** Participants (capability `desk-multi`) coming back after a dropped link (Resume.ts). */
  get participantResume(): ParticipantResume {
    return this.resume;
  }

  /** How long a session waits for a party whose link dropped, now. */
  resumeGraceMs(): number {
    return this.resume.grace();
  }

  /** The kept hashes of a running session's resume secrets (cluster/SessionFailover.ts shares them). */
  secretHashes(sessionId: string): SecretHashes | null {
    return this.resume.secretHashes(sessionId);
  }

  /**
   * A running session another relay held until it died runs here from now on (built by
   * cluster/SessionFailover.ts), both sides away until they come back; past its grace it ends
   * `network-lost` at once. Features hear `started` with `isAdopted`.
   */
  adopt(s: ActiveSession, secrets: SecretHashes, since: number, deadline: number): void {
    this.sessions.set(s.id, s);
    this.byDevice.set(s.deviceId, s.id);
    this.customers.set(s.deviceId, s.customer);
    this.streamIds.add(s.streamId);
    this.resume.adopt(s, secrets, since, deadline);
    this.emitter.fire({ type: 'started', session: s, isAdopted: true });
    this.log.info('session taken over from another relay', { sessionId: s.id, remainingMs: Math.round(deadline - this.now()) });
    if (deadline <= this.now()) this.finish(s, 'network-lost');
  }

  async connectRequest(agent: AgentParty, req: ConnectRequest): Promise<void> {
    const fail = (code: ErrorCode, message: string) => agent.send({ type: 'error', code, message, requestId: req.requestId });
    const refusal = await this.refusal(agent, req);
    if (refusal) return fail(refusal.code, refusal.message);
    // The right code was used: it is spent, whatever happens next.
    this.registry.rotate(req.deviceId);
    return this.open(agent, req, fail);
  }

  /**
   * The service desk: the agent took this device's help request, so no code is asked (the
   * customer asked for help); the seat's checks still apply and the customer still consents.
   * Answered like `connect-request`: `session-pending` with `req.requestId`, or an error.
   */
  async helpAccepted(agent: AgentParty, req: Omit<ConnectRequest, 'type' | 'code'>): Promise<void> {
    const fail = (code: ErrorCode, message: string) => agent.send({ type: 'error', code, message, requestId: req.requestId });
    const refusal = await this.seatRefusal(agent, req);
    if (refusal) return fail(refusal.code, refusal.message);
    return this.open(agent, req, fail);
  }

  /** Opens a pending session on the device (the caller has checked the seat, and the code if any) and asks the customer. */
  private async open(agent: AgentParty, req: Omit<ConnectRequest, 'type' | 'code'>, fail: (code: ErrorCode, message: string) => void): Promise<void> {
    const customer = this.customers.get(req.deviceId);
    if (!customer) return fail('unknown-device', 'the device is not online');
    if (this.byDevice.has(req.deviceId)) return fail('device-busy', 'the device already has a pending or active session');
    const cameraRefusal = firstSourceRefusal(customer, req);
    if (cameraRefusal) return fail(cameraRefusal.code, cameraRefusal.message);

    const session: PendingSession = {
      id: randomBytes(16).toString('base64url'),
      deviceId: req.deviceId,
      agent,
      customer,
      permissions: req.permissions,
      mode: req.mode ?? 'screen',
      requestedAt: this.now(),
      customerId: req.customerId ?? null,
      isRecorded: this.willRecord(),
      ...(req.source ? { firstSource: req.source } : {}),
      state: 'pending',
      isAnnounced: false,
      isConsented: false,
    };
    // Reserve the device before awaiting the disk, so a second request cannot slip in.
    this.sessions.set(session.id, session);
    this.byDevice.set(session.deviceId, session.id);
    try {
      await this.records.requested(session, req.requestId);
    } catch (err) {
      // An unrecorded session must not run: the log is what a manager relies on later.
      this.log.error('could not record session; refused', { err, sessionId: session.id });
      this.finish(session, 'unrecorded');
      return fail('internal', 'the session could not be recorded');
    }
    const current = this.sessions.get(session.id);
    // One side left while the row was being written; that ending is already recorded.
    if (current?.state !== 'pending') return fail('unknown-device', 'the device went offline');
    this.announce(current, req.requestId);
  }

  /**
   * The customer's answer. A yes starts the session once the customer's link can carry it
   * (`ctl` open, and `media` for a screen session); until then it waits, and if the channels
   * do not open within `linkWaitMs` it ends `link-failed`, which both sides are told.
   */
  consentReply(customer: CustomerParty, sessionId: string, isGranted: boolean): void {
    const s = this.owned(customer, sessionId);
    if (s.state !== 'pending' || s.isConsented) throw new ProtocolError('not-found', 'that session is not waiting for consent');
    if (!isGranted) return this.finish(s, 'denied');
    if (hasLinkFor(s)) return this.activate(s);
    this.clearTimer(s.id);
    this.sessions.set(s.id, { ...s, isConsented: true });
    this.setTimer(s.id, this.linkWaitMs, () => this.finish(s, 'link-failed'));
    this.log.info('consented; waiting for the customer link', { sessionId: s.id, channels: s.customer.channels() });
  }

  /** One of a client's data channels opened: a consented session waiting for it starts now. */
  channelsOpened(party: Party): void {
    for (const s of this.sessionsOf(party)) {
      if (s.state === 'pending' && s.isConsented && s.customer === party && hasLinkFor(s)) this.activate(s);
      else this.resume.linkReady(s, party);
    }
  }

  /** Customer pressed Stop. While still being asked, that is a no. */
  customerStop(customer: CustomerParty, sessionId: string): void {
    const s = this.owned(customer, sessionId);
    this.finish(s, s.state === 'pending' ? 'denied' : 'customer-stopped');
  }

  agentEnd(agent: AgentParty, sessionId: string): void {
    this.finish(this.owned(agent, sessionId), 'agent-ended');
  }

  /** Ends every session (relay shutting down). */
  endAll(reason: EndReason): void {
    for (const s of [...this.sessions.values()]) this.finish(s, reason);
  }

  /** The session if `party` is its agent or customer; otherwise `not-found` (never reveal others' sessions). */
  owned(party: Party, sessionId: string): LiveSession {
    const s = this.sessions.get(sessionId);
    if (!s || (s.agent !== party && s.customer !== party)) throw new ProtocolError('not-found', 'no such session for this connection');
    return s;
  }

  /** Pending and active sessions of one seat, across all its connections. */
  liveSessionsOf(accountId: number): LiveSessionRow[] {
    return [...this.sessions.values()]
      .filter((s) => s.agent.agent.id === accountId)
      .map((s) => ({ id: s.id, deviceId: s.deviceId, state: s.state, requestedAt: Math.round(s.requestedAt), startedAt: s.state === 'active' ? Math.round(s.startedAt) : null, customerId: s.customerId }));
  }

  /**
   * A running session goes on with another agent (a transfer or take-over: desk/DeskHandover.ts
   * tells the parties). Its stream, recording, chat and the customer's consent stay; the new
   * agent gets its own resume secret. Features hear `agent-changed`.
   */
  replaceAgent(sessionId: string, to: AgentParty): { session: ActiveSession; from: AgentParty; resumeSecret?: string } {
    const s = this.sessions.get(sessionId);
    if (s?.state !== 'active') throw new ProtocolError('not-found', 'that session is not running');
    const session: ActiveSession = { ...s, agent: to };
    this.sessions.set(s.id, session);
    const secret = this.resume.agentReplaced(session);
    this.emitter.fire({ type: 'agent-changed', session, from: s.agent });
    return { session, from: s.agent, ...secret };
  }

  /** A live session was linked to a customer afterwards (the row is written by the caller). */
  setCustomer(sessionId: string, customerId: number | null): void {
    const s = this.sessions.get(sessionId);
    if (s) this.sessions.set(sessionId, { ...s, customerId });
  }

  stats(): SessionStats[] {
    return [...this.sessions.values()].map((s) => ({
      id: s.id,
      deviceId: s.deviceId,
      agentId: s.agent.agent.id,
      state: s.state,
      streamId: s.state === 'active' ? s.streamId : null,
    }));
  }

  /** Why this request may not go ahead (the seat, its concurrency, the code), or null. Spends no code. */
  private async refusal(agent: AgentParty, req: ConnectRequest): Promise<Refusal | null> {
    const refusal = await this.seatRefusal(agent, req);
    if (refusal) return refusal;
    const check = await this.registry.check(req.deviceId, req.code, agent.address);
    if (check.ok) return null;
    this.log.warn('connect refused', { code: check.code, deviceId: req.deviceId, agentId: agent.agent.id, address: agent.address });
    if (check.code !== 'unknown-device') this.records.refused(agent, req.deviceId, check.code);
    return { code: check.code, message: refusalText(check.code) };
  }

  /** Why the seat may not open this session (its role for the customer, its concurrency), or null. */
  private async seatRefusal(agent: AgentParty, req: Pick<ConnectRequest, 'deviceId' | 'customerId'>): Promise<Refusal | null> {
    let concurrencyLimit = Infinity;
    if (this.admission) {
      try {
        ({ concurrencyLimit } = await this.admission.admit(agent.agent, req.customerId));
      } catch (err) {
        const { code, message, internal } = toWireError(err);
        if (internal) this.log.error('admission check failed', { err, agentId: agent.agent.id });
        else this.log.warn('connect refused', { code, deviceId: req.deviceId, agentId: agent.agent.id, detail: message });
        return { code, message };
      }
    }
    // Checked before the code, so a refused request does not spend the customer's code.
    const live = this.liveSessionsOf(agent.agent.id).length;
    if (live >= concurrencyLimit) {
      this.log.warn('connect refused', { code: 'concurrency-limit', agentId: agent.agent.id, live, concurrencyLimit });
      return { code: 'concurrency-limit', message: `this seat may have ${concurrencyLimit} session(s) at once and has ${live}` };
    }
    return null;
  }

  /** The request is on record: the agent hears it is pending, the customer is asked, the clock runs. */
  private announce(s: PendingSession, requestId: string): void {
    this.sessions.set(s.id, { ...s, isAnnounced: true });
    this.setTimer(s.id, this.consentTimeoutMs, () => this.consentTimedOut(s.id));
    s.agent.send({ type: 'session-pending', requestId, sessionId: s.id, deviceId: s.deviceId });
    const orgName = this.admission?.orgName();
    s.customer.send({
      type: 'consent-request',
      sessionId: s.id,
      agentName: s.agent.agent.displayName,
      permissions: s.permissions,
      ...(orgName ? { orgName } : {}),
      isRecorded: s.isRecorded,
      mode: s.mode,
      ...(s.firstSource ? { source: s.firstSource } : {}),
    });
    this.log.info('session requested', { sessionId: s.id, deviceId: s.deviceId, agentId: s.agent.agent.id });
  }

  /** pending -> active: the customer consented. */
  private activate(s: PendingSession): void {
    this.clearTimer(s.id);
    const active: ActiveSession = { ...identity(s), state: 'active', startedAt: this.now(), streamId: this.allocateStreamId() };
    this.sessions.set(s.id, active);
    this.records.started(active);
    const started: RelayToClient = {
      type: 'session-started',
      sessionId: s.id,
      deviceId: s.deviceId,
      agentName: s.agent.agent.displayName,
      permissions: s.permissions,
      streamId: active.streamId,
      mode: s.mode,
      ...(transportOf(s) === 'websocket' ? { transport: 'websocket' as const } : {}),
      ...(s.firstSource ? { source: s.firstSource } : {}),
    };
    const secrets = this.resume.begin(active);
    s.customer.send({ ...started, ...secrets.customer });
    s.agent.send({ ...started, ...secrets.agent });
    // Before the consent is on the timeline, so a recording that starts here puts it at 0.
    this.emitter.fire({ type: 'started', session: active });
    this.records.consented(active);
    this.log.info('session started', { sessionId: s.id, streamId: active.streamId, mode: s.mode });
  }

  private consentTimedOut(sessionId: string): void {
    const s = this.sessions.get(sessionId);
    if (s?.state === 'pending' && !s.isConsented) this.finish(s, 'consent-timeout');
  }

  /**
   * pending or active -> ended, for every kind of ending: both sides told, rows written,
   * timers dropped, subscribers told. Ending a session that already ended does nothing.
   */
  private finish(s: Session, ending: SessionEnding): void {
    const live = this.sessions.get(s.id);
    if (!live) return;
    this.forget(live);
    this.emitter.fire({ type: 'ending', session: live, ending });
    const ended: EndedSession = {
      ...identity(live),
      state: 'ended',
      ending,
      startedAt: live.state === 'active' ? live.startedAt : null,
      endedAt: this.now(),
      wasAnnounced: live.state === 'active' || live.isAnnounced,
    };
    this.records.ended(ended);
    tellEnded(ended, this.log);
    this.resume.ended(ended.id, ending);
    this.dropCustomerIfGone(ended.customer);
    this.emitter.fire({ type: 'ended', session: ended });
  }

  /** A customer no connection carries and no session waits for: its ID stops accepting codes. */
  private dropCustomerIfGone(c: CustomerParty): void {
    if (c.isAttached() || this.customers.get(c.deviceId) !== c || this.resume.isWaitingFor(c)) return;
    this.customers.delete(c.deviceId);
    this.registry.unregister(c.deviceId);
  }

  private forget(s: LiveSession): void {
    this.clearTimer(s.id);
    this.sessions.delete(s.id);
    if (this.byDevice.get(s.deviceId) === s.id) this.byDevice.delete(s.deviceId);
    if (s.state === 'active') this.streamIds.delete(s.streamId);
  }

  private setTimer(sessionId: string, ms: number, fire: () => void): void {
    const timer = setTimeout(fire, ms);
    timer.unref?.();
    this.timers.set(sessionId, timer);
  }

  private clearTimer(sessionId: string): void {
    const timer = this.timers.get(sessionId);
    if (timer) clearTimeout(timer);
    this.timers.delete(sessionId);
  }

  /** A random u32 >= 1 no live session uses, so a stale fragment can never match a new session. */
  private allocateStreamId(): number {
    for (;;) {
      const id = randomInt(1, 0xffffffff);
      if (!this.streamIds.has(id)) {
        this.streamIds.add(id);
        return id;
      }
    }
  }
}

/** Whether the customer's link carries what the session needs. */
const hasLinkFor = (s: LiveSession): boolean => carriesSession(s.customer, s.mode);
