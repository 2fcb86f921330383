/**
 * The signed-in console: the top bar with the navigation for the seat's role, and the page
 * the hash route names. Sessions keep running (video, input) while another page is shown.
 */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { isLive } from '../common/ConsoleModel.ts';
import { navFor } from '../common/roles.ts';
import type { Route } from '../common/routes.ts';
import { AccountPage } from './account/AccountPage.tsx';
import { AuditPage } from './admin/AuditPage.tsx';
import { LogPage } from './admin/LogPage.tsx';
import { SeatsPage } from './admin/SeatsPage.tsx';
import { SettingsPage } from './admin/SettingsPage.tsx';
import { StatsPage } from './admin/StatsPage.tsx';
import { RecordingPage } from './recording/RecordingPage.tsx';
import { useClient, useSnapshot } from './ClientContext.ts';
import { CustomersPage } from './customers/CustomersPage.tsx';
import { DeskAlertCards } from './desk/DeskAlertCards.tsx';
import { DeskControls, DeskOffers } from './desk/DeskControls.tsx';
import { MultiInvitations } from './desk/ParticipantsBar.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { SessionsPage } from './SessionsPage.tsx';
import { RoleBadge } from './ui/Labels.tsx';

function Page({ route }: { route: Route }) {
  const { t } = useTranslation();
  switch (route.name) {
    case 'customers':
      return <CustomersPage selected={route.selected} />;
    case 'account':
      return <AccountPage />;
    case 'admin-seats':
      return <SeatsPage />;
    case 'admin-log':
      return <LogPage filters={route.filters} />;
    case 'admin-stats':
      return <StatsPage />;
    case 'admin-audit':
      return <AuditPage />;
    case 'admin-settings':
      return <SettingsPage />;
    case 'admin-recording':
      return <RecordingPage sessionId={route.sessionId} />;
    default:
      return (
        <div className="page" data-testid="page-not-found">
          <h1>{t('nav.notFound')}</h1>
          <p className="muted">{t('nav.notFoundHint')}</p>
          <a className="button" href="#/">
            {t('nav.sessions')}
          </a>
        </div>
      );
  }
}

export function ConsoleView({ route }: { route: Route }) {
  const { t } = useTranslation();
  const client = useClient();
  const snap = useSnapshot();
  const role = client.role;
  const nav = navFor(role);
  const liveCount = snap.console.sessions.filter(isLive).length;
  const orgName = snap.me?.organisation?.name;
  const isSessionsPage = route.name === 'console';

  // Sessions not on screen cost (almost) nothing: the relay sends them keyframes only.
  useEffect(() => client.setSessionsPageShown(isSessionsPage), [client, isSessionsPage]);
  useEffect(() => {
    const onVisibility = () => client.setDocumentVisible(document.visibilityState !== 'hidden');
    onVisibility();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      client.setDocumentVisible(true);
    };
  }, [client]);

  return (
    <div className="console">
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">{t('app.name')}</span>
          {orgName ? (
            <span className="brand-title" data-testid="org-name">
              {orgName}
            </span>
          ) : (
            <span className="brand-title">{t('app.title')}</span>
          )}
        </div>
        <nav className="mainnav" aria-label={t('nav.label')}>
          {nav.map((item, i) => (
            <a
              key={item.route}
              href={item.hash}
              data-testid={item.testId}
              className={`mainnav-item${item.route === route.name ? ' is-selected' : ''}${item.isAdmin && !nav[i - 1]?.isAdmin ? ' starts-group' : ''}`}
              aria-current={item.route === route.name ? 'page' : undefined}
            >
              {t(item.labelKey)}
              {item.route === 'console' && liveCount > 0 && (
                <span className="nav-count" data-testid="nav-live-count">
                  {liveCount}
                </span>
              )}
            </a>
          ))}
        </nav>
        <span className="spacer" />
        <DeskControls />
        <span className={`link-state link-${snap.link}`} data-testid="link-state" data-state={snap.link}>
          <span className="dot" aria-hidden="true" />
          {snap.link === 'online' ? t('header.online') : t('header.reconnecting')}
        </span>
        {snap.agent && (
          <a
            href="#/account"
            className={`agent-name${route.name === 'account' ? ' is-selected' : ''}`}
            data-testid="agent-name"
            data-role={role ?? ''}
            title={t('account.headerLink', { name: snap.agent.displayName })}
            aria-current={route.name === 'account' ? 'page' : undefined}
          >
            <span className="agent-name-text">{snap.agent.displayName}</span>
            {role && <RoleBadge role={role} />}
          </a>
        )}
        <LanguageSwitch />
        <button type="button" className="button button-ghost" data-testid="sign-out" onClick={() => client.signOut()}>
          {t('header.signOut')}
        </button>
      </header>
      {route.name === 'console' ? (
        <SessionsPage />
      ) : (
        <main className="page-scroll">
          <Page route={route} />
        </main>
      )}
      <DeskOffers />
      <DeskAlertCards />
      <MultiInvitations />
    </div>
  );
}
