/** Session history: the remote-control log (list, detail, CSV export), statistics, and their routes. */
import type { AuditLog } from '../accounts/AuditLog.ts';
import type { ApiRoute } from '../accounts/Policy.ts';
import type { CustomerStore } from '../directory/CustomerStore.ts';
import type { Clock } from '../platform/clock.ts';
import type { Database } from '../platform/Database.ts';
import type { Logger } from '../platform/logger.ts';
import type { SessionsFeature } from '../sessions/createSessions.ts';
import { historyRoutes } from './HistoryRoutes.ts';
import { SessionHistory } from './SessionHistory.ts';

export interface HistoryDeps {
  db: Database;
  log: Logger;
  now: Clock;
  sessions: SessionsFeature;
  customers: CustomerStore;
  audit: AuditLog;
}

export interface HistoryFeature {
  readonly sessionHistory: SessionHistory;
  /** Closes sessions an earlier run left open (a crash) as dropped. */
  recoverInterrupted(): Promise<void>;
  routes(): ApiRoute[];
}

export function createHistory(d: HistoryDeps): HistoryFeature {
  const sessionHistory = new SessionHistory(d.db);
  return {
    sessionHistory,
    recoverInterrupted: async () => {
      const recovered = await sessionHistory.recoverInterrupted();
      if (recovered > 0) d.log.warn('sessions left open by an earlier run marked dropped', { count: recovered });
    },
    routes: () =>
      historyRoutes({
        sessionHistory,
        sessionStore: d.sessions.store,
        sessions: d.sessions.manager,
        events: d.sessions.events,
        customers: d.customers,
        audit: d.audit,
        log: d.log,
        now: d.now,
      }),
  };
}
