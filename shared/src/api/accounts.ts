import { z } from 'zod';
import { AccountRole, CustomerId, DeviceId, LoginResponse, SessionId } from '../protocol.ts';
import { AccountId, AccountLogin, ConcurrencyLimit, Cursor, DisplayName, EpochMs, GroupId, GroupRef, OrganisationName, Password, QueryCursor, QueryInt, SeatRef } from './common.ts';

/** First-run setup, sign-in and me, groups, seats, the audit log and organisation settings. */

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

/** A seat as owners and admins manage it: the account plus its state and live sessions. */
export const Seat = Account.extend({
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
  /** A running desk session went on with another agent (transfer, take-over, forced transfer). */
  'session-transferred',
  /** A supervisor forced a transfer of someone's running desk session to another agent. */
  'transfer-forced',
  /** A supervisor gave a waiting help request to an agent without an offer. */
  'request-dispatched',
  /** A supervisor watched a running session, view only. */
  'session-monitored',
  /** A supervisor, or an invited colleague, took part in someone's running session. */
  'session-joined',
  /** A session's agent invited a colleague into it. */
  'session-invited',
  /** A file transfer in a session ended (name, size, hash, direction, outcome; the actor is the session's agent). */
  'file-transferred',
  /** A session's agent asked to see the customer's camera, or the screen again (`source`). */
  'camera-requested',
  /** The customer answered that ask (`source`, `granted`; the actor is the relay, `agentId` the asking seat). */
  'camera-answered',
  /** A session's agent asked to raise the privacy curtain on the customer's PC, or to lower it (`up`). */
  'curtain-requested',
  /** The customer answered that ask (`granted`; the actor is the relay, `agentId` the asking seat). */
  'curtain-answered',
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
/** How long a running session waits for a party whose link dropped, seconds (resume; the relay may cap it). */
export const ResumeGraceSeconds = z.number().int().min(10).max(600);
export const DEFAULT_RESUME_GRACE_SECONDS = 60;

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
  resumeGraceSeconds: ResumeGraceSeconds,
  /** File transfer (issue 13): agents may send files to the customer's PC. */
  agentsMaySendFiles: z.boolean(),
  /** Agents may ask for files from the customer's PC. */
  agentsMayReceiveFiles: z.boolean(),
  /** The customer confirms each file sent to their PC. */
  confirmFileTransfers: z.boolean(),
  /** The seat roles whose sessions may move files at all (with the two switches above: per role and per direction). */
  fileTransferRoles: z.array(AccountRole).max(4),
});
/** Every seat role, in the order the settings page lists them: the default of `fileTransferRoles`. */
export const ALL_ACCOUNT_ROLES: readonly AccountRole[] = AccountRole.options;
export type OrgSettings = z.infer<typeof OrgSettings>;
export const UpdateSettingsRequest = OrgSettings.partial().refine((r) => Object.values(r).some((v) => v !== undefined), 'change at least one field');
export type UpdateSettingsRequest = z.infer<typeof UpdateSettingsRequest>;
