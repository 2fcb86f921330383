import { useTranslation } from 'react-i18next';
import { formatDeviceId } from '../common/connectInput.ts';
import { useClient, useSnapshot } from './ClientContext.ts';
import { ConnectForm } from './ConnectForm.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { SessionView } from './SessionView.tsx';

export function ConsoleView() {
  const { t } = useTranslation();
  const client = useClient();
  const snap = useSnapshot();
  const { sessions, selectedId, errorKey } = snap.console;
  const selected = sessions.find((s) => s.sessionId === selectedId) ?? null;

  return (
    <div className="console">
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">{t('app.name')}</span>
          <span className="brand-title">{t('app.title')}</span>
        </div>
        <span className="spacer" />
        <span className={`link-state link-${snap.link}`} data-testid="link-state" data-state={snap.link}>
          <span className="dot" aria-hidden="true" />
          {snap.link === 'online' ? t('header.online') : t('header.reconnecting')}
        </span>
        {snap.agent && (
          <span className="agent-name" data-testid="agent-name">
            {t('header.signedInAs', { name: snap.agent.displayName })}
          </span>
        )}
        <LanguageSwitch />
        <button type="button" className="button button-ghost" data-testid="sign-out" onClick={() => client.signOut()}>
          {t('header.signOut')}
        </button>
      </header>
      <nav className="tabbar" role="tablist" aria-label={t('tabs.label')}>
        {sessions.map((s) => (
          <div
            key={s.sessionId}
            role="tab"
            tabIndex={0}
            aria-selected={s.sessionId === selectedId}
            className={`tab${s.sessionId === selectedId ? ' is-selected' : ''}`}
            data-testid="session-tab"
            data-session-id={s.sessionId}
            data-state={s.state}
            onClick={() => client.select(s.sessionId)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') client.select(s.sessionId);
            }}
          >
            <span className={`dot state-${s.state}`} aria-hidden="true" />
            <span className="tab-title">{formatDeviceId(s.deviceId)}</span>
            <span className="tab-state">{t(`tabs.state.${s.state}`)}</span>
            {s.state === 'ended' && (
              <button
                type="button"
                className="tab-close"
                data-testid="session-tab-close"
                aria-label={t('tabs.close')}
                title={t('tabs.close')}
                onClick={(e) => {
                  e.stopPropagation();
                  client.closeTab(s.sessionId);
                }}
              >
                ×
              </button>
            )}
          </div>
        ))}
        <button
          type="button"
          role="tab"
          aria-selected={selectedId === null}
          className={`tab tab-new${selectedId === null ? ' is-selected' : ''}`}
          data-testid="new-session-button"
          onClick={() => client.select(null)}
        >
          <span aria-hidden="true">＋</span> {t('tabs.new')}
        </button>
      </nav>
      <ErrorNotice messageKey={errorKey} onDismiss={() => client.dismissError()} />
      <main className="content">{selected ? <SessionView key={selected.sessionId} entry={selected} /> : <ConnectForm />}</main>
    </div>
  );
}
