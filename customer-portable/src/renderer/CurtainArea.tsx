/**
 * The privacy curtain as the customer's session window shows it: the agent's ask in a dialog of
 * its own, and while the curtain is up, a line saying so with a Lift button (the curtain windows
 * have their own Stop button and the hotkey; this one is for a customer who looks here).
 */
import { useEffect, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { CurtainSwitch } from '../common/CurtainSwitch.ts';
import { DialogActions } from './DialogActions.tsx';

export function CurtainArea({ curtain, agentName, orgName, onAttention }: { curtain: CurtainSwitch; agentName: string; orgName: string; onAttention: () => void }) {
  const { t, i18n } = useTranslation();
  const snap = useSyncExternalStore(curtain.subscribe, curtain.getSnapshot);
  // In Electron the session window is only the bar: an ask opens it.
  useEffect(() => {
    if (snap.isAsked) onAttention();
  }, [snap.isAsked, onAttention]);
  return (
    <>
      {snap.isAsked && (
        <div className="modal-backdrop">
          <div className="consent-dialog" role="alertdialog" aria-modal="true" aria-labelledby="curtain-ask-title" data-testid="curtain-ask">
            <h2 id="curtain-ask-title">{t('curtain.askTitle')}</h2>
            <p className="ask">{t('curtain.ask', { name: agentName })}</p>
            <ul className="permissions">
              <li className="granted">{t('curtain.itemCurtain')}</li>
              <li className="granted">{t('curtain.itemAgentSees')}</li>
              <li className="granted">{t('curtain.itemLift')}</li>
            </ul>
            <DialogActions
              testIds={{ deny: 'curtain-decline', accept: 'curtain-accept' }}
              denyLabel={t('curtain.decline')}
              acceptLabel={t('curtain.accept')}
              onDeny={() => curtain.decline()}
              onAccept={() => void curtain.accept({ orgName, locale: i18n.language })}
            />
          </div>
        </div>
      )}
      {snap.state === 'on' && (
        <p className="camera-status" role="status" data-testid="curtain-up">
          {t('curtain.up')}{' '}
          <button type="button" className="deny" data-testid="curtain-lift" onClick={() => void curtain.lift('customer-lifted')}>
            {t('curtain.lift')}
          </button>
        </p>
      )}
      {snap.hasFailed && (
        <p className="camera-status camera-problem" role="alert" data-testid="curtain-failed">
          {t('curtain.failed')}
        </p>
      )}
    </>
  );
}
