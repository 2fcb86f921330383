/** Video guidance (capability `camera`): the customer's camera instead of the screen, each switch consented. */
import type { Logger } from '../platform/logger.ts';
import type { SessionsFeature } from '../sessions/createSessions.ts';
import { CameraGuide, type CameraGuideDeps } from './CameraGuide.ts';

export interface CameraDeps {
  sessions: SessionsFeature;
  audit: CameraGuideDeps['audit'];
  log: Logger;
  viewersOf?: CameraGuideDeps['viewersOf'];
}

export function createCamera(d: CameraDeps): CameraGuide {
  return new CameraGuide({ sessions: d.sessions.manager, events: d.sessions.events, audit: d.audit, log: d.log, ...(d.viewersOf ? { viewersOf: d.viewersOf } : {}) });
}
