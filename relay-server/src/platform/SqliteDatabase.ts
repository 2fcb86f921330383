/**
 * The SQLite engine (the default): a small promise wrapper around `sqlite3`. The connection
 * runs in serialized mode, so statements execute in the order they are issued: the event log
 * relies on that to keep rows in the order things happened without awaiting each write.
 */
import sqlite3 from 'sqlite3';
import { z } from 'zod';
import { DatabaseClosedError, prepared, type Database, type RunResult, type SqlParams } from './Database.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';

const BUSY_TIMEOUT_MS = 5000;
const UserVersionRow = z.object({ user_version: z.number().int().nonnegative() });

export class SqliteDatabase implements Database {
  readonly engine = 'sqlite' as const;
  private isClosed = false;
  private closing: Promise<void> | null = null;

  private constructor(private readonly db: sqlite3.Database) {}

  /** Opens (creating if needed) the file, sets the pragmas and applies pending migrations. */
  static async open(file: string, migrations: readonly Migration[] = MIGRATIONS): Promise<SqliteDatabase> {
    const raw = await new Promise<sqlite3.Database>((resolve, reject) => {
      const d = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(d)));
    });
    raw.serialize();
    raw.configure('busyTimeout', BUSY_TIMEOUT_MS);
    const db = new SqliteDatabase(raw);
    return prepared(db, async () => {
      // WAL lets readers (a back-office export) run while the relay writes.
      if (file !== ':memory:') await db.get('PRAGMA journal_mode=WAL');
      await db.exec('PRAGMA foreign_keys=ON');
      await db.migrate(migrations);
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  run(sql: string, params: SqlParams = []): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      if (this.isClosed) return reject(new DatabaseClosedError());
      this.db.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(err);
        else resolve({ lastId: this.lastID, changes: this.changes });
      });
    });
  }

  /** One row as `unknown`: callers parse it with a schema. */
  get(sql: string, params: SqlParams = []): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.isClosed) return reject(new DatabaseClosedError());
      this.db.get(sql, params, (err: Error | null, row: unknown) => (err ? reject(err) : resolve(row)));
    });
  }

  all(sql: string, params: SqlParams = []): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      if (this.isClosed) return reject(new DatabaseClosedError());
      this.db.all(sql, params, (err: Error | null, rows: unknown[]) => (err ? reject(err) : resolve(rows)));
    });
  }

  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.isClosed) return reject(new DatabaseClosedError());
      this.db.exec(sql, (err: Error | null) => (err ? reject(err) : resolve()));
    });
  }

  /** Resolves once every statement issued before it has run (serialized mode). */
  async barrier(): Promise<void> {
    await this.get('SELECT 1');
  }

  async userVersion(): Promise<number> {
    return UserVersionRow.parse(await this.get('PRAGMA user_version')).user_version;
  }

  /**
   * Applies every migration newer than `PRAGMA user_version`, each in its own transaction
   * together with the version bump, so a crash leaves the file at a whole version.
   */
  async migrate(migrations: readonly Migration[]): Promise<number> {
    let current = await this.userVersion();
    for (const m of migrations) {
      if (m.version <= current) continue;
      if (m.version !== current + 1) throw new Error(`migration ${m.version} does not follow version ${current}`);
      await this.exec('BEGIN IMMEDIATE');
      try {
        await this.exec(m.sql);
        await this.exec(`PRAGMA user_version = ${m.version}`);
        await this.exec('COMMIT');
      } catch (err) {
        await this.exec('ROLLBACK').catch(() => undefined);
        throw err;
      }
      current = m.version;
    }
    return current;
  }

  /** Idempotent; waits for queued statements, then closes the file. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.isClosed = true;
    this.closing = new Promise((resolve) => this.db.close(() => resolve()));
    return this.closing;
  }
}
