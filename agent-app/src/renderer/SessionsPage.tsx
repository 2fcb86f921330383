import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDeviceId } from '../common/connectInput.ts';
import { useClient, useSnapshot } from './ClientContext.ts';
import { ConnectForm } from './ConnectForm.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { SessionView } from './SessionView.tsx';

function UnreadBadge({ sessionId }: { sessionId: string }) {
  const collab = useClient().getCollab(sessionId);
  const snap = useSyncExternalStore(collab.subscribe, collab.getSnapshot);
  return snap.unread > 0 ? (
    <span className="tab-unread" data-testid="tab-unread">
      {snap.unread}
    </span>
  ) : null;
}

/** A customer calling in this session: visible on the tab even when another tab is open. */
function RingingBadge({ sessionId }: { sessionId: string }) {
  const { t } = useTranslation();
  const voice = useClient().getVoice(sessionId);
  const isRinging = voice?.snapshot.state === 'incoming';
  return isRinging ? (
    <span className="tab-ringing" data-testid="tab-ringing" title={t('voice.incoming')}>
      {t('voice.ringingTab')}
    </span>
  ) : null;
}

/** The spine console: one tab per session plus the new-connection form. */
export function SessionsPage() {
  const { t } = useTranslation();
  const client = useClient();
  client.notifyTitle = () => t('collab.newMessage');
  client.notifyCallTitle = () => t('voice.ringingNotice');
  const snap = useSnapshot();
  const { sessions, selectedId, errorKey } = snap.console;
  const selected = sessions.find((s) => s.sessionId === selectedId) ?? null;

  return (
    <>
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
            data-customer-id={s.customer?.id ?? ''}
            onClick={() => client.select(s.sessionId)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') client.select(s.sessionId);
            }}
          >
            <span className={`dot state-${s.state}`} aria-hidden="true" />
            {s.customer && <span className="tab-customer">{s.customer.name}</span>}
            <span className="tab-title">{formatDeviceId(s.deviceId)}</span>
            <span className="tab-state">{t(`tabs.state.${s.state}`)}</span>
            <UnreadBadge sessionId={s.sessionId} />
            <RingingBadge sessionId={s.sessionId} />
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
    </>
  );
}
