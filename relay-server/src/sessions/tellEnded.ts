import type { RelayToClient } from '@beacon/shared/protocol';
import type { Logger } from '../platform/logger.ts';
import type { EndedSession } from './Session.ts';

/** The agent hears a no or a timeout; once announced, both sides hear any other ending. */
export function tellEnded(s: EndedSession, log: Logger): void {
  switch (s.ending) {
    case 'unrecorded':
      return;
    case 'denied':
    case 'consent-timeout':
      s.agent.send({ type: 'session-denied', sessionId: s.id, code: s.ending });
      log.info(s.ending === 'denied' ? 'session denied' : 'consent timed out', { sessionId: s.id });
      return;
    default: {
      if (s.wasAnnounced) {
        const msg: RelayToClient = { type: 'session-ended', sessionId: s.id, reason: s.ending };
        s.agent.send(msg);
        s.customer.send(msg);
      }
      log.info('session ended', { sessionId: s.id, reason: s.ending, wasActive: s.startedAt !== null });
    }
  }
}
