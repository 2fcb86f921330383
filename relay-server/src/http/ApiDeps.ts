/** What the API handlers work with; RelayServer builds one and hands it to every route module. */
import type { Accounts } from '../accounts/Accounts.ts';
import type { AgentAuth } from '../accounts/AgentAuth.ts';
import type { AuditLog } from '../accounts/AuditLog.ts';
import type { CustomerStore } from '../directory/CustomerStore.ts';
import type { DeviceRegistry } from '../sessions/DeviceRegistry.ts';
import type { EventLog } from '../sessions/EventLog.ts';
import type { Logger } from '../platform/logger.ts';
import type { Organisation } from '../accounts/Organisation.ts';
import type { Presence } from '../accounts/Presence.ts';
import type { Clock } from '../platform/clock.ts';
import type { SessionHistory } from '../history/SessionHistory.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import type { SessionStore } from '../sessions/SessionStore.ts';

export interface ApiDeps {
  auth: AgentAuth;
  accounts: Accounts;
  organisation: Organisation;
  customers: CustomerStore;
  sessionHistory: SessionHistory;
  sessionStore: SessionStore;
  sessions: SessionManager;
  events: EventLog;
  registry: DeviceRegistry;
  presence: Presence;
  audit: AuditLog;
  log: Logger;
  now: Clock;
}
