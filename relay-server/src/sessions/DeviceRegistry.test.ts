/**
 * IDs, codes, rotation and the defences around code checking, with an injectable clock; the
 * defences kept in memory and in Redis (what several relays share).
 */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, test } from 'node:test';
import { LIMITS } from '@beacon/shared/protocol';
import type { Database } from '../platform/Database.ts';
import { openTestDatabase } from '../testing/testDatabase.ts';
import {
  CODE_ALPHABET,
  DEVICE_LOCK_MS,
  DeviceRegistry,
  NEW_DEVICES_PER_ADDRESS,
  UNUSED_DEVICE_TTL_MS,
  WRONG_CODES_BEFORE_ROTATION,
  WRONG_CODES_PER_ADDRESS,
  constantTimeEqual,
  type DeviceCode,
} from './DeviceRegistry.ts';
import { MemoryLogger } from '../platform/logger.ts';
import type { SharedState } from '../platform/shared/SharedState.ts';
import { openTestSharedState, SHARED_STATE_KINDS } from '../testing/testSharedState.ts';

let clock = 1_700_000_000_000;
let db: Database;
let registry: DeviceRegistry;
let changes: DeviceCode[];
let state: SharedState | undefined;
after(async () => {
  await db.close();
  await state?.close();
});

function wrongCodeFor(code: string): string {
  return code === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA';
}

for (const kind of SHARED_STATE_KINDS) describe(`device registry (defences in ${kind})`, () => {
  beforeEach(async () => {
    await db?.close();
    await state?.close();
    db = await openTestDatabase();
    state = await openTestSharedState(kind, { now: () => clock });
    registry = new DeviceRegistry(db, new MemoryLogger(), { now: () => clock, state, relayId: 'relay-a' });
    changes = [];
    registry.onCodeChange((d) => changes.push(d));
  });

  test('an address gets 30 new IDs a minute; the next is refused, others are not, and a minute later it may again', async () => {
    for (let i = 0; i < NEW_DEVICES_PER_ADDRESS.max; i++) await registry.register('198.51.100.7');
    await assert.rejects(registry.register('198.51.100.7'), (err: Error & { code?: string }) => err.code === 'rate-limited');
    await registry.register('198.51.100.8');
    await registry.register('127.0.0.1');
    clock += NEW_DEVICES_PER_ADDRESS.windowMs + 1;
    await registry.register('198.51.100.7');
  });

  test('IDs never used are forgotten a day after they were last seen; used, linked and online ones stay', async () => {
    const used = await registry.register(null);
    const linked = await registry.register(null);
    const online = await registry.register(null);
    const unused = await registry.register(null);
    const fresh = await registry.register(null);
    for (const d of [used, linked, unused]) registry.unregister(d.deviceId);
    await db.run("INSERT INTO agents (id, login, display_name, password_hash, created_at) VALUES (1, 'a', 'A', 'x', 1)");
    await db.run("INSERT INTO sessions (id, device_id, agent_id, requested_at, permissions, outcome) VALUES ('s1', ?, 1, ?, '{}', 'completed')", [used.deviceId, clock]);
    await db.run('INSERT INTO customers (id, name, owner_account_id, created_at, updated_at) VALUES (1, ?, 1, ?, ?)', ['Ada', clock, clock]);
    await db.run('UPDATE devices SET customer_id = 1 WHERE device_id = ?', [linked.deviceId]);
    clock += UNUSED_DEVICE_TTL_MS + 1000;
    registry.unregister(fresh.deviceId);
    assert.equal(await registry.pruneUnused(), 1);
    const left = (await db.all('SELECT device_id FROM devices')).map((r) => (r as { device_id: string }).device_id).sort();
    assert.deepEqual(left, [used.deviceId, linked.deviceId, online.deviceId, fresh.deviceId].sort());
  });

  test('IDs are unique 9-digit numbers and codes use the unambiguous alphabet', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const d = await registry.register(`10.0.0.${i}`);
      assert.match(d.deviceId, /^[1-9]\d{8}$/);
      assert.equal(d.code.length, 6);
      for (const ch of d.code) assert.ok(CODE_ALPHABET.includes(ch), `unexpected ${ch}`);
      ids.add(d.deviceId);
    }
    assert.equal(ids.size, 50);
    assert.ok(!/[01OI]/.test(CODE_ALPHABET));
    const rows = await db.all('SELECT device_id FROM devices');
    assert.equal(rows.length, 50);
  });

  test('the code rotates when asked (after an attempt) and is pushed to listeners', async () => {
    const d = await registry.register(null);
    const next = registry.rotate(d.deviceId);
    assert.ok(next);
    assert.notEqual(next.code, d.code);
    assert.deepEqual(changes, [next]);
    assert.deepEqual(await registry.check(d.deviceId, d.code, 'a'), { ok: false, code: 'wrong-code' });
    assert.deepEqual(await registry.check(d.deviceId, next.code, 'a'), { ok: true });
  });

  test('the code rotates by itself after 10 minutes, not before', async () => {
    const d = await registry.register(null);
    clock += LIMITS.codeLifetimeMs - 1000;
    registry.sweep();
    assert.equal(changes.length, 0);
    assert.deepEqual(await registry.check(d.deviceId, d.code, 'a'), { ok: true });
    clock += 1000;
    registry.sweep();
    assert.equal(changes.length, 1);
    assert.equal(changes[0]?.codeExpiresAt, clock + LIMITS.codeLifetimeMs);
    assert.deepEqual(await registry.check(d.deviceId, d.code, 'a'), { ok: false, code: 'wrong-code' });
  });

  test('an expired code is refused even if the sweep has not run yet', async () => {
    const d = await registry.register(null);
    clock += LIMITS.codeLifetimeMs;
    assert.deepEqual(await registry.check(d.deviceId, d.code, 'a'), { ok: false, code: 'wrong-code' });
    assert.equal(changes.length, 1);
  });

  test('5 wrong codes within a minute lock that address out of the ID for a minute, even with the right code; others still connect', async () => {
    const d = await registry.register(null);
    const wrong = wrongCodeFor(d.code);
    for (let i = 0; i < 5; i++) {
      clock += 1000;
      assert.deepEqual(await registry.check(d.deviceId, wrong, 'guesser'), { ok: false, code: 'wrong-code' });
    }
    assert.deepEqual(await registry.check(d.deviceId, d.code, 'guesser'), { ok: false, code: 'locked' });
    assert.deepEqual(await registry.check(d.deviceId, d.code, 'the real agent'), { ok: true }, 'a stranger cannot lock the customer out');
    clock += DEVICE_LOCK_MS - 1;
    assert.deepEqual(await registry.check(d.deviceId, d.code, 'guesser'), { ok: false, code: 'locked' });
    clock += 1;
    assert.deepEqual(await registry.check(d.deviceId, d.code, 'guesser'), { ok: true });
    // The lock's expiry also forgives the old failures: one more miss does not re-lock.
    assert.deepEqual(await registry.check(d.deviceId, wrong, 'guesser'), { ok: false, code: 'wrong-code' });
    assert.deepEqual(await registry.check(d.deviceId, d.code, 'guesser'), { ok: true });
  });

  test('wrong codes for one ID from many addresses replace its code', async () => {
    const d = await registry.register(null);
    const wrong = wrongCodeFor(d.code);
    for (let i = 0; i < WRONG_CODES_BEFORE_ROTATION.max - 1; i++) await registry.check(d.deviceId, wrong, `bot${i}`);
    assert.equal(changes.length, 0);
    await registry.check(d.deviceId, wrong, 'bot-last');
    assert.equal(changes.length, 1);
    assert.notEqual(changes[0]?.code, d.code);
    assert.deepEqual(await registry.check(d.deviceId, d.code, 'x'), { ok: false, code: 'wrong-code' }, 'the old code is gone');
  });

  test('wrong codes spread over more than a minute do not lock', async () => {
    const d = await registry.register(null);
    for (let i = 0; i < 8; i++) {
      clock += 15_000;
      assert.equal((await registry.check(d.deviceId, wrongCodeFor(d.code), 'a')).ok, false);
    }
    assert.deepEqual(await registry.check(d.deviceId, d.code, 'a'), { ok: true });
  });

  test('one address is rate-limited after 30 wrong codes or unknown IDs in 5 minutes; others are not', async () => {
    const devices = await Promise.all(Array.from({ length: 8 }, () => registry.register(null)));
    let n = 0;
    for (const d of devices) {
      for (let i = 0; i < 3 && n < WRONG_CODES_PER_ADDRESS.max - 6; i++, n++) await registry.check(d.deviceId, wrongCodeFor(d.code), 'attacker');
    }
    for (; n < WRONG_CODES_PER_ADDRESS.max; n++) assert.equal((await registry.check('100000000', 'AAAAAA', 'attacker')).ok, false);
    const target = devices[7] as DeviceCode;
    assert.deepEqual(await registry.check(target.deviceId, target.code, 'attacker'), { ok: false, code: 'rate-limited' });
    assert.deepEqual(await registry.check(target.deviceId, target.code, 'colleague'), { ok: true });
    clock += WRONG_CODES_PER_ADDRESS.windowMs + 1;
    assert.deepEqual(await registry.check(target.deviceId, target.code, 'attacker'), { ok: true });
  });

  test('an offline device is unknown, and its code dies with it', async () => {
    const d = await registry.register(null);
    registry.unregister(d.deviceId);
    assert.deepEqual(await registry.check(d.deviceId, d.code, 'a'), { ok: false, code: 'unknown-device' });
    assert.equal(registry.rotate(d.deviceId), null);
  });
});

describe('constantTimeEqual', () => {
  test('matches equal strings only, whatever the lengths', () => {
    assert.equal(constantTimeEqual('K7P2QX', 'K7P2QX'), true);
    assert.equal(constantTimeEqual('K7P2QX', 'K7P2QY'), false);
    assert.equal(constantTimeEqual('K7P2QX', 'k7p2qx'), false);
    assert.equal(constantTimeEqual('K7P2QX', 'K7P2QX0'), false);
    assert.equal(constantTimeEqual('', ''), true);
    assert.equal(constantTimeEqual('', 'A'), false);
  });
});

describe('device registries of two relays on one Redis', () => {
  test('each sees which relay holds a device, and wrong guesses on both add up', async () => {
    const prefix = `test:cluster:${process.pid}:${clock}:`;
    const [sa, sb] = [await openTestSharedState('redis', { prefix }), await openTestSharedState('redis', { prefix })];
    const [dbA, dbB] = [await openTestDatabase(), await openTestDatabase()];
    const a = new DeviceRegistry(dbA, new MemoryLogger(), { state: sa, relayId: 'relay-a' });
    const b = new DeviceRegistry(dbB, new MemoryLogger(), { state: sb, relayId: 'relay-b' });
    const d = await a.register('198.51.100.7');
    assert.equal(await b.owner(d.deviceId), 'relay-a');
    assert.equal(await b.owner('999999999'), null);
    const half = WRONG_CODES_PER_ADDRESS.max / 2;
    for (let i = 0; i < half; i++) assert.equal((await a.check('100000001', 'AAAAAA', 'guesser')).ok, false);
    for (let i = 0; i < half; i++) assert.equal((await b.check('100000001', 'AAAAAA', 'guesser')).ok, false);
    assert.deepEqual(await a.check(d.deviceId, d.code, 'guesser'), { ok: false, code: 'rate-limited' }, 'relay A counts what B saw');
    a.unregister(d.deviceId);
    for (let i = 0; i < 50 && (await b.owner(d.deviceId)) !== null; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await b.owner(d.deviceId), null, 'a device that left is held by nobody');
    await Promise.all([sa.close(), sb.close(), dbA.close(), dbB.close()]);
  });
});
