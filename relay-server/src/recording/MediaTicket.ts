/**
 * Short-lived, single-purpose tickets for recording files. A `<video>` element (or a
 * download link) cannot send an Authorization header, and the sign-in token must never
 * appear in a URL, where it would end up in histories and logs. A ticket names one session,
 * one seat and one purpose, expires after TICKET_LIFETIME_MS, and is signed with a key that
 * lives only in this relay process (a restart just means asking for a new ticket).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { parseUnknown } from '@beacon/shared/parse';

export const TICKET_LIFETIME_MS = 10 * 60_000;

export const TicketPurpose = z.enum(['view', 'download']);
export type TicketPurpose = z.infer<typeof TicketPurpose>;

const Claims = z.object({
  s: z.string().min(1).max(64),
  a: z.number().int().positive(),
  p: TicketPurpose,
  e: z.number().int().positive(),
});

export interface Ticket {
  sessionId: string;
  accountId: number;
  purpose: TicketPurpose;
  expiresAt: number;
}

export class MediaTickets {
  private readonly key = randomBytes(32);

  constructor(private readonly now: () => number = Date.now) {}

  issue(sessionId: string, accountId: number, purpose: TicketPurpose): { ticket: string; expiresAt: number } {
    const expiresAt = Math.round(this.now()) + TICKET_LIFETIME_MS;
    const body = Buffer.from(JSON.stringify({ s: sessionId, a: accountId, p: purpose, e: expiresAt })).toString('base64url');
    return { ticket: `${body}.${this.sign(body)}`, expiresAt };
  }

  /** The ticket's claims if it is genuine, unexpired and for this session; otherwise null. */
  verify(ticket: string, sessionId: string): Ticket | null {
    const m = /^([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/.exec(ticket);
    if (!m?.[1] || !m[2]) return null;
    const expected = Buffer.from(this.sign(m[1]));
    const given = Buffer.from(m[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    const r = parseUnknown(Claims, raw, 'media ticket');
    if (!r.ok || r.value.s !== sessionId || r.value.e <= this.now()) return null;
    return { sessionId: r.value.s, accountId: r.value.a, purpose: r.value.p, expiresAt: r.value.e };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(`beacon-media-ticket.${body}`).digest('base64url');
  }
}
