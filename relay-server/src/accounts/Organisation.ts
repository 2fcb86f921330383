/**
 * The relay's one organisation: its name and settings (kept in memory too, since every
 * consent request names it), and the first-run setup token that creates it.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  ALL_ACCOUNT_ROLES,
  ClipboardMaxImageMB,
  DEFAULT_RESUME_GRACE_SECONDS,
  OrgSettings,
  RecordingMaxAgeDays,
  RecordingMaxTotalMB,
  ResumeGraceSeconds,
  type OrgSettings as OrgSettingsT,
} from '@beacon/shared/api';
import { parseUnknown } from '@beacon/shared/parse';
import { CLIPBOARD_IMAGE_DEFAULT_MB } from '@beacon/shared/protocol';
import { sha256Hex } from './secrets.ts';
import type { Database } from '../platform/Database.ts';
import type { Logger } from '../platform/logger.ts';
import type { Clock } from '../platform/clock.ts';

const OrgRow = z.object({ name: z.string(), settings: z.string() });
/**
 * Stored settings: anything missing (an older relay wrote the row) falls back to the default.
 * `recordingDefault` was a placeholder that recorded nothing, so a stored one is not read:
 * recording is on unless `recordSessions` says otherwise.
 */
const StoredSettings = z.object({
  defaultConcurrencyLimit: z.number().int().min(1).max(50).catch(3).default(3),
  recordSessions: z.boolean().catch(true).default(true),
  recordKeystrokes: z.boolean().catch(false).default(false),
  agentsMayWatchOwn: z.boolean().catch(false).default(false),
  recordingMaxAgeDays: RecordingMaxAgeDays.catch(90).default(90),
  recordingMaxTotalMB: RecordingMaxTotalMB.catch(50_000).default(50_000),
  resumeGraceSeconds: ResumeGraceSeconds.catch(DEFAULT_RESUME_GRACE_SECONDS).default(DEFAULT_RESUME_GRACE_SECONDS),
  agentsMaySendFiles: z.boolean().catch(true).default(true),
  agentsMayReceiveFiles: z.boolean().catch(true).default(true),
  confirmFileTransfers: z.boolean().catch(true).default(true),
  fileTransferRoles: OrgSettings.shape.fileTransferRoles.catch([...ALL_ACCOUNT_ROLES]).default([...ALL_ACCOUNT_ROLES]),
  clipboardSyncToCustomer: z.boolean().catch(false).default(false),
  clipboardSyncToAgent: z.boolean().catch(false).default(false),
  clipboardMaxImageMB: ClipboardMaxImageMB.catch(CLIPBOARD_IMAGE_DEFAULT_MB).default(CLIPBOARD_IMAGE_DEFAULT_MB),
});
type StoredSettings = z.infer<typeof StoredSettings>;

const withAlias = (name: string, s: StoredSettings): OrgSettingsT => ({ name, ...s, recordingDefault: s.recordSessions });

export class Organisation {
  private current: OrgSettingsT | null = null;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly now: Clock = Date.now,
  ) {}

  /** Reads the row into memory; call once at start. */
  async load(): Promise<void> {
    const raw = await this.db.get('SELECT name, settings FROM organisation WHERE id = 1');
    if (raw === undefined) {
      this.current = null;
      return;
    }
    const r = parseUnknown(OrgRow, raw, 'organisation row');
    if (!r.ok) throw r.error;
    let stored: unknown = {};
    try {
      stored = JSON.parse(r.value.settings);
    } catch {
      this.log.warn('organisation settings are not JSON; using defaults');
    }
    const s = StoredSettings.safeParse(stored);
    this.current = withAlias(r.value.name, s.success ? s.data : StoredSettings.parse({}));
  }

  get exists(): boolean {
    return this.current !== null;
  }

  /** The name customers see on consent requests, or undefined before setup. */
  get name(): string | undefined {
    return this.current?.name;
  }

  get settings(): OrgSettingsT | null {
    return this.current;
  }

  /**
   * Creates the organisation unless it exists; true if it was created now. `overrides`
   * replace defaults of a new organisation only (`BEACON_RECORD_SESSIONS` at seeding).
   */
  async create(name: string, overrides: Partial<StoredSettings> = {}): Promise<boolean> {
    const defaults = StoredSettings.parse(overrides);
    const r = await this.db.run('INSERT OR IGNORE INTO organisation (id, name, created_at, settings) VALUES (1, ?, ?, ?)', [
      name,
      Math.round(this.now()),
      JSON.stringify(defaults),
    ]);
    await this.load();
    return r.changes === 1;
  }

  /** Applies a change; returns the settings before and after. */
  async update(patch: Partial<OrgSettingsT>): Promise<{ before: OrgSettingsT; after: OrgSettingsT }> {
    const before = this.current;
    if (!before) throw new Error('the organisation does not exist yet');
    const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<OrgSettingsT>;
    // The deprecated alias changes recording only when the new name is not given.
    if (given.recordingDefault !== undefined && given.recordSessions === undefined) given.recordSessions = given.recordingDefault;
    const merged = OrgSettings.parse({ ...before, ...given });
    const { name, recordingDefault: _alias, ...rest } = merged;
    const after = withAlias(name, rest);
    await this.db.run('UPDATE organisation SET name = ?, settings = ? WHERE id = 1', [name, JSON.stringify(rest)]);
    this.current = after;
    return { before, after };
  }

  /** A fresh single-use setup token (only its hash is stored). Earlier unused ones stop working. */
  async issueSetupToken(): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    await this.db.run('DELETE FROM setup_tokens WHERE used_at IS NULL');
    await this.db.run('INSERT INTO setup_tokens (token_hash, created_at) VALUES (?, ?)', [sha256Hex(token), Math.round(this.now())]);
    return token;
  }

  /**
   * Spends the token: true only for the first caller with a valid unused token. The single
   * UPDATE is the claim, so two racing setups cannot both pass.
   */
  async spendSetupToken(token: string): Promise<boolean> {
    const r = await this.db.run('UPDATE setup_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL', [
      Math.round(this.now()),
      sha256Hex(token),
    ]);
    return r.changes === 1;
  }
}
