/**
 * The supervisor's view of the desk (managers, admins, owners; capability `desk-live`): a
 * Supervise button in the header opens the live lists — waiting requests, each with Dispatch
 * to a chosen agent, and running sessions, each with Monitor and Join (`desk-multi`), Take over
 * and Transfer to a chosen agent.
 * Shown only to a console the relay sends `desk-sessions` (a supervisor's).
 */
import { DeskColleagues } from '@beacon/shared/api';
import type { HelpRequestView, LiveDeskSession } from '@beacon/shared/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../ClientContext.ts';
import { useFormatters } from '../ui/format.ts';
import { useApiQuery } from '../ui/useApiQuery.ts';
import { useDesk } from './useDesk.ts';

export function SupervisorButton() {
  const { t } = useTranslation();
  const snap = useDesk().snap;
  const [isOpen, setOpen] = useState(false);
  if (!snap.isLive || snap.liveSessions === null) return null;
  return (
    <>
      <button type="button" className="button button-ghost" data-testid="supervise-toggle" aria-expanded={isOpen} onClick={() => setOpen((v) => !v)}>
        {t('supervise.button')}
        <span className="nav-count" data-testid="supervise-count">
          {snap.liveSessions.length}
        </span>
      </button>
      {isOpen && <SupervisorPanel waiting={snap.queue.filter((r) => r.state !== 'assigned')} sessions={snap.liveSessions} />}
    </>
  );
}

/** Agents at the desk (on every relay of a cluster), for the dispatch and transfer choices. */
function AgentSelect({ value, onChange, testId }: { value: string; onChange: (v: string) => void; testId: string }) {
  const { t } = useTranslation();
  const colleagues = useApiQuery((api) => api.get('/api/desk/colleagues', DeskColleagues), [], { pollMs: 5000 });
  const agents = colleagues.data?.agents ?? [];
  return (
    <select data-testid={testId} aria-label={t('supervise.agent')} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{t('supervise.agent')}</option>
      {agents.map((a) => (
        <option key={a.id} value={a.id}>
          {a.displayName}
        </option>
      ))}
    </select>
  );
}

function SupervisorPanel({ waiting, sessions }: { waiting: readonly HelpRequestView[]; sessions: readonly LiveDeskSession[] }) {
  const { t } = useTranslation();
  return (
    <div className="desk-queue desk-supervise" data-testid="supervise-panel" role="region" aria-label={t('supervise.title')}>
      <h2>{t('supervise.waiting')}</h2>
      {waiting.length === 0 && <p className="muted">{t('desk.queueEmpty')}</p>}
      <ul>
        {waiting.map((r) => (
          <WaitingRow key={r.id} request={r} />
        ))}
      </ul>
      <h2>{t('supervise.running')}</h2>
      {sessions.length === 0 && <p className="muted">{t('supervise.noSessions')}</p>}
      <ul>
        {sessions.map((s) => (
          <SessionRow key={s.sessionId} session={s} />
        ))}
      </ul>
    </div>
  );
}

function WaitingRow({ request }: { request: HelpRequestView }) {
  const { t } = useTranslation();
  const desk = useClient().desk;
  const [agentId, setAgentId] = useState('');
  return (
    <li data-testid="supervise-request" data-request-id={request.id}>
      <strong>{request.customerName}</strong>
      {request.description && <p className="desk-description">{request.description}</p>}
      <div className="desk-supervise-actions">
        <AgentSelect value={agentId} onChange={setAgentId} testId="supervise-dispatch-agent" />
        <button type="button" className="button" data-testid="supervise-dispatch" disabled={agentId === ''} onClick={() => desk.dispatch(request.id, Number(agentId))}>
          {t('supervise.dispatch')}
        </button>
      </div>
    </li>
  );
}

/**
 * Takes the session over. A supervisor watching or in it first leaves (its tab closes: the
 * relay hears that first), so the session opens in a new tab with control, as the new agent's.
 */
function takeOver(client: ReturnType<typeof useClient>, sessionId: string): void {
  const role = client.multi.myRole(sessionId);
  if (role === 'monitor' || role === 'guest') client.closeTab(sessionId);
  client.desk.takeOver(sessionId);
}

function SessionRow({ session }: { session: LiveDeskSession }) {
  const { t } = useTranslation();
  const client = useClient();
  const f = useFormatters();
  const me = client.getSnapshot().agent;
  const [agentId, setAgentId] = useState('');
  const isMine = me?.id === session.agentId;
  return (
    <li data-testid="supervise-session" data-session-id={session.sessionId} data-agent-id={session.agentId}>
      <strong>{session.customerName ?? t('supervise.byCode')}</strong>
      <span className="muted"> · {t('supervise.with', { name: session.agentName, duration: f.duration(Math.max(0, Date.now() - session.startedAt)) })}</span>
      {!isMine && (
        <div className="desk-supervise-actions">
          {client.multi.getSnapshot().isOn && (
            <>
              <button type="button" className="button" data-testid="supervise-monitor" onClick={() => client.multi.monitor(session.sessionId)}>
                {t('multi.monitor')}
              </button>
              <button type="button" className="button" data-testid="supervise-join" onClick={() => client.multi.join(session.sessionId)}>
                {t('multi.join')}
              </button>
            </>
          )}
          <button type="button" className="button" data-testid="supervise-take-over" onClick={() => takeOver(client, session.sessionId)}>
            {t('supervise.takeOver')}
          </button>
          {session.helpRequestId && (
            <>
              <AgentSelect value={agentId} onChange={setAgentId} testId="supervise-transfer-agent" />
              <button type="button" className="button" data-testid="supervise-transfer" disabled={agentId === ''} onClick={() => client.desk.forceTransfer(session.sessionId, Number(agentId), '')}>
                {t('supervise.transfer')}
              </button>
            </>
          )}
        </div>
      )}
    </li>
  );
}
