/** Queue statistics on a known, seeded set of help requests and events. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Database } from '../platform/Database.ts';
import { openTestDatabase } from '../testing/testDatabase.ts';
import { DeskStats } from './DeskStats.ts';

const H = Date.UTC(2026, 2, 2, 15); // 23:00 in UTC+8
const S = 1000;
let db: Database;

/** [id, group, state, agent, created (s after H), estimate s, assigned s, first response s, ended s, transfers, alerts] */
type Seed = [string, number | null, string, number | null, number, number | null, number | null, number | null, number | null, number, number];
const SEEDS: Seed[] = [
  ['r1', 5, 'closed', 1, 0, 30, 40, 70, 640, 0, 1],
  ['r2', 5, 'closed', 2, 60, 60, 160, 200, 460, 1, 0],
  ['r3', null, 'closed', 1, 120, 0, 130, null, 1330, 0, 0],
  ['r4', null, 'left', null, 3700, 120, null, null, 3800, 0, 0],
  ['r5', 5, 'expired', null, 3800, null, null, null, 4300, 0, 0],
  ['r6', null, 'messaged', null, 3900, null, null, null, 3950, 0, 0],
  ['r7', 5, 'assigned', 2, 4000, 0, 4600, 4610, null, 0, 2],
];

before(async () => {
  db = await openTestDatabase();
  await db.exec(`
    INSERT INTO agents (id, login, display_name, password_hash, created_at, deleted_at) VALUES (1, 'ann', 'Ann', 'x', 0, NULL), (2, 'ben~2', 'Ben', 'x', 0, 5);
    INSERT INTO groups (id, name, created_at) VALUES (5, 'Printers', 0);
  `);
  for (const [id, group, state, agent, created, estimate, assigned, first, ended, transfers, alerts] of SEEDS) {
    const ms = (s: number | null) => (s === null ? null : H + s * S);
    await db.run(
      `INSERT INTO desk_requests (id, group_id, customer_name, description, device_id, created_at, state, agent_id, estimate_ms, assigned_at, first_response_at, ended_at)
       VALUES (?, ?, 'C', '', '123456789', ?, ?, ?, ?, ?, ?, ?)`,
      [id, group, ms(created), state, agent, estimate === null ? null : estimate * S, ms(assigned), ms(first), ms(ended)],
    );
    for (let i = 0; i < transfers; i++) await db.run("INSERT INTO desk_events (request_id, at, kind) VALUES (?, ?, 'transfer-accepted')", [id, H]);
    for (let i = 0; i < alerts; i++) await db.run("INSERT INTO desk_events (request_id, at, kind) VALUES (?, ?, 'no-reply-alert')", [id, H]);
  }
});
after(async () => {
  await db.close();
});

test('waits, abandons, first response, handle time per agent and group, transfers, alerts and the estimate’s error', async () => {
  const s = await new DeskStats(db).stats({ tzOffsetMinutes: 480 });
  assert.deepEqual(s.byHour, [
    { hour: '2026-03-02T23', requests: 3 },
    { hour: '2026-03-03T00', requests: 4 },
  ]);
  // Waits 40, 100, 10, 600 s: median 70, p90 between 100 and 600 at rank 2.7.
  assert.deepEqual([s.requests, s.waitMedianMs, s.waitP90Ms], [7, 70 * S, 450 * S]);
  assert.deepEqual([s.abandoned, s.expired, s.messaged], [1, 1, 1]);
  // First responses 70, 140, 610 s after the request.
  assert.equal(s.firstResponseMedianMs, 140 * S);
  assert.deepEqual(s.byAgent, [
    { seat: { id: 1, login: 'ann', displayName: 'Ann', isDeleted: false }, sessions: 2, medianHandleMs: 900 * S, totalHandleMs: 1800 * S },
    { seat: { id: 2, login: 'ben', displayName: 'Ben', isDeleted: true }, sessions: 1, medianHandleMs: 300 * S, totalHandleMs: 300 * S },
  ]);
  assert.deepEqual(s.byGroup, [
    { groupId: 5, groupName: 'Printers', sessions: 2, medianHandleMs: 450 * S, totalHandleMs: 900 * S },
    { groupId: null, groupName: null, sessions: 1, medianHandleMs: 1200 * S, totalHandleMs: 1200 * S },
  ]);
  // Estimate errors 40-30, 100-60, 10-0, 600-0 s (all waited longer than told); listed newest first.
  const { requests, ...estimate } = s.estimate;
  assert.deepEqual([s.transfers, s.noReplyAlerts, estimate], [1, 3, { samples: 4, medianAbsErrorMs: 25 * S, medianErrorMs: 25 * S }]);
  assert.deepEqual(
    requests.map((e) => [e.helpRequestId, e.estimateMs / S, e.waitMs / S]),
    [['r7', 0, 600], ['r3', 0, 10], ['r2', 60, 100], ['r1', 30, 40]],
  );
});

test('the range bounds the requests by when they were made', async () => {
  const s = await new DeskStats(db).stats({ from: H + 3600 * S, to: H + 4000 * S });
  assert.deepEqual([s.requests, s.abandoned, s.waitMedianMs, s.byAgent, s.estimate.samples], [3, 1, null, [], 0]);
});
