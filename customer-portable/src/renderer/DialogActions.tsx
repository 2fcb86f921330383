/** The two answers of a consent dialog: no on the left, yes on the right (the session's and each camera ask's). */
export function DialogActions(p: { testIds: { deny: string; accept: string }; denyLabel: string; acceptLabel: string; onDeny: () => void; onAccept: () => void }) {
  return (
    <div className="actions">
      <button type="button" className="deny" data-testid={p.testIds.deny} onClick={p.onDeny}>
        {p.denyLabel}
      </button>
      <button type="button" className="accept" data-testid={p.testIds.accept} onClick={p.onAccept}>
        {p.acceptLabel}
      </button>
    </div>
  );
}
