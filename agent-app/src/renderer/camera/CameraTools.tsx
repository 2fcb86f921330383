/**
 * Video guidance in the session toolbar: ask for the customer's camera (or the screen again),
 * what is waiting, and what the picture shows. The picture, the whiteboard and the recording
 * need nothing of their own: the camera comes on the session's stream.
 */
import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../ClientContext.ts';
import { useIsOwner } from '../desk/useIsOwner.ts';

/** Only the session's own agent asks (a monitor or guest sees nothing of this). */
export function CameraTools({ sessionId }: { sessionId: string }) {
  const { t } = useTranslation();
  const camera = useClient().getCamera(sessionId);
  const snap = useSyncExternalStore(camera.subscribe, camera.getSnapshot);
  if (!useIsOwner(sessionId)) return null;
  return (
    <span className="camera-tools" data-testid="camera-tools" data-shown={snap.shown} data-asking={snap.asking ?? ''}>
      {snap.shown === 'camera' && (
        <span className="badge badge-accent" data-testid="camera-badge" title={t('camera.noInput')}>
          {t('camera.badge')}
        </span>
      )}
      {snap.asking && (
        <span className="toolbar-hint muted" role="status" data-testid="camera-asking">
          {t('camera.asking')}
        </span>
      )}
      {snap.declined && !snap.asking && (
        <span className="toolbar-hint muted" role="status" data-testid="camera-declined">
          {t('camera.declined')}
        </span>
      )}
      {snap.shown === 'off' && (
        <span className="toolbar-hint muted" role="status" data-testid="camera-off">
          {t('camera.off')}
        </span>
      )}
      {!snap.asking &&
        camera.choices.map((source) => (
          <button
            key={source}
            type="button"
            className="button"
            data-testid={source === 'camera' ? 'ask-camera' : 'ask-screen'}
            title={source === 'camera' ? t('camera.askCameraHint') : undefined}
            onClick={() => camera.ask(source)}
          >
            {t(source === 'camera' ? 'camera.askCamera' : 'camera.askScreen')}
          </button>
        ))}
    </span>
  );
}
