/**
 * "Request help" on the start screen: the button, the short form, the waiting view with the
 * live place and estimated wait, and the leave-a-message path when nobody is available.
 * Chat opens only once an agent takes the request (a waiting request has no session yet).
 */
import { useState, useSyncExternalStore, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { waitMinutes, type HelpState, type Waiting } from '../common/HelpRequestModel.ts';
import type { HelpRequestClient } from './HelpRequestClient.ts';

export function HelpRequestPanel({ help }: { help: HelpRequestClient }) {
  const { t } = useTranslation();
  const state = useSyncExternalStore(help.subscribe, help.getState);
  switch (state.step) {
    case 'unavailable':
      return null;
    case 'idle':
      return (
        <section className="help-panel" data-testid="help-panel" data-step="idle">
          <Notice state={state} />
          <p className="help-intro">{t('help.intro')}</p>
          <button type="button" className="help-open" data-testid="help-open" onClick={() => help.openForm()}>
            {t('help.open')}
          </button>
        </section>
      );
    case 'form':
    case 'sending':
      return <HelpForm help={help} state={state} />;
    case 'waiting':
      return <WaitingView help={help} w={state} />;
    case 'assigned':
      return (
        <section className="help-panel" data-testid="help-panel" data-step="assigned">
          <p className="help-assigned" data-testid="help-assigned" role="status">
            {t('help.assigned', { name: state.agentName })}
          </p>
        </section>
      );
  }
}

function Notice({ state }: { state: HelpState }) {
  const { t } = useTranslation();
  const notice = state.step === 'idle' || state.step === 'form' ? state.notice : null;
  if (!notice) return null;
  return (
    <p className={`help-notice${notice === 'refused' ? ' is-error' : ''}`} data-testid="help-notice" data-notice={notice} role="status">
      {notice === 'refused' ? t('help.refused') : t(`help.ended.${notice}`)}
    </p>
  );
}

function HelpForm({ help, state }: { help: HelpRequestClient; state: HelpState }) {
  const { t } = useTranslation();
  const [form, setForm] = useState({ customerName: '', phone: '', description: '' });
  const isSending = state.step === 'sending';
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    help.submit(form);
  };
  const field = (key: keyof typeof form) => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value })),
    disabled: isSending,
  });
  return (
    <form className="help-panel help-form" data-testid="help-form" data-step={state.step} onSubmit={onSubmit}>
      <h2>{t('help.title')}</h2>
      <Notice state={state} />
      <label>
        <span>{t('help.name')}</span>
        <input data-testid="help-name" required maxLength={120} autoComplete="name" {...field('customerName')} />
      </label>
      <label>
        <span>{t('help.phone')}</span>
        <input data-testid="help-phone" type="tel" maxLength={40} autoComplete="tel" {...field('phone')} />
      </label>
      <label>
        <span>{t('help.description')}</span>
        <textarea data-testid="help-description" rows={3} maxLength={2000} {...field('description')} />
      </label>
      <div className="actions">
        <button type="button" data-testid="help-cancel-form" disabled={isSending} onClick={() => help.closeForm()}>
          {t('help.cancel')}
        </button>
        <button type="submit" className="accept" data-testid="help-submit" disabled={isSending || !form.customerName.trim()}>
          {isSending ? t('help.sending') : t('help.send')}
        </button>
      </div>
    </form>
  );
}

function WaitingView({ help, w }: { help: HelpRequestClient; w: Waiting }) {
  const { t } = useTranslation();
  const [message, setMessage] = useState('');
  const minutes = waitMinutes(w.estimatedWaitMs);
  return (
    <section className="help-panel" data-testid="help-waiting" data-step="waiting" data-nobody={w.isNobodyAvailable}>
      <h2>{w.isNobodyAvailable ? t('help.nobodyTitle') : t('help.waitingTitle')}</h2>
      <p className="help-place" data-testid="help-position" data-position={w.position + 1} aria-live="polite">
        {t('help.place', { n: w.position + 1 })}
      </p>
      <p className="help-wait" data-testid="help-wait" data-wait-ms={w.estimatedWaitMs ?? ''} aria-live="polite">
        {minutes === null ? t('help.waitUnknown') : minutes === 0 ? t('help.waitNow') : t('help.waitMinutes', { n: minutes })}
      </p>
      {w.isReminded && (
        <p className="help-reminder" data-testid="help-reminder" role="alert">
          {t('help.reminder')}{' '}
          <button type="button" data-testid="help-still-here" onClick={() => help.stillHere()}>
            {t('help.stillHere')}
          </button>
        </p>
      )}
      {w.isNobodyAvailable && !w.isWritingMessage && (
        <div className="help-nobody" data-testid="help-nobody">
          <p>{t('help.nobody')}</p>
          <button type="button" data-testid="help-write-message" onClick={() => help.writeMessage(true)}>
            {t('help.writeMessage')}
          </button>
        </div>
      )}
      {w.isWritingMessage && (
        <form
          className="help-message"
          onSubmit={(e) => {
            e.preventDefault();
            help.leaveMessage(message);
          }}
        >
          <label>
            <span>{t('help.messageLabel')}</span>
            <textarea data-testid="help-message" rows={3} maxLength={2000} value={message} onChange={(e) => setMessage(e.target.value)} />
          </label>
          <div className="actions">
            <button type="button" onClick={() => help.writeMessage(false)}>
              {t('help.keepWaiting')}
            </button>
            <button type="submit" className="accept" data-testid="help-send-message" disabled={!message.trim()}>
              {t('help.sendMessage')}
            </button>
          </div>
        </form>
      )}
      <p className="fineprint">{t('help.chatLater')}</p>
      <button type="button" className="help-leave" data-testid="help-leave" onClick={() => help.leaveQueue()}>
        {t('help.leave')}
      </button>
    </section>
  );
}
