/**
 * The desk on a real database (a SQLite file, or with BEACON_TEST_DATABASE=postgres a
 * PostgreSQL database per file name, opened again the same way after a restart): a request's life lands in `desk_requests` and the
 * append-only `desk_events`; an agent's state and limit, and the desk settings, survive a
 * restart; requests a crashed run left open are ended; no-reply alerts come from the tick.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { Accounts } from '../accounts/Accounts.ts';
import { Database } from '../platform/Database.ts';
import { MemoryLogger } from '../platform/logger.ts';
import { createTestPostgresDatabase, isPostgresTest, type TestPostgresDatabase } from '../testing/testDatabase.ts';
import { Desk } from './Desk.ts';
import type { DeskEvent } from './deskModel.ts';
import { DEFAULT_DESK_SETTINGS, DeskStore } from './DeskStore.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'beacon-desk-'));
const pgDatabases = new Map<string, Promise<TestPostgresDatabase>>();
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const d of pgDatabases.values()) await (await d).drop();
});

/** Where `file` lives on the engine under test; the same name opens the same database again. */
async function target(file: string): Promise<string> {
  if (!isPostgresTest) return path.join(dir, file);
  if (!pgDatabases.has(file)) pgDatabases.set(file, createTestPostgresDatabase());
  return (await pgDatabases.get(file))?.url ?? '';
}

let t = Date.UTC(2026, 0, 5, 9);
const now = () => t;
const MIN = 60_000;
const HELP = { customerName: '王芳', phone: '+86 10 1234 5678', description: 'The printer says offline', groupId: null };

interface Running {
  db: Database;
  desk: Desk;
  store: DeskStore;
  events: DeskEvent[];
}

async function open(file: string): Promise<Running> {
  const db = await Database.open(await target(file));
  const log = new MemoryLogger();
  const store = new DeskStore(db, log, now);
  const desk = new Desk({ store, seats: new Accounts(db, now), log, now });
  await desk.start();
  const events: DeskEvent[] = [];
  desk.subscribe((e) => events.push(e));
  return { db, desk, store, events };
}

async function seedSeats(db: Database): Promise<void> {
  await db.exec(`
    INSERT INTO agents (id, login, display_name, password_hash, created_at, concurrency_limit) VALUES (1, 'ann', 'Ann', 'x', 0, 2), (2, 'ben', 'Ben', 'x', 0, 3);
    INSERT INTO groups (id, name, created_at) VALUES (5, 'Printers', 0);
    INSERT INTO account_groups (account_id, group_id) VALUES (1, 5), (2, 5);
  `);
}

describe('the desk in its database', () => {
  test('a request’s life is stored as it moves, and the event log refuses edits', async () => {
    const { db, desk, store } = await open('life.sqlite');
    await seedSeats(db);
    await desk.setOnline(1, true);
    await desk.setOnline(2, true);
    const r = desk.create(HELP, '123456789');
    desk.queue.decline(r.id, 1);
    t += 5000;
    desk.queue.accept(r.id, 2);
    t += MIN;
    desk.noteMessage(r.id, 'agent');
    desk.noteMessage(r.id, 'agent');
    desk.queue.requestTransfer(r.id, 2, { kind: 'agent', agentId: 1 }, 'toner', 2);
    desk.queue.acceptTransfer(r.id, 1);
    t += 10 * MIN;
    desk.queue.close(r.id);
    await db.barrier();
    const row = await store.request(r.id);
    assert.deepEqual(
      { state: row?.state, agent: row?.agent_id, phone: row?.phone, wait: (row?.assigned_at ?? 0) - (row?.created_at ?? 0), firstResponse: (row?.first_response_at ?? 0) - (row?.created_at ?? 0), handle: (row?.ended_at ?? 0) - (row?.assigned_at ?? 0) },
      { state: 'closed', agent: 1, phone: HELP.phone, wait: 5000, firstResponse: 5000 + MIN, handle: 11 * MIN },
    );
    const kinds = (await store.events(r.id)).map((e) => `${e.kind}:${e.agentId ?? '-'}`);
    assert.deepEqual(kinds, ['created:-', 'offered:1', 'declined:1', 'offered:2', 'assigned:2', 'first-response:2', 'transfer-requested:2', 'transfer-offered:1', 'transfer-accepted:1', 'closed:1']);
    await assert.rejects(db.run('UPDATE desk_events SET kind = ? WHERE request_id = ?', ['x', r.id]), /append-only/);
    await assert.rejects(db.run('DELETE FROM desk_events'), /append-only/);
    desk.close();
    await db.close();
  });

  test('an agent’s state and limit, and the desk settings, are kept across a restart; a limit above the seat’s is refused', async () => {
    const first = await open('restart.sqlite');
    await seedSeats(first.db);
    assert.deepEqual(await first.desk.agentDesk(1), { state: 'available', concurrencyLimit: 2, maxConcurrencyLimit: 2 });
    await first.desk.updateAgent(1, { state: 'away', concurrencyLimit: 1 });
    await assert.rejects(first.desk.updateAgent(1, { concurrencyLimit: 3 }), { code: 'bad-message' });
    await first.desk.updateSettings({ offerTimeoutSec: 15, customerEndSec: 600 });
    await assert.rejects(first.desk.updateSettings({ customerReminderSec: 900 }), { code: 'bad-message' });
    first.desk.close();
    await first.db.close();

    const again = await open('restart.sqlite');
    assert.deepEqual(await again.desk.agentDesk(1), { state: 'away', concurrencyLimit: 1, maxConcurrencyLimit: 2 });
    assert.deepEqual(again.desk.settings, { ...DEFAULT_DESK_SETTINGS, offerTimeoutSec: 15, customerEndSec: 600 });
    await again.desk.setOnline(1, true);
    assert.deepEqual([again.desk.queue.agent(1).state, again.desk.queue.agent(1).limit], ['away', 1]);
    await again.db.run("UPDATE desk_settings SET settings = '{\"offerTimeoutSec\": 1, \"agentNoReplySec\": 120}'");
    assert.deepEqual(await again.store.settings(), { ...DEFAULT_DESK_SETTINGS, agentNoReplySec: 120 });
    again.desk.close();
    await again.db.close();
  });

  test('requests a stopped relay left open are ended at the next start, and its handle times feed the estimate', async () => {
    const first = await open('crash.sqlite');
    await seedSeats(first.db);
    await first.desk.setOnline(1, true);
    const done = first.desk.create(HELP, '123456789');
    first.desk.queue.accept(done.id, 1);
    t += 4 * MIN;
    first.desk.queue.close(done.id);
    const assigned = first.desk.create(HELP, '123456789');
    first.desk.queue.accept(assigned.id, 1);
    const waiting = first.desk.create({ ...HELP, groupId: 5 }, '123456789');
    t += 2 * MIN;
    await first.db.barrier();
    await first.db.close(); // no desk.close(): as if killed

    const again = await open('crash.sqlite');
    assert.deepEqual([(await again.store.request(assigned.id))?.state, (await again.store.request(waiting.id))?.state], ['closed', 'expired']);
    assert.equal((await again.store.openRequests()).length, 0);
    await again.desk.setOnline(2, true);
    const next = again.desk.create(HELP, '123456789');
    const after = again.desk.create(HELP, '123456789');
    // Handle times 4 min and 0 (the recovered one closes at its last event): median 2 min, over 3 slots.
    assert.deepEqual([next.estimateMs, after.estimateMs], [0, 0]);
    again.desk.queue.setLimit(2, 1);
    assert.equal(again.desk.queue.estimate(after.id), (2 * MIN) / 1);
    again.desk.close();
    await again.db.close();
  });

  test('the tick raises a no-reply alert to the group once, reminds a silent customer, then ends the chat', async () => {
    const { db, desk, store, events } = await open('alerts.sqlite');
    await seedSeats(db);
    await desk.setOnline(1, true);
    const r = desk.create({ ...HELP, groupId: 5 }, '123456789');
    desk.queue.accept(r.id, 1);
    t += 5 * MIN;
    desk.tick();
    desk.tick();
    assert.deepEqual(events.filter((e) => e.kind === 'no-reply-alert').map((e) => [e.agentId, e.detail.groupId]), [[1, 5]]);
    desk.noteMessage(r.id, 'agent');
    t += 5 * MIN;
    desk.tick();
    desk.setRemoteSessionLive(r.id, true);
    t += 3 * MIN;
    desk.tick();
    assert.equal(desk.queue.findRequest(r.id)?.state.kind, 'assigned');
    desk.setRemoteSessionLive(r.id, false);
    desk.tick();
    await db.barrier();
    assert.deepEqual((await store.events(r.id)).map((e) => e.kind).slice(-4), ['no-reply-alert', 'first-response', 'customer-reminder', 'closed']);
    assert.deepEqual((await store.events(r.id)).at(-1)?.detail, { handleMs: 13 * MIN, reason: 'customer-silent' });
    desk.close();
    await db.close();
  });
});
