/** Collaboration inside sessions: chat, attachments, screenshots, whiteboard, and their routes. */
import type { ApiRoute } from '../accounts/Policy.ts';
import type { CustomerStore } from '../directory/CustomerStore.ts';
import type { SessionHistory } from '../history/SessionHistory.ts';
import type { Clock } from '../platform/clock.ts';
import type { Database } from '../platform/Database.ts';
import type { Logger } from '../platform/logger.ts';
import type { SessionsFeature } from '../sessions/createSessions.ts';
import { CollabHandler } from './CollabHandler.ts';
import { collabRoutes } from './CollabRoutes.ts';
import { CollabStore } from './CollabStore.ts';
import { FileTransfers } from './FileTransfers.ts';

export interface CollabDeps {
  db: Database;
  log: Logger;
  now: Clock;
  /** Where attachments and screenshots are stored. */
  filesDir: string;
  sessions: SessionsFeature;
  customers: CustomerStore;
  sessionHistory: SessionHistory;
}

export interface CollabFeature {
  /** The ctl messages of chat, files and whiteboard. */
  readonly handler: CollabHandler;
  /** Stored chat and files (a desk transfer replays the chat to the new agent). */
  readonly store: CollabStore;
  routes(): ApiRoute[];
  /** Stops the idle sweeper and deletes partial uploads. */
  close(): Promise<void>;
}

export function createCollab(d: CollabDeps): CollabFeature {
  const store = new CollabStore(d.db, d.log, d.now);
  const files = new FileTransfers(d.filesDir, d.log, d.now);
  const handler = new CollabHandler(d.sessions.manager, store, files, d.sessions.events, d.log);
  return {
    handler,
    store,
    routes: () => collabRoutes({ store, files, customers: d.customers, sessionHistory: d.sessionHistory }),
    close: () => handler.close(),
  };
}
