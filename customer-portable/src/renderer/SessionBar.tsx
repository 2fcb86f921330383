import { useTranslation } from 'react-i18next';
import { STOP_HOTKEY } from '@beacon/shared/ipcChannels';
import type { ShownSource } from '@beacon/shared/protocol';
import type { ActiveSession } from '../common/CustomerState.ts';
import { formatAccelerator } from '../common/format.ts';
import type { BarNoticeState } from '../common/barNotices.ts';

const isMac = navigator.platform.toLowerCase().includes('mac');

/**
 * Shown for the whole session. In Electron the window shrinks to just this bar, always on
 * top; in a browser the bar heads the page.
 */
export interface SessionBarProps {
  session: ActiveSession;
  onStop: () => void;
  hasHotkey: boolean;
  /** The chat/board panel under the bar: shown, and how many messages arrived while hidden. */
  panel?: { isOpen: boolean; unread: number; onToggle: () => void };
  /** The monitor the agent sees, and the agent's latest clipboard use. */
  notices?: BarNoticeState;
  /** What the picture shows (video guidance); absent: the screen. */
  shown?: ShownSource;
}

export function SessionBar({ session, onStop, hasHotkey, panel, notices, shown = 'screen' }: SessionBarProps) {
  const { t } = useTranslation();
  const isControl = session.permissions.control && shown === 'screen';
  const isVoiceOnly = session.mode === 'voice';
  const text = isVoiceOnly ? 'voiceOnly.bar' : shown === 'camera' ? 'camera.bar' : shown === 'off' ? 'camera.barOff' : isControl ? 'session.controlling' : 'session.viewing';
  const hint = hasHotkey ? t('session.hotkey', { keys: formatAccelerator(STOP_HOTKEY, isMac) }) : t('consent.stopHint');
  return (
    <div className="session-screen">
      <div className={`session-bar${isControl ? ' is-control' : ''}`} data-testid="session-bar" data-mode={isVoiceOnly ? 'voice' : 'screen'} data-shown={shown} role="status">
        <span className="live-dot" aria-hidden="true" />
        <span className="session-text">{t(text, { name: session.agentName })}</span>
        {notices && <BarNoticeText notices={notices} />}
        {session.others && session.others.length > 0 && (
          <span className="bar-notice" data-testid="bar-participants">
            {t('barNotice.others', { name: session.others.map((o) => t(o.isControlling ? 'barNotice.controlling' : o.role === 'monitor' ? 'barNotice.watching' : 'barNotice.helping', { name: o.name })).join(', ') })}
          </span>
        )}
        {panel && (
          <button
            type="button"
            className="panel-toggle"
            data-testid="session-panel-toggle"
            aria-expanded={panel.isOpen}
            onClick={panel.onToggle}
          >
            {t(panel.isOpen ? 'session.closePanel' : 'session.openPanel')}
            {!panel.isOpen && panel.unread > 0 && (
              <span className="unread-badge" data-testid="session-panel-unread">
                {t('session.unread', { count: panel.unread })}
              </span>
            )}
          </button>
        )}
        <button type="button" className="stop-button" data-testid="stop-button" onClick={onStop} title={hint}>
          {t('session.stop')}
        </button>
      </div>
      <p className="session-hint">{hint}</p>
    </div>
  );
}

/** The monitor the agent sees and, for a while, the agent's clipboard use, beside the bar's text. */
function BarNoticeText({ notices }: { notices: BarNoticeState }) {
  const { t } = useTranslation();
  const { monitor, clipboard } = notices;
  const monitorName = !monitor ? null : monitor.kind === 'all' ? t('barNotice.allMonitors') : monitor.name || t('barNotice.unnamedMonitor', { index: monitor.index });
  return (
    <>
      {monitorName && (
        <span className="bar-notice" data-testid="bar-monitor">
          {t('barNotice.monitor', { name: monitorName })}
        </span>
      )}
      {clipboard && (
        <span className="bar-notice" data-testid="bar-clipboard" data-op={clipboard.op} data-kind={clipboard.kind}>
          {clipboard.kind === 'image'
            ? t(clipboard.op === 'read' ? 'barNotice.clipboardImageRead' : 'barNotice.clipboardImageWritten', { kb: Math.max(1, Math.round(clipboard.chars / 1024)) })
            : t(clipboard.op === 'read' ? 'barNotice.clipboardRead' : 'barNotice.clipboardWritten', { chars: clipboard.chars })}
        </span>
      )}
    </>
  );
}
