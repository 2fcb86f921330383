/**
 * The people in a call with several agents (capability `voice-multi`), the same in both apps:
 * each member with its mute and listening-only state, and one `<audio>` per listen line,
 * playing the speaker the relay sends there (WebRTC streams, so echo cancellation applies).
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { VoiceRoomSnapshot } from '../browser/VoiceRoomState.ts';

function ListenAudio({ stream, line, who }: { stream: MediaStream | null; line: number; who: string }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || el.srcObject === stream) return;
    el.srcObject = stream;
    if (stream) void el.play().catch(() => undefined);
  }, [stream]);
  return <audio ref={ref} data-testid="voice-listen-audio" data-line={line} data-who={who} autoPlay hidden />;
}

/** `myId`: this client's member ID (`customer`, or the agent's account ID). */
export function VoiceRoomPanel({ room, myId }: { room: VoiceRoomSnapshot; myId: string | number | null }) {
  const { t } = useTranslation();
  if (room.members.length === 0) return null;
  return (
    <div className="voice-room" data-testid="voice-room">
      {room.lines.map((l, i) => (
        <ListenAudio key={i} stream={l.stream} line={i} who={l.who === null ? '' : String(l.who)} />
      ))}
      <span className="muted small">{t('voice.room.people')}</span>
      {room.members
        .filter((m) => m.id !== myId)
        .map((m) => (
          <span key={String(m.id)} className="voice-member" data-testid="voice-member" data-id={String(m.id)} data-muted={m.isMuted} data-listen-only={m.isListenOnly}>
            {m.role === 'customer' ? t('voice.room.customer') : m.name}
            {m.isListenOnly ? <span className="muted small"> ({t('voice.room.listening')})</span> : m.isMuted && <span className="muted small"> ({t('voice.room.muted')})</span>}
          </span>
        ))}
    </div>
  );
}
