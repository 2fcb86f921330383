/**
 * Video guidance as the customer sees it: the agent's ask (camera, or the screen again) in its
 * own dialog, and while the camera is shown, a preview of it with the agent's drawing (board
 * `screen`, in the picture's pixels) on top and a button to turn it off.
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { CollabSession } from '@beacon/shared/browser/CollabSession';
import { paintBoard } from '@beacon/shared/browser/StrokePainter';
import type { CameraSwitch } from './CameraSwitch.ts';
import { DialogActions } from './DialogActions.tsx';

export function CameraArea({ camera, collab, agentName, onAttention }: { camera: CameraSwitch; collab: CollabSession | null; agentName: string; onAttention: () => void }) {
  const { t } = useTranslation();
  const snap = useSyncExternalStore(camera.subscribe, camera.getSnapshot);
  const needsWindow = snap.ask !== null || snap.shown === 'camera';
  // In Electron the session window is only the bar: an ask, and the preview, open it.
  useEffect(() => {
    if (needsWindow) onAttention();
  }, [needsWindow, onAttention]);
  return (
    <>
      {snap.ask && <CameraAsk source={snap.ask} agentName={agentName} onAccept={() => void camera.accept()} onDecline={() => camera.decline()} />}
      {snap.isStarting && (
        <p className="camera-status" role="status">
          {t('camera.starting')}
        </p>
      )}
      {snap.problem && (
        <p className="camera-status camera-problem" role="alert" data-testid="camera-problem">
          {t(`camera.problem.${snap.problem}`)}
        </p>
      )}
      {snap.shown === 'off' && (
        <p className="camera-status" role="status" data-testid="camera-off">
          {t('camera.off')}
        </p>
      )}
      {snap.shown === 'camera' && snap.cameraTrack && <CameraPreview track={snap.cameraTrack} collab={collab} onTurnOff={() => camera.turnOff()} />}
    </>
  );
}

function CameraAsk({ source, agentName, onAccept, onDecline }: { source: 'camera' | 'screen'; agentName: string; onAccept: () => void; onDecline: () => void }) {
  const { t } = useTranslation();
  const isCamera = source === 'camera';
  return (
    <div className="modal-backdrop">
      <div className="consent-dialog" role="alertdialog" aria-modal="true" aria-labelledby="camera-ask-title" data-testid="camera-ask" data-source={source}>
        <h2 id="camera-ask-title">{t(isCamera ? 'camera.askTitle' : 'camera.askScreenTitle')}</h2>
        <p className="ask">{t(isCamera ? 'camera.ask' : 'camera.askScreen', { name: agentName })}</p>
        <ul className="permissions">
          {isCamera ? (
            <>
              <li className="granted">{t('camera.itemCamera')}</li>
              <li className="granted">{t('camera.itemCameraDraw')}</li>
              <li className="not-granted">{t('camera.noControl')}</li>
            </>
          ) : (
            <li className="granted">{t('camera.itemScreen')}</li>
          )}
        </ul>
        {isCamera && <p className="fineprint">{t('camera.stopHint')}</p>}
        <DialogActions
          testIds={{ deny: 'camera-decline', accept: 'camera-accept' }}
          denyLabel={t('camera.decline')}
          acceptLabel={t(isCamera ? 'camera.accept' : 'camera.acceptScreen')}
          onDeny={onDecline}
          onAccept={onAccept}
        />
      </div>
    </div>
  );
}

/** The camera as the agent sees it, with the agent's strokes painted over it (in the camera's pixels). */
function CameraPreview({ track, collab, onTurnOff }: { track: MediaStreamTrack; collab: CollabSession | null; onTurnOff: () => void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const board = useSyncExternalStore(collab?.subscribe ?? noSubscribe, () => collab?.getSnapshot().boardRevision ?? 0);
  const { width = 640, height = 480 } = track.getSettings();

  useEffect(() => {
    if (video.current) video.current.srcObject = new MediaStream([track]);
  }, [track]);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !collab) return;
    let raf = 0;
    const paint = () => {
      if (paintBoard(c, collab.boards.screen, performance.now())) raf = requestAnimationFrame(paint);
    };
    paint();
    return () => cancelAnimationFrame(raf);
  }, [collab, board, width, height]);

  return (
    <section className="camera-preview" aria-label={t('camera.preview')} data-testid="camera-preview">
      <p className="camera-status" role="status" data-testid="camera-shown">
        {t('camera.shown')}
      </p>
      <div className="camera-frame">
        <video ref={video} autoPlay muted playsInline data-testid="camera-video" />
        <canvas ref={canvas} width={width} height={height} className="camera-drawing" data-testid="camera-drawing" data-strokes={collab?.boards.screen.size ?? 0} />
      </div>
      <button type="button" className="deny" data-testid="camera-turn-off" onClick={onTurnOff}>
        {t('camera.turnOff')}
      </button>
    </section>
  );
}

const noSubscribe = () => () => undefined;
