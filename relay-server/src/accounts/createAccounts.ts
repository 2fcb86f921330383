/**
 * The accounts feature: seats and groups, sign-in and tokens, the organisation and its
 * settings, the audit log, who is online, and their API routes.
 */
import type { AccountRole } from '@beacon/shared/protocol';
import type { LiveSession } from '@beacon/shared/api';
import type { Clock } from '../platform/clock.ts';
import type { Database } from '../platform/Database.ts';
import type { Logger } from '../platform/logger.ts';
import { Accounts } from './Accounts.ts';
import { adminRoutes } from './AdminRoutes.ts';
import { AgentAuth } from './AgentAuth.ts';
import { AuditLog } from './AuditLog.ts';
import { authRoutes } from './AuthRoutes.ts';
import { Organisation } from './Organisation.ts';
import type { Actor, ApiRoute } from './Policy.ts';
import { Presence } from './Presence.ts';
import { seatRoutes } from './SeatRoutes.ts';
import { MemoryState } from '../platform/shared/MemoryState.ts';
import type { SharedState } from '../platform/shared/SharedState.ts';
import { SharedPresence } from './SharedPresence.ts';

export const DEFAULT_ORG_NAME = 'Beacon';

/** An account the operator configures from the environment (tests, development, scripted installs). */
export interface SeedAccount {
  login: string;
  password: string;
  displayName: string;
  /** Changes an existing account's role only when given; a new one defaults to `agent`. */
  role?: AccountRole;
  /** The organisation's name if it has to be created (default `Beacon`). */
  orgName?: string;
  /** A new organisation records sessions or not (`BEACON_RECORD_SESSIONS`); default on. */
  recordSessions?: boolean;
}

export interface AccountsDeps {
  db: Database;
  log: Logger;
  now: Clock;
  /** Where sign-in failures and presence are shared (several relays: Redis), and this relay's id; default this process's memory. */
  shared?: { state: SharedState; relayId: string };
}

export interface AccountsFeature {
  readonly auth: AgentAuth;
  readonly accounts: Accounts;
  readonly organisation: Organisation;
  readonly audit: AuditLog;
  readonly presence: Presence;
  /** Stops sharing presence. */
  close(): void;
  /** The actor behind a bearer token: null if unknown, expired, revoked, disabled or deleted. */
  authenticate(token: string): Promise<{ actor: Actor; tokenHash: string; expiresAt: number } | null>;
  /** Creates the organisation if missing, then creates or updates the account; returns its id. */
  seed(seed: SeedAccount): Promise<number>;
  routes(late: { liveSessionsOf(accountId: number): LiveSession[] }): ApiRoute[];
}

export function createAccounts({ db, log, now, shared }: AccountsDeps): AccountsFeature {
  const state = shared?.state ?? new MemoryState(now);
  const audit = new AuditLog(db, log, now);
  const auth = new AgentAuth(db, log, now, audit, state);
  const accounts = new Accounts(db, now);
  const organisation = new Organisation(db, log, now);
  const presence = new Presence();
  const everywhere = new SharedPresence(presence, state, shared?.relayId ?? 'local', log);
  return {
    auth,
    accounts,
    organisation,
    audit,
    presence,
    close: () => everywhere.close(),
    authenticate: async (token) => {
      const grant = await auth.verifyToken(token);
      const actor = grant ? await accounts.actor(grant.agent.id) : null;
      return grant && actor ? { actor, tokenHash: grant.tokenHash, expiresAt: grant.expiresAt } : null;
    },
    seed: async (seed) => {
      const overrides = seed.recordSessions === undefined ? {} : { recordSessions: seed.recordSessions };
      if (await organisation.create(seed.orgName ?? DEFAULT_ORG_NAME, overrides)) log.info('organisation created from the environment', { name: organisation.name });
      return auth.upsertAgent(seed.login, seed.password, seed.displayName, seed.role);
    },
    routes: ({ liveSessionsOf }) => [
      ...authRoutes({ auth, accounts, organisation, audit, log, now }),
      ...seatRoutes({ accounts, audit, auth, organisation, presence: everywhere, liveSessionsOf }),
      ...adminRoutes({ organisation, audit }),
    ],
  };
}
