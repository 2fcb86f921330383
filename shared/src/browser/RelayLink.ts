/**
 * The relay link both clients use: the shared {@link ReconnectingLink} (attempts, one
 * reconnect policy, a scope per connection) bound to the browser's RelayConnection.
 */
import type { LinkOwner, ReconnectingLinkOptions } from '../client/ReconnectingLink.ts';
import { ReconnectingLink } from '../client/ReconnectingLink.ts';
import { RelayConnection, type CloseReason, type RelayConnectionOptions } from './RelayConnection.ts';

export type RelayLink = ReconnectingLink<RelayConnection, CloseReason>;

/** Why RelayConnection.open failed (it rejects with an Error carrying a close reason as `code`). */
export function openFailureReason(err: unknown): CloseReason {
  const code = (err as { code?: CloseReason } | null)?.code;
  console.warn('[beacon] could not open the relay link:', err instanceof Error ? err.message : err);
  return code ?? 'relay-unreachable';
}

/** `options` is read at every attempt (the console's token changes with each sign-in). */
export function createRelayLink(
  options: () => RelayConnectionOptions,
  owner: LinkOwner<RelayConnection, CloseReason>,
  extra: Pick<ReconnectingLinkOptions<RelayConnection, CloseReason>, 'policy' | 'timers'> = {},
): RelayLink {
  return new ReconnectingLink<RelayConnection, CloseReason>({
    open: () => RelayConnection.open(options()),
    failureReason: openFailureReason,
    closedReason: 'closed',
    owner,
    ...extra,
  });
}
