/**
 * Reads and writes a test relay's database from the test: its SQLite file, or (in the suite's
 * PostgreSQL pass, BEACON_TEST_DATABASE=postgres) the PostgreSQL database Relay.ts gave it.
 * Statements are written once, with `?` placeholders, in SQL both engines accept.
 */
import pg from 'pg';
import sqlite3 from 'sqlite3';

/** Where a relay keeps its data: `databaseUrl` when it runs on PostgreSQL, else the SQLite file. */
export interface RelayDb {
  dbPath: string;
  databaseUrl?: string | undefined;
}

/** Counts (`COUNT(*)` is a bigint on PostgreSQL) come back as numbers, as they do from SQLite. */
const PG_TYPES = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format ?? 'text')),
} as pg.CustomTypesConfig;

/** `?` placeholders as PostgreSQL's `$1`, `$2`, … (the tests' statements have no `?` inside literals). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

async function onPostgres<T>(url: string, sql: string, params: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, types: PG_TYPES });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(numbered(sql), params)).rows as T[];
  } finally {
    await client.end();
  }
}

function onSqlite<T>(dbPath: string, mode: number, run: (db: sqlite3.Database, done: (err: Error | null, rows?: unknown[]) => void) => void): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(dbPath, mode, (err) => {
      if (err) return reject(err);
      run(db, (e, rows) => {
        db.close();
        if (e) reject(e);
        else resolve((rows ?? []) as T[]);
      });
    });
  });
}

/** Rows of a read (SQLite in WAL mode, so a reader never blocks the running relay). */
export function query<T>(db: RelayDb, sql: string, params: unknown[] = []): Promise<T[]> {
  if (db.databaseUrl) return onPostgres<T>(db.databaseUrl, sql, params);
  return onSqlite<T>(db.dbPath, sqlite3.OPEN_READONLY, (d, done) => d.all(sql, params, done));
}

/** A write, for a test that ages or damages what a relay stored. */
export async function execute(db: RelayDb, sql: string, params: unknown[] = []): Promise<void> {
  if (db.databaseUrl) await onPostgres(db.databaseUrl, sql, params);
  else await onSqlite(db.dbPath, sqlite3.OPEN_READWRITE, (d, done) => d.run(sql, params, (e) => done(e)));
}
