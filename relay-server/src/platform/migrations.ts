/**
 * The relay's schema, as an ordered list of migrations. `Database.open` applies every
 * entry newer than the database's schema version (SQLite: `PRAGMA user_version`; PostgreSQL:
 * the `beacon_schema` table), so a relay upgraded later can open a database written by this
 * version. Never edit a shipped entry: append a new one.
 *
 * `sql` is written for SQLite; on PostgreSQL it is translated (pgDialect.ts: AUTOINCREMENT,
 * INTEGER as BIGINT, append-only triggers...). Prefer SQL both engines accept; where that is not
 * possible, give the PostgreSQL text beside it in `postgres`.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
  /** The PostgreSQL form of `sql`, when the translation cannot make it. */
  postgres?: string;
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
  {
    version: 2,
    description: 'organisation, roles, groups, lockout, customer directory, session log indexes, audit log',
    sql: `
      -- One organisation per relay; the CHECK keeps it that way.
      CREATE TABLE organisation (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        settings TEXT NOT NULL DEFAULT '{}'
      );

      -- First-run setup links: only the hash is kept, and a token works once.
      CREATE TABLE setup_tokens (
        token_hash TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        used_at INTEGER
      );

      -- Seats. Accounts from version 1 become agents. deleted_at is a soft delete: the row
      -- stays so that sessions and audit entries stay attributed.
      ALTER TABLE agents ADD COLUMN role TEXT NOT NULL DEFAULT 'agent' CHECK (role IN ('owner', 'admin', 'manager', 'agent'));
      ALTER TABLE agents ADD COLUMN concurrency_limit INTEGER NOT NULL DEFAULT 3 CHECK (concurrency_limit >= 1);
      ALTER TABLE agents ADD COLUMN deleted_at INTEGER;
      ALTER TABLE agents ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE agents ADD COLUMN locked_at INTEGER;
      ALTER TABLE agents ADD COLUMN last_login_at INTEGER;

      CREATE TABLE groups (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE account_groups (
        account_id INTEGER NOT NULL REFERENCES agents(id),
        group_id INTEGER NOT NULL REFERENCES groups(id),
        PRIMARY KEY (account_id, group_id)
      ) WITHOUT ROWID;
      CREATE INDEX account_groups_by_group ON account_groups(group_id, account_id);

      CREATE TABLE customers (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        company TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        notes TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '[]',
        owner_account_id INTEGER NOT NULL REFERENCES agents(id),
        shared_group_id INTEGER REFERENCES groups(id),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX customers_by_owner ON customers(owner_account_id);
      CREATE INDEX customers_by_group ON customers(shared_group_id);
      CREATE TABLE customer_stars (
        account_id INTEGER NOT NULL REFERENCES agents(id),
        customer_id INTEGER NOT NULL REFERENCES customers(id),
        starred_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, customer_id)
      ) WITHOUT ROWID;

      ALTER TABLE sessions ADD COLUMN customer_id INTEGER REFERENCES customers(id);
      ALTER TABLE devices ADD COLUMN customer_id INTEGER REFERENCES customers(id);

      -- The remote-control log pages newest first on (requested_at, id), optionally for one
      -- seat or one customer; each of these indexes serves one of those orders without a sort.
      DROP INDEX sessions_by_agent;
      CREATE INDEX sessions_by_time ON sessions(requested_at, id);
      CREATE INDEX sessions_by_agent_time ON sessions(agent_id, requested_at, id);
      CREATE INDEX sessions_by_customer_time ON sessions(customer_id, requested_at, id);

      -- Administrative actions. actor_account_id is null when the relay acted by itself.
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        actor_account_id INTEGER REFERENCES agents(id),
        action TEXT NOT NULL,
        target_type TEXT,
        target_id TEXT,
        target_label TEXT,
        detail TEXT NOT NULL DEFAULT '{}'
      );
      -- Append-only, like session_events: an audit trail that can be edited proves nothing.
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    `,
  },
  {
    version: 3,
    description: 'session recordings, timeline events on the media clock',
    sql: `
      -- One row per recorded session, written when recording starts, so a recording the
      -- relay loses (crash, disk) is still on record and can be shown as failed, never missing.
      -- file_name is relative to the recordings folder. started_at is media time 0 (relay clock).
      CREATE TABLE recordings (
        session_id TEXT PRIMARY KEY REFERENCES sessions(id),
        status TEXT NOT NULL CHECK (status IN ('recording', 'finalising', 'ready', 'failed', 'deleted')),
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        file_name TEXT,
        container TEXT CHECK (container IN ('webm', 'mp4')),
        codec TEXT,
        width INTEGER,
        height INTEGER,
        duration_ms INTEGER,
        size_bytes INTEGER,
        frames INTEGER,
        is_recovered INTEGER NOT NULL DEFAULT 0,
        failure_code TEXT,
        failure_detail TEXT,
        finalised_at INTEGER,
        deleted_at INTEGER,
        deleted_reason TEXT CHECK (deleted_reason IN ('age', 'size'))
      );
      -- Retention walks ready recordings oldest first.
      CREATE INDEX recordings_by_status_time ON recordings(status, started_at);

      -- Where an event sits in its session's recording (ms after recordings.started_at).
      ALTER TABLE session_events ADD COLUMN media_ms INTEGER;
    `,
  },
  {
    version: 4,
    description: 'chat messages, session files (attachments, screenshots), quick replies',
    sql: `
      -- Attachments and screenshots stored under the relay's files folder; stored_name is
      -- relative to it. A row exists only for a complete file: partial uploads never get one.
      CREATE TABLE session_files (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL REFERENCES sessions(id),
        at INTEGER NOT NULL,
        sender_role TEXT NOT NULL CHECK (sender_role IN ('customer', 'agent')),
        purpose TEXT NOT NULL CHECK (purpose IN ('chat', 'screenshot')),
        transfer_id TEXT NOT NULL,
        name TEXT NOT NULL,
        mime TEXT NOT NULL,
        size INTEGER NOT NULL,
        stored_name TEXT NOT NULL
      );
      CREATE INDEX session_files_by_session ON session_files(session_id, id);

      CREATE TABLE chat_messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL REFERENCES sessions(id),
        at INTEGER NOT NULL,
        sender_role TEXT NOT NULL CHECK (sender_role IN ('customer', 'agent')),
        sender_name TEXT NOT NULL,
        text TEXT NOT NULL,
        file_id INTEGER REFERENCES session_files(id)
      );
      CREATE INDEX chat_messages_by_session ON chat_messages(session_id, id);

      -- One editable list per seat, as a JSON array of strings.
      CREATE TABLE quick_replies (
        account_id INTEGER PRIMARY KEY REFERENCES agents(id),
        replies TEXT NOT NULL DEFAULT '[]',
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 5,
    description: 'service desk: help requests, their events, agents\' desk state, desk settings',
    sql: `
      -- One row per help request, updated as it moves; desk_events keeps every move. org_id
      -- names the organisation (one per relay today) so the desk's rows say whose they are.
      -- device_id is not a foreign key, as in session_events: the row outlives device cleanup.
      CREATE TABLE desk_requests (
        id TEXT PRIMARY KEY,
        org_id INTEGER NOT NULL DEFAULT 1,
        group_id INTEGER REFERENCES groups(id),
        customer_name TEXT NOT NULL,
        phone TEXT,
        description TEXT NOT NULL,
        device_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('waiting', 'offered', 'assigned', 'closed', 'left', 'expired', 'messaged')),
        agent_id INTEGER REFERENCES agents(id),
        -- The wait estimated at creation (null: nobody could take it) and the wait it had.
        estimate_ms INTEGER,
        assigned_at INTEGER,
        first_response_at INTEGER,
        ended_at INTEGER
      );
      CREATE INDEX desk_requests_by_time ON desk_requests(org_id, created_at);
      CREATE INDEX desk_requests_open ON desk_requests(state) WHERE state IN ('waiting', 'offered', 'assigned');

      CREATE TABLE desk_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        request_id TEXT NOT NULL REFERENCES desk_requests(id),
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        agent_id INTEGER REFERENCES agents(id),
        actor_id INTEGER REFERENCES agents(id),
        detail TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX desk_events_by_request ON desk_events(request_id, id);
      CREATE INDEX desk_events_by_kind_time ON desk_events(kind, at);
      -- Append-only like session_events: supervisors' dispatches and transfers are on record.
      CREATE TRIGGER desk_events_no_update BEFORE UPDATE ON desk_events
      BEGIN SELECT RAISE(ABORT, 'desk_events is append-only'); END;
      CREATE TRIGGER desk_events_no_delete BEFORE DELETE ON desk_events
      BEGIN SELECT RAISE(ABORT, 'desk_events is append-only'); END;

      -- What an agent set at the desk, kept across reloads and restarts.
      CREATE TABLE desk_agents (
        account_id INTEGER PRIMARY KEY REFERENCES agents(id),
        state TEXT NOT NULL CHECK (state IN ('available', 'busy', 'away')),
        concurrency_limit INTEGER NOT NULL CHECK (concurrency_limit >= 0),
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE desk_settings (
        org_id INTEGER PRIMARY KEY,
        settings TEXT NOT NULL DEFAULT '{}',
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 6,
    description: 'id_blocks: blocks of row IDs each relay reserves (chat messages first)',
    sql: `
      -- Blocks of row IDs each relay reserves (IdBlocks.ts): unique across relays on one database.
      CREATE TABLE id_blocks (
        name TEXT PRIMARY KEY,
        next_id INTEGER NOT NULL
      );
    `,
  },
  {
    version: 7,
    description: 'chat_messages.participant_role: a guest\'s or monitor\'s message keeps its role after a reload',
    sql: `
      -- Who of the agents wrote it, besides the session's own agent: 'guest' or 'monitor' (NULL: the session's agent, or the customer).
      ALTER TABLE chat_messages ADD COLUMN participant_role TEXT;
    `,
  },
];
