/**
 * The back-office forms, checked with the same zod schemas the relay parses requests with,
 * so a form never sends what the relay would refuse, and each bad field gets its own
 * message (an i18n key) instead of one error for the whole form.
 */
import type { z } from 'zod';
import {
  CreateCustomerRequest,
  CreateSeatRequest,
  ResetPasswordRequest,
  SetupRequest,
  UpdateCustomerRequest,
  UpdateSeatRequest,
  UpdateSettingsRequest,
} from '@beacon/shared/api';
import type { AccountRole } from '@beacon/shared/protocol';
import { parseTags } from './query.ts';

export type FieldErrors<F extends string> = Partial<Record<F, string>>;
export type Checked<T, F extends string> = { ok: true; value: T } | { ok: false; errors: FieldErrors<F> };

/** Maps each issue's path (dotted) to a form field and its message; the first issue per field wins. */
function collect<F extends string>(issues: readonly z.core.$ZodIssue[], fields: Record<string, [F, string]>): FieldErrors<F> {
  const errors: FieldErrors<F> = {};
  for (const issue of issues) {
    const hit = fields[issue.path.join('.')];
    if (hit && !errors[hit[0]]) errors[hit[0]] = hit[1];
  }
  return errors;
}

function hasAny(errors: object): boolean {
  return Object.keys(errors).length > 0;
}

/** Empty means "use the default"; anything else must be a whole number (the schema checks the range). */
function optionalInt(text: string): number | undefined {
  const t = text.trim();
  if (!t) return undefined;
  return /^\d{1,4}$/.test(t) ? Number(t) : Number.NaN;
}

/* ---------- first-run setup ---------- */

export interface SetupForm {
  organisationName: string;
  login: string;
  displayName: string;
  password: string;
}
export type SetupField = keyof SetupForm;

export function checkSetupForm(token: string, f: SetupForm): Checked<SetupRequest, SetupField | 'token'> {
  const r = SetupRequest.safeParse({
    token,
    organisationName: f.organisationName,
    owner: { login: f.login, displayName: f.displayName, password: f.password },
  });
  const errors: FieldErrors<SetupField | 'token'> = r.success
    ? {}
    : collect(r.error.issues, {
        token: ['token', 'setup.noToken'],
        organisationName: ['organisationName', 'form.errors.organisation'],
        'owner.login': ['login', 'form.errors.login'],
        'owner.displayName': ['displayName', 'form.errors.displayName'],
        'owner.password': ['password', 'form.errors.password'],
      });
  if (hasAny(errors) || !r.success) return { ok: false, errors };
  return { ok: true, value: r.data };
}

/* ---------- seats ---------- */

export interface SeatForm {
  displayName: string;
  login: string;
  role: AccountRole;
  groupIds: number[];
  /** As typed; empty for the organisation's default. */
  concurrencyLimit: string;
  password: string;
}
export type SeatField = keyof SeatForm;

const SEAT_FIELDS: Record<string, [SeatField, string]> = {
  login: ['login', 'form.errors.login'],
  displayName: ['displayName', 'form.errors.displayName'],
  password: ['password', 'form.errors.password'],
  role: ['role', 'form.errors.role'],
  concurrencyLimit: ['concurrencyLimit', 'form.errors.concurrencyLimit'],
  groupIds: ['groupIds', 'form.errors.groups'],
};

export function checkCreateSeat(f: SeatForm): Checked<CreateSeatRequest, SeatField> {
  const r = CreateSeatRequest.safeParse({
    login: f.login,
    displayName: f.displayName,
    password: f.password,
    role: f.role,
    groupIds: f.groupIds,
    concurrencyLimit: optionalInt(f.concurrencyLimit),
  });
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: collect(r.error.issues, SEAT_FIELDS) };
}

/** Editing sends every editable field; login and password are not edited here. */
export function checkUpdateSeat(f: SeatForm): Checked<UpdateSeatRequest, SeatField> {
  const r = UpdateSeatRequest.safeParse({
    displayName: f.displayName,
    role: f.role,
    groupIds: f.groupIds,
    concurrencyLimit: optionalInt(f.concurrencyLimit),
  });
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: collect(r.error.issues, SEAT_FIELDS) };
}

/* ---------- customers ---------- */

export interface CustomerForm {
  name: string;
  company: string;
  phone: string;
  notes: string;
  /** As typed: comma-separated. */
  tags: string;
  sharedGroupId: number | null;
  isStarred: boolean;
}
export type CustomerField = keyof CustomerForm;

export const EMPTY_CUSTOMER_FORM: CustomerForm = { name: '', company: '', phone: '', notes: '', tags: '', sharedGroupId: null, isStarred: false };

const CUSTOMER_FIELDS: Record<string, [CustomerField, string]> = {
  name: ['name', 'form.errors.customerName'],
  company: ['company', 'form.errors.tooLong'],
  phone: ['phone', 'form.errors.tooLong'],
  notes: ['notes', 'form.errors.tooLong'],
  tags: ['tags', 'form.errors.tags'],
  sharedGroupId: ['sharedGroupId', 'form.errors.groups'],
};

function customerFields(f: CustomerForm) {
  return { name: f.name, company: f.company, phone: f.phone, notes: f.notes, tags: parseTags(f.tags), sharedGroupId: f.sharedGroupId };
}

export function checkCreateCustomer(f: CustomerForm): Checked<CreateCustomerRequest, CustomerField> {
  const r = CreateCustomerRequest.safeParse({ ...customerFields(f), isStarred: f.isStarred });
  if (r.success) return { ok: true, value: r.data };
  // Tag issues have paths like tags.3: report them on the tags field.
  return { ok: false, errors: collect(r.error.issues.map((i) => (i.path[0] === 'tags' ? { ...i, path: ['tags'] } : i)), CUSTOMER_FIELDS) };
}

export function checkUpdateCustomer(f: CustomerForm): Checked<UpdateCustomerRequest, CustomerField> {
  const r = UpdateCustomerRequest.safeParse(customerFields(f));
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, errors: collect(r.error.issues.map((i) => (i.path[0] === 'tags' ? { ...i, path: ['tags'] } : i)), CUSTOMER_FIELDS) };
}

/* ---------- settings ---------- */

export interface SettingsForm {
  name: string;
  defaultConcurrencyLimit: string;
  recordSessions: boolean;
  recordKeystrokes: boolean;
  agentsMayWatchOwn: boolean;
  recordingMaxAgeDays: string;
  recordingMaxTotalMB: string;
  resumeGraceSeconds: string;
  agentsMaySendFiles: boolean;
  agentsMayReceiveFiles: boolean;
  confirmFileTransfers: boolean;
  fileTransferRoles: AccountRole[];
  clipboardSyncToCustomer: boolean;
  clipboardSyncToAgent: boolean;
  clipboardMaxImageMB: string;
}
export type SettingsField = keyof SettingsForm;

/** A required whole number (retention limits can be large); anything else is NaN for the schema to refuse. */
function wholeNumber(text: string): number {
  const t = text.trim();
  return /^\d{1,9}$/.test(t) ? Number(t) : Number.NaN;
}

export function checkSettings(f: SettingsForm): Checked<UpdateSettingsRequest, SettingsField> {
  const r = UpdateSettingsRequest.safeParse({
    name: f.name,
    defaultConcurrencyLimit: optionalInt(f.defaultConcurrencyLimit) ?? Number.NaN,
    recordSessions: f.recordSessions,
    recordKeystrokes: f.recordKeystrokes,
    agentsMayWatchOwn: f.agentsMayWatchOwn,
    recordingMaxAgeDays: wholeNumber(f.recordingMaxAgeDays),
    recordingMaxTotalMB: wholeNumber(f.recordingMaxTotalMB),
    resumeGraceSeconds: wholeNumber(f.resumeGraceSeconds),
    agentsMaySendFiles: f.agentsMaySendFiles,
    agentsMayReceiveFiles: f.agentsMayReceiveFiles,
    confirmFileTransfers: f.confirmFileTransfers,
    fileTransferRoles: f.fileTransferRoles,
    clipboardSyncToCustomer: f.clipboardSyncToCustomer,
    clipboardSyncToAgent: f.clipboardSyncToAgent,
    clipboardMaxImageMB: wholeNumber(f.clipboardMaxImageMB),
  });
  if (r.success) return { ok: true, value: r.data };
  return {
    ok: false,
    errors: collect(r.error.issues, {
      name: ['name', 'form.errors.organisation'],
      defaultConcurrencyLimit: ['defaultConcurrencyLimit', 'form.errors.concurrencyLimit'],
      recordingMaxAgeDays: ['recordingMaxAgeDays', 'recording.settings.maxAgeError'],
      recordingMaxTotalMB: ['recordingMaxTotalMB', 'recording.settings.maxTotalError'],
      resumeGraceSeconds: ['resumeGraceSeconds', 'settings.resumeGraceError'],
      clipboardMaxImageMB: ['clipboardMaxImageMB', 'settings.clipboard.maxImageError'],
    }),
  };
}

/* ---------- password reset ---------- */

/** An empty field asks the relay to make up a temporary password. */
export function checkResetPassword(password: string): { ok: true; value: ResetPasswordRequest } | { ok: false; errorKey: string } {
  const r = ResetPasswordRequest.safeParse(password ? { password } : {});
  return r.success ? { ok: true, value: r.data } : { ok: false, errorKey: 'form.errors.password' };
}
