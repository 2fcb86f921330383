import { z } from 'zod';
import { Role, SessionId } from './core.ts';

/**
 * Resume (capability `resume`, version 4 on): a session outlives a dropped link for a grace
 * period. Each party gets its own secret in `session-started`; a party that comes back on a
 * new connection names it in `hello.resume` and gets the same session (and a customer its same
 * device ID and code) without a new consent. See docs/PROTOCOL.md, "Resume".
 */

/** 32 random bytes, base64url: what a party proves it is the one that left. */
export const ResumeSecret = z.string().regex(/^[A-Za-z0-9_-]{32,64}$/, 'a resume secret is 32 to 64 base64url characters');
/** One session a reconnecting party asks back. */
export const ResumeClaim = z.object({ sessionId: SessionId, secret: ResumeSecret });
export type ResumeClaim = z.infer<typeof ResumeClaim>;
/** A customer has one session at a time; an agent console may hold several. */
export const ResumeClaims = z.array(ResumeClaim).max(16);

/** Both directions: proof the WebSocket still carries (the relay answers each one at once). */
export const Heartbeat = z.object({ type: z.literal('heartbeat') });

/** Relay -> client, about resume. */
export const ResumeFromRelay = z.discriminatedUnion('type', [
  /** To the returning party, right after `welcome`: this session is yours again (same stream, same permissions). */
  z.object({ type: z.literal('session-resumed'), sessionId: SessionId, streamId: z.number().int().min(1).max(0xffffffff) }),
  /** To the returning party: that session cannot be resumed (wrong secret, or it is gone). */
  z.object({ type: z.literal('resume-refused'), sessionId: SessionId }),
  /** To the party still there: the other side lost its link; the session ends `network-lost` unless it is back within `remainingMs`. */
  z.object({ type: z.literal('peer-away'), sessionId: SessionId, who: Role, remainingMs: z.number().int().min(0) }),
  /** To the party still there: the other side is back (its link carries the session again). */
  z.object({ type: z.literal('peer-back'), sessionId: SessionId, who: Role }),
]);
export type ResumeFromRelay = z.infer<typeof ResumeFromRelay>;
