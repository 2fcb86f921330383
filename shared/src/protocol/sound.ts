import { z } from 'zod';
import { Role, SessionId } from './core.ts';
import { ctlGuard } from './parts.ts';

/**
 * Remote sound (capability `remote-sound`): the agent hears the customer PC's sound. Off by
 * default. The agent asks (`sound-request`; screen sessions whose agent may view), the customer
 * consents (`sound-answer`), and while it is on the customer sends the PC's sound as Opus RTP
 * on a second audio m-line of its peer connection, which the relay forwards to the agent's own
 * second audio m-line and records as a track of its own. Either side stops it (`sound-stop`).
 *
 * Audio m-lines: a client that speaks `remote-sound` keeps its voice line first. When it adds
 * the sound line and has no voice line yet, it adds an empty voice line in the same offer, so
 * the relay reads the first audio m-line as voice and the second as sound.
 */

/**
 * Why sound is off: `declined` (the customer said no), `stopped` (a side stopped it, see `by`),
 * `unavailable` (the customer's PC has no sound to capture here), `disconnected` (a link went
 * or the session ended).
 */
export const SoundOffReason = z.enum(['declined', 'stopped', 'unavailable', 'disconnected']);
export type SoundOffReason = z.infer<typeof SoundOffReason>;
export const SoundState = z.enum(['off', 'asking', 'on']);
export type SoundState = z.infer<typeof SoundState>;

/** Client -> relay. Agent: `sound-request`, `sound-stop`. Customer: `sound-answer`, `sound-stop`. */
export const SoundCtlToRelay = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sound-request'), sessionId: SessionId }),
  /** Customer: the answer to a `sound-request`; on `accept` its sound line carries the PC's sound. */
  z.object({ type: z.literal('sound-answer'), sessionId: SessionId, accept: z.boolean() }),
  /** Either side; a customer whose capture failed says `unavailable`. */
  z.object({ type: z.literal('sound-stop'), sessionId: SessionId, reason: z.enum(['stopped', 'unavailable']).optional() }),
]);
/**
 * Relay -> client. Customer: `sound-request` (ask for consent). Both: `sound-state` whenever it
 * changes (`by` and `reason` say who turned it off and why).
 */
export const SoundCtlFromRelay = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sound-request'), sessionId: SessionId }),
  z.object({ type: z.literal('sound-state'), sessionId: SessionId, state: SoundState, by: Role.optional(), reason: SoundOffReason.optional() }),
]);
export type SoundCtlToRelay = z.infer<typeof SoundCtlToRelay>;
export type SoundCtlFromRelay = z.infer<typeof SoundCtlFromRelay>;
export type SoundCtlType = SoundCtlToRelay['type'] | SoundCtlFromRelay['type'];
export const isSoundCtl = ctlGuard<SoundCtlType>(SoundCtlToRelay, SoundCtlFromRelay);
