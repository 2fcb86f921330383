/**
 * A running session changing agents (a desk transfer or a supervisor's take-over). The session
 * goes on as it was: the same ID, stream, recording, chat and the customer's consent; only its
 * agent changes (SessionManager.replaceAgent, which tells the media, voice and resume features).
 *
 * - The new agent gets the session's `session-started` (its tab opens on the running picture,
 *   with its own resume secret), then the chat so far as `chat` ctl messages.
 * - The old agent gets `session-handed-over`: its tab ends there.
 * - The customer gets `session-agent-changed` (its bar shows the new name) if it speaks
 *   `desk-live`; no new consent is asked.
 * - The change is on the session's timeline (`agent-changed`).
 */
import type { ChatMessage } from '@beacon/shared/collab';
import type { HandoverRelayToAgent, RelayToClient } from '@beacon/shared/protocol';
import type { Logger } from '../platform/logger.ts';
import type { EventLog } from './EventLog.ts';
import { agentActor, transportOf, type ActiveSession, type AgentParty, type Party } from './Session.ts';
import type { SessionManager } from './SessionManager.ts';

export type HandoverHow = Extract<HandoverRelayToAgent, { type: 'session-handed-over' }>['how'];

export interface HandoverDeps {
  sessions: Pick<SessionManager, 'replaceAgent'>;
  events: Pick<EventLog, 'append'>;
  /** The session's chat so far, oldest first. */
  chatOf(sessionId: string): Promise<readonly ChatMessage[]>;
  /** Whether the party speaks `desk-live` (an older customer is not told the new name). */
  speaksLive(p: Party): boolean;
  log: Logger;
}

export interface HandoverDetail {
  how: HandoverHow;
  note: string;
  /** Who made it happen, when not the new agent (a supervisor forcing it). */
  actorId: number | null;
}

/** The session's `session-started` as its (new) agent is sent it. */
export function startedFor(s: ActiveSession, resumeSecret: string | undefined): RelayToClient {
  return {
    type: 'session-started',
    sessionId: s.id,
    deviceId: s.deviceId,
    agentName: s.agent.agent.displayName,
    permissions: s.permissions,
    streamId: s.streamId,
    mode: s.mode,
    ...(transportOf(s) === 'websocket' ? { transport: 'websocket' as const } : {}),
    ...(resumeSecret ? { resumeSecret } : {}),
    ...(s.firstSource ? { source: s.firstSource } : {}),
  };
}

/** Hands the running session to `to`; throws `not-found` when it is not running. Returns the agent who had it. */
export function handOver(d: HandoverDeps, sessionId: string, to: AgentParty, detail: HandoverDetail): AgentParty {
  const { session: s, from, resumeSecret } = d.sessions.replaceAgent(sessionId, to);
  to.send(startedFor(s, resumeSecret));
  from.send({ type: 'session-handed-over', sessionId: s.id, agentName: to.agent.displayName, how: detail.how });
  if (d.speaksLive(s.customer)) s.customer.send({ type: 'session-agent-changed', sessionId: s.id, agentName: to.agent.displayName });
  const eventDetail = { how: detail.how, fromAgentId: from.agent.id, toAgentId: to.agent.id, note: detail.note, ...(detail.actorId === null ? {} : { actorId: detail.actorId }) };
  void d.events.append({ sessionId: s.id, deviceId: s.deviceId, kind: 'agent-changed', actor: agentActor(to.agent), detail: eventDetail });
  d.log.info('session handed over', { sessionId: s.id, how: detail.how, fromAgentId: from.agent.id, toAgentId: to.agent.id });
  void replayChat(d, s.id, to);
  return from;
}

/** The new agent's chat starts with what was said before it joined. */
async function replayChat(d: HandoverDeps, sessionId: string, to: AgentParty): Promise<void> {
  try {
    for (const message of await d.chatOf(sessionId)) to.sendCtl({ type: 'chat', sessionId, message });
  } catch (err) {
    d.log.warn('could not replay the chat to the new agent', { sessionId, err });
  }
}
