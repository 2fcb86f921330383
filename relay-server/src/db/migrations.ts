/**
 * The relay's schema, as an ordered list of migrations. `Database.open` applies every
 * entry newer than the file's `PRAGMA user_version`, so a relay upgraded later can open a
 * file written by this version. Never edit a shipped entry: append a new one.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const SESSION_OUTCOMES = [
  'pending',
  'active',
  'completed',
  'customer-stopped',
  'denied',
  'dropped',
  'consent-timeout',
] as const;

const outcomeList = SESSION_OUTCOMES.map((o) => `'${o}'`).join(', ');

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'agents, tokens, devices, sessions, append-only session events',
    sql: `
      CREATE TABLE agents (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        login TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        disabled_at INTEGER
      );

      CREATE TABLE agent_tokens (
        token_hash TEXT PRIMARY KEY,
        agent_id INTEGER NOT NULL REFERENCES agents(id),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
      CREATE INDEX agent_tokens_by_agent ON agent_tokens(agent_id);

      CREATE TABLE devices (
        device_id TEXT PRIMARY KEY,
        registered_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        address TEXT
      );

      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        device_id TEXT NOT NULL REFERENCES devices(device_id),
        agent_id INTEGER NOT NULL REFERENCES agents(id),
        requested_at INTEGER NOT NULL,
        started_at INTEGER,
        ended_at INTEGER,
        permissions TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN (${outcomeList})),
        end_reason TEXT
      );
      CREATE INDEX sessions_by_device ON sessions(device_id);
      CREATE INDEX sessions_by_agent ON sessions(agent_id, requested_at);

      -- The audit trail. device_id is not a foreign key on purpose: refused attempts name
      -- whatever ID was typed, and the log must outlive any cleanup of old devices.
      CREATE TABLE session_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT REFERENCES sessions(id),
        device_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        actor TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX session_events_by_session ON session_events(session_id, id);
      CREATE INDEX session_events_by_device ON session_events(device_id, id);

      -- Append-only: a record of who controlled which PC is worthless if it can be edited.
      CREATE TRIGGER session_events_no_update BEFORE UPDATE ON session_events
      BEGIN SELECT RAISE(ABORT, 'session_events is append-only'); END;
      CREATE TRIGGER session_events_no_delete BEFORE DELETE ON session_events
      BEGIN SELECT RAISE(ABORT, 'session_events is append-only'); END;
    `,
  },
];
