/**
 * Keeps `<audio>` elements in step with a `<video>`: the recording's further voices (a
 * `<video>` plays only a file's first audio track, so the customer's side of a call is served
 * alone and played beside it). The video leads: play, pause, seek, speed, volume and mute are
 * mirrored, and an audio that drifts from the video's time is put back.
 */
import { resyncTarget } from '../../common/timeline.ts';

const VIDEO_EVENTS = ['play', 'playing', 'pause', 'waiting', 'seeking', 'seeked', 'ratechange', 'volumechange', 'timeupdate', 'ended'] as const;

export class VoiceFollower {
  private readonly audios = new Set<HTMLAudioElement>();
  private readonly onVideo = () => this.syncAll();

  constructor(private readonly video: HTMLVideoElement) {
    for (const e of VIDEO_EVENTS) video.addEventListener(e, this.onVideo);
  }

  /** Starts following; returns the function that stops it. */
  add(audio: HTMLAudioElement): () => void {
    this.audios.add(audio);
    const onReady = () => this.sync(audio, true);
    audio.addEventListener('loadedmetadata', onReady);
    this.sync(audio, true);
    return () => {
      audio.removeEventListener('loadedmetadata', onReady);
      this.audios.delete(audio);
      audio.pause();
    };
  }

  dispose(): void {
    for (const e of VIDEO_EVENTS) this.video.removeEventListener(e, this.onVideo);
    for (const a of this.audios) a.pause();
    this.audios.clear();
  }

  private syncAll(): void {
    for (const a of this.audios) this.sync(a, false);
  }

  private sync(audio: HTMLAudioElement, isFresh: boolean): void {
    const v = this.video;
    audio.muted = v.muted;
    audio.volume = v.volume;
    audio.playbackRate = v.playbackRate;
    if (audio.readyState < HTMLMediaElement.HAVE_METADATA) return;
    const target = isFresh || v.seeking ? v.currentTime : resyncTarget(v.currentTime, audio.currentTime, audio.duration);
    if (target !== null && target < audio.duration) audio.currentTime = target;
    // Playing only while the video really moves: not while it buffers or seeks.
    const isMoving = !v.paused && !v.ended && !v.seeking && v.readyState >= HTMLMediaElement.HAVE_FUTURE_DATA;
    if (isMoving && audio.paused && v.currentTime < audio.duration) void audio.play().catch(() => undefined);
    else if (!isMoving && !audio.paused) audio.pause();
  }
}
