/**
 * The database a test gets. By default SQLite in memory; with BEACON_TEST_DATABASE=postgres a
 * fresh PostgreSQL database per relay (or per `openTestDatabase`), copied from a migrated
 * template and dropped when it closes. The server is the one BEACON_TEST_DATABASE_URL names
 * (tests/run-tests.mjs starts one for its PostgreSQL pass), or one this process starts.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Database } from '../platform/Database.ts';
import { PgDatabase } from '../platform/PgDatabase.ts';
import { MIGRATIONS } from '../platform/migrations.ts';
import { databaseUrl, startPostgresServer } from './PostgresServer.ts';

export const isPostgresTest = process.env['BEACON_TEST_DATABASE'] === 'postgres';

/** Held while the template is made, so two test processes do not both make it. */
const TEMPLATE_LOCK = 0x6265_6174;

let serverUrl: Promise<string> | null = null;
let template: Promise<string> | null = null;

/** The admin URL: the given server, or one this process starts (it does not keep the process alive). */
function adminUrl(): Promise<string> {
  serverUrl ??= (async () => process.env['BEACON_TEST_DATABASE_URL'] ?? (await startPostgresServer({ isDetached: true })).url())();
  return serverUrl;
}

/** Runs `fn` on a connection of its own, closed after (an open one would keep the test process alive). */
async function withAdmin<T>(fn: (client: pg.Client, url: string) => Promise<T>): Promise<T> {
  const url = await adminUrl();
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client, url);
  } finally {
    await client.end();
  }
}

/** A database with every migration applied, to copy (a copy is faster than migrating anew). */
function templateName(): Promise<string> {
  template ??= withAdmin(async (client, url) => {
    const name = `beacon_template_${MIGRATIONS.length}`;
    await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE ${name}`);
      await (await PgDatabase.open(databaseUrl(url, name))).close();
    }
    return name;
  });
  return template;
}

export interface TestPostgresDatabase {
  url: string;
  /** Drops the database (its connections are closed first). */
  drop(): Promise<void>;
}

/** A new PostgreSQL database at the latest schema version (`isEmpty`: with no schema at all). */
export async function createTestPostgresDatabase(o: { isEmpty?: boolean } = {}): Promise<TestPostgresDatabase> {
  const source = o.isEmpty ? 'template0' : await templateName();
  const name = `beacon_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = await withAdmin(async (client, admin) => {
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${source} STRATEGY FILE_COPY`);
    return databaseUrl(admin, name);
  });
  let dropping: Promise<void> | null = null;
  return {
    url,
    drop: () => (dropping ??= withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined)),
  };
}

/** A migrated database for a store test: SQLite in memory, or a fresh PostgreSQL one (dropped on close). */
export async function openTestDatabase(): Promise<Database> {
  if (!isPostgresTest) return Database.open(':memory:');
  const created = await createTestPostgresDatabase();
  const db = await Database.open(created.url);
  const close = db.close.bind(db);
  return Object.assign(db, { close: () => close().then(() => created.drop()) });
}
