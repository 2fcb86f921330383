/**
 * The session tab's side panel: chat (with files, images inline, quick replies, the
 * customer's earlier chats), screenshots, and the whiteboard tools.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ChatHistory, COLLAB_LIMITS, QuickReplies, type ChatMessage } from '@beacon/shared/collab';
import { randomTransferId, type CollabSession } from '@beacon/shared/browser/CollabSession';
import { ChatCompose, ChatMessageItem, TransferLine, useChatShown } from '@beacon/shared/ui/Chat';
import type { SessionEntry } from '../common/ConsoleModel.ts';
import { useClient, useSnapshot } from './ClientContext.ts';
import type { DrawStyle } from './WhiteboardLayer.tsx';

const COLORS = ['#e53935', '#fdd835', '#43a047', '#1e88e5', '#000000', '#ffffff'];

const COMPOSE_CLASSES = { send: 'button button-primary', attach: 'button' };

export function CollabPanel(props: {
  entry: SessionEntry;
  collab: CollabSession;
  isDrawing: boolean;
  onDrawing: (v: boolean) => void;
  style: DrawStyle;
  onStyle: (s: DrawStyle) => void;
  isBlank: boolean;
  onBlank: (v: boolean) => void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const { entry, collab, style } = props;
  const snap = useSyncExternalStore(collab.subscribe, collab.getSnapshot);
  const [text, setText] = useState('');
  const [replies, setReplies] = useState<string[]>([]);
  const [isEditing, setEditing] = useState(false);
  const [history, setHistory] = useState<ChatMessage[]>([]);
  const canDraw = entry.state === 'active' && entry.hasControl;
  const myName = useSnapshot().agent?.displayName ?? null;
  const role = client.multi.myRole(entry.sessionId);
  const senderOf = (m: ChatMessage) => senderLabel(m, t, myName, role === null || role === 'owner');

  useChatShown(collab, snap.messages.length);

  useEffect(() => {
    client.api.get('/api/me/quick-replies', QuickReplies).then((r) => setReplies(r.replies), () => undefined);
  }, [client]);

  useEffect(() => {
    if (!entry.customer) return setHistory([]);
    client.api.get(`/api/customers/${entry.customer.id}/chat`, ChatHistory).then(
      (r) => setHistory(r.messages.filter((m) => m.sessionId !== entry.sessionId)),
      () => undefined,
    );
  }, [client, entry.customer, entry.sessionId]);

  return (
    <aside className="collab-panel" data-testid="collab-panel">
      <div className="collab-tools" role="toolbar">
        <button type="button" className={`button${props.isDrawing ? ' is-on' : ''}`} data-testid="draw-toggle" disabled={!canDraw && !props.isBlank} onClick={() => props.onDrawing(!props.isDrawing)}>
          {t('collab.board.draw')}
        </button>
        <button type="button" className={`button${props.isBlank ? ' is-on' : ''}`} data-testid="blank-toggle" disabled={entry.state !== 'active'} onClick={() => props.onBlank(!props.isBlank)}>
          {t('collab.board.blank')}
        </button>
        <select data-testid="draw-tool" aria-label={t('collab.board.pen')} value={style.tool} onChange={(e) => props.onStyle({ ...style, tool: e.target.value as DrawStyle['tool'] })}>
          {(['pen', 'arrow', 'rect', 'ellipse', 'text'] as const).map((tool) => (
            <option key={tool} value={tool}>
              {t(`collab.board.${tool}`)}
            </option>
          ))}
        </select>
        <span className="swatches" aria-label={t('collab.board.color')}>
          {COLORS.map((c) => (
            <button key={c} type="button" className={`swatch${style.color === c ? ' is-on' : ''}`} style={{ background: c }} data-testid={`draw-color-${c.slice(1)}`} aria-label={c} onClick={() => props.onStyle({ ...style, color: c })} />
          ))}
        </span>
        <label>
          {t('collab.board.width')}
          <input type="range" min={1} max={40} value={style.width} data-testid="draw-width" onChange={(e) => props.onStyle({ ...style, width: Number(e.target.value) })} />
        </label>
        <label>
          <input type="checkbox" checked={style.isFading} data-testid="draw-fade" onChange={(e) => props.onStyle({ ...style, isFading: e.target.checked })} />
          {t('collab.board.fade')}
        </label>
        <button type="button" className="button" data-testid="draw-undo" onClick={() => collab.undo(props.isBlank ? 'blank' : 'screen')}>
          {t('collab.board.undo')}
        </button>
        <button type="button" className="button" data-testid="draw-clear" onClick={() => collab.clear(props.isBlank ? 'blank' : 'screen')}>
          {t('collab.board.clear')}
        </button>
        <button
          type="button"
          className="button"
          data-testid="screenshot-button"
          disabled={!canDraw}
          onClick={() => client.requestScreenshot(entry.sessionId, randomTransferId('shot'))}
        >
          {t('collab.screenshot')}
        </button>
      </div>
      {snap.screenshots.map((f) => (
        <div key={f.id} className="screenshot-item" data-testid="screenshot-item" data-file-id={f.id}>
          <span>{t('collab.screenshotTaken')}</span>
          {snap.urls[f.transferId] && <img src={snap.urls[f.transferId]} alt="" className="screenshot-thumb" data-testid="screenshot-image" />}
          <a href={snap.urls[f.transferId]} download={f.name} data-testid="screenshot-download">
            {t('collab.download')}
          </a>
          <button
            type="button"
            className="button"
            data-testid="screenshot-attach"
            onClick={async () => {
              const blob = await collab.blobOf(f.transferId);
              if (blob) await collab.sendFile(blob, f.name);
            }}
          >
            {t('collab.attachScreenshot')}
          </button>
        </div>
      ))}
      <h3 className="collab-heading">{t('collab.chat')}</h3>
      {history.length > 0 && (
        <details className="chat-history" data-testid="chat-history">
          <summary>{t('collab.history')}</summary>
          <ul>{history.map((m) => <ChatMessageItem key={m.id} m={m} url={undefined} sender={senderOf(m)} />)}</ul>
        </details>
      )}
      <ul className="chat-list" data-testid="chat-list">
        {snap.messages.length === 0 && <li className="muted">{t('collab.empty')}</li>}
        {snap.messages.map((m) => (
          <ChatMessageItem key={m.id} m={m} url={m.file ? snap.urls[m.file.transferId] : undefined} sender={senderOf(m)} />
        ))}
      </ul>
      {snap.transfers.map((tr) => (
        <TransferLine key={tr.transferId} tr={tr} prefix="collab" />
      ))}
      {replies.length > 0 && !isEditing && (
        <div className="quick-replies" data-testid="quick-replies">
          {replies.map((r, i) => (
            <button key={i} type="button" className="chip" data-testid="quick-reply" onClick={() => setText(r)}>
              {r}
            </button>
          ))}
        </div>
      )}
      {isEditing ? (
        <QuickReplyEditor
          initial={replies}
          onSave={async (list) => {
            const saved = await client.api.request('PUT', '/api/me/quick-replies', { replies: list }, QuickReplies).catch(() => null);
            if (saved) setReplies(saved.replies);
            setEditing(false);
          }}
        />
      ) : (
        <button type="button" className="button button-ghost" data-testid="quick-replies-edit" onClick={() => setEditing(true)}>
          {t('collab.quickReplies')}
        </button>
      )}
      <ChatCompose collab={collab} text={text} onText={setText} prefix="collab" classes={COMPOSE_CLASSES} />
    </aside>
  );
}

/**
 * Who wrote a message, as this console shows it: the customer; "You"; the session's agent or an
 * invited colleague by name; a monitoring supervisor by name, labelled (several agents may write).
 */
function senderLabel(m: ChatMessage, t: TFunction, myName: string | null, isOwner: boolean): string {
  if (m.from === 'customer') return t('collab.customer');
  if (m.senderRole ? m.senderName === myName : isOwner) return t('collab.you');
  return m.senderRole === 'monitor' ? t('collab.supervisor', { name: m.senderName }) : m.senderName;
}

function QuickReplyEditor({ initial, onSave }: { initial: string[]; onSave: (list: string[]) => void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(initial.join('\n'));
  return (
    <div className="quick-reply-editor">
      <label>
        {t('collab.editQuickReplies')}
        <textarea data-testid="quick-replies-text" value={value} onChange={(e) => setValue(e.target.value)} rows={5} />
      </label>
      <button
        type="button"
        className="button"
        data-testid="quick-replies-save"
        onClick={() => onSave(value.split('\n').map((l) => l.trim()).filter(Boolean).slice(0, COLLAB_LIMITS.maxQuickReplies))}
      >
        {t('collab.saveQuickReplies')}
      </button>
    </div>
  );
}
