/**
 * Seat accounts and sign-in: scrypt password hashes, bearer tokens (only their SHA-256 is
 * stored), login rate limits, and revocation that reaches live connections.
 *
 * Guessing is slowed without handing anyone a lock-out button: wrong sign-ins are limited per
 * login and address (only the guessing address is refused) and per address, and a login that
 * keeps failing from anywhere answers only after a short, bounded delay (except to an
 * address it signed in from before), so the real person still gets in. A seat is locked
 * (until an owner or admin unlocks it) only by wrong *current* passwords from a signed-in
 * seat: someone holding its token.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { parseUnknown } from '@beacon/shared/parse';
import { AccountRole, type LoginResponse } from '@beacon/shared/protocol';
import type { AuditLog } from './AuditLog.ts';
import { hashPassword, sha256Hex, verifyPassword } from './secrets.ts';
import type { Database } from '../platform/Database.ts';
import type { Logger } from '../platform/logger.ts';
import type { Clock } from '../platform/clock.ts';
import { MemoryState } from '../platform/shared/MemoryState.ts';
import type { SharedLimiter, SharedState } from '../platform/shared/SharedState.ts';

export const TOKEN_LIFETIME_MS = 12 * 60 * 60_000;
/** Wrong passwords for one login from one address before that address must wait. */
export const LOGIN_FAILURES_PER_LOGIN = { max: 5, windowMs: 60_000 };
export const LOGIN_FAILURES_PER_ADDRESS = { max: 20, windowMs: 5 * 60_000 };
/** Failures of one login from anywhere, counted over this long, that slow it down... */
export const LOGIN_SLOWDOWN = { max: 5, windowMs: 15 * 60_000 };
/** ...by this much after the last failure, doubling with each further one, up to the bound. */
export const LOGIN_DELAY_BASE_MS = 1000;
export const LOGIN_DELAY_MAX_MS = 30_000;
/** Addresses remembered per login, and logins remembered, for the slowdown's exception (in memory). */
const KNOWN_ADDRESSES_PER_LOGIN = 8;
const KNOWN_LOGINS = 10_000;
/**
 * Wrong current passwords in a row from a signed-in seat (a stolen token) after which the seat
 * is locked until an owner or admin unlocks it.
 */
export const LOCKOUT_AFTER_FAILURES = 10;

const AgentRow = z.object({
  id: z.number().int(),
  login: z.string(),
  display_name: z.string(),
  password_hash: z.string(),
  role: AccountRole,
  disabled_at: z.number().nullable(),
  locked_at: z.number().nullable(),
  failed_logins: z.number().int(),
});

const TokenRow = z.object({
  agent_id: z.number().int(),
  expires_at: z.number().int(),
  revoked_at: z.number().nullable(),
  login: z.string(),
  display_name: z.string(),
  role: AccountRole,
  disabled_at: z.number().nullable(),
  deleted_at: z.number().nullable(),
});
const TokenHashRow = z.object({ token_hash: z.string() });

export interface AgentIdentity {
  id: number;
  login: string;
  displayName: string;
  /** The role when the connection signed in; authorization always reads the current one. */
  role: AccountRole;
}

export interface TokenGrant {
  agent: AgentIdentity;
  tokenHash: string;
  expiresAt: number;
}

export type LoginResult =
  | { ok: true; response: LoginResponse }
  | { ok: false; error: 'unauthorized' | 'rate-limited' | 'account-locked' | 'account-disabled'; retryAt?: number };

export type RevokeListener = (reason: string) => void;

export class AgentAuth {
  private readonly perLogin: SharedLimiter;
  private readonly perAddress: SharedLimiter;
  /** Failures of a login from every address, for its bounded slowdown. */
  private readonly slowdown: SharedLimiter;
  /** Addresses each login signed in from (the newest few): the slowdown does not apply to them. */
  private readonly knownAddresses = new Map<string, string[]>();
  private readonly watchers = new Map<string, Set<RevokeListener>>();
  /** Told of every token this relay revokes (the cluster tells the other relays). */
  revoked: ((tokenHash: string, reason: string) => void) | null = null;
  /** Verified against for unknown logins, so their timing matches a real account's. */
  private readonly dummyHash: Promise<string>;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly now: Clock = Date.now,
    private readonly audit: AuditLog | null = null,
    state: SharedState = new MemoryState(now),
  ) {
    // Counted where every relay sees them (Redis in a cluster): a guesser gets no more tries by changing relay.
    this.perLogin = state.limiter('login-pair', LOGIN_FAILURES_PER_LOGIN);
    this.perAddress = state.limiter('login-address', LOGIN_FAILURES_PER_ADDRESS);
    this.slowdown = state.limiter('login-slowdown', LOGIN_SLOWDOWN);
    this.dummyHash = hashPassword(randomBytes(16).toString('hex'));
  }

  /** Whether an account (deleted ones included: their renamed logins stay taken) has this login. */
  async hasLogin(login: string): Promise<boolean> {
    return (await this.db.get('SELECT id FROM agents WHERE login = ?', [login])) !== undefined;
  }

  /**
   * Creates the account, or updates its password and name and lifts any disable or lockout
   * (the operator's environment seeding wins); returns its id. `role` changes an existing
   * account only when given; a new one defaults to `agent`.
   */
  async upsertAgent(login: string, password: string, displayName: string, role?: AccountRole): Promise<number> {
    const hash = await hashPassword(password);
    const existing = await this.findAgent(login);
    if (existing) {
      await this.db.run(
        'UPDATE agents SET password_hash = ?, display_name = ?, role = ?, disabled_at = NULL, locked_at = NULL, failed_logins = 0 WHERE id = ?',
        [hash, displayName, role ?? existing.role, existing.id],
      );
      // The login's own count (the per-pair counts are keyed by address too: they run out on their own within a minute).
      await this.slowdown.reset(existing.login.toLowerCase());
      return existing.id;
    }
    const r = await this.db.run('INSERT INTO agents (login, display_name, password_hash, created_at, role) VALUES (?, ?, ?, ?, ?)', [
      login,
      displayName,
      hash,
      Math.round(this.now()),
      role ?? 'agent',
    ]);
    return r.lastId;
  }

  /** Sets a new password and signs the seat out everywhere (except `keepTokenHash`). */
  async setPassword(accountId: number, password: string, keepTokenHash?: string): Promise<void> {
    const hash = await hashPassword(password);
    await this.db.run('UPDATE agents SET password_hash = ? WHERE id = ?', [hash, accountId]);
    await this.revokeAllFor(accountId, 'password-changed', keepTokenHash);
  }

  /** Whether `password` is this seat's current password (for a self-service change). */
  async checkPassword(accountId: number, password: string): Promise<boolean> {
    const raw = await this.db.get('SELECT password_hash FROM agents WHERE id = ?', [accountId]);
    const r = parseUnknown(z.object({ password_hash: z.string() }), raw, 'agents row');
    return r.ok && (await verifyPassword(password, r.value.password_hash));
  }

  /**
   * A signed-in seat proving its current password (to change it). Guesses count like wrong
   * sign-ins: limited per login and per address, and towards the seat's lockout, so a stolen
   * token cannot be used to try passwords without limit.
   */
  async verifyOwnPassword(accountId: number, login: string, password: string, address: string): Promise<{ ok: true } | { ok: false; error: 'rate-limited'; retryAt: number } | { ok: false; error: 'wrong' }> {
    const loginKey = login.toLowerCase();
    const retryAt = await this.limitedUntil(loginKey, address);
    if (retryAt !== null) {
      this.log.warn('password check rate-limited', { login: loginKey, address });
      return { ok: false, error: 'rate-limited', retryAt };
    }
    if (await this.checkPassword(accountId, password)) return { ok: true };
    await this.recordGuess(loginKey, address);
    this.log.warn('wrong current password', { login: loginKey, address });
    await this.recordFailure(accountId, login);
    return { ok: false, error: 'wrong' };
  }

  /**
   * When a login tried from `address` may be tried again; null if it may now: the pair's and
   * the address's limits, and the login's bounded slowdown.
   */
  private async limitedUntil(loginKey: string, address: string): Promise<number | null> {
    const pair = `${loginKey}\n${address}`;
    const isKnown = this.knownAddresses.get(loginKey)?.includes(address) ?? false;
    const [byPair, byAddress, slowed] = await Promise.all([this.perLogin.retryAt(pair), this.perAddress.retryAt(address), isKnown ? 0 : this.slowedUntil(loginKey)]);
    const until = Math.max(byPair ?? 0, byAddress ?? 0, slowed);
    return until > this.now() ? until : null;
  }

  /** Past LOGIN_SLOWDOWN failures, a login waits a doubling delay after its last failure, never more than the bound. */
  private async slowedUntil(loginKey: string): Promise<number> {
    const [failures, last] = await Promise.all([this.slowdown.count(loginKey), this.slowdown.lastAt(loginKey)]);
    if (failures < LOGIN_SLOWDOWN.max || last === null) return 0;
    return last + Math.min(LOGIN_DELAY_MAX_MS, LOGIN_DELAY_BASE_MS * 2 ** (failures - LOGIN_SLOWDOWN.max));
  }

  private rememberAddress(loginKey: string, address: string): void {
    const list = (this.knownAddresses.get(loginKey) ?? []).filter((a) => a !== address);
    list.push(address);
    this.knownAddresses.set(loginKey, list.slice(-KNOWN_ADDRESSES_PER_LOGIN));
    if (this.knownAddresses.size > KNOWN_LOGINS) this.knownAddresses.delete(this.knownAddresses.keys().next().value as string);
  }

  /** A wrong password counts against the login from that address, the address, and the login's slowdown. */
  private async recordGuess(loginKey: string, address: string): Promise<void> {
    await Promise.all([this.perLogin.record(`${loginKey}\n${address}`), this.perAddress.record(address), this.slowdown.record(loginKey)]);
  }

  /** Lifts a lockout and forgets the recent failures, so the seat can sign in at once. */
  async unlock(accountId: number): Promise<void> {
    const raw = await this.db.get('SELECT login FROM agents WHERE id = ?', [accountId]);
    const r = parseUnknown(z.object({ login: z.string() }), raw, 'agents row');
    await this.db.run('UPDATE agents SET locked_at = NULL, failed_logins = 0 WHERE id = ?', [accountId]);
    if (r.ok) await this.slowdown.reset(r.value.login.toLowerCase());
  }

  /** Revokes every live token of a seat (disabled, deleted, password reset); returns how many. */
  async revokeAllFor(accountId: number, reason: string, keepTokenHash?: string): Promise<number> {
    const rows = await this.db.all('SELECT token_hash FROM agent_tokens WHERE agent_id = ? AND revoked_at IS NULL AND expires_at > ?', [
      accountId,
      Math.round(this.now()),
    ]);
    let count = 0;
    for (const raw of rows) {
      const r = parseUnknown(TokenHashRow, raw, 'agent_tokens row');
      if (!r.ok || r.value.token_hash === keepTokenHash) continue;
      await this.revoke(r.value.token_hash, reason);
      count++;
    }
    return count;
  }

  async login(login: string, password: string, address: string): Promise<LoginResult> {
    const loginKey = login.toLowerCase();
    const retryAt = await this.limitedUntil(loginKey, address);
    if (retryAt !== null) {
      this.log.warn('login rate-limited', { login: loginKey, address });
      return { ok: false, error: 'rate-limited', retryAt };
    }
    const agent = await this.findAgent(login);
    if (agent && agent.locked_at !== null) {
      // The password is not even checked: a locked seat must not become an oracle for guesses.
      await this.perAddress.record(address);
      this.log.warn('login refused: seat locked', { login: loginKey, address });
      return { ok: false, error: 'account-locked' };
    }
    const isMatch = await verifyPassword(password, agent?.password_hash ?? (await this.dummyHash));
    if (!agent || !isMatch) {
      // Not towards the seat's lockout: anyone can send wrong passwords for any login.
      await this.recordGuess(loginKey, address);
      this.log.warn('login failed', { login: loginKey, address });
      return { ok: false, error: 'unauthorized' };
    }
    if (agent.disabled_at !== null) {
      this.log.warn('login refused: seat disabled', { login: loginKey, address });
      return { ok: false, error: 'account-disabled' };
    }
    await Promise.all([this.perLogin.reset(`${loginKey}\n${address}`), this.slowdown.reset(loginKey)]);
    this.rememberAddress(loginKey, address);
    const response = await this.issueToken({ id: agent.id, login: agent.login, displayName: agent.display_name, role: agent.role });
    this.log.info('agent signed in', { agentId: agent.id, login: agent.login, address });
    return { ok: true, response };
  }

  /** A new bearer token for a seat whose credentials were just checked (sign-in, first-run setup). */
  async issueToken(agent: AgentIdentity): Promise<LoginResponse> {
    const token = randomBytes(32).toString('base64url');
    const createdAt = Math.round(this.now());
    const expiresAt = createdAt + TOKEN_LIFETIME_MS;
    await this.db.run('INSERT INTO agent_tokens (token_hash, agent_id, created_at, expires_at) VALUES (?, ?, ?, ?)', [
      sha256Hex(token),
      agent.id,
      createdAt,
      expiresAt,
    ]);
    await this.db.run('UPDATE agents SET failed_logins = 0, last_login_at = ? WHERE id = ?', [createdAt, agent.id]);
    return { token, expiresAt, agent: { id: agent.id, login: agent.login, displayName: agent.displayName, role: agent.role } };
  }

  private async recordFailure(accountId: number, login: string): Promise<void> {
    await this.db.run('UPDATE agents SET failed_logins = failed_logins + 1 WHERE id = ?', [accountId]);
    const locked = await this.db.run('UPDATE agents SET locked_at = ? WHERE id = ? AND locked_at IS NULL AND failed_logins >= ?', [
      Math.round(this.now()),
      accountId,
      LOCKOUT_AFTER_FAILURES,
    ]);
    if (locked.changes === 0) return;
    this.log.warn('seat locked after repeated wrong passwords', { accountId, login });
    await this.audit?.append({
      actorId: null,
      action: 'seat-locked',
      target: { type: 'seat', id: accountId, label: login },
      detail: { failures: LOCKOUT_AFTER_FAILURES },
    });
  }

  /** The agent a bearer token belongs to, or null if it is unknown, expired, revoked or disabled. */
  async verifyToken(token: string): Promise<TokenGrant | null> {
    return this.verifyTokenHash(sha256Hex(token));
  }

  /** `verifyToken` by the token's hash (a relay ticket carries the hash, never the token). */
  async verifyTokenHash(tokenHash: string): Promise<TokenGrant | null> {
    const raw = await this.db.get(
      `SELECT t.agent_id, t.expires_at, t.revoked_at, a.login, a.display_name, a.role, a.disabled_at, a.deleted_at
       FROM agent_tokens t JOIN agents a ON a.id = t.agent_id WHERE t.token_hash = ?`,
      [tokenHash],
    );
    if (raw === undefined) return null;
    const r = parseUnknown(TokenRow, raw, 'agent_tokens row');
    if (!r.ok) {
      this.log.error('unreadable token row', { err: r.error.message });
      return null;
    }
    const row = r.value;
    if (row.revoked_at !== null || row.disabled_at !== null || row.deleted_at !== null || row.expires_at <= this.now()) return null;
    return {
      agent: { id: row.agent_id, login: row.login, displayName: row.display_name, role: row.role },
      tokenHash,
      expiresAt: row.expires_at,
    };
  }

  /** Calls `listener` if the token is revoked while a connection uses it; returns the unsubscribe. */
  watch(tokenHash: string, listener: RevokeListener): () => void {
    let set = this.watchers.get(tokenHash);
    if (!set) {
      set = new Set();
      this.watchers.set(tokenHash, set);
    }
    set.add(listener);
    return () => {
      const s = this.watchers.get(tokenHash);
      s?.delete(listener);
      if (s?.size === 0) this.watchers.delete(tokenHash);
    };
  }

  /** Revokes a token: stored as revoked, and every live connection using it is signed out. */
  async revoke(tokenHash: string, reason = 'revoked'): Promise<void> {
    await this.db.run('UPDATE agent_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL', [
      Math.round(this.now()),
      tokenHash,
    ]);
    this.signOutConnections(tokenHash, reason);
    this.revoked?.(tokenHash, reason);
  }

  /** Signs out this relay's connections that use the token (another relay of the cluster revoked it). */
  signOutConnections(tokenHash: string, reason: string): void {
    for (const listener of [...(this.watchers.get(tokenHash) ?? [])]) {
      try {
        listener(reason);
      } catch (err) {
        this.log.error('revoke listener failed', { err });
      }
    }
  }

  private async findAgent(login: string): Promise<z.infer<typeof AgentRow> | null> {
    const raw = await this.db.get(
      'SELECT id, login, display_name, password_hash, role, disabled_at, locked_at, failed_logins FROM agents WHERE login = ? AND deleted_at IS NULL',
      [login],
    );
    if (raw === undefined) return null;
    const r = parseUnknown(AgentRow, raw, 'agents row');
    if (!r.ok) throw r.error;
    return r.value;
  }
}
