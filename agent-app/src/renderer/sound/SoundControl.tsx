import { useEffect, useRef, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { RemoteSoundListener } from './RemoteSoundListener.ts';

/** The toolbar button: hear the customer PC's sound (asks the customer), or stop hearing it. */
export function SoundButton({ sound, sessionId }: { sound: RemoteSoundListener; sessionId: string }) {
  const { t } = useTranslation();
  const s = useSyncExternalStore(sound.subscribe, () => sound.of(sessionId));
  if (s.state === 'off') {
    return (
      <button type="button" className="button" data-testid="sound-listen" title={t('sound.listenHint')} onClick={() => void sound.listen(sessionId)}>
        {t('sound.listen')}
      </button>
    );
  }
  return (
    <button type="button" className="button" data-testid="sound-stop" data-state={s.state} onClick={() => sound.stop(sessionId)}>
      {s.state === 'asking' ? t('sound.asking') : t('sound.stop')}
    </button>
  );
}

/** Under the toolbar: that the PC's sound is on (and plays it), or why it went off. */
export function SoundRow({ sound, sessionId }: { sound: RemoteSoundListener; sessionId: string }) {
  const { t } = useTranslation();
  const s = useSyncExternalStore(sound.subscribe, () => sound.of(sessionId));
  const stream = useSyncExternalStore(sound.subscribe, () => sound.stream);
  const audioRef = useRef<HTMLAudioElement>(null);
  const isOn = s.state === 'on';
  useEffect(() => {
    const el = audioRef.current;
    if (!el) return;
    el.srcObject = isOn ? stream : null;
    if (isOn && stream) void el.play().catch(() => undefined);
  }, [isOn, stream]);
  return (
    <>
      <audio ref={audioRef} data-testid="remote-sound-audio" autoPlay hidden />
      {isOn && (
        <div className="notice notice-info" role="status" data-testid="sound-status" data-state="on">
          <span className="notice-text">{t('sound.on')}</span>
        </div>
      )}
      {s.state === 'off' && s.reason && s.reason !== 'stopped' && (
        <div className="notice notice-info" role="status" data-testid="sound-status" data-state="off" data-reason={s.reason}>
          <span className="notice-text">{t(`sound.off.${s.reason}`)}</span>
        </div>
      )}
    </>
  );
}
