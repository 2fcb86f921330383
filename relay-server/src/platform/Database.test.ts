/**
 * SQLite files: versioned migrations (a new file gets the whole schema; an old file is upgraded;
 * nothing runs twice). SQLite-only, whatever BEACON_TEST_DATABASE says: these tests open files.
 * PgDatabase.test.ts checks the same on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { MeResponse, SessionList, SetupStatusResponse } from '@beacon/shared/api';
import { hashPassword } from '../accounts/secrets.ts';
import { Database } from './Database.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';
import { MemoryLogger } from './logger.ts';
import { startRelay } from '../RelayServer.ts';
import { loginAgent } from '../testing/NdcClient.ts';
import { TestApi } from '../testing/TestApi.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'beacon-db-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('SQLite: a new file is migrated to the latest version, in WAL mode with foreign keys on', async () => {
  const file = path.join(dir, 'new.sqlite');
  const db = await Database.open(file);
  assert.equal(await db.userVersion(), MIGRATIONS.length);
  assert.deepEqual(await db.get('PRAGMA journal_mode'), { journal_mode: 'wal' });
  await assert.rejects(
    db.run("INSERT INTO sessions (id, device_id, agent_id, requested_at, permissions, outcome) VALUES ('s', 'nope', 99, 0, '{}', 'pending')"),
    /FOREIGN KEY/,
  );
  await assert.rejects(db.run("INSERT INTO devices (device_id, registered_at, last_seen_at) VALUES ('1', 0, 0), ('1', 0, 0)"), /UNIQUE/);
  await db.close();
  await db.close();
});

test('SQLite: an old file is upgraded by the later migrations only, and keeps its data', async () => {
  const file = path.join(dir, 'old.sqlite');
  const v1 = await Database.open(file, MIGRATIONS.slice(0, 1));
  await v1.run("INSERT INTO devices (device_id, registered_at, last_seen_at) VALUES ('123456789', 1, 1)");
  await v1.close();
  const later: Migration[] = [
    ...MIGRATIONS,
    { version: MIGRATIONS.length + 1, description: 'test: notes', sql: 'ALTER TABLE devices ADD COLUMN note TEXT' },
  ];
  const upgraded = await Database.open(file, later);
  assert.equal(await upgraded.userVersion(), later.length);
  assert.deepEqual(await upgraded.get('SELECT device_id, note FROM devices'), { device_id: '123456789', note: null });
  await upgraded.close();
  // Opening again applies nothing twice (the ALTER would fail if it ran again).
  const again = await Database.open(file, later);
  assert.equal(await again.userVersion(), later.length);
  await again.close();
});

test('SQLite: a failing migration leaves the file at its previous version', async () => {
  const file = path.join(dir, 'broken.sqlite');
  const broken: Migration[] = [...MIGRATIONS, { version: MIGRATIONS.length + 1, description: 'broken', sql: 'CREATE TABLE x (a); SELECT nope FROM nowhere;' }];
  await assert.rejects(Database.open(file, broken));
  const db = await Database.open(file);
  assert.equal(await db.userVersion(), MIGRATIONS.length);
  assert.equal(await db.get("SELECT name FROM sqlite_master WHERE name = 'x'"), undefined);
  await db.close();
});

test('SQLite: a database written by schema version 1 opens with this code, is migrated, and keeps every row', async () => {
  const file = path.join(dir, 'from-v1.sqlite');
  const v1 = await Database.open(file, MIGRATIONS.slice(0, 1));
  assert.equal(await v1.userVersion(), 1);
  const hash = await hashPassword('old agent password');
  await v1.run('INSERT INTO agents (login, display_name, password_hash, created_at) VALUES (?, ?, ?, ?), (?, ?, ?, ?)', [
    'old.agent', '老坐席', hash, 1000, 'gone', 'Disabled One', hash, 1001,
  ]);
  await v1.run('UPDATE agents SET disabled_at = 2000 WHERE login = ?', ['gone']);
  await v1.run("INSERT INTO agent_tokens (token_hash, agent_id, created_at, expires_at) VALUES ('h1', 1, 1000, 99999999999999)");
  await v1.run("INSERT INTO devices (device_id, registered_at, last_seen_at, address) VALUES ('123456789', 10, 20, '10.0.0.5'), ('987654321', 30, 40, NULL)");
  for (let i = 0; i < 30; i++) {
    await v1.run(
      "INSERT INTO sessions (id, device_id, agent_id, requested_at, started_at, ended_at, permissions, outcome, end_reason) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?)",
      [`old-session-${i}`, i % 2 ? '123456789' : '987654321', 100_000 + i * 1000, 100_500 + i * 1000, 160_500 + i * 1000, '{"view":true,"control":true}', i % 3 ? 'completed' : 'denied', i % 3 ? 'agent-ended' : null],
    );
    await v1.run("INSERT INTO session_events (session_id, device_id, at, kind, actor, detail) VALUES (?, '123456789', ?, 'consent-granted', 'customer:123456789', '{}')", [
      `old-session-${i}`,
      100_500 + i * 1000,
    ]);
  }
  await v1.run("INSERT INTO session_events (session_id, device_id, at, kind, actor) VALUES (NULL, '555555555', 5, 'connect-refused', 'agent:old.agent')");
  const tables = ['agents', 'agent_tokens', 'devices', 'sessions', 'session_events'] as const;
  const columns: Record<string, string> = {
    agents: 'id, login, display_name, password_hash, created_at, disabled_at',
    agent_tokens: 'token_hash, agent_id, created_at, expires_at, revoked_at',
    devices: 'device_id, registered_at, last_seen_at, address',
    sessions: 'id, device_id, agent_id, requested_at, started_at, ended_at, permissions, outcome, end_reason',
    session_events: 'id, session_id, device_id, at, kind, actor, detail',
  };
  const before: Record<string, unknown[]> = {};
  for (const table of tables) before[table] = await v1.all(`SELECT ${columns[table]} FROM ${table} ORDER BY 1`);
  await v1.close();

  // The relay as shipped now opens the old file.
  const relay = await startRelay({ port: 0, host: '127.0.0.1', dbFile: file, logger: new MemoryLogger() });
  try {
    assert.equal(await relay.services.db.userVersion(), MIGRATIONS.length);
    for (const table of tables) {
      assert.deepEqual(await relay.services.db.all(`SELECT ${columns[table]} FROM ${table} ORDER BY 1`), before[table], `${table} kept every row`);
    }
    assert.deepEqual(await relay.services.db.all('SELECT role, concurrency_limit, deleted_at, locked_at FROM agents ORDER BY id'), [
      { role: 'agent', concurrency_limit: 3, deleted_at: null, locked_at: null },
      { role: 'agent', concurrency_limit: 3, deleted_at: null, locked_at: null },
    ]);
    await assert.rejects(relay.services.db.run("UPDATE session_events SET kind = 'x'"), /append-only/, 'the old table stays append-only');

    // The old account signs in (the disabled one does not); its history reads through the new log API.
    const api = new TestApi(relay.url);
    assert.deepEqual(await api.ok('GET', '/api/setup/status', SetupStatusResponse), { isSetupNeeded: true });
    const { token } = await loginAgent(relay.url, 'old.agent', 'old agent password');
    const me = await api.as(token).ok('GET', '/api/me', MeResponse);
    assert.deepEqual([me.account.role, me.account.displayName, me.organisation], ['agent', '老坐席', null]);
    assert.equal((await api.call('POST', '/api/login', { login: 'gone', password: 'old agent password' })).status, 403);
    const page = await api.as(token).ok('GET', '/api/sessions?limit=100', SessionList);
    assert.equal(page.sessions.length, 30);
    assert.deepEqual(page.sessions[0], {
      id: 'old-session-29',
      seat: { id: 1, login: 'old.agent', displayName: '老坐席', isDeleted: false },
      customer: null,
      deviceId: '123456789',
      requestedAt: 129_000,
      startedAt: 129_500,
      endedAt: 189_500,
      durationMs: 60_000,
      outcome: 'completed',
      endReason: 'agent-ended',
      permissions: { view: true, control: true },
    });
  } finally {
    await relay.close();
  }
});
