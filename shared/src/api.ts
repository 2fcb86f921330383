import { z } from 'zod';
import { AccountRole, CustomerId, DeviceId, LoginResponse, SessionId, SessionPermissions } from './protocol.ts';

/**
 * The relay's HTTP API beyond sign-in: accounts and roles, the customer directory and the
 * back-office (remote-control log, statistics, audit log, settings). Every request body and
 * query is parsed with these schemas on the relay, and every response can be parsed with
 * them by a client. relay-server/API.md lists which endpoint uses which schema and which
 * role it needs. Errors are always `ApiError` (shared/src/protocol.ts).
 *
 * Times are epoch milliseconds (UTC). IDs of accounts, groups and customers are integers;
 * session IDs are strings. Lists page with an opaque `cursor`: pass back `nextCursor`
 * until it is null.
 */

/* ---------- building blocks ---------- */

const EpochMs = z.number().int().nonnegative();
/** Query values arrive as strings; an empty one counts as absent. */
const blankToUndefined = (v: unknown): unknown => (v === '' ? undefined : v);
const QueryInt = (min: number, max: number) => z.preprocess(blankToUndefined, z.coerce.number().int().min(min).max(max).optional());
const QueryBool = z.preprocess(
  blankToUndefined,
  z
    .enum(['1', '0', 'true', 'false'])
    .transform((v) => v === '1' || v === 'true')
    .optional(),
);
const QueryText = (max: number) => z.preprocess(blankToUndefined, z.string().trim().max(max).optional());
const Cursor = z.string().max(200);
const QueryCursor = z.preprocess(blankToUndefined, Cursor.optional());

/** Sign-in names: no spaces and no `~` (the relay frees a deleted seat's login with it). */
export const AccountLogin = z
  .string()
  .trim()
  .regex(/^[^\s~]{2,64}$/u, 'a login is 2 to 64 characters without spaces or ~');
export const Password = z.string().min(8, 'a password has at least 8 characters').max(512);
export const DisplayName = z.string().trim().min(1).max(120);
export const OrganisationName = z.string().trim().min(1).max(120);
export const GroupId = z.number().int().positive();
export const AccountId = z.number().int().positive();
/** How many sessions (pending or active) one seat may have at once. */
export const ConcurrencyLimit = z.number().int().min(1).max(50);
/** UTC offset of the viewer's time zone in minutes east of UTC (China: 480); days and CSV times use it. */
export const TzOffsetMinutes = z.number().int().min(-14 * 60).max(14 * 60);

export const GroupRef = z.object({ id: GroupId, name: z.string() });
export type GroupRef = z.infer<typeof GroupRef>;
/** A seat as other records name it; `isDeleted` seats keep their name in history. */
export const SeatRef = z.object({ id: AccountId, login: z.string(), displayName: z.string(), isDeleted: z.boolean() });
export type SeatRef = z.infer<typeof SeatRef>;

/* ---------- first-run setup, sign-in, me ---------- */

/** `GET /api/setup/status` (no sign-in needed). */
export const SetupStatusResponse = z.object({ isSetupNeeded: z.boolean() });
export type SetupStatusResponse = z.infer<typeof SetupStatusResponse>;

/** `POST /api/setup`: the token from the link the relay printed on its first start. */
export const SetupRequest = z.object({
  token: z.string().min(1).max(256),
  organisationName: OrganisationName,
  owner: z.object({ login: AccountLogin, displayName: DisplayName, password: Password }),
});
export type SetupRequest = z.infer<typeof SetupRequest>;
/** The owner is signed in straight away. */
export const SetupResponse = LoginResponse;
export type SetupResponse = z.infer<typeof SetupResponse>;

/** The signed-in seat, as `GET /api/me` shows it. */
export const Account = z.object({
  id: AccountId,
  login: z.string(),
  displayName: z.string(),
  role: AccountRole,
  groups: z.array(GroupRef),
  concurrencyLimit: ConcurrencyLimit,
});
export type Account = z.infer<typeof Account>;

export const MeResponse = z.object({
  account: Account,
  organisation: z.object({ name: z.string() }).nullable(),
  /** When the token used for this request expires. */
  expiresAt: EpochMs,
});
export type MeResponse = z.infer<typeof MeResponse>;

/** `POST /api/me/password`: other sign-ins of this seat are signed out. */
export const ChangePasswordRequest = z.object({ currentPassword: z.string().min(1).max(512), newPassword: Password });
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

/* ---------- groups ---------- */

export const Group = z.object({ id: GroupId, name: z.string(), memberCount: z.number().int().nonnegative() });
export type Group = z.infer<typeof Group>;
export const GroupList = z.object({ groups: z.array(Group) });
export type GroupList = z.infer<typeof GroupList>;
export const CreateGroupRequest = z.object({ name: z.string().trim().min(1).max(60) });
export type CreateGroupRequest = z.infer<typeof CreateGroupRequest>;

/* ---------- seats ---------- */

/** A pending (customer being asked) or active session of a seat, live from the relay. */
export const LiveSession = z.object({
  id: SessionId,
  deviceId: DeviceId,
  state: z.enum(['pending', 'active']),
  requestedAt: EpochMs,
  startedAt: EpochMs.nullable(),
  customerId: CustomerId.nullable(),
});
export type LiveSession = z.infer<typeof LiveSession>;

export const Seat = z.object({
  id: AccountId,
  login: z.string(),
  displayName: z.string(),
  role: AccountRole,
  groups: z.array(GroupRef),
  concurrencyLimit: ConcurrencyLimit,
  isDisabled: z.boolean(),
  /** Locked after too many wrong passwords, until `POST /api/seats/:id/unlock`. */
  isLocked: z.boolean(),
  /** Has at least one live signalling connection. */
  isOnline: z.boolean(),
  /** How many sessions are live now (pending or active). */
  busy: z.number().int().nonnegative(),
  currentSessions: z.array(LiveSession),
  createdAt: EpochMs,
  lastLoginAt: EpochMs.nullable(),
});
export type Seat = z.infer<typeof Seat>;
export const SeatList = z.object({ seats: z.array(Seat) });
export type SeatList = z.infer<typeof SeatList>;

export const CreateSeatRequest = z.object({
  login: AccountLogin,
  displayName: DisplayName,
  password: Password,
  role: AccountRole.default('agent'),
  groupIds: z.array(GroupId).max(50).default([]),
  /** Defaults to the organisation's `defaultConcurrencyLimit`. */
  concurrencyLimit: ConcurrencyLimit.optional(),
});
export type CreateSeatRequest = z.infer<typeof CreateSeatRequest>;

export const UpdateSeatRequest = z
  .object({
    displayName: DisplayName.optional(),
    role: AccountRole.optional(),
    groupIds: z.array(GroupId).max(50).optional(),
    concurrencyLimit: ConcurrencyLimit.optional(),
    isDisabled: z.boolean().optional(),
  })
  .refine((r) => Object.values(r).some((v) => v !== undefined), 'change at least one field');
export type UpdateSeatRequest = z.infer<typeof UpdateSeatRequest>;

/** Without `password`, the relay makes up a temporary one and returns it once. */
export const ResetPasswordRequest = z.object({ password: Password.optional() });
export type ResetPasswordRequest = z.infer<typeof ResetPasswordRequest>;
export const ResetPasswordResponse = z.object({ temporaryPassword: z.string().nullable() });
export type ResetPasswordResponse = z.infer<typeof ResetPasswordResponse>;

/* ---------- customer directory ---------- */

export const CustomerName = z.string().trim().min(1).max(120);
export const Tag = z.string().trim().min(1).max(40);
const CustomerFields = {
  company: z.string().trim().max(120),
  phone: z.string().trim().max(40),
  /** Business information: what they have, what was done last time. */
  notes: z.string().max(4000),
  tags: z.array(Tag).max(20),
};

export const Customer = z.object({
  id: CustomerId,
  name: z.string(),
  ...CustomerFields,
  owner: SeatRef,
  /** The group the record is shared with (its members may use it), or null. */
  sharedGroup: GroupRef.nullable(),
  /** Starred by the calling seat. */
  isStarred: z.boolean(),
  createdAt: EpochMs,
  updatedAt: EpochMs,
  lastSessionAt: EpochMs.nullable(),
});
export type Customer = z.infer<typeof Customer>;

/** `GET /api/customers`: `q` searches name, company, phone, tags and notes; starred records come first. */
export const CustomerListQuery = z.object({
  q: QueryText(200),
  /** Only the caller's starred records. */
  starred: QueryBool,
  cursor: QueryCursor,
  limit: QueryInt(1, 200),
});
export type CustomerListQuery = z.infer<typeof CustomerListQuery>;
export const CustomerList = z.object({ customers: z.array(Customer), nextCursor: Cursor.nullable() });
export type CustomerList = z.infer<typeof CustomerList>;

export const CreateCustomerRequest = z.object({
  name: CustomerName,
  company: CustomerFields.company.default(''),
  phone: CustomerFields.phone.default(''),
  notes: CustomerFields.notes.default(''),
  tags: CustomerFields.tags.default([]),
  sharedGroupId: GroupId.nullable().default(null),
  isStarred: z.boolean().default(false),
});
export type CreateCustomerRequest = z.infer<typeof CreateCustomerRequest>;

export const UpdateCustomerRequest = z
  .object({
    name: CustomerName.optional(),
    company: CustomerFields.company.optional(),
    phone: CustomerFields.phone.optional(),
    notes: CustomerFields.notes.optional(),
    tags: CustomerFields.tags.optional(),
    sharedGroupId: GroupId.nullable().optional(),
    /** Owners and admins only: hand the record to another seat. */
    ownerAccountId: AccountId.optional(),
  })
  .refine((r) => Object.values(r).some((v) => v !== undefined), 'change at least one field');
export type UpdateCustomerRequest = z.infer<typeof UpdateCustomerRequest>;

export const StarResponse = z.object({ isStarred: z.boolean() });
export type StarResponse = z.infer<typeof StarResponse>;

/** `GET /api/devices/:deviceId`: the customer last linked to this device ID, if the caller may see it. */
export const DeviceDetails = z.object({
  deviceId: DeviceId,
  isOnline: z.boolean(),
  registeredAt: EpochMs,
  lastSeenAt: EpochMs,
  customer: Customer.nullable(),
});
export type DeviceDetails = z.infer<typeof DeviceDetails>;

/* ---------- remote-control log ---------- */

/**
 * How a session turned out (stored per session):
 * - `pending`: the customer is being asked (live);
 * - `active`: running now (live);
 * - `completed`: the agent ended it;
 * - `customer-stopped`: the customer pressed Stop;
 * - `denied`: the customer declined (or pressed Stop while being asked);
 * - `consent-timeout`: the customer did not answer in time;
 * - `dropped`: a side went offline, the relay shut down, or the agent withdrew the request
 *   before consent.
 */
export const SESSION_OUTCOMES = ['pending', 'active', 'completed', 'customer-stopped', 'denied', 'dropped', 'consent-timeout'] as const;
export const SessionOutcome = z.enum(SESSION_OUTCOMES);
export type SessionOutcome = z.infer<typeof SessionOutcome>;

export const SessionRow = z.object({
  id: SessionId,
  seat: SeatRef,
  customer: z.object({ id: CustomerId, name: z.string(), company: z.string() }).nullable(),
  deviceId: DeviceId,
  /** When the agent asked (the log is ordered by this, newest first). */
  requestedAt: EpochMs,
  /** When the customer consented; null if the session never started. */
  startedAt: EpochMs.nullable(),
  endedAt: EpochMs.nullable(),
  /** endedAt - startedAt; null until it has started and ended. */
  durationMs: z.number().int().nonnegative().nullable(),
  outcome: SessionOutcome,
  /** The end reason (`EndReason`) when it ended after starting. */
  endReason: z.string().nullable(),
  /** What the customer was asked for and granted on consent (`view: false`: a voice-only session). */
  permissions: SessionPermissions,
});
export type SessionRow = z.infer<typeof SessionRow>;

/** Filters of `GET /api/sessions` and `GET /api/sessions.csv`; `from`/`to` bound `requestedAt` (`from` <= t < `to`). */
export const SessionListQuery = z.object({
  seat: QueryInt(1, Number.MAX_SAFE_INTEGER),
  customer: QueryInt(1, Number.MAX_SAFE_INTEGER),
  from: QueryInt(0, Number.MAX_SAFE_INTEGER),
  to: QueryInt(0, Number.MAX_SAFE_INTEGER),
  outcome: z.preprocess(blankToUndefined, SessionOutcome.optional()),
  cursor: QueryCursor,
  limit: QueryInt(1, 500),
  /** CSV only: the time zone its start/end columns are written in (default UTC). */
  tzOffsetMinutes: QueryInt(-840, 840),
});
export type SessionListQuery = z.infer<typeof SessionListQuery>;
/** `GET /api/sessions.csv`: the list filters plus the language of its headers and outcomes (`en` or `zh-CN`; others fall back). */
export const SessionCsvQuery = SessionListQuery.extend({ lang: QueryText(35) });
export type SessionCsvQuery = z.infer<typeof SessionCsvQuery>;
export const SessionList = z.object({ sessions: z.array(SessionRow), nextCursor: Cursor.nullable() });
export type SessionList = z.infer<typeof SessionList>;

/** One entry of a session's event timeline (consent, control, end). */
export const SessionEventEntry = z.object({
  at: EpochMs,
  kind: z.string(),
  actor: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export const SessionDetail = z.object({ session: SessionRow, events: z.array(SessionEventEntry) });
export type SessionDetail = z.infer<typeof SessionDetail>;

/** `PATCH /api/sessions/:id`: link the session (and its device ID) to a customer, or unlink it. */
export const UpdateSessionRequest = z.object({ customerId: CustomerId.nullable() });
export type UpdateSessionRequest = z.infer<typeof UpdateSessionRequest>;

/* ---------- statistics ---------- */

export const StatsQuery = z.object({
  from: QueryInt(0, Number.MAX_SAFE_INTEGER),
  to: QueryInt(0, Number.MAX_SAFE_INTEGER),
  tzOffsetMinutes: QueryInt(-840, 840),
});
export type StatsQuery = z.infer<typeof StatsQuery>;

/**
 * Counts over sessions requested in the range. `sessions`: those that started (consented);
 * `requests`: every attempt; durations over sessions that started and ended; `denied`
 * counts `denied` and `consent-timeout`; `dropped` counts `dropped`.
 */
export const StatsBucket = z.object({
  sessions: z.number().int().nonnegative(),
  requests: z.number().int().nonnegative(),
  totalDurationMs: z.number().int().nonnegative(),
  averageDurationMs: z.number().int().nonnegative(),
  denied: z.number().int().nonnegative(),
  dropped: z.number().int().nonnegative(),
});
export type StatsBucket = z.infer<typeof StatsBucket>;
export const StatsResponse = z.object({
  from: EpochMs.nullable(),
  to: EpochMs.nullable(),
  totals: StatsBucket,
  bySeat: z.array(StatsBucket.extend({ seat: SeatRef })),
  /** `day` is YYYY-MM-DD in the requested time zone; days without requests are left out. */
  byDay: z.array(StatsBucket.extend({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) })),
});
export type StatsResponse = z.infer<typeof StatsResponse>;

/* ---------- audit log ---------- */

export const AUDIT_ACTIONS = [
  'setup',
  'seat-created',
  'seat-updated',
  'role-changed',
  'seat-disabled',
  'seat-enabled',
  'seat-deleted',
  'password-reset',
  'password-changed',
  'seat-locked',
  'seat-unlocked',
  'group-created',
  'settings-changed',
  'customer-reassigned',
  'export',
  /** A seat was issued a media ticket to watch a session recording. */
  'recording-viewed',
  /** A recording file was downloaded. */
  'recording-downloaded',
  /** The relay deleted a recording under the retention settings (actor null). */
  'recording-deleted',
] as const;
export const AuditAction = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditAction>;

/** What an audit entry is about; `recording` targets carry the session ID. */
export const AUDIT_TARGET_TYPES = ['seat', 'group', 'organisation', 'customer', 'sessions', 'recording'] as const;
export const AuditTargetType = z.enum(AUDIT_TARGET_TYPES);

export const AuditEntry = z.object({
  id: z.number().int().positive(),
  at: EpochMs,
  /** Null when the relay itself acted (a lockout after wrong passwords). */
  actor: SeatRef.nullable(),
  action: AuditAction,
  target: z.object({ type: AuditTargetType, id: z.string(), label: z.string() }).nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditQuery = z.object({ cursor: QueryCursor, limit: QueryInt(1, 500) });
export type AuditQuery = z.infer<typeof AuditQuery>;
export const AuditList = z.object({ entries: z.array(AuditEntry), nextCursor: Cursor.nullable() });
export type AuditList = z.infer<typeof AuditList>;

/* ---------- organisation settings ---------- */

/** Recordings older than this many days are deleted (retention). */
export const RecordingMaxAgeDays = z.number().int().min(1).max(3650);
/** When all recordings together pass this many MB, the oldest are deleted (retention). */
export const RecordingMaxTotalMB = z.number().int().min(10).max(100_000_000);

export const OrgSettings = z.object({
  name: OrganisationName,
  /** Deprecated alias of `recordSessions`, kept for older clients; always equal to it. */
  recordingDefault: z.boolean(),
  /** The concurrency limit a new seat gets when none is given. */
  defaultConcurrencyLimit: ConcurrencyLimit,
  /** Sessions that start from now on are recorded at the relay (the customer is told). */
  recordSessions: z.boolean(),
  /** Keep the keys typed in the recording's timeline; otherwise only "a key was pressed". */
  recordKeystrokes: z.boolean(),
  /** Agents may watch the recordings of their own sessions. */
  agentsMayWatchOwn: z.boolean(),
  recordingMaxAgeDays: RecordingMaxAgeDays,
  recordingMaxTotalMB: RecordingMaxTotalMB,
});
export type OrgSettings = z.infer<typeof OrgSettings>;
export const UpdateSettingsRequest = OrgSettings.partial().refine((r) => Object.values(r).some((v) => v !== undefined), 'change at least one field');
export type UpdateSettingsRequest = z.infer<typeof UpdateSettingsRequest>;

/* ---------- session recordings ---------- */

/**
 * Where a session's recording stands:
 * - `none`: the session was not recorded (recording off, or it never started);
 * - `recording`: the session is live; a near-live snapshot can be played;
 * - `finalising`: the session ended and its file is being written;
 * - `ready`: the file can be played and downloaded;
 * - `failed`: nothing playable could be made (`failure` says why);
 * - `deleted`: removed under the retention settings.
 */
export const RECORDING_STATUSES = ['none', 'recording', 'finalising', 'ready', 'failed', 'deleted'] as const;
export const RecordingStatus = z.enum(RECORDING_STATUSES);
export type RecordingStatus = z.infer<typeof RecordingStatus>;

/**
 * Why recording failed, or what a playable recording lacks:
 * - `disk-error`: the chunk log could not be written (the rest of the session is missing);
 * - `too-slow`: the disk fell behind and recording stopped to protect the live session;
 * - `no-video`: no picture arrived before the session ended;
 * - `finalise-failed`: the chunk log could not be turned into a file;
 * - `chunk-log-missing`: the relay stopped and the chunk log was gone at the next start;
 * - `codec-changed`: the customer switched codecs; the file ends there.
 */
export const RECORDING_FAILURES = ['disk-error', 'too-slow', 'no-video', 'finalise-failed', 'chunk-log-missing', 'codec-changed'] as const;
export const RecordingFailure = z.enum(RECORDING_FAILURES);
export type RecordingFailure = z.infer<typeof RecordingFailure>;

/** `GET /api/sessions/:id/recording`. Durations and times are on the media clock (0 = `startedAt`). */
export const RecordingInfo = z.object({
  sessionId: SessionId,
  status: RecordingStatus,
  /** The session is still running: play `snapshot` (near-live) and poll again. */
  isLive: z.boolean(),
  container: z.enum(['webm', 'mp4']).nullable(),
  /** For `<video>` / `MediaSource.isTypeSupported`, e.g. `video/webm; codecs="vp09.00.10.08"`. */
  mimeType: z.string().nullable(),
  codec: z.string().nullable(),
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  durationMs: z.number().int().nonnegative().nullable(),
  sizeBytes: z.number().int().nonnegative().nullable(),
  /** Relay time (epoch ms) of media time 0: when the customer consented. */
  startedAt: EpochMs.nullable(),
  /** Finalised at a relay start after the relay stopped mid-session (playable up to then). */
  isRecovered: z.boolean(),
  /** Set when `status` is `failed`, and on a playable file that lacks something. */
  failure: z.object({ code: RecordingFailure, detail: z.string() }).nullable(),
  deletedAt: EpochMs.nullable(),
  deletedReason: z.enum(['age', 'size']).nullable(),
  /** Live only: the snapshot version to append as `&snapshot=` to the ticket URL. */
  snapshot: z.number().int().nonnegative().nullable(),
  /**
   * Voice tracks in the file (one per side of a call). A `<video>` plays only the first;
   * `&voice=N` on the ticket URL serves voice N alone as audio/webm, to play beside it.
   */
  voiceTracks: z.number().int().nonnegative().default(0),
});
export type RecordingInfo = z.infer<typeof RecordingInfo>;

/** `POST /api/sessions/:id/recording/ticket`: `view` is audited now, `download` when the file is fetched. */
export const RecordingTicketRequest = z.object({ purpose: z.enum(['view', 'download']).default('view') });
export type RecordingTicketRequest = z.infer<typeof RecordingTicketRequest>;
/** A relative URL (`/api/sessions/:id/recording/file?ticket=…`) that works without a bearer header until `expiresAt`. */
export const RecordingTicket = z.object({ url: z.string().startsWith('/api/'), expiresAt: EpochMs });
export type RecordingTicket = z.infer<typeof RecordingTicket>;

/** One entry of `GET /api/sessions/:id/timeline`; `mediaMs` places it in the recording (null: not recorded). */
export const TimelineEvent = z.object({
  id: z.number().int().positive(),
  at: EpochMs,
  mediaMs: z.number().int().nonnegative().nullable(),
  kind: z.string(),
  actor: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type TimelineEvent = z.infer<typeof TimelineEvent>;
export const SessionTimeline = z.object({ sessionId: SessionId, events: z.array(TimelineEvent) });
export type SessionTimeline = z.infer<typeof SessionTimeline>;
