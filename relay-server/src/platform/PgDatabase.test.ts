/**
 * The PostgreSQL engine on a real server (a throwaway one, see testing/PostgresServer.ts):
 * migrations, issue order, ids, errors in SQLite's words, append-only logs. Runs in both passes
 * of the suite; it needs Debian's postgresql package.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Database } from './Database.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';
import { PgDatabase } from './PgDatabase.ts';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../testing/testDatabase.ts';

describe('PostgreSQL engine', () => {
  const made: TestPostgresDatabase[] = [];
  let db: Database;
  const fresh = async (isEmpty = false) => {
    const d = await createTestPostgresDatabase({ isEmpty });
    made.push(d);
    return d.url;
  };
  before(async () => {
    db = await Database.open(await fresh());
  });
  after(async () => {
    await db.close();
    for (const d of made) await d.drop();
  });

  test('a new database is at the latest version, with SQLite-worded constraint errors', async () => {
    assert.equal(db.engine, 'postgres');
    assert.equal(await db.userVersion(), MIGRATIONS.length);
    await assert.rejects(
      db.run("INSERT INTO sessions (id, device_id, agent_id, requested_at, permissions, outcome) VALUES ('s', 'nope', 99, 0, '{}', 'pending')"),
      /FOREIGN KEY/,
    );
    await assert.rejects(db.run("INSERT INTO devices (device_id, registered_at, last_seen_at) VALUES ('1', 0, 0), ('1', 0, 0)"), /UNIQUE/);
    await assert.rejects(db.run("INSERT INTO recordings (session_id, status, started_at) VALUES ('x', 'bogus', 0)"), /CHECK|FOREIGN KEY/);
  });

  test('the event and audit logs refuse UPDATE and DELETE', async () => {
    await db.run("INSERT INTO session_events (device_id, at, kind, actor) VALUES ('1', 1, 'k', 'a')");
    await db.run("INSERT INTO audit_log (at, action) VALUES (1, 'x')");
    for (const table of ['session_events', 'audit_log']) {
      await assert.rejects(db.run(`UPDATE ${table} SET at = 2`), new RegExp(`${table} is append-only`));
      await assert.rejects(db.run(`DELETE FROM ${table}`), new RegExp(`${table} is append-only`));
    }
  });

  test('statements run in the order they were issued, without awaiting each write', async () => {
    const writes = Array.from({ length: 200 }, (_, i) => db.run("INSERT INTO session_events (device_id, at, kind, actor) VALUES ('order', ?, 'k', 'a')", [i]));
    const seen = await db.all("SELECT at FROM session_events WHERE device_id = 'order' ORDER BY id");
    assert.deepEqual(seen, Array.from({ length: 200 }, (_, i) => ({ at: i })));
    const ids = (await Promise.all(writes)).map((r) => r.lastId);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  });

  test('lastId, changes, INSERT OR IGNORE, NOCASE logins, LIKE ignoring case, numbers as numbers', async () => {
    const a = await db.run('INSERT INTO agents (login, display_name, password_hash, created_at) VALUES (?, ?, ?, ?)', ['Zed', 'Zed', 'h', 1_765_000_000_000]);
    assert.ok(a.lastId > 0);
    await assert.rejects(db.run("INSERT INTO agents (login, display_name, password_hash, created_at) VALUES ('zED', 'x', 'h', 0)"), /UNIQUE/);
    assert.deepEqual(await db.get('SELECT id, created_at FROM agents WHERE login = ?', ['ZED']), { id: a.lastId, created_at: 1_765_000_000_000 });
    const org = "INSERT OR IGNORE INTO organisation (id, name, created_at) VALUES (1, ?, 0)";
    assert.equal((await db.run(org, ['A'])).changes, 1);
    assert.equal((await db.run(org, ['B'])).changes, 0);
    assert.deepEqual(await db.get("SELECT COUNT(*) AS n, SUM(created_at) AS s FROM agents WHERE display_name LIKE 'z%'"), { n: 1, s: 1_765_000_000_000 });
    assert.deepEqual(await db.get('SELECT 1 < 2 AS yes'), { yes: 1 });
  });

  test('rows inserted with their own ids do not make later ids collide', async () => {
    await db.exec("INSERT INTO groups (id, name, created_at) VALUES (40, 'forty', 0)");
    const next = await db.run("INSERT INTO groups (name, created_at) VALUES ('next', 0)");
    assert.equal(next.lastId, 41);
  });

  test('an older database gets the later migrations only; a failing one leaves the previous version', async () => {
    const url = await fresh(true);
    const v1 = await PgDatabase.open(url, MIGRATIONS.slice(0, 1));
    assert.equal(await v1.userVersion(), 1);
    await v1.run("INSERT INTO devices (device_id, registered_at, last_seen_at) VALUES ('123456789', 1, 1)");
    await v1.close();
    const later: Migration[] = [...MIGRATIONS, { version: MIGRATIONS.length + 1, description: 'test: notes', sql: 'ALTER TABLE devices ADD COLUMN note TEXT' }];
    const upgraded = await PgDatabase.open(url, later);
    assert.equal(await upgraded.userVersion(), later.length);
    assert.deepEqual(await upgraded.get('SELECT device_id, note FROM devices'), { device_id: '123456789', note: null });
    await upgraded.close();
    const broken: Migration[] = [...later, { version: later.length + 1, description: 'broken', sql: 'CREATE TABLE x (a INTEGER); SELECT nope FROM nowhere;' }];
    await assert.rejects(PgDatabase.open(url, broken), /migration/);
    const again = await PgDatabase.open(url, later);
    assert.equal(await again.userVersion(), later.length);
    assert.equal(await again.get("SELECT 1 FROM information_schema.tables WHERE table_name = 'x'"), undefined);
    await again.close();
  });
});
