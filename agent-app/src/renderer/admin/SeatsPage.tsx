/**
 * Seats (`#/admin/seats`): who is online, who is busy and with which sessions, refreshed
 * every few seconds; owners and admins also create, edit, disable, reset, unlock and delete
 * seats, and add groups. Managers see the same table without the buttons.
 */
import { Group, GroupList, SeatList, type Seat } from '@beacon/shared/api';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDeviceId } from '../../common/connectInput.ts';
import { assignableRoles, canAdminister } from '../../common/roles.ts';
import { apiErrorKey } from '../ApiClient.ts';
import { useClient, useSnapshot } from '../ClientContext.ts';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { useFormatters } from '../ui/format.ts';
import { EmptyRow, PageHeader, RoleBadge } from '../ui/Labels.tsx';
import { useApiQuery } from '../ui/useApiQuery.ts';
import { SeatActions } from './SeatActions.tsx';
import { SeatForm } from './SeatForm.tsx';

const POLL_MS = 5000;

export function SeatsPage() {
  const { t } = useTranslation();
  const client = useClient();
  const meId = useSnapshot().me?.account.id ?? null; // the role arrives with /api/me too
  const fmt = useFormatters();
  const isAdmin = canAdminister(client.role);
  const seats = useApiQuery((api) => api.get('/api/seats', SeatList), [], { pollMs: POLL_MS });
  const groups = useApiQuery((api) => api.get('/api/groups', GroupList), []);
  const [editing, setEditing] = useState<Seat | 'new' | null>(null);
  const [createdLogin, setCreatedLogin] = useState<string | null>(null);
  const groupList = groups.data?.groups ?? [];
  const colSpan = isAdmin ? 8 : 7;

  return (
    <div className="page page-wide">
      <PageHeader titleKey="seats.title" introKey="seats.intro">
        {isAdmin && editing === null && (
          <button type="button" className="button button-primary" data-testid="seat-create-open" onClick={() => setEditing('new')}>
            ＋ {t('seats.add')}
          </button>
        )}
      </PageHeader>
      {editing !== null && (
        <SeatForm
          key={editing === 'new' ? 'new' : editing.id}
          seat={editing === 'new' ? null : editing}
          groups={groupList}
          roles={assignableRoles(client.role)}
          onCancel={() => setEditing(null)}
          onDone={(seat) => {
            if (editing === 'new') setCreatedLogin(seat.login);
            setEditing(null);
            seats.reload();
            groups.reload();
          }}
        />
      )}
      {createdLogin && (
        <div className="notice notice-ok" role="status" data-testid="seat-created">
          <span className="notice-text">{t('seats.created', { login: createdLogin })}</span>
          <button type="button" className="notice-dismiss" aria-label={t('notice.dismiss')} onClick={() => setCreatedLogin(null)}>
            ×
          </button>
        </div>
      )}
      <ErrorNotice messageKey={seats.errorKey} />
      <section className="card table-card">
        <div className="table-scroll">
          <table className="table" data-testid="seat-table">
            <thead>
              <tr>
                <th>{t('seats.seat')}</th>
                <th>{t('seats.role')}</th>
                <th>{t('seats.groups')}</th>
                <th>{t('seats.status')}</th>
                <th className="num">{t('seats.busy')}</th>
                <th>{t('seats.current')}</th>
                <th>{t('seats.lastLogin')}</th>
                {isAdmin && <th>{t('seats.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {(seats.data?.seats ?? []).map((s) => (
                <tr
                  key={s.id}
                  data-testid="seat-row"
                  data-login={s.login}
                  data-seat-id={s.id}
                  data-role={s.role}
                  data-online={s.isOnline}
                  data-busy={s.busy}
                  data-disabled={s.isDisabled}
                  data-locked={s.isLocked}
                  className={s.isDisabled ? 'is-disabled' : ''}
                >
                  <td>
                    <div className="seat-cell">
                      <span className="seat-display">{s.displayName}</span>
                      <span className="muted mono small">{s.login}</span>
                    </div>
                  </td>
                  <td>
                    <RoleBadge role={s.role} />
                  </td>
                  <td>{s.groups.map((g) => g.name).join(', ') || <span className="muted">{t('common.none')}</span>}</td>
                  <td>
                    <span className="status-cell" data-testid="seat-status">
                      <span className={`dot ${s.isOnline ? 'dot-online' : 'dot-offline'}`} aria-hidden="true" />
                      {s.isOnline ? t('seats.online') : t('seats.offline')}
                      {s.isDisabled && <span className="badge badge-muted badge-small">{t('seats.disabled')}</span>}
                      {s.isLocked && <span className="badge badge-warn badge-small">{t('seats.locked')}</span>}
                    </span>
                  </td>
                  <td className="num">
                    <span className={s.busy >= s.concurrencyLimit ? 'is-full' : ''} title={t('seats.busyHint')}>
                      {s.busy} / {s.concurrencyLimit}
                    </span>
                  </td>
                  <td>
                    {s.currentSessions.length === 0 ? (
                      <span className="muted">{t('common.none')}</span>
                    ) : (
                      <ul className="live-list">
                        {s.currentSessions.map((cs) => (
                          <li key={cs.id} data-testid="seat-live-session" data-session-id={cs.id} data-state={cs.state}>
                            <span className={`dot state-${cs.state}`} aria-hidden="true" />
                            <span className="mono">{formatDeviceId(cs.deviceId)}</span>
                            <span className="muted small">{t(`tabs.state.${cs.state}`)}</span>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td className="small">{s.lastLoginAt ? fmt.dateTime(s.lastLoginAt) : <span className="muted">{t('seats.never')}</span>}</td>
                  {isAdmin && (
                    <td>
                      <SeatActions seat={s} isSelf={s.id === meId} onChanged={seats.reload} onEdit={() => setEditing(s)} />
                    </td>
                  )}
                </tr>
              ))}
              {seats.data && seats.data.seats.length === 0 && <EmptyRow colSpan={colSpan} textKey="seats.none" />}
            </tbody>
          </table>
        </div>
      </section>
      <GroupsPanel groups={groupList} errorKey={groups.errorKey} canCreate={isAdmin} onCreated={groups.reload} />
    </div>
  );
}

function GroupsPanel({ groups, errorKey, canCreate, onCreated }: { groups: readonly Group[]; errorKey: string | null; canCreate: boolean; onCreated: () => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const [name, setName] = useState('');
  const [createErrorKey, setCreateErrorKey] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 60) {
      setCreateErrorKey('form.errors.groupName');
      return;
    }
    setIsBusy(true);
    setCreateErrorKey(null);
    try {
      await client.api.request('POST', '/api/groups', { name: trimmed }, Group);
      setName('');
      onCreated();
    } catch (err) {
      setCreateErrorKey(apiErrorKey(err, { conflict: 'seats.groupTaken' }));
    } finally {
      setIsBusy(false);
    }
  };
  return (
    <section className="card form-card groups-panel" data-testid="groups-panel">
      <h2 className="card-title">{t('seats.groupsTitle')}</h2>
      <p className="muted small">{t('seats.groupsIntro')}</p>
      <ErrorNotice messageKey={errorKey ?? createErrorKey} />
      <ul className="group-list">
        {groups.map((g) => (
          <li key={g.id} data-testid="group-row" data-group-id={g.id}>
            <span>{g.name}</span>
            <span className="muted small">{t('seats.members', { n: g.memberCount })}</span>
          </li>
        ))}
        {groups.length === 0 && <li className="muted">{t('seats.noGroups')}</li>}
      </ul>
      {canCreate && (
        <form className="inline-form" onSubmit={submit}>
          <input data-testid="group-create-input" placeholder={t('seats.groupPlaceholder')} aria-label={t('seats.groupPlaceholder')} value={name} maxLength={60} onChange={(e) => setName(e.target.value)} />
          <button type="submit" className="button" data-testid="group-create-submit" disabled={isBusy}>
            {t('seats.addGroup')}
          </button>
        </form>
      )}
    </section>
  );
}
