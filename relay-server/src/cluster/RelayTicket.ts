/**
 * Tickets one relay of a cluster signs for another (HMAC-SHA256 with BEACON_CLUSTER_SECRET):
 * "this agent, signed in with the token whose hash is H, may ask relay R for device D until T".
 * The agent carries it in `hello.ticket`; its sign-in token never leaves the relay it was given to.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseJson } from '@beacon/shared/parse';
import { RelayTicketPayload } from '@beacon/shared/protocol';

/** Long enough to open a WebSocket to another relay, short enough that a leaked one is soon useless. */
export const TICKET_LIFETIME_MS = 30_000;

function mac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

export function signTicket(secret: string, p: RelayTicketPayload): string {
  const payload = Buffer.from(JSON.stringify(p)).toString('base64url');
  return `${payload}.${mac(secret, payload)}`;
}

/** The payload if the signature is ours, the ticket is for `relayId` and it has not expired; else null. */
export function verifyTicket(secret: string, ticket: string, relayId: string, now: number): RelayTicketPayload | null {
  const [payload, signature, ...rest] = ticket.split('.');
  if (!payload || !signature || rest.length > 0) return null;
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const parsed = parseJson(RelayTicketPayload, Buffer.from(payload, 'base64url').toString('utf8'), 'relay ticket');
  if (!parsed.ok || parsed.value.relay !== relayId || parsed.value.expiresAt <= now) return null;
  return parsed.value;
}
