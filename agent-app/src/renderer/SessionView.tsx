import { LIMITS, QualityMode } from '@beacon/shared/protocol';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionEntry } from '../common/ConsoleModel.ts';
import { formatDeviceId } from '../common/connectInput.ts';
import { fitContain } from '../common/coords.ts';
import { useClient, useSnapshot } from './ClientContext.ts';
import type { RemoteSession } from './RemoteSession.ts';
import { ConnectForm } from './ConnectForm.tsx';
import { SessionCustomer } from './SessionCustomer.tsx';
import { SessionStatus } from './SessionStatus.tsx';
import { ReconnectingNotice } from '@beacon/shared/ui/ReconnectingNotice';
import { CollabPanel } from './CollabPanel.tsx';
import { VoiceOnlyArea } from './VoiceOnlyArea.tsx';
import { VoicePanel } from './VoicePanel.tsx';
import { WhiteboardLayer, type DrawStyle } from './WhiteboardLayer.tsx';
import { ClipboardMenu, ClipboardNoticeRow, FullScreenBar, FullScreenButton, KeysMenu, MonitorMenu } from './control/ControlTools.tsx';
import { useFullScreen } from './control/useFullScreen.ts';
import { TransferButton } from './desk/TransferButton.tsx';
import { ParticipantsBar } from './desk/ParticipantsBar.tsx';
import { PeerPointers } from './desk/PeerPointers.tsx';
import { FilesMenu } from './transfer/FilesMenu.tsx';
import { SoundButton, SoundRow } from './sound/SoundControl.tsx';
import { CameraTools } from './camera/CameraTools.tsx';
import { CurtainTools } from './curtain/CurtainTools.tsx';

/** Puts the session's own canvas into the video area and keeps it fitted (aspect kept) on resize. */
function useCanvasHost(session: RemoteSession | undefined) {
  const hostRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = hostRef.current;
    if (!host || !session) return;
    const canvas = session.canvas;
    host.appendChild(canvas);
    const fit = () => {
      const { width, height } = fitContain(host.clientWidth, host.clientHeight, session.videoWidth, session.videoHeight);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
      // The whiteboard layer sits exactly over the video, whatever size it is shown at.
      const layer = host.querySelector<HTMLCanvasElement>('.whiteboard-layer');
      if (layer) {
        layer.style.left = `${canvas.offsetLeft}px`;
        layer.style.top = `${canvas.offsetTop}px`;
        layer.style.width = `${width}px`;
        layer.style.height = `${height}px`;
      }
    };
    const layerObserver = new MutationObserver(fit);
    layerObserver.observe(host, { childList: true });
    const observer = new ResizeObserver(fit);
    observer.observe(host);
    const offSize = session.onVideoSize(fit);
    fit();
    return () => {
      observer.disconnect();
      layerObserver.disconnect();
      offSize();
      canvas.remove();
    };
  }, [session]);
  return hostRef;
}

/** Motion against sharpness for this session's picture; the choice is also the default for new sessions. */
function QualityModeSelect({ mode, onChange }: { mode: QualityMode; onChange: (mode: QualityMode) => void }) {
  const { t } = useTranslation();
  return (
    <label className="quality-mode" title={t(`quality.${mode}Hint`)}>
      <span className="muted">{t('quality.label')}</span>{' '}
      <select
        className="button"
        data-testid="quality-mode"
        value={mode}
        onChange={(e) => {
          const r = QualityMode.safeParse(e.target.value);
          if (r.success) onChange(r.data);
        }}
      >
        {QualityMode.options.map((m) => (
          <option key={m} value={m} data-testid={`quality-mode-${m}`} title={t(`quality.${m}Hint`)}>
            {t(`quality.${m}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

export function SessionView({ entry }: { entry: SessionEntry }) {
  const { t } = useTranslation();
  const client = useClient();
  useSnapshot(); // re-render on video size/warning changes (revision)
  const session = client.getSession(entry.sessionId);
  const hostRef = useCanvasHost(session);
  const videoRef = useRef<HTMLDivElement>(null);
  const full = useFullScreen(videoRef);
  const isViewOnly = entry.state === 'active' ? !entry.hasControl : !entry.requestedControl;
  const isVoiceOnly = entry.mode === 'voice';
  const hasVideo = (session?.videoWidth ?? 0) > 0;
  const collab = client.getCollab(entry.sessionId);
  const voice = entry.state === 'active' ? client.getVoice(entry.sessionId) : null;
  const [isDrawing, setDrawing] = useState(false);
  const [isBlank, setBlank] = useState(false);
  const [style, setStyle] = useState<DrawStyle>({ tool: 'pen', color: '#e53935', width: 4, isFading: false });
  const boardW = session?.boardSize.width || 1280;
  const boardH = session?.boardSize.height || 720;

  return (
    <section className="session-view" data-testid="session-view" data-session-id={entry.sessionId} data-state={entry.state}>
      <div className="session-toolbar">
        <span className="session-title">{t('session.customer', { id: formatDeviceId(entry.deviceId) })}</span>
        <span className={`state-badge state-${entry.state}`}>{t(`tabs.state.${entry.state}`)}</span>
        {isVoiceOnly ? (
          <span className="badge badge-accent" data-testid="voice-only-badge">
            {t('voiceOnly.badge')}
          </span>
        ) : isViewOnly ? (
          <span className="badge badge-muted" data-testid="view-only-badge">
            {t('session.viewOnly')}
          </span>
        ) : (
          <span className="badge badge-accent">{t('session.control')}</span>
        )}
        {entry.state === 'active' && !isViewOnly && <span className="toolbar-hint muted">{t('session.controlHint')}</span>}
        <span className="spacer" />
        {entry.state === 'active' && session?.hasInput && !isVoiceOnly && <KeysMenu session={session} />}
        {entry.state === 'active' && session?.clipboard && !isVoiceOnly && <ClipboardMenu clipboard={session.clipboard} />}
        {entry.state === 'active' && session && !isVoiceOnly && <MonitorMenu picker={session.monitors} />}
        {entry.state === 'active' && session && !isVoiceOnly && <CameraTools sessionId={entry.sessionId} />}
        {entry.state === 'active' && session && !isVoiceOnly && <CurtainTools sessionId={entry.sessionId} hasControl={!isViewOnly} />}
        {entry.state === 'active' && session && !isVoiceOnly && <FilesMenu files={client.getFiles(entry.sessionId)} hasControl={entry.hasControl} />}
        {entry.state === 'active' && session && !isVoiceOnly && client.sound.isAvailable() && <SoundButton sound={client.sound} sessionId={entry.sessionId} />}
        {entry.state === 'active' && hasVideo && !isVoiceOnly && <FullScreenButton full={full} />}
        {entry.state === 'active' && session && !isVoiceOnly && (
          <QualityModeSelect mode={session.qualityMode} onChange={(mode) => client.setQualityMode(entry.sessionId, mode)} />
        )}
        <TransferButton entry={entry} />
        {entry.state === 'ended' ? (
          <button type="button" className="button" data-testid="close-session" onClick={() => client.closeTab(entry.sessionId)}>
            {t('session.close')}
          </button>
        ) : (
          <button type="button" className="button button-danger" data-testid="end-session" onClick={() => client.endSession(entry.sessionId)}>
            {entry.state === 'pending' ? t('session.cancel') : t('session.end')}
          </button>
        )}
      </div>
      <SessionCustomer entry={entry} />
      <ParticipantsBar entry={entry} />
      {voice && <VoicePanel call={voice} />}
      {entry.state === 'active' && !isVoiceOnly && <SoundRow sound={client.sound} sessionId={entry.sessionId} />}
      {entry.state === 'active' && entry.awayUntil !== undefined && <ReconnectingNotice who="customer" until={entry.awayUntil} />}
      {entry.state === 'active' && entry.isRelinking && (
        <div className="reconnecting-notice" role="status" data-testid="session-relinking">
          {t('resume.relinking')}
        </div>
      )}
      {entry.state === 'active' && session?.clipboard && <ClipboardNoticeRow clipboard={session.clipboard} />}
      {entry.messageKey && (
        <div className="notice notice-info session-message" role="status">
          <span className="notice-icon" aria-hidden="true">i</span>
          <span className="notice-text" data-testid="session-message">
            {t(entry.messageKey, entry.messageValues)}
          </span>
        </div>
      )}
      <div className="session-body">
      {isVoiceOnly ? (
        <VoiceOnlyArea entry={entry} />
      ) : (
      <div className={`video-area${entry.state === 'ended' ? ' is-ended' : ''}`} ref={videoRef} data-testid="video-area">
        <FullScreenBar full={full} />
        <div className="canvas-host" ref={hostRef}>
          {entry.state === 'active' && hasVideo && (
            <WhiteboardLayer
              key={isBlank ? 'blank' : 'screen'}
              collab={collab}
              board={isBlank ? 'blank' : 'screen'}
              width={boardW}
              height={boardH}
              isDrawing={isDrawing}
              style={style}
              askText={() => window.prompt(t('collab.board.textPrompt'))}
            />
          )}
          {entry.state === 'active' && hasVideo && session && <PeerPointers session={session} />}
        </div>
        {entry.state === 'pending' && (
          <div className="video-overlay">
            <div className="spinner" aria-hidden="true" />
            <p className="overlay-title">{t('session.waiting')}</p>
            <p className="overlay-hint">{t('session.waitingHint', { seconds: Math.round(LIMITS.consentTimeoutMs / 1000) })}</p>
          </div>
        )}
        {entry.state === 'active' && !hasVideo && !session?.warningKey && (
          <div className="video-overlay">
            <div className="spinner" aria-hidden="true" />
            <p className="overlay-title">{t('session.noVideo')}</p>
          </div>
        )}
        {session?.warningKey && entry.state === 'active' && (
          <div className="video-overlay">
            <p className="overlay-title" data-testid="session-warning">
              {t(session.warningKey)}
            </p>
          </div>
        )}
        {entry.state === 'ended' && (
          <div className="video-overlay video-overlay-interactive">
            <ConnectForm inline initialDeviceId={entry.deviceId} initialCustomer={entry.customer} />
          </div>
        )}
      </div>
      )}
      <CollabPanel entry={entry} collab={collab} isDrawing={isDrawing} onDrawing={setDrawing} style={style} onStyle={setStyle} isBlank={isBlank} onBlank={setBlank} />
      </div>
      <SessionStatus session={entry.state === 'active' ? session : undefined} transport={entry.state === 'active' ? (entry.transport ?? 'webrtc') : undefined} />
    </section>
  );
}
