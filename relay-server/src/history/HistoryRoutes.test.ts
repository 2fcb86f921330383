/**
 * The remote-control log through the API: an agent reads only their own sessions, managers
 * read all; the CSV export (BOM, quoting, formula guard, time zone, language) and its audit
 * entry; statistics over the API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AuditList, Seat, SessionDetail, SessionList, StatsResponse } from '@beacon/shared/api';
import { loginAgent } from '../testing/NdcClient.ts';
import { TestApi } from '../testing/TestApi.ts';
import { TEST_AGENT, startTestRelay, type TestRelay } from '../testing/testRelay.ts';

let t: TestRelay;
let owner: TestApi;
let manager: TestApi;
let alice: TestApi;
let bob: TestApi;
let aliceId: number;
let bobId: number;
const T0 = Date.UTC(2025, 4, 1, 15, 30); // 23:30 in UTC+8

before(async () => {
  t = await startTestRelay();
  await t.relay.seedAccount({ login: 'olivia', password: 'owner passphrase', displayName: 'Olivia', role: 'owner' });
  const anon = new TestApi(t.relay.url);
  owner = anon.as((await loginAgent(t.relay.url, 'olivia', 'owner passphrase')).token);
  await owner.ok('POST', '/api/seats', Seat, { login: 'mia', displayName: 'Mia Manager', password: 'mia password', role: 'manager' }, 201);
  bobId = (await owner.ok('POST', '/api/seats', Seat, { login: 'bob', displayName: 'Bob "the fixer", Jr.', password: 'bob password', role: 'agent' }, 201)).id;
  aliceId = (await t.relay.services.accounts.seats()).find((s) => s.login === TEST_AGENT.login)?.id ?? 0;
  manager = anon.as((await loginAgent(t.relay.url, 'mia', 'mia password')).token);
  alice = anon.as((await loginAgent(t.relay.url, TEST_AGENT.login, TEST_AGENT.password)).token);
  bob = anon.as((await loginAgent(t.relay.url, 'bob', 'bob password')).token);

  await t.relay.services.db.run("INSERT INTO devices (device_id, registered_at, last_seen_at) VALUES ('123456789', 0, 0)");
  const tricky = await t.relay.services.customers.create(
    { id: bobId, login: 'bob', displayName: 'Bob', role: 'agent', groupIds: [] },
    { name: '=HYPERLINK("http://evil")', company: '声光, "传媒"\n二部', phone: '', notes: '', tags: [], sharedGroupId: null, isStarred: false },
  );
  const rows: [string, number, number, number | null, number | null, string, number | null][] = [
    ['alice-session-1', aliceId, T0, T0 + 2000, T0 + 92_000, 'completed', null],
    ['bob-session-1', bobId, T0 + 60_000, T0 + 61_000, T0 + 181_000, 'customer-stopped', tricky],
    ['bob-session-2', bobId, T0 + 3_600_000, null, T0 + 3_610_000, 'denied', null],
  ];
  for (const [id, agent, requested, started, ended, outcome, customer] of rows) {
    await t.relay.services.db.run(
      "INSERT INTO sessions (id, device_id, agent_id, requested_at, started_at, ended_at, permissions, outcome, end_reason, customer_id) VALUES (?, '123456789', ?, ?, ?, ?, ?, ?, ?, ?)",
      [id, agent, requested, started, ended, JSON.stringify({ view: true, control: agent === bobId }), outcome, started ? 'agent-ended' : null, customer],
    );
  }
  await t.relay.services.db.run("INSERT INTO session_events (session_id, device_id, at, kind, actor) VALUES ('bob-session-1', '123456789', ?, 'consent-granted', 'customer:123456789')", [T0 + 61_000]);
});
after(async () => {
  await t.relay.close();
});

const ids = (l: SessionList) => l.sessions.map((s) => s.id);

describe('who reads which sessions', () => {
  test("an agent reading another agent's session is refused and sees none of it", async () => {
    for (const path of ['/api/sessions/bob-session-1', `/api/sessions?seat=${bobId}`, `/api/sessions.csv?seat=${bobId}`]) {
      const a = await alice.call('GET', path);
      assert.equal(a.status, 403, path);
      assert.ok(!a.text.includes('HYPERLINK') && !a.text.includes('123456789'), `${path} leaks nothing`);
    }
    await alice.refused('PATCH', '/api/sessions/bob-session-1', 403, { customerId: null });
    assert.deepEqual(ids(await alice.ok('GET', '/api/sessions', SessionList)), ['alice-session-1']);
    assert.deepEqual(ids(await alice.ok('GET', `/api/sessions?seat=${aliceId}`, SessionList)), ['alice-session-1']);
    assert.equal((await alice.ok('GET', '/api/sessions/alice-session-1', SessionDetail)).session.seat.id, aliceId);
    await alice.refused('GET', '/api/sessions/no-such-session', 404);
  });

  test('managers read every session, filter by seat, customer and outcome, and see the event timeline', async () => {
    assert.deepEqual(ids(await manager.ok('GET', '/api/sessions', SessionList)), ['bob-session-2', 'bob-session-1', 'alice-session-1']);
    assert.deepEqual(ids(await manager.ok('GET', `/api/sessions?seat=${bobId}&outcome=denied`, SessionList)), ['bob-session-2']);
    assert.deepEqual(ids(await manager.ok('GET', `/api/sessions?from=${T0 + 1}&to=${T0 + 120_000}`, SessionList)), ['bob-session-1']);
    const detail = await manager.ok('GET', '/api/sessions/bob-session-1', SessionDetail);
    assert.deepEqual([detail.session.durationMs, detail.session.outcome, detail.events.map((e) => e.kind)], [120_000, 'customer-stopped', ['consent-granted']]);
    await manager.refused('GET', '/api/sessions?outcome=exploded', 400);
    await manager.refused('GET', '/api/sessions?limit=100000', 400);
    const page = await manager.ok('GET', '/api/sessions?limit=2', SessionList);
    assert.deepEqual(ids(await manager.ok('GET', `/api/sessions?limit=2&cursor=${page.nextCursor ?? ''}`, SessionList)), ['alice-session-1']);
  });

  test('statistics are for managers; the numbers match the log', async () => {
    await alice.refused('GET', '/api/stats', 403);
    const s = await manager.ok('GET', `/api/stats?from=${T0}&to=${T0 + 7_200_000}&tzOffsetMinutes=480`, StatsResponse);
    assert.deepEqual(s.totals, { sessions: 2, requests: 3, totalDurationMs: 210_000, averageDurationMs: 105_000, denied: 1, dropped: 0 });
    assert.deepEqual(s.bySeat.map((b) => [b.seat.id, b.requests, b.averageDurationMs]), [[aliceId, 1, 90_000], [bobId, 2, 120_000]]);
    assert.deepEqual(s.byDay.map((b) => [b.day, b.requests]), [['2025-05-01', 2], ['2025-05-02', 1]]);
  });
});

describe('CSV export', () => {
  async function csv(api: TestApi, query: string): Promise<{ text: string; bytes: Buffer; headers: Headers }> {
    const res = await fetch(new URL(`/api/sessions.csv${query}`, t.relay.url), { headers: { Authorization: `Bearer ${api.token ?? ''}` } });
    assert.equal(res.status, 200);
    const bytes = Buffer.from(await res.arrayBuffer());
    return { text: bytes.toString('utf8'), bytes, headers: res.headers };
  }

  test('UTF-8 with BOM, CRLF rows, quoted commas/quotes/newlines, formulas defused, times in the viewer\'s zone', async () => {
    const { text, bytes, headers } = await csv(manager, '?tzOffsetMinutes=480');
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.match(headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
    assert.match(headers.get('content-disposition') ?? '', /^attachment; filename="beacon-sessions-\d{8}\.csv"$/);
    const lines = text.slice(1).split('\r\n');
    assert.equal(lines.at(-1), '', 'ends with CRLF');
    assert.equal(lines[0], 'Session ID,Seat login,Seat,Customer,Company,Device ID,Requested (UTC+08:00),Start (UTC+08:00),End (UTC+08:00),Duration (s),Outcome,View granted,Control granted,End reason');
    assert.equal(lines.length, 1 + 3 + 1, 'the newline inside the quoted company cell does not end the row');
    assert.equal(lines[1], 'bob-session-2,bob,"Bob ""the fixer"", Jr.",,,123456789,2025-05-02 00:30:00,,2025-05-02 00:30:10,,denied,yes,yes,');
    assert.equal(
      lines[2],
      `bob-session-1,bob,"Bob ""the fixer"", Jr.","'=HYPERLINK(""http://evil"")","声光, ""传媒""\n二部",123456789,2025-05-01 23:31:00,2025-05-01 23:31:01,2025-05-01 23:33:01,120,customer stopped,yes,yes,agent-ended`,
    );
    assert.equal(lines[3], `alice-session-1,${TEST_AGENT.login},${TEST_AGENT.displayName},,,123456789,2025-05-01 23:30:00,2025-05-01 23:30:02,2025-05-01 23:31:32,90,completed,yes,no,agent-ended`);
  });

  test('headers and outcomes in Chinese on request; filters apply; an agent exports only their own; each export is audited', async () => {
    const zh = await csv(manager, `?lang=zh-CN&seat=${bobId}&outcome=denied`);
    const lines = zh.text.slice(1).split('\r\n');
    assert.match(lines[0] ?? '', /^会话 ID,坐席账号,坐席,客户,公司,设备识别码,请求时间（UTC\+00:00）/);
    assert.match(lines[1] ?? '', /,客户已拒绝,是,是,$/);
    assert.equal(lines.length, 3);
    const own = await csv(alice, '');
    assert.deepEqual(own.text.split('\r\n').slice(1, -1).map((l) => l.split(',')[0]), ['alice-session-1']);
    const audit = await owner.ok('GET', '/api/audit', AuditList);
    const exports = audit.entries.filter((e) => e.action === 'export');
    assert.equal(exports.length, 3);
    assert.deepEqual([exports[0]?.actor?.login, exports[0]?.detail.filter], [TEST_AGENT.login, { seat: aliceId }]);
    assert.deepEqual(exports[1]?.detail.filter, { seat: bobId, outcome: 'denied' });
  });
});
