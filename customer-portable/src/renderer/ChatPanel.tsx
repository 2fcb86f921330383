/**
 * The customer's chat with the agent: text, files and pictures (shown inline), with a
 * progress bar per transfer and a translated error when one fails (too large, link lost).
 * Shown from the moment an agent asks for a session, so the customer can write while the
 * consent dialog is still up.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { CollabSession } from '@beacon/shared/browser/CollabSession';
import type { ChatMessage } from '@beacon/shared/collab';
import { ChatCompose, ChatMessageItem, TransferLine, useChatShown } from '@beacon/shared/ui/Chat';

const COMPOSE_CLASSES = { send: 'chat-send', attach: 'chat-attach' };

export function ChatPanel({ collab }: { collab: CollabSession }) {
  const { t } = useTranslation();
  const snap = useSyncExternalStore(collab.subscribe, collab.getSnapshot);
  const [text, setText] = useState('');
  const list = useRef<HTMLUListElement>(null);
  useChatShown(collab, snap.messages.length);
  // An agent by name; a supervisor who watches the session and writes, labelled as one.
  const senderOf = (m: ChatMessage) => (m.from === 'customer' ? t('chat.you') : m.senderRole === 'monitor' ? t('chat.supervisor', { name: m.senderName }) : m.senderName || t('chat.agent'));
  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [snap.messages.length]);

  return (
    <section className="chat-panel" data-testid="chat-panel" aria-label={t('chat.title')}>
      <h3 className="chat-title">{t('chat.title')}</h3>
      <ul className="chat-list" data-testid="chat-list" ref={list} aria-live="polite">
        {snap.messages.length === 0 && <li className="muted">{t('chat.empty')}</li>}
        {snap.messages.map((m) => (
          <ChatMessageItem key={m.id} m={m} url={m.file ? snap.urls[m.file.transferId] : undefined} sender={senderOf(m)} />
        ))}
      </ul>
      {snap.transfers
        .filter((tr) => tr.purpose === 'chat')
        .map((tr) => (
          <TransferLine key={tr.transferId} tr={tr} prefix="chat" isAlert />
        ))}
      <ChatCompose collab={collab} text={text} onText={setText} prefix="chat" classes={COMPOSE_CLASSES} rows={2} />
    </section>
  );
}
