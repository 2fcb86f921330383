/**
 * Account-level checks on a connect request, answered from the database: the seat must still
 * be able to sign in and may connect, and may use the directory customer it names.
 */
import { ProtocolError } from '@beacon/shared/errors';
import { actorOf, type Accounts } from '../accounts/Accounts.ts';
import type { Organisation } from '../accounts/Organisation.ts';
import { demand } from '../accounts/Policy.ts';
import type { AgentIdentity } from '../accounts/AgentAuth.ts';
import type { CustomerStore } from '../directory/CustomerStore.ts';

/**
 * Account-level checks on a connect request, answered from the database: whether the seat
 * may connect (and use the customer it names), its concurrency limit, and the organisation's
 * name for the consent dialog. Without one (unit tests), every request is admitted.
 */
export interface Admission {
  /** Throws a ProtocolError (`forbidden`, `not-found`) to refuse. */
  admit(agent: AgentIdentity, customerId: number | undefined): Promise<{ concurrencyLimit: number }>;
  orgName(): string | undefined;
}

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

/** What the agent is told when the device check refuses a request. */
export function refusalText(code: 'unknown-device' | 'wrong-code' | 'locked' | 'rate-limited'): string {
  switch (code) {
    case 'unknown-device':
      return 'no device with that ID is online';
    case 'wrong-code':
      return 'the code does not match this device ID';
    case 'locked':
      return 'too many wrong codes for this device ID; try again in a minute';
    case 'rate-limited':
      return 'too many failed attempts from this address; try again later';
  }
}
