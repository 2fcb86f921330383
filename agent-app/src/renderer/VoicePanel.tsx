import type { VoiceCall, VoiceSnapshot } from '@beacon/shared/browser/VoiceCall';
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient, useSnapshot } from './ClientContext.ts';

function useVoice(call: VoiceCall): VoiceSnapshot {
  return useSyncExternalStore(
    (l) => call.subscribe(l),
    () => call.snapshot,
  );
}

/**
 * The session's voice call: call, answer, mute, level and speaking indicators. The far
 * end plays in an `<audio>` element fed by the WebRTC track, so echo cancellation applies.
 */
export function VoicePanel({ call }: { call: VoiceCall }) {
  const { t } = useTranslation();
  const v = useVoice(call);
  const client = useClient();
  useSnapshot(); // re-render when a call in another session starts or ends
  const isBusyElsewhere = client.isInCallElsewhere(call.sessionId);
  const audioRef = useRef<HTMLAudioElement>(null);
  const stream = call.remoteStream;
  useEffect(() => {
    const el = audioRef.current;
    if (!el || el.srcObject === stream) return;
    el.srcObject = stream;
    if (stream) void el.play().catch(() => undefined);
  }, [stream, v.state]);

  return (
    <div className="voice-panel" data-testid="voice-panel" data-state={v.state}>
      <audio ref={audioRef} data-testid="voice-remote-audio" autoPlay hidden />
      {v.state === 'idle' && (
        <button type="button" className="button" data-testid="voice-call" disabled={isBusyElsewhere} onClick={() => void call.start()}>
          {t('voice.call')}
        </button>
      )}
      {v.state === 'idle' && isBusyElsewhere && (
        <span className="muted small" data-testid="voice-busy-elsewhere">
          {t('voice.inCallElsewhere')}
        </span>
      )}
      {v.state === 'outgoing' && (
        <>
          <span className="voice-status" data-testid="voice-status">{t('voice.calling')}</span>
          <button type="button" className="button" data-testid="voice-hangup" onClick={() => call.hangUp()}>
            {t('voice.cancel')}
          </button>
        </>
      )}
      {v.state === 'incoming' && (
        <>
          <span className="voice-status" role="alert" data-testid="voice-incoming">{t('voice.incoming')}</span>
          <button type="button" className="button button-primary" data-testid="voice-accept" onClick={() => void call.accept()}>
            {t('voice.accept')}
          </button>
          <button type="button" className="button" data-testid="voice-decline" onClick={() => call.decline()}>
            {t('voice.decline')}
          </button>
        </>
      )}
      {v.state === 'active' && (
        <>
          <span className="voice-status" data-testid="voice-status">{t('voice.inCall')}</span>
          <button type="button" className="button" data-testid="voice-mute" aria-pressed={v.isMuted} onClick={() => call.setMuted(!v.isMuted)}>
            {v.isMuted ? t('voice.unmute') : t('voice.mute')}
          </button>
          <meter className="voice-level" data-testid="voice-level" aria-label={t('voice.level')} min={0} max={1} value={v.level} />
          <span className={`voice-dot${v.isSpeaking ? ' voice-dot-on' : ''}`} data-testid="voice-speaking" data-on={v.isSpeaking} title={t('voice.speaking')} />
          <span className={`voice-dot voice-dot-remote${v.isRemoteSpeaking ? ' voice-dot-on' : ''}`} data-testid="voice-remote-speaking" data-on={v.isRemoteSpeaking} title={t('voice.remoteSpeaking')} />
          {v.isRemoteMuted && <span className="muted" data-testid="voice-remote-muted">{t('voice.remoteMuted')}</span>}
          <button type="button" className="button button-danger" data-testid="voice-hangup" onClick={() => call.hangUp()}>
            {t('voice.hangUp')}
          </button>
        </>
      )}
      {v.state === 'idle' && v.notice && (
        <span className="muted" role="status" data-testid="voice-notice" data-notice={v.notice}>
          {t(`voice.notice.${v.notice}`)}
        </span>
      )}
    </div>
  );
}
