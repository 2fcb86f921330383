import { useEffect, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { SoundShare } from './SoundShare.ts';

/**
 * Under the session bar: the agent's request to hear the PC's sound, or that it is shared, with
 * Stop. `onAsk`: the request arrived (Electron opens the bar's panel so the question is seen).
 */
export function SoundNotice({ sound, agentName, onAsk }: { sound: SoundShare; agentName: string; onAsk: () => void }) {
  const { t } = useTranslation();
  const snap = useSyncExternalStore(sound.subscribe, sound.getSnapshot);
  useEffect(() => {
    if (snap.state === 'asking') onAsk();
  }, [snap.state, onAsk]);
  if (snap.state === 'off') {
    return snap.isUnavailable ? (
      <div className="sound-notice" role="status" data-testid="sound-notice" data-state="unavailable">
        {t('sound.unavailable')}
      </div>
    ) : null;
  }
  return (
    <div className="sound-notice" role="status" data-testid="sound-notice" data-state={snap.state}>
      <span>{snap.state === 'asking' ? t('sound.ask', { name: agentName }) : snap.state === 'starting' ? t('sound.starting') : t('sound.on')}</span>
      {snap.state === 'asking' && (
        <>
          <button type="button" data-testid="sound-allow" onClick={() => void sound.allow()}>
            {t('sound.allow')}
          </button>
          <button type="button" data-testid="sound-decline" onClick={() => sound.decline()}>
            {t('sound.decline')}
          </button>
        </>
      )}
      {(snap.state === 'on' || snap.state === 'starting') && (
        <button type="button" data-testid="sound-stop" onClick={() => sound.stop()}>
          {t('sound.stop')}
        </button>
      )}
    </div>
  );
}
