/**
 * The event timeline beside the player: one row per event (typing merged into bursts), the
 * row at the playhead highlighted, a filter per kind, and a click on a row jumps the video
 * to it. Events from before recording began are listed but cannot be jumped to.
 */
import { useTranslation } from 'react-i18next';
import { formatMediaTime, kindsOf, visibleEntries, type TimelineEntry } from '../../common/timeline.ts';

export function kindLabel(t: (key: string, opts?: Record<string, unknown>) => string, kind: string): string {
  return t(`recording.kinds.${kind}`, { defaultValue: t(`events.${kind}`, { defaultValue: kind }) });
}

function Detail({ e }: { e: TimelineEntry }) {
  const { t } = useTranslation();
  if (e.kind === 'key') {
    return e.typed !== null ? (
      <span className="small">
        {t('recording.typed')} <code data-testid="timeline-typed">{e.typed}</code>
      </span>
    ) : (
      <span className="small muted">
        {e.keyCount} {t('recording.typedHidden')}
      </span>
    );
  }
  if (e.kind === 'click' && typeof e.detail.x === 'number' && typeof e.detail.y === 'number') {
    return (
      <span className="small muted">
        {t('recording.clickAt')} {e.detail.x}, {e.detail.y}
      </span>
    );
  }
  if (e.kind === 'voice-started' || e.kind === 'voice-ended') return <span className="small muted">{voiceDetail(t, e)}</span>;
  if (e.kind === 'clipboard' && (e.detail.direction === 'to-customer' || e.detail.direction === 'to-agent')) {
    return <span className="small muted">{t(`recording.clipboard.${e.detail.direction}`, { chars: e.detail.chars })}</span>;
  }
  const scalar = Object.entries(e.detail).filter(([k, v]) => k !== 'requestId' && ['string', 'number', 'boolean'].includes(typeof v));
  return <span className="small muted">{scalar.map(([k, v]) => `${k}: ${String(v)}`).join(' · ')}</span>;
}

/** Who called; or who ended the call, why, and how long it ran. */
function voiceDetail(t: (key: string, opts?: Record<string, unknown>) => string, e: TimelineEntry): string {
  const by = e.detail.by;
  if (e.kind === 'voice-started') return by === 'agent' || by === 'customer' ? t(`recording.voice.calledBy.${by}`) : '';
  const why =
    e.detail.reason === 'disconnected'
      ? t('recording.voice.lost')
      : e.detail.reason === 'session-ended'
        ? t('recording.voice.sessionEnded')
        : by === 'agent' || by === 'customer' || by === 'relay'
          ? t(`recording.voice.endedBy.${by}`)
          : '';
  const ms = e.detail.durationMs;
  return [why, typeof ms === 'number' ? t('recording.voice.lasted', { duration: formatMediaTime(ms) }) : ''].filter(Boolean).join(' · ');
}

export function TimelinePanel({
  entries,
  hidden,
  onToggleKind,
  currentId,
  onJump,
}: {
  entries: readonly TimelineEntry[];
  hidden: ReadonlySet<string>;
  onToggleKind: (kind: string) => void;
  currentId: number | null;
  onJump: (ms: number) => void;
}) {
  const { t } = useTranslation();
  const shown = visibleEntries(entries, hidden);
  return (
    <aside className="card timeline-panel" data-testid="timeline">
      <h2 className="card-title">{t('recording.timeline')}</h2>
      <fieldset className="timeline-filters">
        <legend className="small muted">{t('recording.show')}</legend>
        {kindsOf(entries).map((k) => (
          <label key={k} className="checkbox small">
            <input type="checkbox" data-testid={`timeline-filter-${k}`} checked={!hidden.has(k)} onChange={() => onToggleKind(k)} />
            <span>{kindLabel(t, k)}</span>
          </label>
        ))}
      </fieldset>
      <ol className="timeline timeline-events">
        {shown.map((e) => {
          const canJump = e.mediaMs !== null;
          return (
            <li key={e.id} data-testid="timeline-event" data-kind={e.kind} data-media-ms={e.mediaMs ?? ''} className={`${currentId === e.id ? 'is-current' : ''} kind-${e.kind}`}>
              <button type="button" className="link-button timeline-jump" disabled={!canJump} onClick={() => canJump && onJump(e.mediaMs ?? 0)}>
                <span className="mono small">{canJump ? formatMediaTime(e.mediaMs ?? 0) : t('recording.beforeRecording')}</span>
                <span className="timeline-kind">{kindLabel(t, e.kind)}</span>
              </button>
              <Detail e={e} />
            </li>
          );
        })}
        {shown.length === 0 && <li className="muted">{t('recording.noEvents')}</li>}
      </ol>
    </aside>
  );
}
