/** Versioned migrations: a new file gets the whole schema; an old file is upgraded; nothing runs twice. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { Database } from './Database.ts';
import { MIGRATIONS, type Migration } from './db/migrations.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'beacon-db-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a new file is migrated to the latest version, in WAL mode with foreign keys on', async () => {
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

test('an old file is upgraded by the later migrations only, and keeps its data', async () => {
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

test('a failing migration leaves the file at its previous version', async () => {
  const file = path.join(dir, 'broken.sqlite');
  const broken: Migration[] = [...MIGRATIONS, { version: MIGRATIONS.length + 1, description: 'broken', sql: 'CREATE TABLE x (a); SELECT nope FROM nowhere;' }];
  await assert.rejects(Database.open(file, broken));
  const db = await Database.open(file);
  assert.equal(await db.userVersion(), MIGRATIONS.length);
  assert.equal(await db.get("SELECT name FROM sqlite_master WHERE name = 'x'"), undefined);
  await db.close();
});
