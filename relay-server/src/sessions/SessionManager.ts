/**
 * Session lifecycle: connect request (code check), consent, start, end. A session belongs
 * to one device and one agent; only they may act on it. Every step is written to the
 * `sessions` table and the append-only event log.
 *
 * States: pending (customer being asked) -> active (consented) -> gone. Denial, consent
 * timeout and every end reason remove the session; nothing about it keeps running.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { LiveSession } from '@beacon/shared/api';
import { LIMITS, type ClientToRelay, type CtlFromRelay, type RelayToClient, type SessionMode, type SessionPermissions, type StreamConfig } from '@beacon/shared/protocol';
import { ProtocolError, toWireError, type EndReason, type ErrorCode } from '@beacon/shared/errors';
import type { AgentIdentity } from '../accounts/AgentAuth.ts';
import type { DeviceRegistry } from './DeviceRegistry.ts';
import type { EventLog } from './EventLog.ts';
import type { Logger } from '../platform/logger.ts';
import { MediaForwarder, type ForwarderStats, type MediaSink } from '../media/MediaForwarder.ts';
import type { Clock } from '../platform/clock.ts';
import type { SessionOutcome, SessionStore } from './SessionStore.ts';

/** What the session layer needs from a connected client. */
export interface Party {
  readonly connId: string;
  readonly address: string;
  send(msg: RelayToClient): void;
  sendCtl(msg: CtlFromRelay): boolean;
  readonly mediaSink: MediaSink;
}
export interface AgentParty extends Party {
  readonly agent: AgentIdentity;
}
export interface CustomerParty extends Party {
  readonly deviceId: string;
}

export type ConnectRequest = Extract<ClientToRelay, { type: 'connect-request' }>;

export interface Session {
  readonly id: string;
  readonly deviceId: string;
  readonly agent: AgentParty;
  readonly customer: CustomerParty;
  readonly permissions: SessionPermissions;
  /** `voice`: a call only; no screen media, input or keyframes (TrafficHandler refuses them). */
  readonly mode: SessionMode;
  readonly requestedAt: number;
  startedAt: number | null;
  /** The directory customer it is linked to, if any. */
  customerId: number | null;
  state: 'pending' | 'active' | 'ended';
  /** Whether the agent has been told about it (session-pending sent). */
  isAnnounced: boolean;
  streamId: number | null;
  streamConfig: StreamConfig | null;
  forwarder: MediaForwarder | null;
  consentTimer: NodeJS.Timeout | null;
  /** The customer was told (consent request) that this session is recorded. */
  isRecorded: boolean;
}

/** The recorder as the session layer sees it (recording/Recorder.ts). */
export interface SessionRecorderHooks {
  /** Whether a session requested now will be recorded. */
  willRecord(): boolean;
  /** The customer consented; called before the consent events are written. */
  sessionStarted(s: Session): void;
  sessionEnded(s: Session, reason: EndReason): void;
}

/**
 * Account-level checks on a connect request, answered from the database: whether the seat
 * may connect (and use the customer it names), its concurrency limit, and the organisation's
 * name for the consent dialog. Without one (unit tests), every request is admitted.
 */
export interface Admission {
  /** Throws a ProtocolError (`forbidden`, `not-found`) to refuse. */
  admit(agent: AgentIdentity, customerId: number | undefined): Promise<{ concurrencyLimit: number }>;
  orgName(): string | undefined;
}

export interface SessionManagerOptions {
  now?: Clock;
  consentTimeoutMs?: number;
  admission?: Admission;
  recorder?: SessionRecorderHooks;
}

export interface SessionStats {
  id: string;
  deviceId: string;
  agentId: number;
  state: Session['state'];
  streamId: number | null;
  media: ForwarderStats | null;
}

const OUTCOME_BY_REASON: Record<EndReason, SessionOutcome> = {
  'agent-ended': 'completed',
  'customer-stopped': 'customer-stopped',
  'customer-disconnected': 'dropped',
  'agent-disconnected': 'dropped',
  'relay-shutdown': 'dropped',
};

export const agentActor = (a: AgentIdentity): string => `agent:${a.login}`;
export const customerActor = (deviceId: string): string => `customer:${deviceId}`;
/** Which side ended a session for `reason` (`relay`: shutdown). */
export const endedBy = (reason: EndReason): 'agent' | 'customer' | 'relay' =>
  reason.startsWith('customer') ? 'customer' : reason.startsWith('agent') ? 'agent' : 'relay';

export class SessionManager {
  private readonly sessions = new Map<string, Session>();
  private readonly byDevice = new Map<string, Session>();
  private readonly customers = new Map<string, CustomerParty>();
  private readonly streamIds = new Set<number>();
  private readonly now: Clock;
  private readonly consentTimeoutMs: number;
  private readonly admission: Admission | null;
  private readonly recorder: SessionRecorderHooks | null;
  private readonly endListeners: ((s: Session, reason: EndReason) => void)[] = [];

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly store: SessionStore,
    private readonly events: EventLog,
    private readonly log: Logger,
    opts: SessionManagerOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.consentTimeoutMs = opts.consentTimeoutMs ?? LIMITS.consentTimeoutMs;
    this.admission = opts.admission ?? null;
    this.recorder = opts.recorder ?? null;
    registry.onCodeChange((d) => {
      this.customers.get(d.deviceId)?.send({ type: 'code-update', code: d.code, codeExpiresAt: d.codeExpiresAt });
    });
  }

  /** Runs when a session ends, before its `disconnected` event is written (a running call ends first). */
  onEnded(listener: (s: Session, reason: EndReason) => void): void {
    this.endListeners.push(listener);
  }

  get(sessionId: string): Session | undefined {
    return this.sessions.get(sessionId);
  }

  /** The device's pending or active session, if any. */
  forDevice(deviceId: string): Session | undefined {
    return this.byDevice.get(deviceId);
  }

  sessionsOf(party: Party): Session[] {
    return [...this.sessions.values()].filter((s) => s.agent === party || s.customer === party);
  }

  addCustomer(c: CustomerParty): void {
    this.customers.set(c.deviceId, c);
    this.events.append({ sessionId: null, deviceId: c.deviceId, kind: 'registered', actor: customerActor(c.deviceId), detail: { address: c.address } });
  }

  /** A client went away: its sessions end, and a customer's ID stops accepting codes. */
  partyGone(party: AgentParty | CustomerParty, reason: EndReason): void {
    for (const s of this.sessionsOf(party)) this.end(s, reason);
    if ('deviceId' in party && this.customers.get(party.deviceId) === party) {
      this.customers.delete(party.deviceId);
      this.registry.unregister(party.deviceId);
    }
  }

  async connectRequest(agent: AgentParty, req: ConnectRequest): Promise<void> {
    const fail = (code: ErrorCode, message: string) => agent.send({ type: 'error', code, message, requestId: req.requestId });
    let concurrencyLimit = Infinity;
    if (this.admission) {
      try {
        ({ concurrencyLimit } = await this.admission.admit(agent.agent, req.customerId));
      } catch (err) {
        const { code, message, internal } = toWireError(err);
        if (internal) this.log.error('admission check failed', { err, agentId: agent.agent.id });
        else this.log.warn('connect refused', { code, deviceId: req.deviceId, agentId: agent.agent.id, detail: message });
        return fail(code, message);
      }
    }
    // Checked before the code, so a refused request does not spend the customer's code.
    const live = this.liveCount(agent.agent.id);
    if (live >= concurrencyLimit) {
      this.log.warn('connect refused', { code: 'concurrency-limit', agentId: agent.agent.id, live, concurrencyLimit });
      return fail('concurrency-limit', `this seat may have ${concurrencyLimit} session(s) at once and has ${live}`);
    }
    const check = this.registry.check(req.deviceId, req.code, agent.address);
    if (!check.ok) {
      this.log.warn('connect refused', { code: check.code, deviceId: req.deviceId, agentId: agent.agent.id, address: agent.address });
      if (check.code !== 'unknown-device') {
        this.events.append({ sessionId: null, deviceId: req.deviceId, kind: 'connect-refused', actor: agentActor(agent.agent), detail: { code: check.code } });
      }
      return fail(check.code, refusalText(check.code));
    }
    // The right code was used: it is spent, whatever happens next.
    this.registry.rotate(req.deviceId);
    const customer = this.customers.get(req.deviceId);
    if (!customer) return fail('unknown-device', 'the device is not online');
    if (this.byDevice.has(req.deviceId)) return fail('device-busy', 'the device already has a pending or active session');

    const session: Session = {
      id: randomBytes(16).toString('base64url'),
      deviceId: req.deviceId,
      agent,
      customer,
      permissions: req.permissions,
      mode: req.mode ?? 'screen',
      requestedAt: this.now(),
      startedAt: null,
      customerId: req.customerId ?? null,
      state: 'pending',
      isAnnounced: false,
      streamId: null,
      streamConfig: null,
      forwarder: null,
      consentTimer: null,
      isRecorded: this.recorder?.willRecord() ?? false,
    };
    // Reserve the device before awaiting the disk, so a second request cannot slip in.
    this.sessions.set(session.id, session);
    this.byDevice.set(session.deviceId, session);
    // Issued back to back on the serialized connection: the row exists before its first event.
    const inserted = this.store.insert({
      id: session.id,
      deviceId: session.deviceId,
      agentId: agent.agent.id,
      requestedAt: session.requestedAt,
      permissions: session.permissions,
      customerId: session.customerId,
    });
    this.events.append({ sessionId: session.id, deviceId: session.deviceId, kind: 'connect-requested', actor: agentActor(agent.agent), detail: { permissions: session.permissions, mode: session.mode, requestId: req.requestId } });
    try {
      await inserted;
    } catch (err) {
      // An unrecorded session must not run: the log is what a manager relies on later.
      this.log.error('could not record session; refused', { err, sessionId: session.id });
      session.state = 'ended';
      this.forget(session);
      return fail('internal', 'the session could not be recorded');
    }
    if (session.state === 'ended') {
      // One side left while the row was being written; end() already recorded it.
      return fail('unknown-device', 'the device went offline');
    }
    session.isAnnounced = true;
    session.consentTimer = setTimeout(() => this.consentTimedOut(session), this.consentTimeoutMs);
    session.consentTimer.unref?.();
    agent.send({ type: 'session-pending', requestId: req.requestId, sessionId: session.id, deviceId: session.deviceId });
    const orgName = this.admission?.orgName();
    customer.send({
      type: 'consent-request',
      sessionId: session.id,
      agentName: agent.agent.displayName,
      permissions: session.permissions,
      ...(orgName ? { orgName } : {}),
      isRecorded: session.isRecorded,
      mode: session.mode,
    });
    this.log.info('session requested', { sessionId: session.id, deviceId: session.deviceId, agentId: agent.agent.id });
  }

  consentReply(customer: CustomerParty, sessionId: string, isGranted: boolean): void {
    const s = this.owned(customer, sessionId);
    if (s.state !== 'pending') throw new ProtocolError('not-found', 'that session is not waiting for consent');
    if (!isGranted) return this.deny(s);
    this.clearConsentTimer(s);
    s.state = 'active';
    s.streamId = this.allocateStreamId();
    const at = this.now();
    s.startedAt = at;
    this.store.markStarted(s.id, at);
    if (s.isRecorded) this.recorder?.sessionStarted(s);
    this.events.append({ sessionId: s.id, deviceId: s.deviceId, kind: 'consent-granted', actor: customerActor(s.deviceId), detail: { permissions: s.permissions } });
    if (s.permissions.control) {
      this.events.append({ sessionId: s.id, deviceId: s.deviceId, kind: 'control-started', actor: agentActor(s.agent.agent) });
    }
    // A voice session has no screen: without a forwarder, its media fragments are dropped.
    if (s.mode === 'screen') {
      s.forwarder = new MediaForwarder({
        now: this.now,
        requestKeyframe: () => s.customer.sendCtl({ type: 'keyframe-request', sessionId: s.id }),
      });
    }
    const started: RelayToClient = {
      type: 'session-started',
      sessionId: s.id,
      deviceId: s.deviceId,
      agentName: s.agent.agent.displayName,
      permissions: s.permissions,
      streamId: s.streamId,
      mode: s.mode,
    };
    s.customer.send(started);
    s.agent.send(started);
    s.forwarder?.addViewer(s.agent.connId, s.agent.mediaSink);
    this.log.info('session started', { sessionId: s.id, streamId: s.streamId, mode: s.mode });
  }

  /** Customer pressed Stop. While still being asked, that is a no. */
  customerStop(customer: CustomerParty, sessionId: string): void {
    const s = this.owned(customer, sessionId);
    if (s.state === 'pending') this.deny(s);
    else this.end(s, 'customer-stopped');
  }

  agentEnd(agent: AgentParty, sessionId: string): void {
    this.end(this.owned(agent, sessionId), 'agent-ended');
  }

  /** Ends every session (relay shutting down). */
  endAll(reason: EndReason): void {
    for (const s of [...this.sessions.values()]) this.end(s, reason);
  }

  /** Ends a session for good: both sides told, rows written, timers and media dropped. Idempotent. */
  end(s: Session, reason: EndReason): void {
    if (s.state === 'ended') return;
    const wasActive = s.state === 'active';
    s.state = 'ended';
    this.forget(s);
    const by = endedBy(reason);
    const actor = by === 'customer' ? customerActor(s.deviceId) : by === 'agent' ? agentActor(s.agent.agent) : 'relay';
    for (const l of this.endListeners) {
      try {
        l(s, reason);
      } catch (err) {
        this.log.error('session end listener failed', { sessionId: s.id, err: err instanceof Error ? err.message : String(err) });
      }
    }
    if (wasActive && s.permissions.control) {
      this.events.append({ sessionId: s.id, deviceId: s.deviceId, kind: 'control-stopped', actor });
    }
    this.events.append({ sessionId: s.id, deviceId: s.deviceId, kind: 'disconnected', actor, detail: { reason } });
    // A request withdrawn or cut off before consent never ran: it is not "completed".
    this.store.markEnded(s.id, this.now(), wasActive ? OUTCOME_BY_REASON[reason] : 'dropped', reason);
    if (wasActive) this.recorder?.sessionEnded(s, reason);
    if (s.isAnnounced) {
      const msg: RelayToClient = { type: 'session-ended', sessionId: s.id, reason };
      s.agent.send(msg);
      s.customer.send(msg);
    }
    this.log.info('session ended', { sessionId: s.id, reason, wasActive, media: s.forwarder?.stats() });
  }

  /** The session if `party` is its agent or customer; otherwise `not-found` (never reveal others' sessions). */
  owned(party: Party, sessionId: string): Session {
    const s = this.sessions.get(sessionId);
    if (!s || (s.agent !== party && s.customer !== party)) throw new ProtocolError('not-found', 'no such session for this connection');
    return s;
  }

  /** Pending and active sessions of one seat, across all its connections. */
  liveSessionsOf(accountId: number): LiveSession[] {
    const out: LiveSession[] = [];
    for (const s of this.sessions.values()) {
      if (s.agent.agent.id !== accountId || s.state === 'ended') continue;
      out.push({ id: s.id, deviceId: s.deviceId, state: s.state, requestedAt: Math.round(s.requestedAt), startedAt: s.startedAt === null ? null : Math.round(s.startedAt), customerId: s.customerId });
    }
    return out;
  }

  /** A live session was linked to a customer afterwards (the row is written by the caller). */
  setCustomer(sessionId: string, customerId: number | null): void {
    const s = this.sessions.get(sessionId);
    if (s) s.customerId = customerId;
  }

  private liveCount(accountId: number): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.agent.agent.id === accountId && s.state !== 'ended') n++;
    return n;
  }

  stats(): SessionStats[] {
    return [...this.sessions.values()].map((s) => ({
      id: s.id,
      deviceId: s.deviceId,
      agentId: s.agent.agent.id,
      state: s.state,
      streamId: s.streamId,
      media: s.forwarder?.stats() ?? null,
    }));
  }

  private deny(s: Session): void {
    s.state = 'ended';
    this.forget(s);
    this.events.append({ sessionId: s.id, deviceId: s.deviceId, kind: 'consent-denied', actor: customerActor(s.deviceId) });
    this.store.markEnded(s.id, this.now(), 'denied', null);
    s.agent.send({ type: 'session-denied', sessionId: s.id, code: 'denied' });
    this.log.info('session denied', { sessionId: s.id });
  }

  private consentTimedOut(s: Session): void {
    if (s.state !== 'pending') return;
    s.state = 'ended';
    this.forget(s);
    this.events.append({ sessionId: s.id, deviceId: s.deviceId, kind: 'consent-timeout', actor: 'relay' });
    this.store.markEnded(s.id, this.now(), 'consent-timeout', null);
    s.agent.send({ type: 'session-denied', sessionId: s.id, code: 'consent-timeout' });
    this.log.info('consent timed out', { sessionId: s.id });
  }

  private forget(s: Session): void {
    this.clearConsentTimer(s);
    this.sessions.delete(s.id);
    if (this.byDevice.get(s.deviceId) === s) this.byDevice.delete(s.deviceId);
    if (s.streamId !== null) this.streamIds.delete(s.streamId);
    if (s.forwarder) s.forwarder.removeViewer(s.agent.connId);
  }

  private clearConsentTimer(s: Session): void {
    if (s.consentTimer) clearTimeout(s.consentTimer);
    s.consentTimer = null;
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

function refusalText(code: 'unknown-device' | 'wrong-code' | 'locked' | 'rate-limited'): string {
  switch (code) {
    case 'unknown-device':
      return 'no device with that ID is online';
    case 'wrong-code':
      return 'the code does not match this device ID';
    case 'locked':
      return 'too many wrong codes for this device ID; try again in a minute';
    case 'rate-limited':
      return 'too many failed attempts from this address; try again later';
  }
}
