/**
 * The remote-control log's read side on its own database: keyset paging at 100k rows (the
 * query plan walks an index, no sort), the right page at any depth, statistics for a known
 * data set, and recovery of sessions a crash left open.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Database } from '../platform/Database.ts';
import { openTestDatabase } from '../testing/testDatabase.ts';
import { SessionHistory } from './SessionHistory.ts';

const ROWS = 100_000;
const BASE = Date.UTC(2025, 0, 1);
/** Row i: seat 1 + i % 3, two rows per second (so ties on requested_at are common), every 10th for customer 1. */
const seatOf = (i: number) => 1 + (i % 3);
const requestedAtOf = (i: number) => BASE + Math.floor(i / 2) * 1000;
const idOf = (i: number) => `s${String(i).padStart(8, '0')}`;

describe('SQLite: keyset paging at 100k sessions (the plans are SQLite\'s)', () => {
  let db: Database;
  let log: SessionHistory;

  before(async () => {
    db = await Database.open(':memory:');
    await db.exec(`
      INSERT INTO agents (id, login, display_name, password_hash, created_at) VALUES (1, 'a1', 'A1', 'x', 0), (2, 'a2', 'A2', 'x', 0), (3, 'a3', 'A3', 'x', 0);
      INSERT INTO devices (device_id, registered_at, last_seen_at) VALUES ('100000001', 0, 0);
      INSERT INTO customers (id, name, owner_account_id, created_at, updated_at) VALUES (1, 'C1', 1, 0, 0);
      WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS - 1})
      INSERT INTO sessions (id, device_id, agent_id, requested_at, started_at, ended_at, permissions, outcome, customer_id)
      SELECT printf('s%08d', i), '100000001', 1 + (i % 3), ${BASE} + (i / 2) * 1000, ${BASE} + (i / 2) * 1000 + 500,
             ${BASE} + (i / 2) * 1000 + 60500, '{"view":true,"control":true}',
             CASE WHEN i % 7 = 0 THEN 'denied' ELSE 'completed' END, CASE WHEN i % 10 = 0 THEN 1 END
      FROM n;
    `);
    log = new SessionHistory(db);
  });
  after(async () => {
    await db.close();
  });

  async function plan(sql: string, params: (string | number | null)[]): Promise<string> {
    const rows = (await db.all(`EXPLAIN QUERY PLAN ${sql}`, params)) as { detail: string }[];
    return rows.map((r) => r.detail).join(' | ');
  }

  test('each filter pages along its own index, with no sort step, from the start and from a cursor (with and without ANALYZE statistics)', async () => {
    await checkPlans();
    await db.exec('ANALYZE');
    await checkPlans();
  });

  async function checkPlans(): Promise<void> {
    const cursor = (await log.list({}, undefined, 50)).nextCursor ?? undefined;
    const cases: [string, Parameters<SessionHistory['pageQuery']>[0], string][] = [
      ['everything', {}, 'sessions_by_time'],
      ['one seat', { seat: 2 }, 'sessions_by_agent_time'],
      ['one customer', { customer: 1 }, 'sessions_by_customer_time'],
      ['a date range', { from: BASE + 1000_000, to: BASE + 2000_000 }, 'sessions_by_time'],
    ];
    for (const [what, filter, index] of cases) {
      for (const c of [undefined, cursor]) {
        const q = log.pageQuery(filter, c, 50);
        const p = await plan(q.sql, q.params);
        assert.match(p, new RegExp(`SEARCH s USING (COVERING )?INDEX ${index}|SCAN s USING (COVERING )?INDEX ${index}`), `${what}: ${p}`);
        assert.doesNotMatch(p, /TEMP B-TREE/, `${what} needs no sort: ${p}`);
      }
    }
  }

  test('a page deep in the log is exactly the next rows in (requestedAt, id) order, ties included', async () => {
    // Newest first: row i sorts by (requestedAt desc, id desc).
    const order = Array.from({ length: ROWS }, (_, i) => i).sort((a, b) => requestedAtOf(b) - requestedAtOf(a) || (idOf(b) < idOf(a) ? -1 : 1));
    const first = await log.list({}, undefined, 50);
    assert.deepEqual(first.sessions.map((s) => s.id), order.slice(0, 50).map(idOf));
    // Jump deep: a cursor is the last row's (requestedAt, id), so build the one after row 60_000.
    const pivot = order[59_999] ?? 0;
    const deep = await log.list({}, Buffer.from(JSON.stringify([requestedAtOf(pivot), idOf(pivot)])).toString('base64url'), 50);
    assert.deepEqual(deep.sessions.map((s) => s.id), order.slice(60_000, 60_050).map(idOf));
    const started = Date.now();
    let cursor = deep.nextCursor ?? undefined;
    for (let i = 0; i < 5; i++) cursor = (await log.list({}, cursor, 50)).nextCursor ?? undefined;
    const perPageMs = (Date.now() - started) / 5;
    assert.ok(perPageMs < 200, `a page takes ${perPageMs} ms`);

    const seat2 = order.filter((i) => seatOf(i) === 2);
    let page = await log.list({ seat: 2 }, undefined, 500);
    page = await log.list({ seat: 2 }, page.nextCursor ?? undefined, 500);
    assert.deepEqual(page.sessions.map((s) => s.id), seat2.slice(500, 1000).map(idOf));
    assert.ok(page.sessions.every((s) => s.seat.login === 'a2' && s.durationMs === 60_000));

    const denied = await log.list({ outcome: 'denied', from: BASE, to: BASE + 10_000 }, undefined, 50);
    assert.deepEqual(denied.sessions.map((s) => s.id), order.filter((i) => i % 7 === 0 && requestedAtOf(i) < BASE + 10_000).map(idOf));
    assert.equal(denied.nextCursor, null);
  });
});

describe('statistics and crash recovery', () => {
  let db: Database;
  let log: SessionHistory;
  const DAY1 = Date.UTC(2025, 2, 3, 10); // 18:00 in UTC+8
  const LATE = Date.UTC(2025, 2, 3, 17); // 01:00 the next day in UTC+8

  before(async () => {
    db = await openTestDatabase();
    await db.exec(`
      INSERT INTO agents (id, login, display_name, password_hash, created_at, deleted_at) VALUES (1, 'amy', 'Amy', 'x', 0, NULL), (2, 'ben~2', 'Ben', 'x', 0, 5);
      INSERT INTO devices (device_id, registered_at, last_seen_at) VALUES ('100000001', 0, 0);
    `);
    const rows: [string, number, number, number | null, number | null, string][] = [
      ['amy-done-1', 1, DAY1, DAY1 + 1000, DAY1 + 61_000, 'completed'],
      ['amy-done-2', 1, DAY1 + 5000, DAY1 + 6000, DAY1 + 126_000, 'customer-stopped'],
      ['amy-denied', 1, DAY1 + 9000, null, DAY1 + 12_000, 'denied'],
      ['amy-timeout', 1, LATE, null, LATE + 60_000, 'consent-timeout'],
      ['ben-dropped', 2, LATE + 1000, LATE + 2000, LATE + 32_000, 'dropped'],
      ['ben-withdrawn', 2, LATE + 5000, null, LATE + 6000, 'dropped'],
      ['ben-old', 2, DAY1 - 86_400_000 * 10, DAY1 - 86_400_000 * 10, DAY1 - 86_400_000 * 10 + 5000, 'completed'],
    ];
    for (const [id, agent, requested, started, ended, outcome] of rows) {
      await db.run(
        "INSERT INTO sessions (id, device_id, agent_id, requested_at, started_at, ended_at, permissions, outcome) VALUES (?, '100000001', ?, ?, ?, ?, '{\"view\":true,\"control\":false}', ?)",
        [id, agent, requested, started, ended, outcome],
      );
    }
    log = new SessionHistory(db);
  });
  after(async () => {
    await db.close();
  });

  test('per seat, per day (in the viewer\'s time zone) and in total: sessions, durations, denied and dropped', async () => {
    const s = await log.stats({ from: DAY1 - 3_600_000, to: LATE + 3_600_000, tzOffsetMinutes: 480 });
    assert.deepEqual(s.totals, { sessions: 3, requests: 6, totalDurationMs: 60_000 + 120_000 + 30_000, averageDurationMs: 70_000, denied: 2, dropped: 2 });
    assert.deepEqual(
      s.bySeat.map((b) => [b.seat.displayName, b.seat.login, b.seat.isDeleted, b.sessions, b.requests, b.totalDurationMs, b.averageDurationMs, b.denied, b.dropped]),
      [
        ['Amy', 'amy', false, 2, 4, 180_000, 90_000, 2, 0],
        ['Ben', 'ben', true, 1, 2, 30_000, 30_000, 0, 2],
      ],
    );
    assert.deepEqual(
      s.byDay.map((b) => [b.day, b.sessions, b.requests, b.totalDurationMs, b.denied, b.dropped]),
      [
        ['2025-03-03', 2, 3, 180_000, 1, 0],
        ['2025-03-04', 1, 3, 30_000, 1, 2],
      ],
    );
    const utc = await log.stats({ from: DAY1 - 3_600_000, to: LATE + 3_600_000 });
    assert.deepEqual(utc.byDay.map((b) => b.day), ['2025-03-03'], 'in UTC everything falls on one day');
    const all = await log.stats({});
    assert.equal(all.totals.requests, 7);
  });

  test('sessions a crash left pending or active are closed as dropped at their last event', async () => {
    await db.run("INSERT INTO sessions (id, device_id, agent_id, requested_at, started_at, permissions, outcome) VALUES ('live-one', '100000001', 1, 1000, 2000, '{\"view\":true,\"control\":false}', 'active')");
    await db.run("INSERT INTO sessions (id, device_id, agent_id, requested_at, permissions, outcome) VALUES ('asking-one', '100000001', 1, 3000, '{\"view\":true,\"control\":false}', 'pending')");
    await db.run("INSERT INTO session_events (session_id, device_id, at, kind, actor) VALUES ('live-one', '100000001', 9000, 'control-started', 'agent:amy')");
    assert.equal(await log.recoverInterrupted(), 2);
    const live = await log.get('live-one');
    assert.deepEqual([live?.outcome, live?.endedAt, live?.durationMs, live?.endReason], ['dropped', 9000, 7000, 'relay-shutdown']);
    const asking = await log.get('asking-one');
    assert.deepEqual([asking?.outcome, asking?.endedAt, asking?.durationMs], ['dropped', 3000, null]);
    assert.equal(await log.recoverInterrupted(), 0);
  });
});
