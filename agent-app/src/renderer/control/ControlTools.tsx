/**
 * The session toolbar's remote-control tools: full screen, the keys menu (key combinations the
 * agent's own OS would keep, and the keyboard mode), and the bar that always offers a way
 * out of full screen.
 */
import { KEYBOARD_MODES, KeyboardMode, SHORTCUT_NAMES } from '@beacon/shared/input';
import { useTranslation } from 'react-i18next';
import type { RemoteSession } from '../RemoteSession.ts';
import { ToolMenu } from '../ui/ToolMenu.tsx';
import type { ClipboardShare } from './ClipboardShare.ts';
import type { MonitorEntry, MonitorPicker } from '../../common/MonitorPicker.ts';
import type { FullScreen } from './useFullScreen.ts';

export function FullScreenButton({ full }: { full: FullScreen }) {
  const { t } = useTranslation();
  return (
    <button
      type="button"
      className="button"
      data-testid="fullscreen"
      title={full.isRefused ? t('control.fullscreen.refused') : t('control.fullscreen.hint')}
      onClick={() => void (full.isOn ? full.exit() : full.enter())}
    >
      {full.isOn ? t('control.fullscreen.exit') : t('control.fullscreen.enter')}
    </button>
  );
}

/** Shown over the picture while it is full screen: what happens to keys, and the way out. */
export function FullScreenBar({ full }: { full: FullScreen }) {
  const { t } = useTranslation();
  if (!full.isOn) return null;
  return (
    <div className="fullscreen-bar" data-testid="fullscreen-bar" data-keyboard-lock={full.lock}>
      <span>{full.lock === 'on' ? t('control.fullscreen.lockedHint') : t('control.fullscreen.unlockedHint')}</span>
      <button type="button" className="button" data-testid="fullscreen-exit" onClick={() => void full.exit()}>
        {t('control.fullscreen.exit')}
      </button>
    </div>
  );
}

export function KeysMenu({ session }: { session: RemoteSession }) {
  const { t } = useTranslation();
  return (
    <ToolMenu label={t('control.keys.menu')} testId="keys-menu">
      {(close) => (
        <>
          {SHORTCUT_NAMES.map((name) => (
            <button
              key={name}
              type="button"
              role="menuitem"
              className="button"
              data-testid={`send-keys-${name}`}
              onClick={() => {
                session.sendShortcut(name);
                close();
              }}
            >
              {t(`control.keys.${name}`)}
            </button>
          ))}
          <p className="muted keys-note">{t('control.keys.ctrlAltDelNote')}</p>
          <label className="keyboard-mode" title={t(`control.keyboardMode.${session.keyboardMode}Hint`)}>
            <span className="muted">{t('control.keyboardMode.label')}</span>{' '}
            <select
              className="button"
              data-testid="keyboard-mode"
              value={session.keyboardMode}
              onChange={(e) => {
                const r = KeyboardMode.safeParse(e.target.value);
                if (r.success) session.setKeyboardMode(r.data);
              }}
            >
              {KEYBOARD_MODES.map((m) => (
                <option key={m} value={m}>
                  {t(`control.keyboardMode.${m}`)}
                </option>
              ))}
            </select>
          </label>
          <p className="muted keys-note">{t(`control.keyboardMode.${session.keyboardMode}Hint`)}</p>
        </>
      )}
    </ToolMenu>
  );
}

/** Clipboard text to and from the customer's PC, on request. */
export function ClipboardMenu({ clipboard }: { clipboard: ClipboardShare }) {
  const { t } = useTranslation();
  return (
    <ToolMenu label={t('control.clipboard.menu')} testId="clipboard-menu">
      {(close) => (
        <>
          <button type="button" role="menuitem" className="button" data-testid="clipboard-send" onClick={() => void clipboard.sendMine().finally(close)}>
            {t('control.clipboard.sendMine')}
          </button>
          <button type="button" role="menuitem" className="button" data-testid="clipboard-fetch" disabled={clipboard.isFetching} onClick={() => {
              clipboard.fetch();
              close();
            }}>
            {t('control.clipboard.fetch')}
          </button>
          <p className="muted keys-note">{t('control.clipboard.note')}</p>
          {clipboard.policy && (
            <p className="muted keys-note" data-testid="clipboard-sync-note">
              {t(`control.clipboard.sync.${clipboard.policy.toCustomer ? 'on' : 'off'}${clipboard.policy.toAgent ? 'On' : 'Off'}`)}
            </p>
          )}
        </>
      )}
    </ToolMenu>
  );
}

/** What the last clipboard request did, under the toolbar until dismissed. */
export function ClipboardNoticeRow({ clipboard }: { clipboard: ClipboardShare }) {
  const { t } = useTranslation();
  const n = clipboard.notice;
  if (!n) return null;
  return (
    <div className="notice notice-info session-message" role="status" data-testid="clipboard-notice" data-key={n.key}>
      <span className="notice-icon" aria-hidden="true">i</span>
      <span className="notice-text">
        {t(`control.clipboard.${n.key}`, { chars: n.chars, kb: n.kb, maxMb: n.maxMb })}
        {n.text !== undefined && <textarea className="clipboard-text" readOnly value={n.text} data-testid="clipboard-text" />}
      </span>
      <button type="button" className="button" onClick={() => clipboard.dismiss()}>
        {t('control.clipboard.dismiss')}
      </button>
    </div>
  );
}

/** The customer's monitors: one of them, or all stitched into one picture. Shown when there are two or more. */
export function MonitorMenu({ picker }: { picker: MonitorPicker }) {
  const { t } = useTranslation();
  if (!picker.hasChoice) return null;
  const nameOf = (e: MonitorEntry) => {
    if (!e.monitor) return t('control.monitors.all');
    const name = e.monitor.name || t('control.monitors.unnamed', { index: e.index });
    return e.monitor.primary ? `${name} · ${t('control.monitors.primary')}` : name;
  };
  const entries = picker.entries();
  const shown = entries.find((e) => e.choice === picker.shown);
  const label = picker.pending !== null ? t('control.monitors.switching') : shown ? t('control.monitors.menuShown', { name: nameOf(shown) }) : t('control.monitors.menu');
  return (
    <ToolMenu label={label} testId="monitor-menu">
      {(close) => (
        <>
          {entries.map((e) => (
            <button
              key={e.choice}
              type="button"
              role="menuitemradio"
              aria-checked={e.choice === picker.shown}
              className="button"
              data-testid={`monitor-${e.index}`}
              data-monitor={e.choice}
              onClick={() => {
                picker.select(e.choice);
                close();
              }}
            >
              {e.monitor ? t('control.monitors.entry', { index: e.index, name: nameOf(e), width: e.monitor.width, height: e.monitor.height }) : nameOf(e)}
            </button>
          ))}
          <p className="muted keys-note">{t('control.monitors.note')}</p>
        </>
      )}
    </ToolMenu>
  );
}
