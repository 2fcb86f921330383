/**
 * The sessions feature: devices and their codes, the live sessions and their one lifecycle,
 * the `sessions` table and the session event log (timeline).
 */
import type { Accounts } from '../accounts/Accounts.ts';
import type { Organisation } from '../accounts/Organisation.ts';
import type { CustomerStore } from '../directory/CustomerStore.ts';
import type { Clock } from '../platform/clock.ts';
import type { Database } from '../platform/Database.ts';
import type { Logger } from '../platform/logger.ts';
import type { SharedState } from '../platform/shared/SharedState.ts';
import { createAdmission } from './admission.ts';
import { DeviceRegistry } from './DeviceRegistry.ts';
import { EventLog } from './EventLog.ts';
import { graceMsOf } from './Resume.ts';
import { SessionManager } from './SessionManager.ts';
import { SessionStore } from './SessionStore.ts';

/** How often expired connection codes are replaced. */
const CODE_SWEEP_MS = 1000;

export interface SessionsDeps {
  db: Database;
  log: Logger;
  now: Clock;
  accounts: Accounts;
  customers: CustomerStore;
  organisation: Organisation;
  consentTimeoutMs?: number;
  linkWaitMs?: number;
  /** The relay's cap on the organisation's grace period (BEACON_RESUME_GRACE_S). */
  resumeGraceMs?: number;
  codeLifetimeMs?: number;
  /** Where the code defences and device owners live (memory, or Redis for several relays), and this relay's id. */
  shared?: { state: SharedState; relayId: string };
  /** Whether a session requested now will be recorded (the consent dialog says so). */
  willRecord(): boolean;
}

export interface SessionsFeature {
  readonly manager: SessionManager;
  readonly store: SessionStore;
  readonly registry: DeviceRegistry;
  readonly events: EventLog;
  /** Stops the code sweeper (the sessions themselves are ended by the caller). */
  close(): void;
}

/** How often unused device IDs are pruned. */
const PRUNE_INTERVAL_MS = 60 * 60_000;

export function createSessions(d: SessionsDeps): SessionsFeature {
  const events = new EventLog(d.db, d.log, d.now);
  const store = new SessionStore(d.db, d.log);
  const registry = new DeviceRegistry(d.db, d.log, { now: d.now, codeLifetimeMs: d.codeLifetimeMs, ...(d.shared ? { state: d.shared.state, relayId: d.shared.relayId } : {}) });
  const admission = createAdmission(d.accounts, d.customers, d.organisation);
  const manager = new SessionManager(registry, store, events, d.log, { now: d.now, consentTimeoutMs: d.consentTimeoutMs, linkWaitMs: d.linkWaitMs, resumeGraceMs: () => graceMsOf(d.organisation.settings?.resumeGraceSeconds, d.resumeGraceMs), admission, willRecord: () => d.willRecord() });
  const sweeper = setInterval(() => registry.sweep(), CODE_SWEEP_MS);
  sweeper.unref();
  // Device IDs handed out and never used are forgotten: at start, then hourly.
  let isClosed = false;
  const prune = () => {
    if (isClosed) return;
    registry.pruneUnused().catch((err: unknown) => {
      if (!isClosed) d.log.error('device pruning failed', { err });
    });
  };
  const pruner = setInterval(prune, PRUNE_INTERVAL_MS);
  pruner.unref();
  setImmediate(prune);
  return {
    manager,
    store,
    registry,
    events,
    close: () => {
      isClosed = true;
      clearInterval(sweeper);
      clearInterval(pruner);
    },
  };
}
