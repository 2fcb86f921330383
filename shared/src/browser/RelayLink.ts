/**
 * The relay link both clients use: the shared {@link ReconnectingLink} (attempts, one
 * reconnect policy, a scope per connection) bound to the browser's RelayConnection.
 */
import type { LinkOwner, ReconnectingLinkOptions } from '../client/ReconnectingLink.ts';
import { ReconnectingLink } from '../client/ReconnectingLink.ts';
import type { Role } from '../protocol.ts';
import { RelayConnection, type CloseReason, type RelayConnectionOptions, type WelcomeFor } from './RelayConnection.ts';

/** The connection a client of role `R` holds (its welcome is the one for that role). */
export type RoleConnection<R extends Role> = RelayConnection<WelcomeFor<R>>;
export type RelayLink<R extends Role> = ReconnectingLink<RoleConnection<R>, CloseReason>;

/** Why RelayConnection.open failed (it rejects with an Error carrying a close reason as `code`). */
export function openFailureReason(err: unknown): CloseReason {
  const code = (err as { code?: CloseReason } | null)?.code;
  console.warn('[beacon] could not open the relay link:', err instanceof Error ? err.message : err);
  return code ?? 'relay-unreachable';
}

/** `options` is read at every attempt (the console's token changes with each sign-in). */
export function createRelayLink<R extends Role>(
  options: () => RelayConnectionOptions & { role: R },
  owner: LinkOwner<RoleConnection<R>, CloseReason>,
  extra: Pick<ReconnectingLinkOptions<RoleConnection<R>, CloseReason>, 'policy' | 'timers'> = {},
): RelayLink<R> {
  return new ReconnectingLink<RoleConnection<R>, CloseReason>({
    open: () => RelayConnection.open(options()),
    failureReason: openFailureReason,
    closedReason: 'closed',
    owner,
    ...extra,
  });
}
