/** Small shared pieces of the back-office tables: outcomes, seats, roles, empty states. */
import type { SeatRef, SessionOutcome } from '@beacon/shared/api';
import type { ReactNode } from 'react';
import type { AccountRole } from '@beacon/shared/protocol';
import { useTranslation } from 'react-i18next';

export function OutcomeBadge({ outcome }: { outcome: SessionOutcome }) {
  const { t } = useTranslation();
  return (
    <span className={`badge outcome outcome-${outcome}`} data-outcome={outcome}>
      {t(`outcome.${outcome}`)}
    </span>
  );
}

/** A seat as history names it; a deleted seat keeps its name, marked. */
export function SeatName({ seat }: { seat: SeatRef }) {
  const { t } = useTranslation();
  return (
    <span className="seat-name" title={seat.login}>
      {seat.displayName}
      {seat.isDeleted && <span className="badge badge-muted badge-small">{t('seats.deleted')}</span>}
    </span>
  );
}

export function RoleBadge({ role }: { role: AccountRole }) {
  const { t } = useTranslation();
  return <span className={`badge role role-${role}`}>{t(`roles.${role}`)}</span>;
}

export function EmptyRow({ colSpan, textKey }: { colSpan: number; textKey: string }) {
  const { t } = useTranslation();
  return (
    <tr className="empty-row">
      <td colSpan={colSpan} className="muted" data-testid="empty-state">
        {t(textKey)}
      </td>
    </tr>
  );
}

export function PageHeader({ titleKey, introKey, children }: { titleKey: string; introKey?: string; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="page-header">
      <div>
        <h1>{t(titleKey)}</h1>
        {introKey && <p className="muted">{t(introKey)}</p>}
      </div>
      <span className="spacer" />
      {children}
    </div>
  );
}
