/**
 * The voice call's controls, the same in both apps: call, answer, mute, level and speaking
 * indicators. The far end plays in an `<audio>` element fed by the WebRTC track, so echo
 * cancellation applies. Each app passes its button classes and what only it knows (the
 * console: a call in another session; the customer: the agent's name, and opening the bar
 * when a call rings).
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { VoiceCall, VoiceSnapshot } from '../browser/VoiceCall.ts';
import { VoiceRoomPanel } from './VoiceRoomPanel.tsx';

export interface VoiceButtonClasses {
  plain: string;
  accept: string;
  hangUp: string;
}

export interface VoicePanelProps {
  call: VoiceCall;
  classes: VoiceButtonClasses;
  /** Shown in the incoming and active lines (`{{name}}`), when the app's texts use it. */
  peerName?: string;
  /** This seat is in a call in another session: no second call (the console only). */
  isBusyElsewhere?: boolean;
  /** A call rings (the customer's bar opens to show it). */
  onRing?: () => void;
  /** This agent takes part in another agent's session (`voice-multi`): it joins the call instead of calling. */
  joinAs?: 'guest' | 'monitor' | null;
  /** This client's member ID in a call with several agents (`customer`, or the agent's account ID). */
  myId?: string | number | null;
}

function useVoice(call: VoiceCall): VoiceSnapshot {
  return useSyncExternalStore(
    (l) => call.subscribe(l),
    () => call.snapshot,
  );
}

/** Plays the far end's stream in the element, and again when the call state changes. */
function useRemoteAudio(call: VoiceCall, state: VoiceSnapshot['state']) {
  const audioRef = useRef<HTMLAudioElement>(null);
  const stream = call.remoteStream;
  useEffect(() => {
    const el = audioRef.current;
    if (!el || el.srcObject === stream) return;
    el.srcObject = stream;
    if (stream) void el.play().catch(() => undefined);
  }, [stream, state]);
  return audioRef;
}

export function VoicePanel({ call, classes, peerName, isBusyElsewhere = false, onRing, joinAs = null, myId = null }: VoicePanelProps) {
  const { t } = useTranslation();
  const v = useVoice(call);
  const audioRef = useRemoteAudio(call, v.state);
  const names = peerName === undefined ? {} : { name: peerName };
  useEffect(() => {
    if (v.state === 'incoming') onRing?.();
  }, [v.state, onRing]);

  return (
    <div className="voice-panel" data-testid="voice-panel" data-state={v.state}>
      <audio ref={audioRef} data-testid="voice-remote-audio" autoPlay hidden />
      {v.state === 'idle' && !joinAs && (
        <button type="button" className={classes.plain} data-testid="voice-call" disabled={isBusyElsewhere} onClick={() => void call.start()}>
          {t('voice.call')}
        </button>
      )}
      {v.state === 'idle' && joinAs && (
        <button type="button" className={classes.plain} data-testid="voice-join" disabled={isBusyElsewhere} onClick={() => void call.join(joinAs)}>
          {joinAs === 'monitor' ? t('voice.room.listenIn') : t('voice.room.join')}
        </button>
      )}
      {v.state === 'idle' && isBusyElsewhere && (
        <span className="muted small" data-testid="voice-busy-elsewhere">
          {t('voice.inCallElsewhere')}
        </span>
      )}
      {v.state === 'outgoing' && (
        <>
          <span className="voice-status" data-testid="voice-status">{t('voice.calling')}</span>
          <button type="button" className={classes.plain} data-testid="voice-hangup" onClick={() => call.hangUp()}>
            {t('voice.cancel')}
          </button>
        </>
      )}
      {v.state === 'incoming' && (
        <>
          <span className="voice-status" role="alert" data-testid="voice-incoming">{t('voice.incoming', names)}</span>
          <button type="button" className={classes.accept} data-testid="voice-accept" onClick={() => void call.accept()}>
            {t('voice.accept')}
          </button>
          <button type="button" className={classes.plain} data-testid="voice-decline" onClick={() => call.decline()}>
            {t('voice.decline')}
          </button>
        </>
      )}
      {v.state === 'active' && (
        <>
          <span className="voice-status" data-testid="voice-status">{t('voice.inCall', names)}</span>
          {v.joinedAs !== 'monitor' && (
            <button type="button" className={classes.plain} data-testid="voice-mute" aria-pressed={v.isMuted} onClick={() => call.setMuted(!v.isMuted)}>
              {v.isMuted ? t('voice.unmute') : t('voice.mute')}
            </button>
          )}
          <meter className="voice-level" data-testid="voice-level" aria-label={t('voice.level')} min={0} max={1} value={v.level} />
          <span className={`voice-dot${v.isSpeaking ? ' voice-dot-on' : ''}`} data-testid="voice-speaking" data-on={v.isSpeaking} title={t('voice.speaking')} />
          <span className={`voice-dot voice-dot-remote${v.isRemoteSpeaking ? ' voice-dot-on' : ''}`} data-testid="voice-remote-speaking" data-on={v.isRemoteSpeaking} title={t('voice.remoteSpeaking')} />
          {v.isRemoteMuted && <span className="muted" data-testid="voice-remote-muted">{t('voice.remoteMuted')}</span>}
          <button type="button" className={classes.hangUp} data-testid="voice-hangup" onClick={() => call.hangUp()}>
            {v.joinedAs ? t('voice.room.leave') : t('voice.hangUp')}
          </button>
          <VoiceRoomPanel room={call.room.snapshot} myId={myId} />
        </>
      )}
      {v.state === 'idle' && v.notice && (
        <span className="muted" role="status" data-testid="voice-notice" data-notice={v.notice}>
          {t(`voice.notice.${v.notice}`)}
        </span>
      )}
    </div>
  );
}
