/**
 * Colleagues' no-reply alerts (capability `desk-alerts`): a card per alert with who has not
 * answered which customer for how long, a tone and a system notification, and Take over (the
 * session's tab opens here) or Dismiss. The relay clears a card when the agent answers, the
 * session changes hands or the request ends.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormatters } from '../ui/format.ts';
import type { DeskAlert } from './AgentDesk.ts';
import { useNotifyNew } from './DeskControls.tsx';
import { useDesk } from './useDesk.ts';

export function DeskAlertCards() {
  const { t } = useTranslation();
  const { snap } = useDesk();
  useNotifyNew(snap.alerts, (a) => `${a.helpRequestId}:${a.silentSince}`, (a) => t('desk.alertNotify', { agent: a.agentName, customer: a.customerName }));
  if (snap.alerts.length === 0) return null;
  return (
    <div className="desk-alerts" aria-live="assertive">
      {snap.alerts.map((a) => (
        <AlertCard key={a.helpRequestId} alert={a} />
      ))}
    </div>
  );
}

/** The time since the alert arrived plus the silence it reported, in this console's clock. */
function useSilence(alert: DeskAlert): number {
  const [arrived] = useState(() => Date.now());
  const [now, setNow] = useState(arrived);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now - arrived + Math.max(0, arrived - alert.silentSince);
}

function AlertCard({ alert }: { alert: DeskAlert }) {
  const { t } = useTranslation();
  const { desk } = useDesk();
  const f = useFormatters();
  const silence = useSilence(alert);
  return (
    <section className="desk-offer desk-alert" data-testid="desk-alert" data-request-id={alert.helpRequestId} role="alertdialog" aria-label={t('desk.alertTitle')}>
      <h2>{t('desk.alertTitle')}</h2>
      <p data-testid="desk-alert-text">{t('desk.alertText', { agent: alert.agentName, customer: alert.customerName, duration: f.duration(silence) })}</p>
      {alert.sessionId === null && <p className="muted" data-testid="desk-alert-no-session">{t(alert.deviceId ? 'desk.alertTakeRequestHint' : 'desk.alertNoSession')}</p>}
      <div className="actions">
        <button type="button" className="button" data-testid="desk-alert-dismiss" onClick={() => desk.dismissAlert(alert.helpRequestId)}>
          {t('desk.alertDismiss')}
        </button>
        {/* No session runs yet: the request is taken instead (an older relay, which sends no device, cannot). */}
        <button type="button" className="button button-primary" data-testid="desk-alert-take-over" data-takes={alert.sessionId === null ? 'request' : 'session'} disabled={alert.sessionId === null && !alert.deviceId} onClick={() => desk.takeOverFromAlert(alert.helpRequestId)}>
          {t(alert.sessionId === null ? 'desk.alertTakeRequest' : 'desk.alertTakeOver')}
        </button>
      </div>
    </section>
  );
}
