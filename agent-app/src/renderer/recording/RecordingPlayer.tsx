/**
 * The `<video>` of a recording with its own controls: play/pause, 1×/2×/4×, full screen, a
 * seek bar carrying the timeline's markers, and download. A live session plays from
 * near-live snapshots: each new snapshot replaces the source, keeping the position (or
 * following the live edge) and the speed.
 *
 * Sound: the video plays the file's first voice; each further voice of a call is an
 * `<audio>` beside it that follows the video (VoiceFollower.ts). Sound is on; where the
 * browser refuses to start sound without a click (a live recording starting by itself), the
 * player starts muted and the sound button says so.
 */
import { forwardRef, useEffect, useImperativeHandle, useRef, useState, type ReactNode, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { PLAYBACK_SPEEDS, formatMediaTime, markerPosition, resumePosition, type TimelineEntry } from '../../common/timeline.ts';
import { VoiceFollower } from './VoiceFollower.ts';

export interface PlayerHandle {
  /** Jumps to a position (ms) in the recording. */
  seek(ms: number): void;
}

export interface RecordingPlayerProps {
  src: string | null;
  /** The further voices of a call (the first is in `src`), each an audio file on the same clock. */
  voiceSrcs: readonly string[];
  isLive: boolean;
  /** Known duration (ms) from the relay, used until the video reports its own. */
  durationMs: number | null;
  markers: readonly TimelineEntry[];
  onTime: (ms: number) => void;
  onDownload: () => void;
  isDownloading: boolean;
  /** The video failed to load (an expired ticket, a snapshot gone): get a fresh source. */
  onSourceError: () => void;
  children?: ReactNode;
}

export const RecordingPlayer = forwardRef<PlayerHandle, RecordingPlayerProps>(function RecordingPlayer(p, ref) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const frame = useRef<HTMLDivElement>(null);
  const [isPlaying, setIsPlaying] = useState(false);
  const [speed, setSpeed] = useState<number>(1);
  const [timeMs, setTimeMs] = useState(0);
  const [videoDurationMs, setVideoDurationMs] = useState<number | null>(null);
  const [hasError, setHasError] = useState(false);
  const [isMuted, setIsMuted] = useState(false);
  const follower = useRef<VoiceFollower | null>(null);
  /** Where to continue once a replaced source has loaded, and the duration it replaced. */
  const resume = useRef<{ ms: number; oldDurationMs: number | null; wasPlaying: boolean } | null>(null);
  const lastSrc = useRef<string | null>(null);

  useImperativeHandle(ref, () => ({
    seek: (ms: number) => {
      const v = video.current;
      if (v) v.currentTime = ms / 1000;
    },
  }));

  useEffect(() => {
    const v = video.current;
    if (!v) return;
    const f = new VoiceFollower(v);
    follower.current = f;
    return () => {
      f.dispose();
      follower.current = null;
    };
  }, []);

  useEffect(() => {
    if (video.current) video.current.muted = isMuted;
  }, [isMuted]);

  /** Plays; if the browser wants a click before sound, plays muted and shows it. */
  const play = (v: HTMLVideoElement) => {
    v.play().catch((err: unknown) => {
      if (err instanceof DOMException && err.name === 'NotAllowedError' && !v.muted) {
        v.muted = true;
        setIsMuted(true);
        void v.play().catch(() => undefined);
      }
    });
  };

  useEffect(() => {
    const v = video.current;
    if (!v || p.src === lastSrc.current) return;
    const hadSource = lastSrc.current !== null;
    lastSrc.current = p.src;
    if (!p.src) return;
    resume.current = hadSource || p.isLive ? { ms: v.currentTime * 1000, oldDurationMs: hadSource ? videoDurationMs : null, wasPlaying: !v.paused } : null;
    setHasError(false);
    v.src = p.src;
    v.load();
  }, [p.src, p.isLive, videoDurationMs]);

  const duration = videoDurationMs ?? p.durationMs;

  const onLoaded = () => {
    const v = video.current;
    if (!v) return;
    const d = Number.isFinite(v.duration) ? v.duration * 1000 : null;
    setVideoDurationMs(d);
    v.playbackRate = speed;
    const r = resume.current;
    resume.current = null;
    if (r && d !== null) {
      v.currentTime = (p.isLive ? resumePosition(r.ms, r.oldDurationMs, d) : Math.min(r.ms, d)) / 1000;
      if (r.wasPlaying || (p.isLive && r.oldDurationMs === null)) play(v);
    }
  };

  const toggle = () => {
    const v = video.current;
    if (!v) return;
    if (v.paused) play(v);
    else v.pause();
  };

  const setRate = (s: number) => {
    setSpeed(s);
    if (video.current) video.current.playbackRate = s;
  };

  const fullscreen = () => {
    const el = frame.current;
    if (!el) return;
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    else void el.requestFullscreen().catch(() => undefined);
  };

  return (
    <div className="player" ref={frame} data-testid="player">
      <div className="player-stage">
        <video
          ref={video}
          className="player-video"
          data-testid="player-video"
          data-live={p.isLive}
          data-duration-ms={duration === null ? '' : Math.round(duration)}
          playsInline
          preload="auto"
          onClick={toggle}
          onLoadedMetadata={onLoaded}
          onDurationChange={(e) => setVideoDurationMs(Number.isFinite(e.currentTarget.duration) ? e.currentTarget.duration * 1000 : null)}
          onTimeUpdate={(e) => {
            const ms = e.currentTarget.currentTime * 1000;
            setTimeMs(ms);
            p.onTime(ms);
          }}
          onSeeked={(e) => p.onTime(e.currentTarget.currentTime * 1000)}
          onPlay={() => setIsPlaying(true)}
          onPause={() => setIsPlaying(false)}
          onError={() => {
            setHasError(true);
            p.onSourceError();
          }}
        />
        {p.voiceSrcs.map((src, i) => (
          <VoiceAudio key={i} src={src} index={i + 1} follower={follower} />
        ))}
        {p.children}
      </div>
      {hasError && (
        <p className="notice notice-error small" role="alert" data-testid="player-error">
          {t('recording.playError')}
        </p>
      )}
      <div className="player-seek">
        <input
          type="range"
          data-testid="player-seek"
          aria-label={t('recording.seek')}
          min={0}
          max={Math.max(1, Math.round(duration ?? 0))}
          step={100}
          value={Math.round(timeMs)}
          onChange={(e) => {
            const v = video.current;
            if (v) v.currentTime = Number(e.target.value) / 1000;
          }}
        />
        <div className="player-markers" aria-hidden="true">
          {p.markers.map((m) => {
            const at = markerPosition(m.mediaMs, duration);
            if (at === null) return null;
            return <span key={m.id} className={`player-marker kind-${m.kind}`} data-testid="timeline-marker" data-kind={m.kind} data-media-ms={m.mediaMs ?? ''} style={{ left: `${at * 100}%` }} />;
          })}
        </div>
      </div>
      <div className="player-controls">
        <button type="button" className="button button-small" data-testid="player-play" onClick={toggle} aria-pressed={isPlaying}>
          {isPlaying ? t('recording.pause') : t('recording.play')}
        </button>
        <span className="mono small" data-testid="player-time">
          {formatMediaTime(timeMs)} / {formatMediaTime(duration ?? 0)}
        </span>
        <span className="spacer" />
        <button type="button" className="button button-small" data-testid="player-sound" aria-pressed={!isMuted} onClick={() => setIsMuted((m) => !m)}>
          {isMuted ? t('recording.soundOff') : t('recording.soundOn')}
        </button>
        <span className="small muted">{t('recording.speed')}</span>
        {PLAYBACK_SPEEDS.map((s) => (
          <button key={s} type="button" className={`button button-small${speed === s ? ' is-on' : ''}`} data-testid={`player-speed-${s}`} aria-pressed={speed === s} onClick={() => setRate(s)}>
            {s}×
          </button>
        ))}
        <button type="button" className="button button-small" data-testid="player-fullscreen" onClick={fullscreen}>
          {t('recording.fullscreen')}
        </button>
        <button type="button" className="button button-small" data-testid="player-download" onClick={p.onDownload} disabled={p.isDownloading || p.isLive}>
          {t('recording.download')}
        </button>
      </div>
    </div>
  );
});

/** One further voice: a hidden `<audio>` that follows the video while it exists. */
function VoiceAudio({ src, index, follower }: { src: string; index: number; follower: RefObject<VoiceFollower | null> }) {
  const audio = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const a = audio.current;
    const f = follower.current;
    if (!a || !f) return;
    return f.add(a);
  }, [follower, src]);
  return <audio ref={audio} src={src} preload="auto" data-testid="player-voice" data-voice={index} hidden />;
}
