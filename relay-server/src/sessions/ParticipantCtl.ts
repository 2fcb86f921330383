/**
 * What an agent taking part in someone else's session may send on ctl, decided by the relay for
 * every message (the console hiding a button is not what keeps a monitor's hands off a PC):
 *
 * - A monitor sends nothing that reaches the customer: `input`, clipboard, monitor choice and
 *   the like are refused (`forbidden`). A guest's `input` passes only while it holds control
 *   (`not-allowed` otherwise); its clipboard and monitor choice are the owner's to use.
 * - What every viewer's picture sends on its own (keyframe requests, whether it is on screen)
 *   acts on its own viewer only; its pings are answered by the relay, and its receive reports
 *   and quality mode are dropped quietly: the customer's stream follows the owner's link and
 *   choice (see MediaForwarder), and a viewer must not be shown an error for what its console
 *   does by itself.
 * - The owner's `input` passes only while it holds control (it passed it to a guest otherwise).
 * - `pointer` from the owner or a participant goes to the session's other agents as
 *   `peer-pointer`, never to the customer.
 */
import { ProtocolError } from '@beacon/shared/errors';
import type { CtlToRelay } from '@beacon/shared/protocol';
import type { ActiveSession, AgentParty } from './Session.ts';
import type { GuestRole, Participants } from './Participants.ts';

export interface ParticipantViewer {
  requestKeyframe(sessionId: string): void;
  setVisible(sessionId: string, connId: string, isVisible: boolean): void;
  /** The guest's input reached the customer (the recorder's tap). */
  inputSent(s: ActiveSession, msg: Extract<CtlToRelay, { type: 'input' }>): void;
}

/** A participant's ctl message for a session it takes part in (not as owner). Throws the refusal. */
export function participantCtl(p: Participants, v: ParticipantViewer, s: ActiveSession, agent: AgentParty, role: GuestRole, msg: CtlToRelay): void {
  switch (msg.type) {
    case 'input':
      if (role === 'monitor') throw new ProtocolError('forbidden', 'a monitor only watches; it may not send input');
      if (p.controllerOf(s) !== agent) throw new ProtocolError('not-allowed', 'another agent has the keyboard and mouse');
      s.customer.sendCtl(msg);
      v.inputSent(s, msg);
      return;
    case 'keyframe-request':
      return v.requestKeyframe(s.id);
    case 'view-state':
      return v.setVisible(s.id, agent.connId, msg.isVisible);
    case 'ping':
      agent.sendCtl({ type: 'pong', sessionId: s.id, t: msg.t });
      return;
    case 'receive-report':
    case 'quality-mode':
      return;
    case 'pointer':
      return pointerMoved(p, s, agent, msg);
    default:
      throw new ProtocolError('forbidden', `${role === 'monitor' ? 'a monitor' : 'only the session’s own agent'} may not send ${msg.type}`);
  }
}

/** The owner's `input` while a guest holds control is refused. */
export function checkOwnerInput(p: Participants, s: ActiveSession, agent: AgentParty): void {
  if (p.controllerOf(s) !== agent) throw new ProtocolError('not-allowed', 'you passed the keyboard and mouse to another agent; take them back first');
}

/** One agent's pointer, to every other agent of the session. */
export function pointerMoved(p: Participants, s: ActiveSession, from: AgentParty, msg: Extract<CtlToRelay, { type: 'pointer' }>): void {
  const out = { type: 'peer-pointer' as const, sessionId: s.id, agentId: from.agent.id, name: from.agent.displayName, at: msg.at };
  for (const other of [s.agent, ...p.of(s.id).map((x) => x.party)]) if (other !== from) other.sendCtl(out);
}
