import { LIMITS } from '@beacon/shared/protocol';
import { useTranslation } from 'react-i18next';
import type { SessionEntry } from '../common/ConsoleModel.ts';
import { formatDeviceId } from '../common/connectInput.ts';
import { ConnectForm } from './ConnectForm.tsx';

/**
 * Where a screen session shows the customer's screen, a voice-only session shows the call:
 * there is no screen (and so no canvas, whiteboard layer or screenshot). The call itself is
 * driven from the voice panel above; the chat stays beside this.
 */
export function VoiceOnlyArea({ entry }: { entry: SessionEntry }) {
  const { t } = useTranslation();
  return (
    <div className={`video-area voice-only-area${entry.state === 'ended' ? ' is-ended' : ''}`} data-testid="voice-only-view" data-state={entry.state}>
      {entry.state === 'pending' && (
        <div className="video-overlay">
          <div className="spinner" aria-hidden="true" />
          <p className="overlay-title">{t('voiceOnly.waiting')}</p>
          <p className="overlay-hint">{t('session.waitingHint', { seconds: Math.round(LIMITS.consentTimeoutMs / 1000) })}</p>
        </div>
      )}
      {entry.state === 'active' && (
        <div className="video-overlay">
          <span className="voice-only-icon" aria-hidden="true" />
          <p className="overlay-title">{t('voiceOnly.title', { id: formatDeviceId(entry.deviceId) })}</p>
          <p className="overlay-hint">{t('voiceOnly.hint')}</p>
        </div>
      )}
      {entry.state === 'ended' && (
        <div className="video-overlay video-overlay-interactive">
          <ConnectForm inline initialDeviceId={entry.deviceId} initialCustomer={entry.customer} initialMode="voice" />
        </div>
      )}
    </div>
  );
}
