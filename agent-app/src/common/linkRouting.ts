/**
 * What a relay link carries goes only to the sessions that link carries. A console may hold
 * sessions on several relays at once (SessionLinks.ts), and each relay numbers what it sends on
 * its own: picture streams (random u32 stream IDs) and file lanes (a counter from 1 per relay,
 * so the first file of a session on A and the first of one on B share lane 1). A fragment or a
 * chunk is therefore routed by (link, number), never by the number alone.
 */

/** Whether the link a message came on carries this session. */
export type Carries = (sessionId: string) => boolean;

/** The first of `sessions` that the link carries and that `matches` (the number the message names), if any. */
export function carriedMatch<S>(sessions: Iterable<readonly [string, S]>, carries: Carries, matches: (s: S) => boolean): S | undefined {
  for (const [id, s] of sessions) if (matches(s) && carries(id)) return s;
  return undefined;
}
