/**
 * Account-level checks on a connect request, answered from the database: the seat must still
 * be able to sign in and may connect, and may use the directory customer it names.
 */
import { ProtocolError } from '@beacon/shared/errors';
import { actorOf, type Accounts } from '../accounts/Accounts.ts';
import type { Organisation } from '../accounts/Organisation.ts';
import { demand } from '../accounts/Policy.ts';
import type { CustomerStore } from '../directory/CustomerStore.ts';
import type { Admission } from './SessionManager.ts';

export function createAdmission(accounts: Accounts, customers: CustomerStore, organisation: Organisation): Admission {
  return {
    admit: async (agent, customerId) => {
      const seat = await accounts.seat(agent.id);
      const actor = seat ? actorOf(seat) : null;
      if (!seat || !actor) throw new ProtocolError('unauthorized', 'this seat can no longer sign in');
      demand(actor, 'session.connect', null);
      if (customerId !== undefined) {
        const customer = await customers.record(customerId);
        // Unknown and not-yours look the same: the request names no customer it may use.
        if (!customer) throw new ProtocolError('forbidden', 'this seat may not use that customer record');
        demand(actor, 'customer.read', customer);
      }
      return { concurrencyLimit: seat.concurrencyLimit };
    },
    orgName: () => organisation.name,
  };
}
