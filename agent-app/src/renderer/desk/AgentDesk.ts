/**
 * The console's side of the service desk (capability `desk`): the agent's availability and
 * limit as the relay stores them (`desk-status`), the offers made to this agent with their
 * deadlines in this console's clock, and the open requests of the agent's queues. Accepting
 * an offer is a connect attempt like the connect form's: the tab appears with `session-pending`.
 */
import type { RoleConnection } from '@beacon/shared/browser/RelayLink';
import { Store } from '@beacon/shared/client/Store';
import { AlertRelayToAgent, DeskRelayToAgent, HandoverRelayToAgent, type AgentDeskState, type ClientToRelay, type DeskTransferTarget, type FirstSource, type HelpRequestView, type LiveDeskSession, type RelayToClient } from '@beacon/shared/protocol';
import { randomId } from '@beacon/shared/browser/randomId';

export interface DeskOffer {
  request: HelpRequestView;
  /** When the offer times out, in this console's clock (`Date.now()`). */
  localUntil: number;
  /** A running session another agent is transferring to this one (capability `desk-live`). */
  transfer: { fromAgentName: string; note: string } | null;
}

/** Where a transfer this agent asked for stands (`sent`: not answered yet). */
export interface TransferProgress {
  state: 'sent' | 'asking' | 'declined' | 'nobody-available';
  agentName: string | null;
}

export interface DeskStatus {
  state: AgentDeskState;
  concurrencyLimit: number;
  maxConcurrencyLimit: number;
  load: number;
}

export interface DeskSnapshot {
  /** The relay speaks `desk` on the current link. */
  isOn: boolean;
  status: DeskStatus | null;
  offers: readonly DeskOffer[];
  queue: readonly HelpRequestView[];
  /** The relay speaks `desk-live`: running desk sessions can be transferred. */
  isLive: boolean;
  /** Transfers this agent asked for, by session ID. */
  transfers: Readonly<Record<string, TransferProgress>>;
  /** Supervisors: every running session (null: not a supervisor, or not told yet). */
  liveSessions: readonly LiveDeskSession[] | null;
  /** No-reply alerts of colleagues in this agent's groups (capability `desk-alerts`), oldest first. */
  alerts: readonly DeskAlert[];
}

/** A colleague has not answered their customer since `silentSince` (the relay's clock). */
export type DeskAlert = Extract<AlertRelayToAgent, { type: 'desk-alert' }>;

export interface AgentDeskDeps {
  link: () => RoleConnection<'agent'> | null;
  /** Registers the connect attempt an accepted offer is (the console's tab follows `session-pending`). */
  connectSent: (requestId: string, deviceId: string, control: boolean) => void;
  /** An `offer-accept` or `transfer-accept` went out on the home link (kept in case it is answered `offer-redirect`). */
  acceptSent?: (msg: Extract<ClientToRelay, { type: 'offer-accept' | 'transfer-accept' }>) => void;
  now?: () => number;
}

const OFF: DeskSnapshot = { isOn: false, status: null, offers: [], queue: [], isLive: false, transfers: {}, liveSessions: null, alerts: [] };

export class AgentDesk {
  private readonly store = new Store<DeskSnapshot>(OFF);
  private readonly now: () => number;

  constructor(private readonly d: AgentDeskDeps) {
    this.now = d.now ?? Date.now;
  }

  readonly getSnapshot = this.store.getSnapshot;
  readonly subscribe = this.store.subscribe;

  attached(conn: RoleConnection<'agent'>): void {
    this.store.set({ ...OFF, isOn: conn.capabilities.has('desk'), isLive: conn.capabilities.has('desk') && conn.capabilities.has('desk-live') });
  }

  /** The link went down: offers die with it (the relay withdraws them). */
  detached(): void {
    this.store.set(OFF);
  }

  onRelayMessage(msg: RelayToClient): void {
    this.onHandover(msg);
    this.onAlert(msg);
    const r = DeskRelayToAgent.safeParse(msg);
    if (!r.success) return;
    const m = r.data;
    const s = this.getSnapshot();
    switch (m.type) {
      case 'desk-status':
        this.store.set({ ...s, status: { state: m.state, concurrencyLimit: m.concurrencyLimit, maxConcurrencyLimit: m.maxConcurrencyLimit, load: m.load } });
        return;
      case 'desk-offer': {
        const others = s.offers.filter((o) => o.request.id !== m.request.id);
        this.store.set({ ...s, offers: [...others, { request: m.request, localUntil: this.now() + m.forMs, transfer: m.transfer }] });
        // A supervisor dispatched another relay's request to this agent: taken at once, as a dispatch on this relay is.
        if (m.dispatchedBy) this.accept(m.request.id, true);
        return;
      }
      case 'desk-offer-withdrawn':
        this.drop(m.helpRequestId);
        return;
      case 'desk-queue':
        this.store.set({ ...s, queue: m.requests });
        return;
    }
  }

  setAvailability(state: AgentDeskState, concurrencyLimit: number): void {
    this.d.link()?.sendSignal({ type: 'agent-availability', state, concurrencyLimit });
  }

  /** `source`: the session starts on the customer's camera (capability `camera-first`; AgentClient checks the relay speaks it). */
  accept(helpRequestId: string, control: boolean, source?: FirstSource): void {
    const offer = this.getSnapshot().offers.find((o) => o.request.id === helpRequestId);
    const conn = this.d.link();
    if (!offer || !conn) return;
    const requestId = randomId();
    if (offer.transfer) {
      // The running session's `session-started` opens its tab. Kept: another relay's session is answered `offer-redirect`, and accepted again there.
      const msg: Extract<ClientToRelay, { type: 'transfer-accept' }> = { type: 'transfer-accept', requestId, helpRequestId };
      this.d.acceptSent?.(msg);
      conn.sendSignal(msg);
    } else {
      this.d.connectSent(requestId, offer.request.deviceId, control);
      const msg: Extract<ClientToRelay, { type: 'offer-accept' }> = { type: 'offer-accept', requestId, helpRequestId, control, ...(source && conn.capabilities.has('camera-first') ? { source } : {}) };
      // Kept: a request of another relay's customer is answered `offer-redirect`, and accepted again there.
      this.d.acceptSent?.(msg);
      conn.sendSignal(msg);
    }
    this.drop(helpRequestId);
  }

  decline(helpRequestId: string): void {
    const isTransfer = this.getSnapshot().offers.some((o) => o.request.id === helpRequestId && o.transfer);
    this.d.link()?.sendSignal(isTransfer ? { type: 'transfer-decline', helpRequestId } : { type: 'offer-decline', helpRequestId });
    this.drop(helpRequestId);
  }

  /** The help request a running session of this agent serves, if it is a desk session. */
  requestOfSession(deviceId: string, agentId: number): HelpRequestView | null {
    return this.getSnapshot().queue.find((r) => r.state === 'assigned' && r.deviceId === deviceId && r.agentId === agentId) ?? null;
  }

  /** Hands a running desk session to another agent or a group; the answer comes as `transfer-status`. */
  transfer(sessionId: string, to: DeskTransferTarget, note: string): void {
    const conn = this.d.link();
    if (!conn) return;
    conn.sendSignal({ type: 'session-transfer', requestId: randomId(), sessionId, to, note });
    this.setTransfer(sessionId, { state: 'sent', agentName: null });
  }

  /** Supervisors: take a running session over (its tab opens here). */
  takeOver(sessionId: string): void {
    this.d.link()?.sendSignal({ type: 'session-take-over', requestId: randomId(), sessionId });
  }

  /** Supervisors: transfer someone's running desk session to this agent. */
  forceTransfer(sessionId: string, agentId: number, note: string): void {
    this.d.link()?.sendSignal({ type: 'session-force-transfer', requestId: randomId(), sessionId, agentId, note });
  }

  /** Supervisors: give a waiting request to this agent without an offer. */
  dispatch(helpRequestId: string, agentId: number): void {
    this.d.link()?.sendSignal({ type: 'request-dispatch', requestId: randomId(), helpRequestId, agentId });
  }

  /** Takes over the session of a colleague's no-reply alert (its tab opens here with `session-started`). */
  /** Takes the alert's session over; with none running yet, its request (a new attempt on the customer's device opens here). */
  takeOverFromAlert(helpRequestId: string): void {
    const alert = this.getSnapshot().alerts.find((a) => a.helpRequestId === helpRequestId);
    const requestId = randomId();
    if (alert?.sessionId === null && alert.deviceId) this.d.connectSent(requestId, alert.deviceId, true);
    this.d.link()?.sendSignal({ type: 'alert-take-over', requestId, helpRequestId });
    this.dismissAlert(helpRequestId);
  }

  dismissAlert(helpRequestId: string): void {
    const s = this.getSnapshot();
    if (s.alerts.some((a) => a.helpRequestId === helpRequestId)) this.store.set({ ...s, alerts: s.alerts.filter((a) => a.helpRequestId !== helpRequestId) });
  }

  private onAlert(msg: RelayToClient): void {
    const r = AlertRelayToAgent.safeParse(msg);
    if (!r.success) return;
    const m = r.data;
    this.dismissAlert(m.helpRequestId);
    if (m.type === 'desk-alert') this.store.set({ ...this.getSnapshot(), alerts: [...this.getSnapshot().alerts, m] });
  }

  /** The agent read a transfer's outcome. */
  dismissTransfer(sessionId: string): void {
    this.setTransfer(sessionId, null);
  }

  private onHandover(msg: RelayToClient): void {
    const r = HandoverRelayToAgent.safeParse(msg);
    if (!r.success) return;
    const m = r.data;
    if (m.type === 'desk-sessions') this.store.set({ ...this.getSnapshot(), liveSessions: m.sessions });
    else if (m.type === 'transfer-status') this.setTransfer(m.sessionId, { state: m.state, agentName: m.agentName });
    else this.setTransfer(m.sessionId, null);
  }

  private setTransfer(sessionId: string, progress: TransferProgress | null): void {
    const s = this.getSnapshot();
    const { [sessionId]: _gone, ...rest } = s.transfers;
    this.store.set({ ...s, transfers: progress ? { ...rest, [sessionId]: progress } : rest });
  }

  private drop(helpRequestId: string): void {
    const s = this.getSnapshot();
    if (s.offers.some((o) => o.request.id === helpRequestId)) this.store.set({ ...s, offers: s.offers.filter((o) => o.request.id !== helpRequestId) });
  }
}
