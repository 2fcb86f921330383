/**
 * The privacy curtain in the session toolbar: the owner's toggle (raise, or lift), what waits
 * for the customer, and the curtain's state with why. Monitors and guests see the state only:
 * the relay refuses their asks, so they get no toggle; nor does a view-only session (the relay
 * refuses a curtain there).
 */
import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { CurtainControlSnapshot } from '../../common/CurtainControl.ts';
import { useClient } from '../ClientContext.ts';
import { useIsOwner } from '../desk/useIsOwner.ts';

/** The line that says what the curtain is, and why, or null when there is nothing to say. */
function statusKey(snap: CurtainControlSnapshot): string | null {
  if (snap.isAsking) return 'curtain.asking';
  if (snap.isDeclined) return 'curtain.declined';
  if (snap.state === 'unavailable') return snap.reason === 'failed' ? 'curtain.failed' : 'curtain.unavailable';
  if (snap.state === 'off' && snap.reason === 'customer-lifted') return 'curtain.lifted';
  if (snap.state === 'off' && snap.reason === 'failed') return 'curtain.failed';
  return null;
}

export function CurtainTools({ sessionId, hasControl }: { sessionId: string; hasControl: boolean }) {
  const { t } = useTranslation();
  const curtain = useClient().getCurtain(sessionId);
  const snap = useSyncExternalStore(curtain.subscribe, curtain.getSnapshot);
  const mayAsk = useIsOwner(sessionId) && hasControl;
  const status = statusKey(snap);
  const isOn = snap.state === 'on';
  return (
    <span className="curtain-tools" data-testid="curtain-tools" data-state={snap.state} data-reason={snap.reason ?? ''}>
      {isOn && (
        <span className="badge badge-accent" data-testid="curtain-on" title={t('curtain.onHint')}>
          {t('curtain.on')}
        </span>
      )}
      {status && (
        <span className="toolbar-hint muted" role="status" data-testid="curtain-status" data-key={status}>
          {t(status)}
        </span>
      )}
      {mayAsk && (
        <button
          type="button"
          className="button"
          aria-pressed={isOn}
          data-testid="curtain-toggle"
          disabled={snap.isAsking}
          title={isOn ? undefined : t('curtain.toggleHint')}
          onClick={() => curtain.toggle()}
        >
          {t(isOn ? 'curtain.lower' : 'curtain.toggle')}
        </button>
      )}
    </span>
  );
}
