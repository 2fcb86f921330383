import type { VoiceCall } from '@beacon/shared/browser/VoiceCall';
import { VoicePanel as SharedVoicePanel } from '@beacon/shared/ui/VoicePanel';
import { useClient, useSnapshot } from './ClientContext.ts';
import { useMulti } from './desk/ParticipantsBar.tsx';

const CLASSES = { plain: 'button', accept: 'button button-primary', hangUp: 'button button-danger' };

/** The session's voice call; no second call while this seat talks in another session. */
export function VoicePanel({ call }: { call: VoiceCall }) {
  const client = useClient();
  const me = useSnapshot().agent; // re-render when a call in another session starts or ends
  const { snap } = useMulti();
  // In another agent's session, this agent joins that session's call (voice-multi) instead of calling.
  const mine = me ? snap.people[call.sessionId]?.participants.find((p) => p.agentId === me.id) : undefined;
  const joinAs = mine && mine.role !== 'owner' ? mine.role : null;
  return <SharedVoicePanel call={call} classes={CLASSES} isBusyElsewhere={client.isInCallElsewhere(call.sessionId)} joinAs={joinAs} myId={me?.id ?? null} />;
}
