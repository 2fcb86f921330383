/**
 * The relay's database, on one of two engines: SQLite (the default, a file under the data
 * folder) or PostgreSQL (`BEACON_DATABASE_URL=postgres://…`). Callers write SQLite-flavoured SQL
 * with `?` parameters; the PostgreSQL engine translates it (see pgDialect.ts).
 *
 * Both engines run statements in the order they are issued, on one connection: the event log
 * relies on that to keep rows in the order things happened without awaiting each write, and a
 * read issued after a write sees it.
 */
import type { Migration } from './migrations.ts';

export type SqlValue = string | number | null;
export type SqlParams = readonly SqlValue[];

export interface RunResult {
  /** The generated id of the inserted row (0 when the statement inserted none). */
  lastId: number;
  changes: number;
}

export type DatabaseEngine = 'sqlite' | 'postgres';

export interface Database {
  readonly engine: DatabaseEngine;
  readonly closed: boolean;
  run(sql: string, params?: SqlParams): Promise<RunResult>;
  /** One row as `unknown` (undefined when there is none): callers parse it with a schema. */
  get(sql: string, params?: SqlParams): Promise<unknown>;
  all(sql: string, params?: SqlParams): Promise<unknown[]>;
  /** Statements without parameters, separated by `;`. */
  exec(sql: string): Promise<void>;
  /** Resolves once every statement issued before it has run. */
  barrier(): Promise<void>;
  /** The schema version: the last migration applied. */
  userVersion(): Promise<number>;
  /** Idempotent; waits for queued statements, then closes. */
  close(): Promise<void>;
}

export class DatabaseClosedError extends Error {
  readonly code = 'internal' as const;
  constructor() {
    super('the database is closed');
    this.name = 'DatabaseClosedError';
  }
}

/** Whether `target` names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/**
 * Opens `target` — a SQLite file, `:memory:`, or a `postgres://` URL — and applies pending
 * migrations. The engines load lazily, so a relay on SQLite never loads the PostgreSQL client.
 */
async function open(target: string, migrations?: readonly Migration[]): Promise<Database> {
  if (isPostgresUrl(target)) {
    const { PgDatabase } = await import('./PgDatabase.ts');
    return PgDatabase.open(target, migrations);
  }
  const { SqliteDatabase } = await import('./SqliteDatabase.ts');
  return SqliteDatabase.open(target, migrations);
}

export const Database = { open };

/** Runs an engine's setup on a just-opened database; on failure closes it and rethrows. */
export async function prepared<D extends Database>(db: D, setup: () => Promise<void>): Promise<D> {
  try {
    await setup();
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
