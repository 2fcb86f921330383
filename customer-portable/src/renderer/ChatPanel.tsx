/**
 * The customer's chat with the agent: text, files and pictures (shown inline), with a
 * progress bar per transfer and a translated error when one fails (too large, link lost).
 * Shown from the moment an agent asks for a session, so the customer can write while the
 * consent dialog is still up.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { COLLAB_LIMITS, type ChatMessage } from '@beacon/shared/collab';
import type { CollabSession } from '@beacon/shared/browser/CollabSession';
import { errorKey, type UiErrorCode } from '@beacon/shared/i18n';

function Message({ m, url }: { m: ChatMessage; url: string | undefined }) {
  const { t } = useTranslation();
  return (
    <li className={`chat-message from-${m.from}`} data-testid="chat-message" data-from={m.from}>
      <span className="chat-sender">{m.from === 'customer' ? t('chat.you') : m.senderName || t('chat.agent')}</span>
      {m.text && <span className="chat-text">{m.text}</span>}
      {m.file && (
        <span className="chat-file" data-testid="chat-file" data-file-id={m.file.id}>
          {url && m.file.mime.startsWith('image/') && <img src={url} alt={m.file.name} className="chat-image" data-testid="chat-image" />}
          {url ? (
            <a href={url} download={m.file.name}>
              {m.file.name}
            </a>
          ) : (
            m.file.name
          )}
        </span>
      )}
    </li>
  );
}

export function ChatPanel({ collab }: { collab: CollabSession }) {
  const { t } = useTranslation();
  const snap = useSyncExternalStore(collab.subscribe, collab.getSnapshot);
  const [text, setText] = useState('');
  const list = useRef<HTMLUListElement>(null);

  useEffect(() => {
    collab.isVisible = true;
    collab.markRead();
    list.current?.scrollTo({ top: list.current.scrollHeight });
    return () => {
      collab.isVisible = false;
    };
  }, [collab, snap.messages.length]);

  const send = () => {
    if (collab.sendText(text)) setText('');
  };

  return (
    <section className="chat-panel" data-testid="chat-panel" aria-label={t('chat.title')}>
      <h3 className="chat-title">{t('chat.title')}</h3>
      <ul className="chat-list" data-testid="chat-list" ref={list} aria-live="polite">
        {snap.messages.length === 0 && <li className="muted">{t('chat.empty')}</li>}
        {snap.messages.map((m) => (
          <Message key={m.id} m={m} url={m.file ? snap.urls[m.file.transferId] : undefined} />
        ))}
      </ul>
      {snap.transfers
        .filter((tr) => tr.purpose === 'chat')
        .map((tr) => (
          <div key={tr.transferId} className="transfer" data-testid="transfer" data-direction={tr.direction} data-error={tr.errorCode ?? ''}>
            {tr.errorCode ? (
              <span className="transfer-error" data-testid="transfer-error" role="alert">
                {t('chat.failed', { name: tr.name })} {t(errorKey(tr.errorCode as UiErrorCode))}
              </span>
            ) : (
              <>
                <span>{t(tr.direction === 'up' ? 'chat.uploading' : 'chat.downloading', { name: tr.name })}</span>
                <progress max={tr.size || 1} value={tr.done} data-testid="transfer-progress" />
              </>
            )}
          </div>
        ))}
      <div className="chat-compose">
        <textarea
          data-testid="chat-input"
          value={text}
          rows={2}
          maxLength={COLLAB_LIMITS.maxChatChars}
          placeholder={t('chat.placeholder')}
          aria-label={t('chat.placeholder')}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              send();
            }
          }}
        />
        <button type="button" className="chat-send" data-testid="chat-send" onClick={send}>
          {t('chat.send')}
        </button>
        <label className="chat-attach" title={t('chat.attach')}>
          <span aria-hidden="true">📎</span>
          <span className="visually-hidden">{t('chat.attach')}</span>
          <input
            type="file"
            hidden
            data-testid="chat-file-input"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void collab.sendFile(f, f.name);
              e.target.value = '';
            }}
          />
        </label>
      </div>
    </section>
  );
}
