/**
 * The PostgreSQL engine (`BEACON_DATABASE_URL=postgres://…`).
 *
 * Order: every statement goes through ONE connection and a queue of ours (`send`): the next
 * statement is sent only when the previous one is done. So statements run in the order they
 * were issued, as on SQLite in serialized mode: a write the caller did not await is in before
 * any later read, and event rows keep the order things happened.
 *
 * Values come back as SQLite gives them: BIGINT and NUMERIC (COUNT, SUM) as numbers, booleans
 * as 1 / 0. Constraint errors carry SQLite's wording ("UNIQUE constraint failed", "FOREIGN KEY
 * constraint failed"…) so callers and tests match one message on both engines.
 */
import pg from 'pg';
import { z } from 'zod';
import { DatabaseClosedError, prepared, type Database, type RunResult, type SqlParams } from './Database.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';
import { insertTarget, insertsNaming, toPostgres } from './pgDialect.ts';

const OID = { bool: 16, int8: 20, numeric: 1700 } as const;

const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === OID.int8 || oid === OID.numeric) return (v: string) => Number(v);
    if (oid === OID.bool) return (v: string) => (v === 't' ? 1 : 0);
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** What the schema needs before the first migration: the version table and SQLite's NOCASE and RAISE. */
const PRELUDE = `
  CREATE TABLE IF NOT EXISTS beacon_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
  INSERT INTO beacon_schema (id, version) VALUES (1, 0) ON CONFLICT DO NOTHING;
  DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'nocase' AND collnamespace = current_schema()::regnamespace) THEN
      CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
    END IF;
  END $$;
  CREATE OR REPLACE FUNCTION beacon_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation'; END $$;
`;

/** Serialises concurrent migrations of several relays starting on one database. */
const MIGRATION_LOCK = 0x6265_6163;

const SQLSTATE_WORDS: Record<string, string> = {
  '23505': 'UNIQUE constraint failed',
  '23503': 'FOREIGN KEY constraint failed',
  '23514': 'CHECK constraint failed',
  '23502': 'NOT NULL constraint failed',
};

export class PgDatabaseError extends Error {
  constructor(
    message: string,
    readonly sqlState: string | undefined,
  ) {
    super(message);
    this.name = 'PgDatabaseError';
  }
}

function mapError(err: unknown, sql: string): Error {
  if (!(err instanceof Error)) return new Error(String(err));
  const e = err as Error & { code?: string; constraint?: string; detail?: string };
  const words = e.code ? SQLSTATE_WORDS[e.code] : undefined;
  if (!words) return new PgDatabaseError(`${e.message} (in: ${sql.trim().slice(0, 200)})`, e.code);
  return new PgDatabaseError(`${words}: ${e.constraint ?? ''} (${e.detail ?? e.message})`, e.code);
}

const VersionRow = z.object({ version: z.number().int().nonnegative() });
const IdentityRow = z.object({ table_name: z.string(), column_name: z.string() });

export class PgDatabase implements Database {
  readonly engine = 'postgres' as const;
  private isClosed = false;
  private closing: Promise<void> | null = null;
  /** Table → its identity column, whose value an INSERT returns as `lastId`. */
  private identities = new Map<string, string>();
  private readonly returning = new Map<string, string | null>();
  private readonly syncs = new Map<string, string[]>();
  /** The last statement sent; the next one waits for it. */
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(private readonly client: pg.Client) {}

  static async open(url: string, migrations: readonly Migration[] = MIGRATIONS): Promise<PgDatabase> {
    const client = new pg.Client({ connectionString: url, types: TYPES });
    const db = new PgDatabase(client);
    // A lost connection fails the statements in flight; without a listener it would crash the process.
    client.on('error', () => {
      db.isClosed = true;
    });
    await client.connect();
    return prepared(db, async () => {
      await db.send("SET client_min_messages = 'warning'");
      await db.migrate(migrations);
      await db.loadIdentities();
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  private send(text: string, params?: unknown[]): Promise<pg.QueryResult> {
    const sent = this.tail.then(() => this.client.query(text, params));
    this.tail = sent.catch(() => undefined);
    return sent;
  }

  private async query(sql: string, params: SqlParams = []): Promise<pg.QueryResult> {
    if (this.isClosed) throw new DatabaseClosedError();
    try {
      const result = this.send(toPostgres(sql), params as unknown[]);
      // Queued right behind the insert, so no other statement takes an id in between.
      const synced = this.identitySyncs(sql).map((q) => this.send(q));
      const [r] = await Promise.all([result, ...synced]);
      return r;
    } catch (err) {
      throw mapError(err, sql);
    }
  }

  /**
   * An INSERT that gives an identity column's value itself (SQLite's rowid allows it) leaves the
   * sequence behind; these statements move it past the largest id, as SQLite would continue.
   */
  private identitySyncs(sql: string): string[] {
    let syncs = this.syncs.get(sql);
    if (syncs === undefined) {
      syncs = insertsNaming(sql, this.identities).map((t) => {
        const c = this.identities.get(t) ?? 'id';
        return `SELECT setval(pg_get_serial_sequence('${t}', '${c}'), GREATEST((SELECT MAX(${c}) FROM ${t}), 1))`;
      });
      if (this.syncs.size < 2000) this.syncs.set(sql, syncs);
    }
    return syncs;
  }

  async run(sql: string, params: SqlParams = []): Promise<RunResult> {
    const column = this.returningColumn(sql);
    const r = await this.query(column ? `${sql.trimEnd().replace(/;$/, '')} RETURNING ${column} AS beacon_last_id` : sql, params);
    const row: unknown = r.rows[0];
    const lastId = column && typeof row === 'object' && row !== null ? Number((row as Record<string, unknown>)['beacon_last_id'] ?? 0) : 0;
    return { lastId, changes: r.rowCount ?? 0 };
  }

  async get(sql: string, params: SqlParams = []): Promise<unknown> {
    return (await this.query(sql, params)).rows[0];
  }

  async all(sql: string, params: SqlParams = []): Promise<unknown[]> {
    return (await this.query(sql, params)).rows;
  }

  async exec(sql: string): Promise<void> {
    await this.query(sql);
  }

  async barrier(): Promise<void> {
    await this.query('SELECT 1');
  }

  async userVersion(): Promise<number> {
    return VersionRow.parse(await this.get('SELECT version FROM beacon_schema WHERE id = 1')).version;
  }

  /**
   * Applies every migration newer than `beacon_schema.version`, each in one transaction with the
   * version bump (PostgreSQL's DDL is transactional), under an advisory lock so two relays
   * starting on one database do not both migrate.
   */
  async migrate(migrations: readonly Migration[]): Promise<number> {
    await this.exec('BEGIN');
    let current = 0;
    try {
      await this.send(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK}); ${PRELUDE}`);
      current = await this.userVersion();
      for (const m of migrations) {
        if (m.version <= current) continue;
        if (m.version !== current + 1) throw new Error(`migration ${m.version} does not follow version ${current}`);
        await this.applyOne(m);
        current = m.version;
      }
      await this.exec('COMMIT');
      return current;
    } catch (err) {
      // The migrations before the failing one stay, as on SQLite (each its own step).
      await this.exec(current > 0 ? 'COMMIT' : 'ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  private async applyOne(m: Migration): Promise<void> {
    await this.exec('SAVEPOINT beacon_migration');
    try {
      await this.send(m.postgres ?? toPostgres(m.sql));
      await this.run('UPDATE beacon_schema SET version = ? WHERE id = 1', [m.version]);
      await this.exec('RELEASE SAVEPOINT beacon_migration');
    } catch (err) {
      await this.exec('ROLLBACK TO SAVEPOINT beacon_migration').catch(() => undefined);
      throw mapError(err, `migration ${m.version} (${m.description})`);
    }
  }

  private async loadIdentities(): Promise<void> {
    const rows = await this.all(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'",
    );
    this.identities = new Map(rows.map((raw) => IdentityRow.parse(raw)).map((r) => [r.table_name, r.column_name]));
    this.returning.clear();
    this.syncs.clear();
  }

  private returningColumn(sql: string): string | null {
    let column = this.returning.get(sql);
    if (column === undefined) {
      const table = insertTarget(sql);
      column = table ? (this.identities.get(table) ?? null) : null;
      if (this.returning.size < 2000) this.returning.set(sql, column);
    }
    return column;
  }

  /** Idempotent; waits for queued statements, then closes the connection. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const wasOpen = !this.isClosed;
    this.isClosed = true;
    const drain = wasOpen ? this.send('SELECT 1').then(() => undefined, () => undefined) : Promise.resolve();
    this.closing = drain.then(() => this.client.end()).catch(() => undefined);
    return this.closing;
  }
}
