import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomerState } from '../common/CustomerState.ts';
import { formatDeviceId } from '../common/format.ts';

type CopyResult = 'idle' | 'copied' | 'failed';

const COPIED_FEEDBACK_MS = 2000;

/** `children`: what goes under the status line (the "Request help" panel). */
export function StartScreen({ state, children }: { state: CustomerState; children?: ReactNode }) {
  const { t } = useTranslation();
  const [copy, setCopy] = useState<CopyResult>('idle');
  const id = state.deviceId ? formatDeviceId(state.deviceId) : null;
  const code = state.code;

  useEffect(() => {
    if (copy === 'idle') return;
    const timer = setTimeout(() => setCopy('idle'), COPIED_FEEDBACK_MS);
    return () => clearTimeout(timer);
  }, [copy]);

  const onCopy = () => {
    if (!id || !code) return;
    navigator.clipboard.writeText(t('start.copyText', { id, code })).then(
      () => setCopy('copied'),
      () => setCopy('failed'),
    );
  };

  return (
    <section className="start">
      <p className="tagline">{t('app.tagline')}</p>
      <div className={`credentials${id ? '' : ' is-waiting'}`}>
        <div className="credential">
          <span className="credential-label">{t('start.idLabel')}</span>
          <span className="credential-value" data-testid="device-id" aria-live="polite">
            {id ?? '––– ––– –––'}
          </span>
        </div>
        <div className="credential">
          <span className="credential-label">{t('start.codeLabel')}</span>
          <span className="credential-value code" data-testid="access-code" aria-live="polite">
            {code ?? '––––––'}
          </span>
        </div>
        <button type="button" className="copy-button" data-testid="copy-button" disabled={!id || !code} onClick={onCopy}>
          {copy === 'copied' ? t('start.copied') : t('start.copy')}
        </button>
        {copy === 'failed' && <p className="copy-failed">{t('start.copyFailed')}</p>}
      </div>
      <p className="instructions">{id ? t('start.instructions') : t('start.placeholder')}</p>
      <StatusMessage state={state} />
      {children}
    </section>
  );
}

function StatusMessage({ state }: { state: CustomerState }) {
  const { t } = useTranslation();
  const notice = state.notice;
  let text: string;
  let isError = notice?.isError ?? false;
  switch (state.phase) {
    case 'offline':
      text = t('status.twoSentences', {
        first: notice ? t(notice.key) : t('errors.relay-unreachable'),
        second: t('status.retrying', { seconds: notice?.values?.seconds ?? 1 }),
      });
      isError = true;
      break;
    case 'connecting':
      text = notice ? t('status.twoSentences', { first: t(notice.key), second: t('status.connecting') }) : t('status.connecting');
      break;
    default:
      text = notice ? t(notice.key, notice.values) : t('status.ready');
  }
  return (
    <p className={`status-message${isError ? ' is-error' : ''}`} data-testid="status-message" role="status">
      {text}
    </p>
  );
}
