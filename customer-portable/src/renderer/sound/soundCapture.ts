/**
 * Remote sound: captures this PC's sound where main says it is (SoundSourceResult), and turns
 * it down while the agent speaks in a call (Ducker, common/soundSource.ts). The sound is taken
 * without any microphone processing: echo cancellation and noise suppression would eat music
 * and system sounds.
 */
import type { CustomerBridge, SoundSourceResult } from '@beacon/shared/ipc';
import { Ducker, pickSoundInput } from '../../common/soundSource.ts';

const RAW_AUDIO: MediaTrackConstraints = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };
const DUCK_INTERVAL_MS = 50;
/** Seconds for the gain to move most of the way (a click-free fade). */
const DUCK_FADE_S = 0.03;

export interface CapturedSound {
  track: MediaStreamTrack;
  stop(): void;
}

async function deviceStream(md: MediaDevices, label: string | null): Promise<MediaStream | null> {
  let input = pickSoundInput(await md.enumerateDevices(), label);
  if (!input) {
    // Labels are hidden until the page may use audio inputs: ask once, then look again.
    const probe = await md.getUserMedia({ audio: true, video: false });
    for (const t of probe.getTracks()) t.stop();
    input = pickSoundInput(await md.enumerateDevices(), label);
  }
  if (!input) return null;
  return md.getUserMedia({ audio: { ...RAW_AUDIO, deviceId: { exact: input.deviceId } }, video: false });
}

async function loopbackStream(md: MediaDevices): Promise<MediaStream | null> {
  const both = await md.getDisplayMedia({ video: true, audio: RAW_AUDIO });
  for (const t of both.getVideoTracks()) t.stop();
  return both.getAudioTracks().length ? new MediaStream(both.getAudioTracks()) : null;
}

/** The PC's sound as one track, ducked while `isFarEndSpeaking()`; null if this PC has none to give. */
export async function captureSound(bridge: CustomerBridge | undefined, isFarEndSpeaking: () => boolean, md: MediaDevices = navigator.mediaDevices): Promise<CapturedSound | null> {
  const source: SoundSourceResult = bridge?.prepareSound ? await bridge.prepareSound() : { kind: 'device', label: '' };
  if (source.kind === 'unavailable') return null;
  const raw = source.kind === 'loopback' ? await loopbackStream(md) : await deviceStream(md, source.label || null);
  if (!raw) return null;
  const ctx = new AudioContext();
  void ctx.resume().catch(() => undefined);
  const gain = ctx.createGain();
  const out = ctx.createMediaStreamDestination();
  ctx.createMediaStreamSource(raw).connect(gain).connect(out);
  const ducker = new Ducker();
  const timer = setInterval(() => gain.gain.setTargetAtTime(ducker.gain(performance.now(), isFarEndSpeaking()), ctx.currentTime, DUCK_FADE_S), DUCK_INTERVAL_MS);
  const track = out.stream.getAudioTracks()[0];
  const stop = () => {
    clearInterval(timer);
    for (const t of [...raw.getTracks(), ...out.stream.getTracks()]) t.stop();
    void ctx.close().catch(() => undefined);
    void bridge?.releaseSound?.().catch(() => undefined);
  };
  if (!track) {
    stop();
    return null;
  }
  return { track, stop };
}
