/**
 * Online customer devices: their 9-digit IDs, one-time codes, code rotation and the
 * defences around code checking (constant-time compare, per-ID lockout, per-address limit).
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ProtocolError } from '@beacon/shared/errors';
import { parseUnknown } from '@beacon/shared/parse';
import { LIMITS } from '@beacon/shared/protocol';
import type { Database } from '../platform/Database.ts';
import type { Logger } from '../platform/logger.ts';
import type { Clock } from '../platform/clock.ts';
import { MemoryState } from '../platform/shared/MemoryState.ts';
import type { SharedState } from '../platform/shared/SharedState.ts';
import { CodeGuard } from './CodeGuard.ts';

export { DEVICE_LOCK_MS, NEW_DEVICES_PER_ADDRESS, WRONG_CODES_BEFORE_ROTATION, WRONG_CODES_PER_ADDRESS, WRONG_CODES_PER_DEVICE } from './CodeGuard.ts';

/** No 0/O, 1/I: customers read codes out over the phone. */
export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const CODE_LENGTH = 6;
/** A device ID that never had a session and is not linked to a customer is forgotten this long after it was last seen. */
export const UNUSED_DEVICE_TTL_MS = 24 * 60 * 60_000;
/** Rows looked at per pruning run (it runs again later for the rest). */
const PRUNE_BATCH = 10_000;
const DeviceIdRow = z.object({ device_id: z.string() });
const MAX_ID_ATTEMPTS = 20;

export function generateDeviceId(): string {
  let id = String(randomInt(1, 10));
  for (let i = 1; i < 9; i++) id += String(randomInt(0, 10));
  return id;
}

export function generateCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(0, CODE_ALPHABET.length)];
  return code;
}

/**
 * Compares two secrets in time independent of where they differ (and of their lengths):
 * both are hashed to 32 bytes first, which timingSafeEqual requires anyway.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}

export interface DeviceCode {
  deviceId: string;
  code: string;
  codeExpiresAt: number;
}

export type CodeCheck =
  | { ok: true }
  | { ok: false; code: 'unknown-device' | 'wrong-code' | 'locked' | 'rate-limited' };

interface OnlineDevice {
  deviceId: string;
  code: string;
  codeExpiresAt: number;
}

export type CodeChangeListener = (d: DeviceCode) => void;

export interface DeviceRegistryOptions {
  now?: Clock;
  codeLifetimeMs?: number;
  /** Where the code defences and device owners are kept (default: this process's memory). */
  state?: SharedState;
  /** This relay's id in a cluster: the owner written for its devices. */
  relayId?: string;
}

/** How long a relay's claim on a device lasts unless renewed (a dead relay's devices are free again after it). */
export const DEVICE_OWNER_TTL_MS = 30_000;
const OWNER_RENEW_MS = 10_000;

export class DeviceRegistry {
  private readonly online = new Map<string, OnlineDevice>();
  private readonly listeners = new Set<CodeChangeListener>();
  private readonly guard: CodeGuard;
  private readonly state: SharedState;
  private readonly relayId: string;
  private ownersRenewedAt = 0;
  private readonly now: Clock;
  private readonly codeLifetimeMs: number;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    opts: DeviceRegistryOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.codeLifetimeMs = opts.codeLifetimeMs ?? LIMITS.codeLifetimeMs;
    this.state = opts.state ?? new MemoryState(this.now);
    this.relayId = opts.relayId ?? 'local';
    this.guard = new CodeGuard(this.state, this.now);
  }

  /** Called whenever a device's code changes (after an attempt, or when it expires). */
  onCodeChange(listener: CodeChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Gives a newly connected customer a fresh unique ID and code, recorded in `devices`. Throws
   * ProtocolError `rate-limited` past NEW_DEVICES_PER_ADDRESS for its address.
   */
  async register(address: string | null): Promise<DeviceCode> {
    // This machine's own connections (tests, benches, a proxy whose forwarded address is not trusted) are not limited.
    if (address !== null && !isLoopback(address)) {
      if (await this.guard.newPerAddress.isLimited(address)) throw new ProtocolError('rate-limited', 'too many new connections from this address; wait a minute, then start Beacon again');
      await this.guard.newPerAddress.record(address);
    }
    const at = Math.round(this.now());
    for (let attempt = 0; attempt < MAX_ID_ATTEMPTS; attempt++) {
      const deviceId = generateDeviceId();
      if (this.online.has(deviceId)) continue;
      try {
        await this.db.run('INSERT INTO devices (device_id, registered_at, last_seen_at, address) VALUES (?, ?, ?, ?)', [
          deviceId,
          at,
          at,
          address,
        ]);
      } catch (err) {
        // An ID handed out before (to a customer who has since left) stays theirs in the records.
        if (err instanceof Error && /UNIQUE|PRIMARY KEY/i.test(err.message)) continue;
        throw err;
      }
      const d: OnlineDevice = { deviceId, code: generateCode(), codeExpiresAt: at + this.codeLifetimeMs };
      this.online.set(deviceId, d);
      if (this.state.isShared) await this.state.put(ownerKey(deviceId), this.relayId, DEVICE_OWNER_TTL_MS);
      return { deviceId, code: d.code, codeExpiresAt: d.codeExpiresAt };
    }
    throw new Error('could not allocate a unique device ID');
  }

  /**
   * Deletes device rows nobody will look for: never in a session, not linked to a customer,
   * offline and last seen over UNUSED_DEVICE_TTL_MS ago. Returns how many went.
   */
  async pruneUnused(): Promise<number> {
    const before = Math.round(this.now() - UNUSED_DEVICE_TTL_MS);
    const rows = await this.db.all(
      `SELECT device_id FROM devices WHERE last_seen_at < ? AND customer_id IS NULL
       AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.device_id = devices.device_id) LIMIT ${PRUNE_BATCH}`,
      [before],
    );
    // An ID still online keeps its row (its last_seen_at is only written when it leaves).
    const ids = rows.flatMap((raw) => {
      const r = parseUnknown(DeviceIdRow, raw, 'devices row');
      return r.ok && !this.online.has(r.value.device_id) ? [r.value.device_id] : [];
    });
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      await this.db.run(`DELETE FROM devices WHERE device_id IN (${chunk.map(() => '?').join(',')})`, chunk);
    }
    if (ids.length > 0) this.log.info('unused device IDs forgotten', { count: ids.length });
    return ids.length;
  }

  /** The customer left: its ID stops accepting codes. */
  /**
   * A device another relay held until it died (its session is taken over here): online here from
   * now on, with a fresh code, and this relay its owner. Its row is in the shared database already.
   */
  async adopt(deviceId: string): Promise<void> {
    if (this.online.has(deviceId)) return;
    this.online.set(deviceId, { deviceId, code: generateCode(), codeExpiresAt: Math.round(this.now()) + this.codeLifetimeMs });
    if (this.state.isShared) await this.state.put(ownerKey(deviceId), this.relayId, DEVICE_OWNER_TTL_MS);
  }

  unregister(deviceId: string): void {
    if (!this.online.delete(deviceId)) return;
    this.shared('device release', this.guard.forget(deviceId));
    if (this.state.isShared) this.shared('device release', this.state.delete(ownerKey(deviceId), this.relayId));
    this.db
      .run('UPDATE devices SET last_seen_at = ? WHERE device_id = ?', [Math.round(this.now()), deviceId])
      .catch((err: unknown) => this.log.error('devices write failed', { err }));
  }

  isOnline(deviceId: string): boolean {
    return this.online.has(deviceId);
  }

  current(deviceId: string): DeviceCode | null {
    const d = this.online.get(deviceId);
    return d ? { deviceId, code: d.code, codeExpiresAt: d.codeExpiresAt } : null;
  }

  /**
   * Checks an agent's ID + code. Order matters: an address over its limit learns nothing; an
   * address locked out of this ID answers `locked` even to the right code, so its guessing
   * cannot continue during the lock (other addresses are not affected); and many wrong codes
   * from everywhere replace the code.
   */
  async check(deviceId: string, code: string, address: string): Promise<CodeCheck> {
    if (await this.guard.isAddressLimited(address)) return { ok: false, code: 'rate-limited' };
    const d = this.online.get(deviceId);
    if (!d) {
      await this.guard.addressMissed(address);
      return { ok: false, code: 'unknown-device' };
    }
    this.expireIfDue(d);
    if ((await this.guard.lockOf(deviceId, address)) === 'locked') {
      await this.guard.addressMissed(address);
      return { ok: false, code: 'locked' };
    }
    if (constantTimeEqual(code, d.code)) return { ok: true };
    const { isLocked, mustRotate } = await this.guard.missed(deviceId, address);
    if (isLocked) this.log.warn('address locked out of a device after wrong codes', { deviceId, address });
    if (mustRotate) {
      this.log.warn('device code replaced after wrong codes from many addresses', { deviceId });
      this.rotate(deviceId);
    }
    return { ok: false, code: 'wrong-code' };
  }

  /** The relay holding `deviceId` (its BEACON_RELAY_ID), this one's id for a device online here, or null. */
  async owner(deviceId: string): Promise<string | null> {
    if (this.online.has(deviceId)) return this.relayId;
    return this.state.isShared ? this.state.get(ownerKey(deviceId)) : null;
  }

  /** Issues a new code now and tells the listeners; null if the device is offline. */
  rotate(deviceId: string): DeviceCode | null {
    const d = this.online.get(deviceId);
    if (!d) return null;
    d.code = generateCode();
    d.codeExpiresAt = Math.round(this.now()) + this.codeLifetimeMs;
    const out = { deviceId, code: d.code, codeExpiresAt: d.codeExpiresAt };
    for (const l of [...this.listeners]) {
      try {
        l(out);
      } catch (err) {
        this.log.error('code listener failed', { err });
      }
    }
    return out;
  }

  /** Rotates every expired code. The relay calls this from a timer; tests call it directly. */
  sweep(): void {
    for (const d of [...this.online.values()]) this.expireIfDue(d);
    if (this.state.isShared && this.now() - this.ownersRenewedAt >= OWNER_RENEW_MS) {
      this.ownersRenewedAt = this.now();
      for (const id of this.online.keys()) this.shared('device owner renewal', this.state.put(ownerKey(id), this.relayId, DEVICE_OWNER_TTL_MS));
    }
  }

  get onlineCount(): number {
    return this.online.size;
  }

  /** A shared-state write nobody waits for: a failure is logged. */
  private shared(what: string, p: Promise<unknown>): void {
    p.catch((err: unknown) => this.log.error(`${what} failed in shared state`, { err }));
  }

  private expireIfDue(d: OnlineDevice): void {
    if (this.now() >= d.codeExpiresAt) this.rotate(d.deviceId);
  }
}

function ownerKey(deviceId: string): string {
  return `device-owner:${deviceId}`;
}

function isLoopback(address: string): boolean {
  return address === '::1' || /^(::ffff:)?127\./.test(address);
}
