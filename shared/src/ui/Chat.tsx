/**
 * The chat pieces both apps show with a CollabSession: a message (files and pictures inline),
 * a transfer's progress or translated failure, and the compose box (Enter sends, Shift+Enter
 * breaks the line, a paper clip attaches a file). The text stays with the caller (the console's
 * quick replies fill it). Each app passes its text prefix (`collab.`
 * in the console, `chat.` for the customer: the same keys below it) and its classes.
 */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { CollabSession, CollabSnapshot } from '../browser/CollabSession.ts';
import { COLLAB_LIMITS, type ChatMessage } from '../collab.ts';
import { errorKey, type UiErrorCode } from '../i18n.ts';

export type ChatTextPrefix = 'collab' | 'chat';

export function ChatMessageItem({ m, url, sender }: { m: ChatMessage; url: string | undefined; sender: string }) {
  return (
    <li className={`chat-message from-${m.from}`} data-testid="chat-message" data-from={m.from}>
      <span className="chat-sender">{sender}</span>
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

type Transfer = CollabSnapshot['transfers'][number];

export function TransferLine({ tr, prefix, isAlert = false }: { tr: Transfer; prefix: ChatTextPrefix; isAlert?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="transfer" data-testid="transfer" data-direction={tr.direction} data-error={tr.errorCode ?? ''}>
      {tr.errorCode ? (
        <span className="transfer-error" data-testid="transfer-error" role={isAlert ? 'alert' : undefined}>
          {t(`${prefix}.failed`, { name: tr.name })} {t(errorKey(tr.errorCode as UiErrorCode))}
        </span>
      ) : (
        <>
          <span>{t(tr.direction === 'up' ? `${prefix}.uploading` : `${prefix}.downloading`, { name: tr.name })}</span>
          <progress max={tr.size || 1} value={tr.done} data-testid="transfer-progress" />
        </>
      )}
    </div>
  );
}

/** While the chat is on screen its messages count as read (and new ones too). */
export function useChatShown(collab: CollabSession, messageCount: number): void {
  useEffect(() => {
    collab.isVisible = true;
    collab.markRead();
    return () => {
      collab.isVisible = false;
    };
  }, [collab, messageCount]);
}

export interface ChatComposeProps {
  collab: CollabSession;
  text: string;
  onText: (text: string) => void;
  prefix: ChatTextPrefix;
  classes: { send: string; attach: string };
  rows?: number;
}

export function ChatCompose({ collab, text, onText, prefix, classes, rows }: ChatComposeProps) {
  const { t } = useTranslation();
  const send = () => {
    if (collab.sendText(text)) onText('');
  };
  return (
    <div className="chat-compose">
      <textarea
        data-testid="chat-input"
        value={text}
        rows={rows}
        maxLength={COLLAB_LIMITS.maxChatChars}
        placeholder={t(`${prefix}.placeholder`)}
        aria-label={t(`${prefix}.placeholder`)}
        onChange={(e) => onText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            send();
          }
        }}
      />
      <button type="button" className={classes.send} data-testid="chat-send" onClick={send}>
        {t(`${prefix}.send`)}
      </button>
      <label className={classes.attach} title={t(`${prefix}.attach`)}>
        <span aria-hidden="true">📎</span>
        <span className="visually-hidden">{t(`${prefix}.attach`)}</span>
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
  );
}
