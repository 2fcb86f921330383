/**
 * The privacy curtain page: what each of the customer's monitors shows while the curtain is up
 * (main/CurtainWindows.ts opens one window per monitor, kept out of the agent's capture). Who
 * works on the PC, in the customer's language (from the page's query: common/curtainPage.ts);
 * on the primary monitor's window, the Stop button. The hotkey is main's (CURTAIN_HOTKEY).
 *
 * Its only way out is the curtain preload's bridge (`window.beaconCurtain`): Stop calls
 * `liftCurtain`, and the pointer entering or leaving Stop calls `pointerOverStop`, because the
 * window lets clicks through to the desktop everywhere else (the agent's input lands there).
 */
import { useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider, useTranslation } from 'react-i18next';
import { createI18n } from '@beacon/shared/i18n';
import type { CurtainBridge } from '@beacon/shared/ipc';
import { CUSTOMER_CATALOG } from '../common/i18n.ts';
import { curtainPageParams, type CurtainPageParams } from '../common/curtainPage.ts';

declare global {
  interface Window {
    /** Present only in the Electron curtain window (exposed by its preload). */
    beaconCurtain?: CurtainBridge;
  }
}

function Curtain({ params, bridge }: { params: CurtainPageParams; bridge: CurtainBridge | undefined }) {
  const { t } = useTranslation();
  useEffect(() => {
    document.documentElement.lang = params.locale;
    document.title = t('curtain.pageTitle');
  }, [params.locale, t]);
  return (
    <main className="curtain" data-testid="curtain" data-locale={params.locale}>
      <h1 data-testid="curtain-message">{params.orgName ? t('curtain.working', { org: params.orgName }) : t('curtain.workingNoOrg')}</h1>
      <p>{t('curtain.wait')}</p>
      {params.hasStopButton && (
        <button
          type="button"
          data-testid="curtain-stop"
          onClick={() => bridge?.liftCurtain()}
          onPointerEnter={() => bridge?.pointerOverStop(true)}
          onPointerLeave={() => bridge?.pointerOverStop(false)}
        >
          {t('curtain.stop')}
        </button>
      )}
      <p data-testid="curtain-hint">{t('curtain.hotkeyHint')}</p>
    </main>
  );
}

const params = curtainPageParams(location.search);
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <I18nextProvider i18n={createI18n(CUSTOMER_CATALOG, params.locale)}>
      <Curtain params={params} bridge={window.beaconCurtain} />
    </I18nextProvider>,
  );
}
