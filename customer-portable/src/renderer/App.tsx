import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ActiveSession, CustomerState } from '../common/CustomerState.ts';
import { useTranslation } from 'react-i18next';
import { CollabArea } from './CollabArea.tsx';
import { ConsentDialog } from './ConsentDialog.tsx';
import type { SessionCollab } from './SessionCollab.ts';
import type { CustomerClient } from './CustomerClient.ts';
import { LanguageSwitch } from '@beacon/shared/ui/LanguageSwitch';
import { SessionBar } from './SessionBar.tsx';
import { SoundNotice } from './sound/SoundNotice.tsx';
import { ReconnectingNotice } from '@beacon/shared/ui/ReconnectingNotice';
import { VoicePanel } from '@beacon/shared/ui/VoicePanel';
import { StartScreen } from './StartScreen.tsx';
import { HelpRequestPanel } from './HelpRequestPanel.tsx';
import { CustomerFiles } from './transfer/CustomerFiles.tsx';
import { CameraArea } from './CameraArea.tsx';
import { CurtainArea } from './CurtainArea.tsx';

export function App({ client, isElectron }: { client: CustomerClient; isElectron: boolean }) {
  const state = useSyncExternalStore(client.subscribe, client.getState);
  const sc = useSyncExternalStore(client.subscribe, client.getCollab);
  const { t, i18n } = useTranslation();

  useEffect(() => {
    document.title = t('app.title');
    document.documentElement.lang = i18n.language;
  }, [t, i18n.language]);

  if (state.phase === 'session' && state.session) {
    return <SessionScreen key={state.session.sessionId} client={client} session={state.session} link={state} sc={sc} isElectron={isElectron} />;
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
        <StartScreen state={state}>{state.phase !== 'offline' && state.phase !== 'connecting' && <HelpRequestPanel help={client.help} />}</StartScreen>
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

const VOICE_CLASSES = { plain: 'voice-button', accept: 'voice-button voice-button-accept', hangUp: 'voice-button voice-button-hangup' };
// In Electron the session window is only the bar: a ringing call opens it (onRing) to be seen.

const NO_COLLAB = { subscribe: () => () => undefined, unread: () => 0 };

/**
 * One running session. In Electron the window is just the bar, always on top; the chat and
 * blank board open below it on demand, and open by themselves when the agent writes.
 */
function SessionScreen({ client, session, link, sc, isElectron }: { client: CustomerClient; session: ActiveSession; link: LinkState; sc: SessionCollab | null; isElectron: boolean }) {
  // A voice-only session starts open (the client told the shell so): the call's controls are the session.
  const [isPanelOpen, setPanelOpen] = useState(!isElectron || session.mode === 'voice');
  const voice = useSyncExternalStore(client.subscribe, client.getVoice);
  const files = useSyncExternalStore(client.subscribe, client.getFiles);
  const camera = useSyncExternalStore(client.subscribe, client.getCamera);
  const curtain = useSyncExternalStore(client.subscribe, client.getCurtain);
  const openPanel = useCallback(() => setPanelOpen(true), []);
  const notices = useSyncExternalStore(client.barNotices.subscribe, client.barNotices.getSnapshot);
  const unread = useSyncExternalStore(sc?.collab.subscribe ?? NO_COLLAB.subscribe, () => sc?.collab.getSnapshot().unread ?? NO_COLLAB.unread());
  // The shell starts the session as a bar; tell it only when the customer (or a message) changes that.
  const isFirstRender = useRef(true);
  useEffect(() => {
    if (isFirstRender.current) {
      isFirstRender.current = false;
      return;
    }
    if (isElectron) client.setPanelOpen(isPanelOpen);
  }, [client, isElectron, isPanelOpen]);
  useEffect(() => {
    if (unread > 0) setPanelOpen(true);
  }, [unread]);
  return (
    <div className="session-layout">
      <SessionBar
        session={session}
        onStop={() => client.stop()}
        hasHotkey={isElectron}
        notices={notices}
        panel={sc ? { isOpen: isPanelOpen, unread, onToggle: () => setPanelOpen((v) => !v) } : undefined}
      />
      <LinkNotice link={link} />
      <SoundNotice sound={client.sound} agentName={session.agentName} onAsk={openPanel} />
      {camera && <CameraArea camera={camera} collab={sc?.collab ?? null} agentName={session.agentName} onAttention={openPanel} />}
      {curtain && <CurtainArea curtain={curtain} agentName={session.agentName} orgName={session.orgName ?? ''} onAttention={openPanel} />}
      {files && <CustomerFiles files={files} bridge={client.bridge} onAttention={openPanel} />}
      {voice && <VoicePanel key={voice.sessionId} call={voice} classes={VOICE_CLASSES} peerName={session.agentName} onRing={() => setPanelOpen(true)} myId="customer" />}
      {sc && isPanelOpen && <CollabArea key={sc.sessionId} sc={sc} isLive />}
    </div>
  );
}

type LinkState = Pick<CustomerState, 'isRelinking' | 'peerAwayUntil'>;

/** Our link or the agent's dropped: the session waits (the relay keeps it) while it comes back. */
function LinkNotice({ link }: { link: LinkState }) {
  const { t } = useTranslation();
  if (link.isRelinking) {
    return (
      <div className="reconnecting-notice" role="status" data-testid="relinking">
        {t('resume.relinking')}
      </div>
    );
  }
  return link.peerAwayUntil === null ? null : <ReconnectingNotice who="agent" until={link.peerAwayUntil} />;
}
