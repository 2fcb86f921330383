/**
 * Remote sound, the customer's side, without the DOM: which audio input is this PC's sound
 * (the renderer lists them with `enumerateDevices`), and how far the sound is turned down
 * while the agent speaks in a voice call.
 */

export interface AudioInputLike {
  kind: string;
  label: string;
  deviceId: string;
}

/** A PulseAudio/PipeWire monitor as a browser that lists monitors labels it. */
const MONITOR_PREFIX = 'Monitor of ';

/** The input that carries the PC's sound: the one main prepared (`label`), else a sink's monitor; null if none. */
export function pickSoundInput<T extends AudioInputLike>(devices: readonly T[], label: string | null): T | null {
  const inputs = devices.filter((d) => d.kind === 'audioinput' && d.deviceId !== 'default' && d.deviceId !== 'communications');
  return (label ? inputs.find((d) => d.label === label) : undefined) ?? inputs.find((d) => d.label.startsWith(MONITOR_PREFIX)) ?? null;
}

/**
 * Echo: the customer's speakers play the agent's voice during a call, so the PC's sound would
 * carry it back to the agent. Ducking: while the agent speaks (and for a moment after, so the
 * tail of a word is not heard back) the PC's sound is turned down to {@link DUCKED_GAIN}.
 * Chromium's echo canceller does not help here: it works on a microphone, not on a loopback.
 */
export const DUCKED_GAIN = 0.03;
export const DUCK_HANGOVER_MS = 500;

export class Ducker {
  private lastFarEndAt = -Infinity;

  /** The gain for now: 1, or {@link DUCKED_GAIN} while the agent speaks or spoke within the hangover. */
  gain(now: number, isFarEndSpeaking: boolean): number {
    if (isFarEndSpeaking) this.lastFarEndAt = now;
    return now - this.lastFarEndAt < DUCK_HANGOVER_MS ? DUCKED_GAIN : 1;
  }
}
