/** The customer directory: customer records, their devices, and their API routes. */
import type { Accounts } from '../accounts/Accounts.ts';
import type { AuditLog } from '../accounts/AuditLog.ts';
import type { ApiRoute } from '../accounts/Policy.ts';
import type { Clock } from '../platform/clock.ts';
import type { Database } from '../platform/Database.ts';
import { customerRoutes } from './CustomerRoutes.ts';
import { CustomerStore } from './CustomerStore.ts';

export interface DirectoryFeature {
  readonly customers: CustomerStore;
  routes(late: { accounts: Accounts; audit: AuditLog; isDeviceOnline(deviceId: string): boolean }): ApiRoute[];
}

export function createDirectory({ db, now }: { db: Database; now: Clock }): DirectoryFeature {
  const customers = new CustomerStore(db, now);
  return { customers, routes: (late) => customerRoutes({ customers, now, ...late }) };
}
