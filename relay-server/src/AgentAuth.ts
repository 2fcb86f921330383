/**
 * Agent accounts and sign-in: scrypt password hashes, bearer tokens (only their SHA-256 is
 * stored), login rate limits, and revocation that reaches live connections.
 */
import { randomBytes, scrypt as scryptCb, createHash, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { z } from 'zod';
import { parseUnknown } from '@beacon/shared/parse';
import type { LoginResponse } from '@beacon/shared/protocol';
import type { Database } from './Database.ts';
import type { Logger } from './log.ts';
import { RateLimiter, type Clock } from './RateLimiter.ts';

export const TOKEN_LIFETIME_MS = 12 * 60 * 60_000;
export const LOGIN_FAILURES_PER_LOGIN = { max: 5, windowMs: 60_000 };
export const LOGIN_FAILURES_PER_ADDRESS = { max: 20, windowMs: 5 * 60_000 };

const SCRYPT_N = 16384;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const SCRYPT_KEY_BYTES = 32;
const SALT_BYTES = 16;

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$N$r$p$salt$hash` (base64url), so the parameters can be raised later per account. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, SCRYPT_KEY_BYTES, { N: SCRYPT_N, r: SCRYPT_R, p: SCRYPT_P });
  return ['scrypt', SCRYPT_N, SCRYPT_R, SCRYPT_P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

const HASH_FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

/** Verifies in constant time; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = HASH_FORMAT.exec(stored);
  if (!m) return false;
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const salt = Buffer.from(m[4] ?? '', 'base64url');
  const expected = Buffer.from(m[5] ?? '', 'base64url');
  if (expected.length < 16 || n > 1 << 20 || r > 32 || p > 16) return false;
  const key = await scrypt(password, salt, expected.length, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 });
  return timingSafeEqual(key, expected);
}

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

const AgentRow = z.object({
  id: z.number().int(),
  login: z.string(),
  display_name: z.string(),
  password_hash: z.string(),
  disabled_at: z.number().nullable(),
});

const TokenRow = z.object({
  agent_id: z.number().int(),
  expires_at: z.number().int(),
  revoked_at: z.number().nullable(),
  login: z.string(),
  display_name: z.string(),
  disabled_at: z.number().nullable(),
});

export interface AgentIdentity {
  id: number;
  login: string;
  displayName: string;
}

export interface TokenGrant {
  agent: AgentIdentity;
  tokenHash: string;
  expiresAt: number;
}

export type LoginResult =
  | { ok: true; response: LoginResponse }
  | { ok: false; error: 'unauthorized' | 'rate-limited'; retryAt?: number };

export type RevokeListener = (reason: string) => void;

export class AgentAuth {
  private readonly perLogin: RateLimiter;
  private readonly perAddress: RateLimiter;
  private readonly watchers = new Map<string, Set<RevokeListener>>();
  /** Verified against for unknown logins, so their timing matches a real account's. */
  private readonly dummyHash: Promise<string>;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly now: Clock = Date.now,
  ) {
    this.perLogin = new RateLimiter(LOGIN_FAILURES_PER_LOGIN, now);
    this.perAddress = new RateLimiter(LOGIN_FAILURES_PER_ADDRESS, now);
    this.dummyHash = hashPassword(randomBytes(16).toString('hex'));
  }

  async hasAnyAgent(): Promise<boolean> {
    return (await this.db.get('SELECT id FROM agents LIMIT 1')) !== undefined;
  }

  /** Creates the account, or updates its password and name; returns its id. */
  async upsertAgent(login: string, password: string, displayName: string): Promise<number> {
    const hash = await hashPassword(password);
    const existing = await this.findAgent(login);
    if (existing) {
      await this.db.run('UPDATE agents SET password_hash = ?, display_name = ?, disabled_at = NULL WHERE id = ?', [
        hash,
        displayName,
        existing.id,
      ]);
      return existing.id;
    }
    const r = await this.db.run('INSERT INTO agents (login, display_name, password_hash, created_at) VALUES (?, ?, ?, ?)', [
      login,
      displayName,
      hash,
      Math.round(this.now()),
    ]);
    return r.lastId;
  }

  async login(login: string, password: string, address: string): Promise<LoginResult> {
    const loginKey = login.toLowerCase();
    if (this.perLogin.isLimited(loginKey) || this.perAddress.isLimited(address)) {
      const retryAt = Math.max(this.perLogin.retryAt(loginKey) ?? 0, this.perAddress.retryAt(address) ?? 0);
      this.log.warn('login rate-limited', { login: loginKey, address });
      return { ok: false, error: 'rate-limited', retryAt };
    }
    const agent = await this.findAgent(login);
    const isMatch = await verifyPassword(password, agent?.password_hash ?? (await this.dummyHash));
    if (!agent || !isMatch || agent.disabled_at !== null) {
      this.perLogin.record(loginKey);
      this.perAddress.record(address);
      this.log.warn('login failed', { login: loginKey, address });
      return { ok: false, error: 'unauthorized' };
    }
    this.perLogin.reset(loginKey);
    const token = randomBytes(32).toString('base64url');
    const createdAt = Math.round(this.now());
    const expiresAt = createdAt + TOKEN_LIFETIME_MS;
    await this.db.run('INSERT INTO agent_tokens (token_hash, agent_id, created_at, expires_at) VALUES (?, ?, ?, ?)', [
      sha256Hex(token),
      agent.id,
      createdAt,
      expiresAt,
    ]);
    this.log.info('agent signed in', { agentId: agent.id, login: agent.login, address });
    return {
      ok: true,
      response: { token, expiresAt, agent: { id: agent.id, login: agent.login, displayName: agent.display_name } },
    };
  }

  /** The agent a bearer token belongs to, or null if it is unknown, expired, revoked or disabled. */
  async verifyToken(token: string): Promise<TokenGrant | null> {
    const tokenHash = sha256Hex(token);
    const raw = await this.db.get(
      `SELECT t.agent_id, t.expires_at, t.revoked_at, a.login, a.display_name, a.disabled_at
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
    if (row.revoked_at !== null || row.disabled_at !== null || row.expires_at <= this.now()) return null;
    return {
      agent: { id: row.agent_id, login: row.login, displayName: row.display_name },
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
    for (const listener of [...(this.watchers.get(tokenHash) ?? [])]) {
      try {
        listener(reason);
      } catch (err) {
        this.log.error('revoke listener failed', { err });
      }
    }
  }

  private async findAgent(login: string): Promise<z.infer<typeof AgentRow> | null> {
    const raw = await this.db.get('SELECT id, login, display_name, password_hash, disabled_at FROM agents WHERE login = ?', [
      login,
    ]);
    if (raw === undefined) return null;
    const r = parseUnknown(AgentRow, raw, 'agents row');
    if (!r.ok) throw r.error;
    return r.value;
  }
}
