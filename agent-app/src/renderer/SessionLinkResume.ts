/**
 * A session link (SessionLinks.ts) that dropped comes back here. Its ticket was single-use and
 * is spent, and the console's token never leaves its home relay, so the console asks the home
 * relay again: it opens a connection there with its token and the sessions' resume claims
 * (`hello.resume`). The home relay does not run those sessions; it checks each claim against
 * the cluster's record (the secret's hash in constant time, the agent's seat) and answers
 * `resume-redirect` with a fresh ticket for the relay that holds them (relay-failover), which
 * RelayConnection follows: the new connection there resumes with that ticket and the same
 * claims. If the holder itself died, the home relay (or another) takes the sessions over and
 * the connection it welcomed carries them. Tried again like the home link after a drop
 * (ResumeRetry) until the relay answers, the sign-in is refused, or the longest grace ran out.
 */
import { RelayConnection } from '@beacon/shared/browser/RelayConnection';
import type { RoleConnection } from '@beacon/shared/browser/RelayLink';
import { RESUME_RACE, ResumeRetry } from '@beacon/shared/client/ResumeRetry';
import type { ResumeClaim } from '@beacon/shared/protocol';

/** What one attempt needs, read afresh each time (null: signed out meanwhile, stop). */
export interface ResumeAttempt {
  homeUrl: string;
  token: string;
  claims: ResumeClaim[];
}

/** No grace period is longer (the organisation's setting is capped at 600 s): past it nothing is left to resume. */
const GIVE_UP_AFTER_MS = 610_000;
/** How long one attempt may take to open (socket, welcome, channels), a redirect included. */
const ATTEMPT_TIMEOUT_MS = 15_000;

/**
 * The connection that carries the claimed sessions again; `unauthorized` when the sign-in was
 * refused (signed out elsewhere); null when it was given up (or `next` said stop).
 */
export async function reopenSessionLink(next: () => ResumeAttempt | null, now: () => number = () => Date.now()): Promise<RoleConnection<'agent'> | 'unauthorized' | null> {
  const retry = new ResumeRetry(now);
  const giveUpAt = now() + GIVE_UP_AFTER_MS;
  while (now() < giveUpAt) {
    const attempt = next();
    if (!attempt || attempt.claims.length === 0) return null;
    try {
      return await RelayConnection.open({
        relayUrl: attempt.homeUrl,
        role: 'agent',
        token: attempt.token,
        resume: attempt.claims,
        race: RESUME_RACE,
        timeoutMs: ATTEMPT_TIMEOUT_MS,
      });
    } catch (err) {
      if ((err as { code?: string } | null)?.code === 'unauthorized') return 'unauthorized';
      console.warn('[beacon] the redirected session link did not come back yet:', err instanceof Error ? err.message : err);
    }
    await new Promise((r) => setTimeout(r, retry.nextDelayMs()));
  }
  return null;
}
