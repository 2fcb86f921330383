/**
 * Several agents in one session (capability `desk-multi`), on the session's tab: who else takes
 * part and who holds the keyboard and mouse. The session's own agent sees "monitored by …",
 * invites a colleague at the desk, gives control to a guest and takes it back; a participant
 * sees its part (watching, or a guest). Invitations to this agent show as cards beside the desk
 * offers (MultiInvitations). The relay enforces all of it; this shows it.
 */
import { DeskColleagues } from '@beacon/shared/api';
import { useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionEntry } from '../../common/ConsoleModel.ts';
import { useClient, useSnapshot } from '../ClientContext.ts';
import { useApiQuery } from '../ui/useApiQuery.ts';
import type { AgentMulti, SessionPeople } from './AgentMulti.ts';

export function useMulti(): { multi: AgentMulti; snap: ReturnType<AgentMulti['getSnapshot']> } {
  const multi = useClient().multi;
  return { multi, snap: useSyncExternalStore(multi.subscribe, multi.getSnapshot) };
}

export function ParticipantsBar({ entry }: { entry: SessionEntry }) {
  const { t } = useTranslation();
  const { snap } = useMulti();
  const me = useSnapshot().agent;
  if (!snap.isOn || entry.state !== 'active' || entry.mode === 'voice' || !me) return null;
  const people = snap.people[entry.sessionId];
  const mine = people?.participants.find((p) => p.agentId === me.id);
  const isOwner = !people || mine?.role === 'owner';
  return (
    <div className="multi-bar" data-testid="participants-bar" data-session-id={entry.sessionId}>
      {people && <PeopleLine people={people} myId={me.id} />}
      {mine?.role === 'monitor' && (
        <span className="badge badge-muted" data-testid="multi-watching">
          {t('multi.watching')}
        </span>
      )}
      {isOwner && people && <OwnerControls sessionId={entry.sessionId} people={people} myId={me.id} hasControl={entry.hasControl} />}
      {isOwner && <InviteControl sessionId={entry.sessionId} exclude={people?.participants.map((p) => p.agentId) ?? [me.id]} />}
      {people && mine && mine.role !== 'owner' && <span className="muted">{t('multi.leaveHint')}</span>}
    </div>
  );
}

function PeopleLine({ people, myId }: { people: SessionPeople; myId: number }) {
  const { t } = useTranslation();
  const monitors = people.participants.filter((p) => p.role === 'monitor');
  const controller = people.participants.find((p) => p.agentId === people.controllerId);
  const isOwnerView = people.participants[0]?.agentId === myId;
  return (
    <>
      {isOwnerView && monitors.length > 0 && (
        <span className="badge badge-accent" data-testid="session-monitored">
          {t('multi.monitoredBy', { name: monitors.map((m) => m.name).join(', ') })}
        </span>
      )}
      <span className="multi-people" data-testid="multi-people">
        {t('multi.people')}{' '}
        {people.participants.map((p) => (
          <span key={p.agentId} className="multi-person" data-testid="multi-person" data-role={p.role} data-agent-id={p.agentId}>
            {p.name} <span className="muted">({t(`multi.role.${p.role}`)})</span>
          </span>
        ))}
      </span>
      <span className="multi-control" data-testid="multi-controller" data-agent-id={people.controllerId}>
        {people.controllerId === myId ? t('multi.controlMine') : t('multi.controlWith', { name: controller?.name ?? '?' })}
      </span>
    </>
  );
}

function OwnerControls({ sessionId, people, myId, hasControl }: { sessionId: string; people: SessionPeople; myId: number; hasControl: boolean }) {
  const { t } = useTranslation();
  const { multi } = useMulti();
  if (!hasControl) return null;
  if (people.controllerId !== myId) {
    return (
      <button type="button" className="button" data-testid="multi-take-back" onClick={() => multi.passControl(sessionId, myId)}>
        {t('multi.takeBack')}
      </button>
    );
  }
  return (
    <>
      {people.participants
        .filter((p) => p.role === 'guest')
        .map((p) => (
          <button key={p.agentId} type="button" className="button" data-testid="multi-give" data-agent-id={p.agentId} onClick={() => multi.passControl(sessionId, p.agentId)}>
            {t('multi.give', { name: p.name })}
          </button>
        ))}
    </>
  );
}

function InviteControl({ sessionId, exclude }: { sessionId: string; exclude: readonly number[] }) {
  const { t } = useTranslation();
  const { multi } = useMulti();
  const [isOpen, setOpen] = useState(false);
  const [agentId, setAgentId] = useState('');
  return (
    <span className="multi-invite">
      <button type="button" className="button" data-testid="multi-invite-open" aria-expanded={isOpen} onClick={() => setOpen((v) => !v)}>
        {t('multi.invite')}
      </button>
      {isOpen && (
        <>
          <ColleagueSelect value={agentId} onChange={setAgentId} exclude={exclude} />
          <button
            type="button"
            className="button button-primary"
            data-testid="multi-invite-send"
            disabled={agentId === ''}
            onClick={() => {
              multi.invite(sessionId, Number(agentId));
              setOpen(false);
              setAgentId('');
            }}
          >
            {t('multi.inviteSend')}
          </button>
        </>
      )}
    </span>
  );
}

function ColleagueSelect({ value, onChange, exclude }: { value: string; onChange: (v: string) => void; exclude: readonly number[] }) {
  const { t } = useTranslation();
  const colleagues = useApiQuery((api) => api.get('/api/desk/colleagues', DeskColleagues), [], { pollMs: 5000 });
  return (
    <select data-testid="multi-invite-agent" aria-label={t('multi.inviteWho')} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{t('multi.inviteWho')}</option>
      {(colleagues.data?.agents ?? [])
        // Invited agents join through this relay's desk: those at another relay's desk only are not listed.
        .filter((a) => !exclude.includes(a.id) && !a.isAtAnotherRelay)
        .map((a) => (
          <option key={a.id} value={a.id}>
            {a.displayName}
          </option>
        ))}
    </select>
  );
}

/** Invitations to join a colleague's session, beside the desk offers; and the answer to one this agent made. */
export function MultiInvitations() {
  const { t } = useTranslation();
  const { multi, snap } = useMulti();
  if (snap.invitations.length === 0 && !snap.answered) return null;
  const a = snap.answered;
  return (
    <div className="desk-offers multi-invitations" aria-live="assertive">
      {snap.invitations.map((i) => (
        <section key={i.sessionId} className="desk-offer" data-testid="multi-invitation" data-session-id={i.sessionId} data-handover={i.handover ? 'yes' : 'no'} role="alertdialog" aria-label={t('multi.invitationTitle')}>
          <h2>{t(i.handover ? 'multi.handoverTitle' : 'multi.invitationTitle')}</h2>
          <p className="desk-offer-name">{t(i.handover ? 'multi.handoverFrom' : 'multi.invitationFrom', { name: i.fromAgentName })}</p>
          {i.customerName && <p className="muted">{t('multi.invitationCustomer', { name: i.customerName })}</p>}
          {i.handover?.note && (
            <p className="desk-description" data-testid="multi-invitation-note">
              <span className="muted">{t('desk.transferNote')}</span> {i.handover.note}
            </p>
          )}
          <div className="actions">
            <button type="button" className="button" data-testid="multi-invitation-decline" onClick={() => multi.answer(i.sessionId, false)}>
              {t('multi.declineInvite')}
            </button>
            <button type="button" className="button button-primary" data-testid="multi-invitation-accept" onClick={() => multi.answer(i.sessionId, true)}>
              {t(i.handover ? 'desk.accept' : 'multi.acceptInvite')}
            </button>
          </div>
        </section>
      ))}
      {a && (
        <section className="desk-offer" data-testid="multi-answered" data-accepted={a.isAccepted ? 'yes' : 'no'} role="status">
          <p>{t(a.isAccepted ? 'multi.answeredYes' : 'multi.answeredNo', { name: a.agentName })}</p>
          <div className="actions">
            <button type="button" className="button" data-testid="multi-answered-dismiss" onClick={() => multi.dismissAnswer()}>
              {t('multi.dismiss')}
            </button>
          </div>
        </section>
      )}
    </div>
  );
}
