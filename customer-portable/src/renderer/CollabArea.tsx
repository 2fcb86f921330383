/**
 * What the customer sees of a session's collaboration: the chat (from the consent request
 * on), and once the session runs, the blank whiteboard and the choice to keep the agent's
 * drawings on screen.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { BlankBoard } from './BlankBoard.tsx';
import { ChatPanel } from './ChatPanel.tsx';
import type { SessionCollab } from './SessionCollab.ts';

export function CollabArea({ sc, isLive }: { sc: SessionCollab; isLive: boolean }) {
  const { t } = useTranslation();
  const snap = useSyncExternalStore(sc.collab.subscribe, sc.collab.getSnapshot);
  const keeps = useSyncExternalStore(sc.subscribe, () => sc.keepsDrawings);
  const [isBoardOpen, setBoardOpen] = useState(false);
  const hasBlankStrokes = sc.collab.boards.blank.size > 0;

  // The agent started drawing on the blank board: show it to the customer.
  useEffect(() => {
    if (hasBlankStrokes) setBoardOpen(true);
  }, [hasBlankStrokes, snap.boardRevision]);

  return (
    <div className="collab-area" data-testid="collab-area">
      {isLive && (
        <div className="collab-options">
          <button type="button" data-testid="board-toggle" aria-pressed={isBoardOpen} onClick={() => setBoardOpen(!isBoardOpen)}>
            {isBoardOpen ? t('board.close') : t('board.open')}
          </button>
          <label>
            <input type="checkbox" data-testid="overlay-keep" checked={keeps} onChange={(e) => sc.setKeepDrawings(e.target.checked)} />
            {t('board.keepDrawings')}
          </label>
        </div>
      )}
      {isLive && isBoardOpen && <BlankBoard collab={sc.collab} frame={sc.frameSize} />}
      <ChatPanel collab={sc.collab} />
    </div>
  );
}
