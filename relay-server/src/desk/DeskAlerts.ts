/**
 * No-reply alerts over the WebSocket (capability `desk-alerts`). The desk's tick raises
 * `no-reply-alert` when an agent has not answered their customer for `agentNoReplySec`
 * (noReply.ts); this sends `desk-alert` to the other members of the request's group who are at
 * the desk (every agent at the desk for the organisation's queue), and to a console of theirs
 * that connects while the alert is open. Any of them may take the session over from it
 * (`alert-take-over`): the request and its running session move to them as a supervisor's
 * take-over does (DeskHandover), on the timeline and in the audit log with them as actor.
 * The alert is cleared (`desk-alert-cleared`) when the agent answers, the session changes
 * hands, or the request ends.
 *
 * An alert raised before the request's session runs (the agent has not started one, or the
 * customer is still being asked) has no session to take over: taking it takes the request
 * (`takeRequest`): it moves to the colleague, whose console asks the customer anew. Its message
 * carries the device (`deviceId`), so that console can show the new attempt.
 */
import type { AlertAgentToRelay, AlertRelayToAgent } from '@beacon/shared/protocol';
import type { AgentParty } from '../sessions/Session.ts';
import type { Desk } from './Desk.ts';
import { DeskRefusedError, isMember, type DeskEvent } from './deskModel.ts';

export const ALERT_MESSAGE_TYPES: ReadonlySet<AlertAgentToRelay['type']> = new Set<AlertAgentToRelay['type']>(['alert-take-over']);

type AlertMessage = Extract<AlertRelayToAgent, { type: 'desk-alert' }>;
type ClearedReason = Extract<AlertRelayToAgent, { type: 'desk-alert-cleared' }>['reason'];

export interface DeskAlertsDeps {
  desk: Pick<Desk, 'queue'>;
  /** Every console at the desk that speaks `desk-alerts`. */
  alertConsoles(): AgentParty[];
  /** The seat's consoles (for the alerted agent's name). */
  consolesOf(agentId: number): AgentParty[];
  /** The session that serves a help request (running, or its customer still being asked), if any. */
  sessionOfRequest(requestId: string): string | undefined;
  /** Whether that session runs (the customer agreed). */
  isRunning(sessionId: string): boolean;
  /** Hands the running session to this agent now, as a supervisor's take-over (DeskHandover). */
  takeOver(agent: AgentParty, sessionId: string): void;
  /** Moves a request no running session serves to this agent, and opens its session from there (`requestId`: the console's attempt). */
  takeRequest(agent: AgentParty, helpRequestId: string, requestId: string): Promise<void>;
}

const CLEARED_BY: Partial<Record<DeskEvent['kind'], ClearedReason>> = {
  'transfer-accepted': 'taken-over',
  closed: 'ended',
  left: 'ended',
  expired: 'ended',
  messaged: 'ended',
};

export class DeskAlerts {
  /** Help request ID -> its open alert, and the seats it was sent to. */
  private readonly open = new Map<string, { msg: AlertMessage; sentTo: Set<number> }>();

  constructor(private readonly d: DeskAlertsDeps) {}

  onDeskEvent(e: DeskEvent): void {
    const cleared = CLEARED_BY[e.kind];
    if (cleared) return this.clear(e.requestId, cleared);
    if (e.kind !== 'no-reply-alert') return;
    const r = this.d.desk.queue.findRequest(e.requestId);
    if (r?.state.kind !== 'assigned') return;
    const agentId = r.state.agentId;
    const silentSince = typeof e.detail['silentSince'] === 'number' ? e.detail['silentSince'] : e.at;
    const agentName = this.d.consolesOf(agentId)[0]?.agent.displayName ?? '?';
    const msg: AlertMessage = {
      type: 'desk-alert',
      helpRequestId: r.id,
      kind: 'no-reply',
      agentId,
      agentName,
      customerName: r.customerName,
      groupId: r.groupId,
      sessionId: this.runningSessionOf(r.id),
      silentSince,
      deviceId: r.deviceId,
    };
    const alert = { msg, sentTo: new Set<number>() };
    this.open.set(r.id, alert);
    for (const p of this.d.alertConsoles()) this.sendIfConcerned(p, alert);
  }

  /** The request's agent wrote to the customer: the alert is over. */
  answered(requestId: string): void {
    this.clear(requestId, 'answered');
  }

  /** A console that speaks `desk-alerts` came: it is shown the open alerts that concern it. */
  attached(party: AgentParty): void {
    for (const alert of this.open.values()) this.sendIfConcerned(party, alert);
  }

  async handle(agent: AgentParty, msg: AlertAgentToRelay): Promise<void> {
    const alert = this.open.get(msg.helpRequestId);
    if (!alert || !this.concerns(agent.agent.id, alert.msg)) throw new DeskRefusedError('not-found', 'no such open alert for this agent');
    const sessionId = this.runningSessionOf(msg.helpRequestId);
    if (sessionId === null) return this.d.takeRequest(agent, msg.helpRequestId, msg.requestId);
    this.d.takeOver(agent, sessionId);
  }

  private runningSessionOf(requestId: string): string | null {
    const sessionId = this.d.sessionOfRequest(requestId);
    return sessionId !== undefined && this.d.isRunning(sessionId) ? sessionId : null;
  }

  /** Other members of the request's group who are at the desk; never the alerted agent. */
  private concerns(agentId: number, msg: AlertMessage): boolean {
    if (agentId === msg.agentId) return false;
    const a = this.d.desk.queue.findAgent(agentId);
    return a !== undefined && a.isOnline && isMember(a, msg.groupId);
  }

  private sendIfConcerned(p: AgentParty, alert: { msg: AlertMessage; sentTo: Set<number> }): void {
    if (!this.concerns(p.agent.id, alert.msg)) return;
    alert.sentTo.add(p.agent.id);
    p.send({ ...alert.msg, sessionId: this.runningSessionOf(alert.msg.helpRequestId) });
  }

  private clear(requestId: string, reason: ClearedReason): void {
    const alert = this.open.get(requestId);
    if (!alert) return;
    this.open.delete(requestId);
    const sentTo = alert.sentTo;
    for (const p of this.d.alertConsoles()) if (sentTo.has(p.agent.id)) p.send({ type: 'desk-alert-cleared', helpRequestId: requestId, reason });
  }
}
