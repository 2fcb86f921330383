/**
 * The defences around connection codes, kept in SharedState so that they hold across relays (a
 * guesser gets 5 tries per ID, not 5 per relay): wrong codes per ID and address with the lock
 * they lead to, wrong codes per ID from anywhere (then the code is replaced), wrong codes and
 * unknown IDs per address, and new IDs per address. DeviceRegistry asks it in that order.
 */
import type { Clock } from '../platform/clock.ts';
import type { SharedLimiter, SharedState } from '../platform/shared/SharedState.ts';

/** Wrong codes for one ID from one address before that address is refused for that ID (only that address: nobody can lock a customer out). */
export const WRONG_CODES_PER_DEVICE = { max: 5, windowMs: 60_000 };
export const DEVICE_LOCK_MS = 60_000;
/** Wrong codes for one ID from anywhere after which its code is replaced (guessing starts over against a new one). */
export const WRONG_CODES_BEFORE_ROTATION = { max: 20, windowMs: 10 * 60_000 };
export const WRONG_CODES_PER_ADDRESS = { max: 30, windowMs: 5 * 60_000 };
/** New device IDs per address: an office behind one address, reconnecting, stays well under it; a loop of hellos does not. */
export const NEW_DEVICES_PER_ADDRESS = { max: 30, windowMs: 60_000 };

/** A lock is kept a little past its end, so a relay whose clock runs behind still sees it end. */
const LOCK_SLACK_MS = 5_000;

export type LockState = 'none' | 'locked' | 'ended';

export class CodeGuard {
  private readonly wrongPerDevice: SharedLimiter;
  private readonly wrongBeforeRotation: SharedLimiter;
  private readonly wrongPerAddress: SharedLimiter;
  readonly newPerAddress: SharedLimiter;

  constructor(
    private readonly state: SharedState,
    private readonly now: Clock,
  ) {
    this.wrongPerDevice = state.limiter('code-pair', WRONG_CODES_PER_DEVICE);
    this.wrongBeforeRotation = state.limiter('code-device', WRONG_CODES_BEFORE_ROTATION);
    this.wrongPerAddress = state.limiter('code-address', WRONG_CODES_PER_ADDRESS);
    this.newPerAddress = state.limiter('new-device', NEW_DEVICES_PER_ADDRESS);
  }

  isAddressLimited(address: string): Promise<boolean> {
    return this.wrongPerAddress.isLimited(address);
  }

  /** A miss that names no device (or a locked one): counts against the address only. */
  async addressMissed(address: string): Promise<void> {
    await this.wrongPerAddress.record(address);
  }

  /**
   * Whether `address` is locked out of `deviceId`. A lock that has run out is forgotten here,
   * with the failures that led to it (one more miss does not lock again).
   */
  async lockOf(deviceId: string, address: string): Promise<LockState> {
    const key = lockKey(deviceId, address);
    const until = Number((await this.state.get(key)) ?? 0);
    if (until === 0) return 'none';
    if (until > this.now()) return 'locked';
    await this.state.delete(key);
    await this.wrongPerDevice.reset(pairKey(deviceId, address));
    return 'ended';
  }

  /** A wrong code: counted everywhere it counts. Says whether the address is now locked out and whether the code must be replaced. */
  async missed(deviceId: string, address: string): Promise<{ isLocked: boolean; mustRotate: boolean }> {
    const [, pair, all] = await Promise.all([
      this.wrongPerAddress.record(address),
      this.wrongPerDevice.record(pairKey(deviceId, address)),
      this.wrongBeforeRotation.record(deviceId),
    ]);
    const isLocked = pair >= WRONG_CODES_PER_DEVICE.max;
    if (isLocked) await this.state.put(lockKey(deviceId, address), String(Math.round(this.now()) + DEVICE_LOCK_MS), DEVICE_LOCK_MS + LOCK_SLACK_MS);
    const mustRotate = all >= WRONG_CODES_BEFORE_ROTATION.max;
    if (mustRotate) await this.wrongBeforeRotation.reset(deviceId);
    return { isLocked, mustRotate };
  }

  /** The device left: wrong codes from everywhere start over if its ID comes back. */
  forget(deviceId: string): Promise<void> {
    return this.wrongBeforeRotation.reset(deviceId);
  }
}

function pairKey(deviceId: string, address: string): string {
  return `${deviceId}/${address}`;
}

function lockKey(deviceId: string, address: string): string {
  return `code-lock:${deviceId}/${address}`;
}
