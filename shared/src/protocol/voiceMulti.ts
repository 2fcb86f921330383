import { z } from 'zod';
import { AccountId } from '../api/common.ts';
import { SessionId } from './core.ts';
import { MAX_PARTICIPANTS } from './multi.ts';
import { Name, ctlGuard } from './parts.ts';

/**
 * Voice with every agent of a session (capability `voice-multi`; docs/PROTOCOL.md, "Voice with
 * several agents"). The session's call is the two-party call of `voice` (the customer and the
 * session's agent, the owner); while it runs, the session's participants (capability
 * `desk-multi`) join it: a guest hears and speaks, a monitor only listens. The relay forwards
 * each speaker's Opus RTP to each listener as is (no mixing), each speaker on a line of its own.
 *
 * Audio m-lines of a client that speaks `voice-multi`: the first is its voice line (it sends its
 * microphone there and hears its main peer: the customer for an agent, the owner for the
 * customer); the second is the sound line of `remote-sound` (empty when unused); every further
 * audio m-line is a listen line, receive-only, in SDP order. `voice-room` tells each member which
 * speaker it hears on which listen line; the client adds listen lines (`rtc-renegotiate`) when
 * `lines` is longer than what it has. A speaker keeps its line while it stays in the call, so
 * somebody joining or leaving never moves the others.
 */

/** `customer` or an agent's account ID: who a member of the call is. */
export const VoiceMemberId = z.union([z.literal('customer'), AccountId]);
export type VoiceMemberId = z.infer<typeof VoiceMemberId>;
export const VoiceMemberRole = z.enum(['customer', 'owner', 'guest', 'monitor']);
export type VoiceMemberRole = z.infer<typeof VoiceMemberRole>;

export const VoiceMember = z.object({
  id: VoiceMemberId,
  name: Name,
  role: VoiceMemberRole,
  isMuted: z.boolean(),
  /** A monitor: it hears the call and is never heard. */
  isListenOnly: z.boolean(),
});
export type VoiceMember = z.infer<typeof VoiceMember>;

/** The most listen lines a member needs: every speaker but itself and its main peer. */
export const MAX_LISTEN_LINES = MAX_PARTICIPANTS + 1;

/** Participant -> relay. `voice-mute` (capability `voice`) mutes a participant as it does a party. */
export const VoiceMultiCtlToRelay = z.discriminatedUnion('type', [
  z.object({ type: z.literal('voice-join'), sessionId: SessionId }),
  z.object({ type: z.literal('voice-leave'), sessionId: SessionId }),
]);

/**
 * Relay -> every member of the call that speaks `voice-multi`, whenever the call's members or
 * their mute change. `lines[i]`: the speaker this member hears on its listen line i (null: the
 * line is silent now). `members: []` and `lines: []`: the call ended, or this member left it.
 */
export const VoiceMultiCtlFromRelay = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('voice-room'),
    sessionId: SessionId,
    members: z.array(VoiceMember).max(MAX_PARTICIPANTS + 2),
    lines: z.array(VoiceMemberId.nullable()).max(MAX_LISTEN_LINES),
  }),
]);
export type VoiceMultiCtlToRelay = z.infer<typeof VoiceMultiCtlToRelay>;
export type VoiceMultiCtlFromRelay = z.infer<typeof VoiceMultiCtlFromRelay>;
export type VoiceMultiCtlType = VoiceMultiCtlToRelay['type'] | VoiceMultiCtlFromRelay['type'];
export const isVoiceMultiCtl = ctlGuard<VoiceMultiCtlType>(VoiceMultiCtlToRelay, VoiceMultiCtlFromRelay);
