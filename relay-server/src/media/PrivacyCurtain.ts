/**
 * Privacy curtain (capability `privacy-curtain`, see shared/protocol/curtain.ts): the session's
 * agent asks to hide the customer's monitors from the customer while it works; the customer
 * answers in its own dialog and says what the curtain is now (on, off, unavailable on this PC).
 * The curtain itself is the customer app's (windows kept out of capture): the picture, the
 * input and the recording need nothing here.
 *
 * What is checked: only the session's own agent asks, and only in a session with control (a
 * curtain hides what someone does on the PC; a view-only agent does nothing there); its monitors
 * and guests are refused. Only the customer answers, and only the open ask; `on` only after a yes
 * (each yes raises the curtain once); `off` at any time when the customer lifts it, as
 * `agent-lifted` only after the agent asked. The agent and every viewer are told each change;
 * a viewer who joins (a monitor, an invited guest) and an agent who takes the session over (a
 * transfer, a take-over) are told at once when the curtain is up.
 * Asks and answers are in the audit log; asks, answers and changes (who and why) in the session's
 * event log. The curtain outlives a dropped link (the customer keeps it during the resume grace)
 * and its state goes with the session.
 */
import { ProtocolError } from '@beacon/shared/errors';
import type { CurtainCtl, CurtainState, CurtainStateCtl } from '@beacon/shared/protocol';
import { ConsentedFeature, type ConsentedFeatureDeps } from './ConsentedFeature.ts';
import { agentActor, customerActor, type ActiveSession, type AgentParty, type LiveSession } from '../sessions/Session.ts';

export type CurtainAuditAction = 'curtain-requested' | 'curtain-answered';
export type PrivacyCurtainDeps = ConsentedFeatureDeps<CurtainAuditAction>;

interface Curtain {
  state: CurtainState;
  /** The agent asked to raise it and the customer has not answered. */
  isAsked: boolean;
  /** The customer said yes and the curtain is not up yet. */
  isGranted: boolean;
  /** The agent asked to lower it and the customer has not yet. */
  isLowerAsked: boolean;
}

/** What a `curtain-state` may give as its reason, per state. */
const REASONS: Record<CurtainState, readonly CurtainStateCtl['reason'][]> = {
  on: ['consented'],
  off: ['customer-lifted', 'agent-lifted', 'failed'],
  unavailable: ['unsupported', 'failed'],
};

export class PrivacyCurtain extends ConsentedFeature<Curtain, CurtainCtl, CurtainAuditAction> {
  constructor(d: PrivacyCurtainDeps) {
    super(d, 'curtain');
  }

  /** Whether the session's curtain is up (tests, and whoever wants to show it). */
  isUp(sessionId: string): boolean {
    return this.peekState(sessionId)?.state === 'on';
  }

  protected initial(): Curtain {
    return { state: 'off', isAsked: false, isGranted: false, isLowerAsked: false };
  }

  protected tellState(s: LiveSession, to: AgentParty): void {
    const c = this.peekState(s.id);
    if (c?.state === 'on') to.sendCtl({ type: 'curtain-state', sessionId: s.id, state: 'on', reason: 'consented' });
  }

  protected fromAgent(s: ActiveSession, c: Curtain, msg: CurtainCtl): void {
    if (msg.type !== 'curtain-request') throw new ProtocolError('forbidden', `an agent may not send ${msg.type}`);
    if (!s.permissions.control) throw new ProtocolError('not-allowed', 'curtain-request: this session has no control');
    if (msg.up && c.state === 'on') throw new ProtocolError('conflict', 'the curtain is already up');
    if (!msg.up && c.state !== 'on') throw new ProtocolError('conflict', 'the curtain is not up');
    if (msg.up) {
      c.isAsked = true;
      c.isGranted = false;
    } else c.isLowerAsked = true;
    s.customer.sendCtl(msg);
    this.record(s, 'curtain-requested', agentActor(s.agent.agent), { up: msg.up });
    this.audit(s, { actorId: s.agent.agent.id, action: 'curtain-requested', detail: { up: msg.up } });
  }

  protected fromCustomer(s: ActiveSession, c: Curtain, msg: CurtainCtl): void {
    switch (msg.type) {
      case 'curtain-request':
        throw new ProtocolError('forbidden', 'a customer may not send curtain-request');
      case 'curtain-answer': {
        if (!c.isAsked) throw new ProtocolError('not-allowed', 'there is no curtain ask to answer');
        c.isAsked = false;
        c.isGranted = msg.granted;
        s.agent.sendCtl(msg);
        this.record(s, 'curtain-answered', customerActor(s.deviceId), { granted: msg.granted });
        this.audit(s, { actorId: null, action: 'curtain-answered', detail: { granted: msg.granted, agentId: s.agent.agent.id } });
        return;
      }
      case 'curtain-state':
        return this.stateChanged(s, c, msg);
    }
  }

  private stateChanged(s: ActiveSession, c: Curtain, msg: CurtainStateCtl): void {
    if (!REASONS[msg.state].includes(msg.reason)) throw new ProtocolError('bad-message', `curtain-state ${msg.state} cannot be for ${msg.reason}`);
    if (msg.state === 'on' && !c.isGranted) throw new ProtocolError('not-allowed', 'the customer did not agree to the curtain');
    if (msg.reason === 'agent-lifted' && !c.isLowerAsked) throw new ProtocolError('not-allowed', 'the agent did not ask to lower the curtain');
    if (msg.state === 'unavailable') c.isAsked = false;
    c.isGranted = false;
    if (msg.state !== 'on') c.isLowerAsked = false;
    if (c.state === msg.state && msg.state !== 'unavailable') return;
    c.state = msg.state;
    this.tellAll(s, msg);
    const by = msg.reason === 'agent-lifted' ? agentActor(s.agent.agent) : customerActor(s.deviceId);
    this.record(s, `curtain-${msg.state}`, by, { reason: msg.reason });
    this.d.log.info('privacy curtain changed', { sessionId: s.id, state: msg.state, reason: msg.reason });
  }
}
