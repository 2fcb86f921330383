import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConsentAsk } from '../common/CustomerState.ts';
import { DialogActions } from './DialogActions.tsx';

export function ConsentDialog({ ask, onAccept, onDeny }: { ask: ConsentAsk; onAccept: () => void; onDeny: () => void }) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDivElement>(null);
  const isControl = ask.permissions.control;
  const isVoiceOnly = ask.mode === 'voice';
  const isCamera = ask.source === 'camera';

  useEffect(() => {
    // A request arrives while the customer may be looking elsewhere: bring the window up.
    window.focus();
    dialog.current?.focus();
  }, [ask.sessionId]);

  return (
    <div className="modal-backdrop">
      <div
        className="consent-dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="consent-title"
        aria-describedby="consent-ask"
        data-testid="consent-dialog"
        tabIndex={-1}
        ref={dialog}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onDeny();
        }}
      >
        <h2 id="consent-title">{t(isVoiceOnly ? 'voiceOnly.title' : isCamera ? 'camera.firstTitle' : 'consent.title', { name: ask.agentName })}</h2>
        <p className="agent">
          <span className="agent-avatar" aria-hidden="true">
            {ask.agentName.slice(0, 1).toUpperCase()}
          </span>
          <span className="agent-names">
            <strong data-testid="consent-agent-name">{ask.agentName}</strong>
            {ask.orgName && (
              <span className="org" data-testid="consent-org-name">
                {t('consent.fromOrg', { org: ask.orgName })}
              </span>
            )}
          </span>
        </p>
        <p id="consent-ask" className="ask" data-testid="consent-permissions" data-control={isControl} data-mode={isVoiceOnly ? 'voice' : 'screen'} data-source={isCamera ? 'camera' : 'screen'}>
          {t(isVoiceOnly ? 'voiceOnly.ask' : isCamera ? 'camera.firstAsk' : isControl ? 'consent.askControl' : 'consent.askView', { name: ask.agentName })}
        </p>
        {isCamera ? (
          <ul className="permissions">
            <li className="granted">{t('camera.itemCamera')}</li>
            <li className="granted">{t('camera.itemCameraDraw')}</li>
            <li className="not-granted" data-testid="consent-no-screen">{t('camera.itemNoScreen')}</li>
          </ul>
        ) : isVoiceOnly ? (
          <ul className="permissions">
            <li className="granted">{t('voiceOnly.itemVoice')}</li>
            <li className="not-granted" data-testid="consent-no-screen">{t('voiceOnly.itemNoScreen')}</li>
          </ul>
        ) : (
          <ul className="permissions">
            <li className="granted">{t('consent.itemView')}</li>
            {isControl && <li className="granted">{t('consent.itemControl')}</li>}
          </ul>
        )}
        {ask.isRecorded && (
          <p className="fineprint recorded" data-testid="consent-recorded">
            {t('consent.recorded')}
          </p>
        )}
        <p className="fineprint">{t('consent.stopHint')}</p>
        <DialogActions
          testIds={{ deny: 'consent-deny', accept: 'consent-accept' }}
          denyLabel={t('consent.deny')}
          acceptLabel={t(isVoiceOnly ? 'voiceOnly.accept' : isCamera ? 'camera.firstAccept' : 'consent.accept')}
          onDeny={onDeny}
          onAccept={onAccept}
        />
      </div>
    </div>
  );
}
