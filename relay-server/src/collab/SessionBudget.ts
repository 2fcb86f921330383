/**
 * What one live session may store of its chat and whiteboard, and how many of its database
 * writes may wait at once. The rate of each party is bounded before this (transport/CtlBudget.ts);
 * these bound the totals, so a long session cannot grow the database without end, and a slow
 * database cannot grow a queue of one session's writes that every other session waits behind
 * (there is one SQLite connection; a chat flood once delayed a new customer's welcome by 50 s).
 */
import { ProtocolError } from '@beacon/shared/errors';

/** Chat messages stored per session (`too-many` past it): hours of brisk typing by both sides. */
export const MAX_CHAT_PER_SESSION = 2000;
/**
 * Whiteboard actions kept in a session's event log (for the recording's timeline). Past it,
 * strokes still reach the other party but are no longer logged: a busy whiteboard session
 * draws a few hundred; each row may hold a 1000-point stroke (about 12 kB).
 */
export const MAX_LOGGED_STROKES_PER_SESSION = 5000;
/**
 * Database writes of one session's chat and whiteboard waiting at once. Each is a commit (a
 * sync to disk, a few ms on a busy disk) on the one connection every session shares, so this
 * is also about the most one session can make the others wait. People chat and draw a few
 * times a second at most: a session this far behind is flooding. Its chat is refused
 * (`rate-limited`) and its strokes go unlogged until the writes catch up.
 */
export const MAX_PENDING_WRITES_PER_SESSION = 8;
/**
 * The same bound for chat, which is passed on before its row is written (CollabHandler.chat):
 * a sender no longer waits for its writes, so a slow database must not refuse someone typing
 * at a person's pace. Room for a party's whole chat burst (CtlBudget: 20), two writes each
 * (the row and its event); the per-party rate bounds the rest.
 */
export const MAX_PENDING_CHAT_WRITES_PER_SESSION = 48;

interface Tally {
  chats: number;
  strokes: number;
  pending: number;
  hasSkippedStrokes: boolean;
}

export class SessionBudget {
  private readonly tallies = new Map<string, Tally>();

  private of(sessionId: string): Tally {
    let t = this.tallies.get(sessionId);
    if (!t) {
      t = { chats: 0, strokes: 0, pending: 0, hasSkippedStrokes: false };
      this.tallies.set(sessionId, t);
    }
    return t;
  }

  /** Counts a chat message about to be stored; throws `too-many` or `rate-limited` when over. */
  chat(sessionId: string): void {
    const t = this.of(sessionId);
    if (t.chats >= MAX_CHAT_PER_SESSION) throw new ProtocolError('too-many', `a session keeps at most ${MAX_CHAT_PER_SESSION} chat messages`);
    if (t.pending >= MAX_PENDING_CHAT_WRITES_PER_SESSION) throw new ProtocolError('rate-limited', 'the relay is still storing this session\'s earlier messages; slow down');
    t.chats++;
  }

  /**
   * Whether a whiteboard action is logged: `log`, or `first-skip` the first time a session's
   * are not (say so once), `skip` after that.
   */
  stroke(sessionId: string): 'log' | 'first-skip' | 'skip' {
    const t = this.of(sessionId);
    if (t.strokes < MAX_LOGGED_STROKES_PER_SESSION && t.pending < MAX_PENDING_WRITES_PER_SESSION) {
      t.strokes++;
      return 'log';
    }
    if (t.hasSkippedStrokes) return 'skip';
    t.hasSkippedStrokes = true;
    return 'first-skip';
  }

  /** Counts one database write of the session while `write` runs. */
  track<T>(sessionId: string, write: Promise<T>): Promise<T> {
    const t = this.of(sessionId);
    t.pending++;
    return write.finally(() => t.pending--);
  }

  /** The session ended: its tallies go. */
  forget(sessionId: string): void {
    this.tallies.delete(sessionId);
  }
}
