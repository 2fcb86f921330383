import { useEffect, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { CollabArea } from './CollabArea.tsx';
import { ConsentDialog } from './ConsentDialog.tsx';
import type { CustomerClient } from './CustomerClient.ts';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { SessionBar } from './SessionBar.tsx';
import { StartScreen } from './StartScreen.tsx';

export function App({ client, isElectron }: { client: CustomerClient; isElectron: boolean }) {
  const state = useSyncExternalStore(client.subscribe, client.getState);
  const sc = useSyncExternalStore(client.subscribe, client.getCollab);
  const { t, i18n } = useTranslation();

  useEffect(() => {
    document.title = t('app.title');
    document.documentElement.lang = i18n.language;
  }, [t, i18n.language]);

  if (state.phase === 'session' && state.session) {
    return (
      <div className="session-layout">
        <SessionBar session={state.session} onStop={() => client.stop()} hasHotkey={isElectron} />
        {sc && <CollabArea key={sc.sessionId} sc={sc} isLive />}
      </div>
    );
  }

  return (
    <div className={`app${sc ? ' has-chat' : ''}`}>
      <header className="app-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">{t('app.title')}</span>
        </div>
        <LanguageSwitch />
      </header>
      <main className="app-main">
        <StartScreen state={state} />
      </main>
      {state.phase === 'consent' && state.consent && (
        <ConsentDialog ask={state.consent} onAccept={() => client.accept()} onDeny={() => client.deny()} />
      )}
      {/* Above the consent dialog's backdrop: the customer can ask the agent something before answering. */}
      {sc && (
        <div className="side-chat">
          <CollabArea key={sc.sessionId} sc={sc} isLive={false} />
        </div>
      )}
    </div>
  );
}
