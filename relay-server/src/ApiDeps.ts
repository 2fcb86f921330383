/** What the API handlers work with; RelayServer builds one and hands it to every route module. */
import type { Accounts } from './Accounts.ts';
import type { AgentAuth } from './AgentAuth.ts';
import type { AuditLog } from './AuditLog.ts';
import type { CustomerStore } from './CustomerStore.ts';
import type { DeviceRegistry } from './DeviceRegistry.ts';
import type { EventLog } from './EventLog.ts';
import type { Logger } from './log.ts';
import type { Organisation } from './Organisation.ts';
import type { Presence } from './Presence.ts';
import type { Clock } from './RateLimiter.ts';
import type { SessionLog } from './SessionLog.ts';
import type { SessionManager } from './SessionManager.ts';
import type { SessionStore } from './SessionStore.ts';

export interface ApiDeps {
  auth: AgentAuth;
  accounts: Accounts;
  organisation: Organisation;
  customers: CustomerStore;
  sessionLog: SessionLog;
  sessionStore: SessionStore;
  sessions: SessionManager;
  events: EventLog;
  registry: DeviceRegistry;
  presence: Presence;
  audit: AuditLog;
  log: Logger;
  now: Clock;
}
