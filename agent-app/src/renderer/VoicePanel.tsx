import type { VoiceCall } from '@beacon/shared/browser/VoiceCall';
import { VoicePanel as SharedVoicePanel } from '@beacon/shared/ui/VoicePanel';
import { useClient, useSnapshot } from './ClientContext.ts';

const CLASSES = { plain: 'button', accept: 'button button-primary', hangUp: 'button button-danger' };

/** The session's voice call; no second call while this seat talks in another session. */
export function VoicePanel({ call }: { call: VoiceCall }) {
  const client = useClient();
  useSnapshot(); // re-render when a call in another session starts or ends
  return <SharedVoicePanel call={call} classes={CLASSES} isBusyElsewhere={client.isInCallElsewhere(call.sessionId)} />;
}
