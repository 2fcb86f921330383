/** Screen media and control inside sessions: the customer's stream to its viewers, input, keyframes, clipboard. */
import type { OrgSettings } from '@beacon/shared/api';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { SessionsFeature } from '../sessions/createSessions.ts';
import { ClipboardRelay } from './ClipboardRelay.ts';
import { TrafficHandler, type TrafficTap } from './TrafficHandler.ts';

export interface MediaDeps {
  sessions: SessionsFeature;
  log: Logger;
  now: Clock;
  /** Where screen media and input are recorded, if anywhere. */
  tap: TrafficTap;
  /** The organisation's settings now (the clipboard's sync and image cap). */
  settings?: () => OrgSettings | null;
}

export function createMedia(d: MediaDeps): TrafficHandler {
  return new TrafficHandler(d.sessions.manager, d.log, d.tap, d.now, new ClipboardRelay(d.sessions.events, d.now, d.settings));
}
