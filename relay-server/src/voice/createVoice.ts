/** Voice calls inside sessions: call control and the forwarding of each side's audio. */
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { SessionsFeature } from '../sessions/createSessions.ts';
import { SoundHandler, type SoundRecordingTap } from './SoundHandler.ts';
import { VoiceHandler, type VoiceRecordingTap } from './VoiceHandler.ts';

export interface VoiceDeps {
  sessions: SessionsFeature;
  log: Logger;
  now: Clock;
  /** Where calls are recorded, if anywhere. */
  recording: VoiceRecordingTap & SoundRecordingTap;
}

export function createVoice(d: VoiceDeps): VoiceHandler {
  const voice = new VoiceHandler(d.sessions.manager, d.log, d.recording, d.sessions.events, d.now);
  voice.sound = new SoundHandler(d.sessions.manager, d.log, d.recording, d.sessions.events, d.now);
  return voice;
}
