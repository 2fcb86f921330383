/**
 * The service desk in the console: the availability control and the Queue button in the
 * header (DeskControls), and the offers made to this agent, each with the customer's details,
 * a countdown and Accept / Decline, with a tone and a system notification (DeskOffers).
 * Nothing shows when the relay does not speak `desk`.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AGENT_DESK_STATES, type AgentDeskState, type HelpRequestView } from '@beacon/shared/protocol';
import { useClient } from '../ClientContext.ts';
import { notify } from '../notify.ts';
import { useFormatters } from '../ui/format.ts';
import type { DeskOffer } from './AgentDesk.ts';
import { SupervisorButton } from './SupervisorPanel.tsx';
import { useDesk } from './useDesk.ts';
import './desk.css';

/** Re-renders every second (countdowns, waits). */
function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export function DeskControls() {
  const { t } = useTranslation();
  const { desk, snap } = useDesk();
  const [isQueueOpen, setQueueOpen] = useState(false);
  const status = snap.status;
  if (!snap.isOn || !status) return null;
  const waiting = snap.queue.filter((r) => r.state !== 'assigned').length;
  const set = (state: AgentDeskState, limit: number) => desk.setAvailability(state, Math.max(0, Math.min(status.maxConcurrencyLimit, limit)));
  return (
    <div className="desk-controls" data-testid="desk-controls" data-state={status.state}>
      <label className="desk-state" title={t('desk.availability')}>
        <span className={`desk-dot desk-${status.state}`} aria-hidden="true" />
        <select data-testid="desk-state" aria-label={t('desk.availability')} value={status.state} onChange={(e) => set(e.target.value as AgentDeskState, status.concurrencyLimit)}>
          {AGENT_DESK_STATES.map((s) => (
            <option key={s} value={s}>
              {t(`desk.state.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="desk-limit" title={t('desk.limitHint', { n: status.maxConcurrencyLimit })}>
        <span>{t('desk.limit')}</span>
        <input
          data-testid="desk-limit"
          type="number"
          min={0}
          max={status.maxConcurrencyLimit}
          value={status.concurrencyLimit}
          onChange={(e) => set(status.state, Number(e.target.value))}
        />
      </label>
      <button type="button" className="button button-ghost" data-testid="desk-queue-toggle" aria-expanded={isQueueOpen} onClick={() => setQueueOpen((v) => !v)}>
        {t('desk.queue')}
        <span className="nav-count" data-testid="desk-queue-count">
          {waiting}
        </span>
      </button>
      {isQueueOpen && <QueuePanel requests={snap.queue} />}
      <SupervisorButton />
    </div>
  );
}

function QueuePanel({ requests }: { requests: readonly HelpRequestView[] }) {
  const { t } = useTranslation();
  const f = useFormatters();
  const now = useNow();
  return (
    <div className="desk-queue" data-testid="desk-queue" role="region" aria-label={t('desk.queueTitle')}>
      <h2>{t('desk.queueTitle')}</h2>
      {requests.length === 0 && <p className="muted">{t('desk.queueEmpty')}</p>}
      <ul>
        {requests.map((r) => (
          <li key={r.id} data-testid="desk-queue-row" data-request-id={r.id} data-state={r.state}>
            <strong>{r.customerName}</strong> <span className="desk-tag">{t(`desk.requestState.${r.state === 'assigned' || r.state === 'offered' ? r.state : 'waiting'}`)}</span>
            <span className="muted"> · {t('desk.waited', { duration: f.duration(Math.max(0, now - r.createdAt)) })}</span>
            {r.description && <p className="desk-description">{r.description}</p>}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A tone and a system notification for each item not seen before (by `keyOf`). */
export function useNotifyNew<T>(items: readonly T[], keyOf: (item: T) => string, textOf: (item: T) => string): void {
  const notified = useRef(new Set<string>());
  useEffect(() => {
    for (const item of items) {
      const key = keyOf(item);
      if (notified.current.has(key)) continue;
      notified.current.add(key);
      notify(textOf(item));
    }
    // keyOf and textOf are read when the items change (new closures each render would re-run it for nothing).
  }, [items]);
}

export function DeskOffers() {
  const { t } = useTranslation();
  const { snap } = useDesk();
  useNotifyNew(snap.offers, (o) => o.request.id, (o) => t('desk.offerNotify', { name: o.request.customerName }));
  if (snap.offers.length === 0) return null;
  return (
    <div className="desk-offers" aria-live="assertive">
      {snap.offers.map((o) => (
        <OfferCard key={o.request.id} offer={o} />
      ))}
    </div>
  );
}

function OfferCard({ offer }: { offer: DeskOffer }) {
  const { t } = useTranslation();
  const { desk } = useDesk();
  const f = useFormatters();
  const now = useNow();
  const [control, setControl] = useState(true);
  const isCameraFirst = useClient().speaksCameraFirst();
  const r = offer.request;
  const seconds = Math.max(0, Math.ceil((offer.localUntil - now) / 1000));
  return (
    <section className="desk-offer" data-testid="desk-offer" data-request-id={r.id} data-transfer={offer.transfer ? 'yes' : 'no'} role="alertdialog" aria-label={t('desk.offerTitle')}>
      <h2>{offer.transfer ? t('desk.transferFrom', { name: offer.transfer.fromAgentName }) : t('desk.offerTitle')}</h2>
      {offer.transfer && (
        <>
          {offer.transfer.note && (
            <p className="desk-description" data-testid="desk-offer-note">
              <span className="muted">{t('desk.transferNote')}</span> {offer.transfer.note}
            </p>
          )}
          <p className="muted">{t('desk.transferHint')}</p>
        </>
      )}
      <p className="desk-offer-name" data-testid="desk-offer-name">
        {r.customerName}
      </p>
      <p className="muted" data-testid="desk-offer-phone">
        {r.phone ?? t('desk.noPhone')}
      </p>
      <p className="desk-description" data-testid="desk-offer-description">
        {r.description || t('desk.noDescription')}
      </p>
      <p className="muted">{t('desk.waited', { duration: f.duration(Math.max(0, now - r.createdAt)) })}</p>
      <p className="desk-countdown" data-testid="desk-offer-countdown" data-seconds={seconds}>
        {t('desk.answerIn', { s: seconds })}
      </p>
      {!offer.transfer && (
        <label className="desk-control">
          <input type="checkbox" checked={control} onChange={(e) => setControl(e.target.checked)} /> {t('desk.control')}
        </label>
      )}
      <div className="actions">
        <button type="button" className="button" data-testid="desk-offer-decline" onClick={() => desk.decline(r.id)}>
          {t('desk.decline')}
        </button>
        {!offer.transfer && isCameraFirst && (
          <button type="button" className="button" data-testid="desk-offer-accept-camera" onClick={() => desk.accept(r.id, control, 'camera')}>
            {t('camera.acceptOnCamera')}
          </button>
        )}
        <button type="button" className="button button-primary" data-testid="desk-offer-accept" onClick={() => desk.accept(r.id, control)}>
          {t('desk.accept')}
        </button>
      </div>
    </section>
  );
}
