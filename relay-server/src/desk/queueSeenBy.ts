/**
 * Which open help requests a console's `desk-queue` lists: the organisation's queue and those of
 * the agent's groups; a supervisor (manager, admin, owner) every queue, and in a cluster also the
 * requests waiting on the other relays (LiveElsewhere.ts), which stay assigned by their own relay.
 */
import type { AccountRole, HelpRequestView } from '@beacon/shared/protocol';
import { isMember, type DeskAgent } from './deskModel.ts';

/** The most requests one `desk-queue` carries. */
export const MAX_QUEUE_VIEW = 500;
const SUPERVISORS: ReadonlySet<AccountRole> = new Set(['owner', 'admin', 'manager']);

export function queueSeenBy(role: AccountRole | undefined, agent: DeskAgent | undefined, own: readonly HelpRequestView[], elsewhere: readonly HelpRequestView[]): HelpRequestView[] {
  if (role && SUPERVISORS.has(role)) return [...own, ...elsewhere].slice(0, MAX_QUEUE_VIEW);
  return own.filter((v) => v.groupId === null || (agent !== undefined && isMember(agent, v.groupId))).slice(0, MAX_QUEUE_VIEW);
}
