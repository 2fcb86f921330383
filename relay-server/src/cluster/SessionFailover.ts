/**
 * A running session outlives the relay that holds it (issue 15). Each relay keeps, in shared
 * state, a record of every session it runs (SharedSessionRecord: who takes part, the stream,
 * the hashes of the resume secrets, its grace period) and a short-lived holder key naming
 * itself, renewed every HOLD_RENEW_MS. When that relay dies (SIGKILL, a lost host) its clients
 * reconnect through the load balancer to any other relay with `hello.resume`; that relay finds
 * no such session of its own and asks here:
 *
 * - the claim's secret is checked against the record's hash (constant time), and an agent's
 *   seat against the record's agent, before anything else (a wrong secret learns nothing);
 * - the holder key is claimed atomically (SharedState.claim): only one relay wins, once the
 *   dead relay's key expired (at most HOLD_TTL_MS after its last renewal);
 * - the winner rebuilds the session (both sides away, the device registered here) and the
 *   ordinary resume carries each side back; the grace runs from the dead relay's last renewal,
 *   so a side that comes back after it finds the session ended `network-lost`;
 * - a loser (or a relay reached while the holder lives) answers `resume-redirect` with the
 *   holder's URL (and a ticket for an agent) to clients that speak `relay-failover`.
 */
import { randomBytes } from 'node:crypto';
import { parseJson } from '@beacon/shared/parse';
import { SharedSessionRecord, type RelayToClient, type ResumeClaim, type Role } from '@beacon/shared/protocol';
import type { TokenGrant } from '../accounts/AgentAuth.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { SharedState } from '../platform/shared/SharedState.ts';
import { constantTimeEqual, type DeviceRegistry } from '../sessions/DeviceRegistry.ts';
import { secretHashOf } from '../sessions/Resume.ts';
import type { ActiveSession, AgentParty, CustomerParty } from '../sessions/Session.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import { switchableParty, type PartyConnection, type SwitchableParty } from '../sessions/SwitchableParty.ts';
import type { Cluster } from './Cluster.ts';
import { TICKET_LIFETIME_MS } from './RelayTicket.ts';

/** A holder key lives this long unless renewed: a dead relay's sessions can be taken over after it. */
export const HOLD_TTL_MS = 10_000;
const HOLD_RENEW_MS = 3000;

export type FailoverSessions = Pick<SessionManager, 'get' | 'adopt' | 'secretHashes' | 'resumeGraceMs' | 'onSessionEvent'>;

export interface FailoverDeps {
  cluster: Cluster;
  state: SharedState;
  sessions: FailoverSessions;
  registry: Pick<DeviceRegistry, 'adopt'>;
  log: Logger;
  now: Clock;
}

const recordKey = (sessionId: string) => `session-record:${sessionId}`;
const holderKey = (sessionId: string) => `session-holder:${sessionId}`;

/** A party no connection carries yet: the side of a taken-over session that has not come back. */
function detachedParty(): SwitchableParty {
  const none: PartyConnection = {
    connId: randomBytes(9).toString('base64url'),
    address: '',
    send: () => undefined,
    sendCtl: () => false,
    channels: () => ({ ctl: false, media: false }),
    maxCtlBytes: () => 0,
    mediaSink: { isOpen: () => false, bufferedAmount: () => 0, send: () => false },
    speaksResume: () => true,
    close: () => undefined,
  };
  const party = switchableParty(none);
  party.detach(none);
  return party;
}

export class SessionFailover {
  /** The running sessions this relay holds (their records are renewed). */
  private readonly held = new Map<string, ActiveSession>();
  /** Take-overs under way, so two claims for one session arriving together adopt it once. */
  private readonly adopting = new Map<string, Promise<RelayToClient | null>>();
  private readonly renewer: NodeJS.Timeout;

  constructor(private readonly d: FailoverDeps) {
    d.sessions.onSessionEvent((e) => {
      if (e.type === 'started' || e.type === 'agent-changed') this.hold(e.session);
      else if (e.type === 'ended') this.release(e.session.id);
    });
    this.renewer = setInterval(() => this.renewAll(), HOLD_RENEW_MS);
    this.renewer.unref();
    d.cluster.whenClosing(() => clearInterval(this.renewer));
  }

  private get relayId(): string {
    return this.d.cluster.id.relayId;
  }

  /**
   * The claims of a `hello.resume` for sessions this relay does not run: taken over here when
   * their relay is gone, or the `resume-redirect` to send (null: go on with the ordinary resume).
   */
  async takeOver(role: Role, claims: readonly ResumeClaim[], grant: TokenGrant | null, speaksFailover: boolean): Promise<RelayToClient | null> {
    for (const c of claims) {
      if (this.d.sessions.get(c.sessionId)) continue;
      let pending = this.adopting.get(c.sessionId);
      if (!pending) {
        pending = this.claimOne(role, c, grant, speaksFailover).finally(() => this.adopting.delete(c.sessionId));
        this.adopting.set(c.sessionId, pending);
      }
      const redirect = await pending;
      if (redirect) return redirect;
    }
    return null;
  }

  private async claimOne(role: Role, c: ResumeClaim, grant: TokenGrant | null, speaksFailover: boolean): Promise<RelayToClient | null> {
    const text = await this.d.state.get(recordKey(c.sessionId));
    if (text === null) return null;
    const parsed = parseJson(SharedSessionRecord, text, 'shared session record');
    if (!parsed.ok) {
      this.d.log.warn('unreadable shared session record', { sessionId: c.sessionId, err: parsed.error.message });
      return null;
    }
    const rec = parsed.value;
    const hash = rec.secretHashes[role];
    if (!hash || !constantTimeEqual(hash, secretHashOf(c.secret))) return null;
    if (role === 'agent' && grant?.agent.id !== rec.agent.id) return null;
    const holder = await this.d.state.claim(holderKey(rec.sessionId), this.relayId, HOLD_TTL_MS);
    if (holder !== this.relayId) return speaksFailover ? this.redirectTo(holder, rec, grant) : null;
    if (this.d.sessions.get(rec.sessionId)) return null;
    await this.d.registry.adopt(rec.deviceId);
    this.d.sessions.adopt(this.rebuild(rec), rec.secretHashes, rec.aliveAt, rec.aliveAt + rec.graceMs);
    return null;
  }

  private async redirectTo(holder: string, rec: SharedSessionRecord, grant: TokenGrant | null): Promise<RelayToClient | null> {
    if (grant) {
      const to = await this.d.cluster.redirect(holder, rec.deviceId, grant.tokenHash);
      return to ? { type: 'resume-redirect', sessionId: rec.sessionId, url: to.url, ticket: to.ticket, expiresAt: to.expiresAt } : null;
    }
    const url = await this.d.cluster.urlOf(holder);
    return url ? { type: 'resume-redirect', sessionId: rec.sessionId, url, expiresAt: Math.round(this.d.now()) + TICKET_LIFETIME_MS } : null;
  }

  /** The session as it ran on the dead relay, with parties no connection carries yet. */
  private rebuild(rec: SharedSessionRecord): ActiveSession {
    const agent: AgentParty = Object.assign(detachedParty(), { agent: rec.agent });
    const customer: CustomerParty = Object.assign(detachedParty(), { deviceId: rec.deviceId });
    const { sessionId: id, deviceId, permissions, mode, requestedAt, customerId, isRecorded, startedAt, streamId } = rec;
    return { id, deviceId, agent, customer, permissions, mode, requestedAt, customerId, isRecorded, state: 'active', startedAt, streamId };
  }

  private hold(s: ActiveSession): void {
    this.held.set(s.id, s);
    this.renew(s);
  }

  private release(sessionId: string): void {
    if (!this.held.delete(sessionId)) return;
    this.shared('session record removal', this.d.state.delete(recordKey(sessionId)));
    this.shared('session holder release', this.d.state.delete(holderKey(sessionId), this.relayId));
  }

  private renewAll(): void {
    for (const s of this.held.values()) {
      const live = this.d.sessions.get(s.id);
      if (live?.state === 'active') this.renew(live);
    }
  }

  /** Says this relay still holds `s`, and writes its record as it is now. */
  private renew(s: ActiveSession): void {
    const secretHashes = this.d.sessions.secretHashes(s.id);
    if (!secretHashes) return;
    const graceMs = Math.round(this.d.sessions.resumeGraceMs());
    const { id: sessionId, deviceId, permissions, mode, requestedAt, startedAt, streamId, customerId, isRecorded } = s;
    const { id, login, displayName, role } = s.agent.agent;
    const rec: SharedSessionRecord = { sessionId, deviceId, agent: { id, login, displayName, role }, permissions, mode, requestedAt, startedAt, streamId, customerId, isRecorded, secretHashes, graceMs, aliveAt: Math.round(this.d.now()) };
    this.shared('session holder renewal', this.d.state.put(holderKey(sessionId), this.relayId, HOLD_TTL_MS));
    this.shared('session record write', this.d.state.put(recordKey(sessionId), JSON.stringify(rec), graceMs + 2 * HOLD_TTL_MS));
  }

  private shared(what: string, p: Promise<unknown>): void {
    p.catch((err: unknown) => this.d.log.error(`${what} failed`, { err }));
  }
}
