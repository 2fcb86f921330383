import { useSnapshot } from '../ClientContext.ts';
import { useMulti } from './ParticipantsBar.tsx';

/** Whether this console is the session's own agent (not one of its monitors or guests): only it asks the customer for things. */
export function useIsOwner(sessionId: string): boolean {
  const { snap: multi } = useMulti();
  const me = useSnapshot().agent;
  const mine = multi.people[sessionId]?.participants.find((p) => p.agentId === me?.id);
  return !mine || mine.role === 'owner';
}
