/**
 * The service desk over the WebSocket (capability `desk`): customers ask for help and wait,
 * agents set their availability and answer offers, and each side is told what changed.
 *
 * - A customer's `help-request` creates a request (Desk.create); the customer is sent
 *   `help-queued` at once and again whenever its place, estimate or `isNobodyAvailable`
 *   changes. `help-cancel` leaves the queue, `help-leave-message` ends it with a message for
 *   the back-office; the customer's connection closing leaves it too.
 * - An agent is sent `desk-status` (their stored state and limit) after hello and after each
 *   `agent-availability`, `desk-offer` when the queue offers them a request, and
 *   `desk-offer-withdrawn` when the offer goes (answered, timed out, the customer left), and
 *   `desk-queue`, the open requests of their queues, whenever it changes.
 * - `offer-accept` assigns the request and opens a pending session on the customer's device
 *   as a `connect-request` with the right code does (SessionManager.helpAccepted): the
 *   customer is told the agent's name (`help-assigned`) and still answers the consent dialog.
 *   When that session ends (or never opens) the request is closed.
 *
 * Pushes are computed after each burst of desk events and once a second (an agent coming
 * online changes estimates without an event), and sent only when they changed.
 */
import type { AccountRole, AlertAgentToRelay, DeskAgentToRelay, FirstSource, DeskCustomerToRelay, DeskRelayToAgent, HandoverAgentToRelay, HelpRequestView, MultiAgentToRelay, RelayToClient } from '@beacon/shared/protocol';
import { toWireError } from '@beacon/shared/errors';
import type { ChatMessage } from '@beacon/shared/collab';
import type { Accounts } from '../accounts/Accounts.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { AgentParty, CustomerParty, Party } from '../sessions/Session.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import type { Desk } from './Desk.ts';
import { ALERT_MESSAGE_TYPES, DeskAlerts } from './DeskAlerts.ts';
import { HANDOVER_MESSAGE_TYPES, type DeskConsoles } from './DeskHandover.ts';
import { MULTI_MESSAGE_TYPES, type DeskMulti, type DeskMultiDeps } from './DeskMulti.ts';
import { DeskRefusedError, isEnded, WITHDRAWN_BY, type DeskEvent, type HelpRequest } from './deskModel.ts';
import { queueSeenBy } from './queueSeenBy.ts';
import type { CrossRelayOffers } from './CrossRelayOffers.ts';

export type DeskMessage = DeskCustomerToRelay | DeskAgentToRelay | HandoverAgentToRelay | MultiAgentToRelay | AlertAgentToRelay;
export const DESK_MESSAGE_TYPES: ReadonlySet<string> = new Set<DeskMessage['type']>([
  'help-request',
  'help-cancel',
  'help-leave-message',
  'help-still-here',
  'agent-availability',
  'offer-accept',
  'offer-decline',
  ...HANDOVER_MESSAGE_TYPES,
  ...MULTI_MESSAGE_TYPES,
  ...ALERT_MESSAGE_TYPES,
]);

export interface DeskLinkDeps {
  desk: Desk;
  sessions: Pick<SessionManager, 'helpAccepted' | 'forDevice' | 'onSessionEvent' | 'get' | 'agentEnd'>;
  accounts: Pick<Accounts, 'groups'>;
  log: Logger;
  now: Clock;
  /** Chat messages sent in sessions: a request's conversation (its no-reply timers) follows its session's chat. */
  chats?: { on(listener: (sessionId: string, from: 'agent' | 'customer', message: ChatMessage) => void): () => void };
  /** Sessions changing hands (capability `desk-live`): given the link's consoles, what handles those messages and hears desk events. */
  live?: (consoles: DeskConsoles) => DeskLive;
  /** Several agents in a session (capability `desk-multi`): given what the link knows of consoles, what handles those messages. */
  multi?: (consoles: Pick<DeskMultiDeps, 'multiConsolesOf' | 'speaksMulti' | 'speaksLive' | 'customerNameOf'>) => DeskMulti;
  /** Several relays: the other relays' open requests (LiveElsewhere.ts), which supervisors here see too. */
  requestsElsewhere?: () => HelpRequestView[];
  /** Several relays (capability `desk-cluster-offers`): the other relays' requests offered to seats here. */
  crossOffers?: Pick<CrossRelayOffers, 'isHeld' | 'decline' | 'offersTo'>;
}

export interface DeskLive {
  handle(agent: AgentParty, msg: HandoverAgentToRelay): Promise<void>;
  onDeskEvent(e: DeskEvent): void;
  /** With every push: supervisors' live lists. */
  refresh(): void;
  /** Hands a running session to this agent now (a supervisor's take-over, or one from a no-reply alert). */
  takeOver(agent: AgentParty, sessionId: string): void;
}

const REFRESH_MS = 1000;

export class DeskLink implements DeskConsoles {
  /** Help request ID -> the customer connection that asked. */
  private readonly customers = new Map<string, CustomerParty>();
  /** Device ID -> its open help request. */
  private readonly requestOfDevice = new Map<string, string>();
  /** Seat ID -> its consoles that speak `desk`. */
  private readonly agents = new Map<number, Set<AgentParty>>();
  /** Help request ID -> the agent it is offered to now. */
  private readonly offeredTo = new Map<string, number>();
  /** Session ID -> the help request it serves. */
  private readonly sessionRequests = new Map<string, string>();
  /** What each connection was last pushed (help-queued or desk-queue), so only changes are sent. */
  private readonly lastPushed = new WeakMap<Party, string>();
  private readonly stops: (() => void)[] = [];
  /** Connections that speak `desk-live`. */
  private readonly speakingLive = new WeakSet<Party>();
  private readonly live: DeskLive | null;
  /** Connections that speak `desk-multi`. */
  private readonly speakingMulti = new WeakSet<Party>();
  private readonly multi: DeskMulti | null;
  /** Connections that speak `desk-alerts`, and the alerts they are sent. */
  private readonly speakingAlerts = new WeakSet<Party>();
  /** Connections that speak `desk-cluster-offers`: offered the other relays' requests too. */
  private readonly speakingClusterOffers = new WeakSet<Party>();
  private readonly alerts: DeskAlerts;
  private timer: ReturnType<typeof setInterval> | null = null;
  private isRefreshScheduled = false;

  constructor(private readonly d: DeskLinkDeps) {
    this.live = d.live?.(this) ?? null;
    this.alerts = new DeskAlerts({
      desk: d.desk,
      alertConsoles: () => this.everyConsoleSpeaking(this.speakingAlerts),
      consolesOf: (id) => [...(this.agents.get(id) ?? [])],
      sessionOfRequest: (id) => this.sessionOfRequest(id),
      isRunning: (sessionId) => d.sessions.get(sessionId)?.state === 'active',
      takeOver: (agent, sessionId) => this.live?.takeOver(agent, sessionId),
      takeRequest: (agent, helpRequestId, requestId) => this.takeRequest(agent, helpRequestId, requestId),
    });
    this.multi = d.multi?.({ multiConsolesOf: (id) => this.multiConsolesOf(id), speaksMulti: (p) => this.speakingMulti.has(p), speaksLive: (p) => this.speakingLive.has(p), customerNameOf: (id) => this.customerNameOf(id) }) ?? null;
    if (d.chats) {
      this.stops.push(
        d.chats.on((sessionId, from, message) => {
          this.multi?.chatSentIn(sessionId, message);
          const requestId = this.sessionRequests.get(sessionId);
          if (requestId !== undefined) d.desk.noteMessage(requestId, from);
          if (requestId !== undefined && from === 'agent') this.alerts.answered(requestId);
        }),
      );
    }
    this.stops.push(d.desk.subscribe((e) => this.onDeskEvent(e)));
    this.stops.push(
      d.sessions.onSessionEvent((e) => {
        const requestId = this.sessionRequests.get(e.session.id);
        if (requestId === undefined) return;
        if (e.type === 'started') d.desk.setRemoteSessionLive(requestId, true);
        if (e.type === 'ended') {
          this.sessionRequests.delete(e.session.id);
          this.closeRequest(requestId, e.session.ending);
        }
      }),
    );
  }

  /** Pushes once a second until `close` (the timer does not keep the process alive). */
  start(): void {
    this.timer ??= setInterval(() => this.refresh(), REFRESH_MS);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const stop of this.stops.splice(0)) stop();
    this.multi?.close();
  }

  /** A connection that speaks `desk` said hello: an agent hears their desk state and queue. */
  attach(party: AgentParty | CustomerParty, speaksLive = false, speaksMulti = false, speaksAlerts = false, speaksClusterOffers = false): void {
    if (speaksLive && this.live) this.speakingLive.add(party);
    if (speaksMulti && this.multi) this.speakingMulti.add(party);
    if (!('agent' in party)) return;
    if (speaksAlerts && this.live) this.speakingAlerts.add(party);
    const id = party.agent.id;
    if (speaksClusterOffers && this.d.crossOffers) {
      this.speakingClusterOffers.add(party);
      for (const m of this.d.crossOffers.offersTo(id)) party.send(m);
    }
    this.agents.set(id, (this.agents.get(id) ?? new Set()).add(party));
    void this.sendStatus(party);
    for (const [requestId, agentId] of this.offeredTo) {
      const r = this.d.desk.queue.findRequest(requestId);
      if (agentId === id && r?.state.kind === 'offered') party.send(this.offer(r, r.state.until));
    }
    if (this.speakingAlerts.has(party)) this.alerts.attached(party);
    this.scheduleRefresh();
  }

  /** A connection opened with a relay ticket: it carries a session another relay sent it to, and is never offered requests or sent the queue. */
  attachTicketed(party: AgentParty, speaksLive: boolean, speaksMulti: boolean): void {
    if (speaksLive && this.live) this.speakingLive.add(party);
    if (speaksMulti && this.multi) this.speakingMulti.add(party);
  }

  /** The connection closed (`isLinkLoss`: its link broke): a customer still waiting leaves the queue. */
  partyGone(party: AgentParty | CustomerParty, isLinkLoss = false): void {
    if ('agent' in party) {
      this.agents.get(party.agent.id)?.delete(party);
      this.multi?.partyGone(party, isLinkLoss);
      return;
    }
    const requestId = this.requestOfDevice.get(party.deviceId);
    const r = requestId === undefined ? undefined : this.d.desk.queue.findRequest(requestId);
    if (r && r.state.kind !== 'assigned' && this.customers.get(r.id) === party) this.d.desk.queue.end(r.id, 'left', { reason: 'customer-disconnected' });
  }

  /** One desk message from a connection that speaks `desk`; a refusal is answered with an `error` (with its requestId). */
  async handle(party: AgentParty | CustomerParty, msg: DeskMessage): Promise<void> {
    try {
      if ('agent' in party) await this.fromAgent(party, msg);
      else await this.fromCustomer(party, msg);
    } catch (err) {
      const { code, message, internal } = toWireError(err);
      if (internal) this.d.log.error('desk message failed', { type: msg.type, err });
      else this.d.log.warn('desk message refused', { type: msg.type, code, detail: message });
      party.send({ type: 'error', code, message, ...('requestId' in msg ? { requestId: msg.requestId } : {}) });
    }
  }

  /* ---------- customers ---------- */

  private async fromCustomer(customer: CustomerParty, msg: DeskMessage): Promise<void> {
    if (msg.type === 'help-request') return this.helpRequest(customer, msg);
    if (msg.type !== 'help-cancel' && msg.type !== 'help-leave-message' && msg.type !== 'help-still-here') throw new DeskRefusedError('forbidden', `${msg.type} is for agents`);
    if (this.customers.get(msg.helpRequestId) !== customer || !this.d.desk.queue.findRequest(msg.helpRequestId)) throw new DeskRefusedError('not-found', 'no such open help request');
    if (msg.type === 'help-still-here') return this.d.desk.noteMessage(msg.helpRequestId, 'customer');
    if (msg.type === 'help-cancel') return this.d.desk.queue.end(msg.helpRequestId, 'left');
    this.d.desk.queue.end(msg.helpRequestId, 'messaged', { text: msg.text });
  }

  private async helpRequest(customer: CustomerParty, msg: Extract<DeskMessage, { type: 'help-request' }>): Promise<void> {
    const open = this.requestOfDevice.get(customer.deviceId);
    if (open !== undefined && this.d.desk.queue.findRequest(open)) throw new DeskRefusedError('conflict', 'this device already has an open help request');
    if (this.d.sessions.forDevice(customer.deviceId)) throw new DeskRefusedError('device-busy', 'the device already has a pending or active session');
    const { groupId } = msg.help;
    if (groupId !== null && (await this.d.accounts.groups([groupId])).length === 0) throw new DeskRefusedError('not-found', 'no such group');
    const r = this.d.desk.create(msg.help, customer.deviceId);
    this.customers.set(r.id, customer);
    this.requestOfDevice.set(customer.deviceId, r.id);
    const queued = this.queued(r);
    if (!queued) return; // already assigned or ended by the time it was created
    this.lastPushed.set(customer, JSON.stringify(queued));
    customer.send({ ...queued, requestId: msg.requestId });
  }

  private toLive(agent: AgentParty, msg: HandoverAgentToRelay): Promise<void> {
    if (!this.live || !this.speakingLive.has(agent)) throw new DeskRefusedError('forbidden', `${msg.type} needs the desk-live capability`);
    return this.live.handle(agent, msg);
  }

  /** Where a waiting or offered request stands, as its customer is told; null once it is neither. */
  private queued(r: HelpRequest): Extract<RelayToClient, { type: 'help-queued' }> | null {
    const q = this.d.desk.queue;
    if (r.state.kind !== 'waiting' && r.state.kind !== 'offered') return null;
    return { type: 'help-queued', helpRequestId: r.id, position: q.position(r.id) ?? 0, estimatedWaitMs: q.estimate(r.id), isNobodyAvailable: q.isNobodyAvailable(r.groupId) };
  }

  /* ---------- agents ---------- */

  private async fromAgent(agent: AgentParty, msg: DeskMessage): Promise<void> {
    const id = agent.agent.id;
    switch (msg.type) {
      case 'agent-availability':
        await this.d.desk.updateAgent(id, { state: msg.state, concurrencyLimit: msg.concurrencyLimit });
        for (const p of this.agents.get(id) ?? [agent]) await this.sendStatus(p);
        return;
      case 'offer-decline':
        if (this.d.crossOffers?.isHeld(msg.helpRequestId)) return this.d.crossOffers.decline(id, msg.helpRequestId);
        return this.d.desk.queue.decline(msg.helpRequestId, id);
      case 'offer-accept':
        return this.accept(agent, msg);
      case 'transfer-decline':
        // Another relay's running session handed on to this seat: the answer goes back there.
        if (this.d.crossOffers?.isHeld(msg.helpRequestId)) return this.d.crossOffers.decline(id, msg.helpRequestId);
        return this.toLive(agent, msg);
      case 'session-transfer':
      case 'transfer-accept':
      case 'session-take-over':
      case 'session-force-transfer':
      case 'request-dispatch':
        return this.toLive(agent, msg);
      case 'session-monitor':
      case 'session-join':
      case 'session-invite':
      case 'invite-answer':
      case 'session-leave':
      case 'control-pass':
        if (!this.multi || !this.speakingMulti.has(agent)) throw new DeskRefusedError('forbidden', `${msg.type} needs the desk-multi capability`);
        return this.multi.handle(agent, msg);
      case 'alert-take-over':
        if (!this.speakingAlerts.has(agent)) throw new DeskRefusedError('forbidden', `${msg.type} needs the desk-alerts capability`);
        return this.alerts.handle(agent, msg);
      default:
        throw new DeskRefusedError('forbidden', `${msg.type} is for customers`);
    }
  }

  private async accept(agent: AgentParty, msg: Extract<DeskMessage, { type: 'offer-accept' }>): Promise<void> {
    const r = this.d.desk.queue.accept(msg.helpRequestId, agent.agent.id);
    await this.openSession(agent, r, msg.requestId, msg.control, msg.source);
  }

  /** The request is the agent's (accepted or dispatched): the customer hears who, and the session opens from this console (on the camera: `camera-first`). */
  async openSession(agent: AgentParty, r: HelpRequest, requestId: string, control: boolean, source?: FirstSource): Promise<void> {
    this.customers.get(r.id)?.send({ type: 'help-assigned', helpRequestId: r.id, agentName: agent.agent.displayName });
    await this.d.sessions.helpAccepted(agent, { requestId, deviceId: r.deviceId, permissions: { view: true, control }, mode: 'screen', ...(source ? { source } : {}) });
    const s = this.d.sessions.forDevice(r.deviceId);
    // Refused (the seat is full, the customer went away): the agent was told why; the request is over.
    if (!s || s.agent !== agent || s.state !== 'pending') return this.closeRequest(r.id, 'session-refused');
    this.sessionRequests.set(s.id, r.id);
  }

  /**
   * A no-reply alert's request that no running session serves (its customer is still being asked,
   * or not yet): the asking session, if any, is withdrawn (it no longer closes the request), the
   * request moves to `agent` as a take-over does, and its session opens from `agent`'s console.
   */
  private async takeRequest(agent: AgentParty, helpRequestId: string, requestId: string): Promise<void> {
    const asking = this.sessionOfRequest(helpRequestId);
    if (asking !== undefined) {
      this.sessionRequests.delete(asking);
      const s = this.d.sessions.get(asking);
      if (s) this.d.sessions.agentEnd(s.agent, asking);
    }
    this.d.desk.queue.takeOver(helpRequestId, agent.agent.id, agent.agent.id);
    const r = this.d.desk.queue.findRequest(helpRequestId);
    if (r) await this.openSession(agent, r, requestId, true);
  }

  liveConsoles(): AgentParty[] {
    return this.everyConsoleSpeaking(this.speakingLive);
  }

  private everyConsoleSpeaking(speaking: WeakSet<Party>): AgentParty[] {
    return [...this.agents.values()].flatMap((set) => [...set].filter((p) => speaking.has(p)));
  }

  private async sendStatus(agent: AgentParty): Promise<void> {
    const saved = await this.d.desk.agentDesk(agent.agent.id);
    const load = this.d.desk.queue.findAgent(agent.agent.id)?.load ?? 0;
    agent.send({ type: 'desk-status', state: saved.state, concurrencyLimit: saved.concurrencyLimit, maxConcurrencyLimit: saved.maxConcurrencyLimit, load });
  }

  private offer(r: HelpRequest, until: number): DeskRelayToAgent {
    return { type: 'desk-offer', request: this.d.desk.view(r), until, forMs: Math.max(0, Math.round(until - this.d.now())), transfer: null };
  }

  sendToAgent(agentId: number, msg: DeskRelayToAgent): void {
    for (const p of this.agents.get(agentId) ?? []) p.send(msg);
  }

  /* ---------- what DeskHandover asks ---------- */

  /** Whether a console of the seat is at the desk here. */
  hasDeskConsole(agentId: number): boolean {
    return (this.agents.get(agentId)?.size ?? 0) > 0;
  }

  /** A seat's consoles here that may be offered the other relays' requests. */
  clusterOfferConsolesOf(agentId: number): AgentParty[] {
    return this.consolesSpeaking(agentId, this.speakingClusterOffers);
  }

  liveConsolesOf(agentId: number): AgentParty[] {
    return this.consolesSpeaking(agentId, this.speakingLive);
  }

  private multiConsolesOf(agentId: number): AgentParty[] {
    return this.consolesSpeaking(agentId, this.speakingMulti);
  }

  private consolesSpeaking(agentId: number, speaking: WeakSet<Party>): AgentParty[] {
    return [...(this.agents.get(agentId) ?? [])].filter((p) => speaking.has(p));
  }

  private customerNameOf(sessionId: string): string | null {
    const requestId = this.sessionRequests.get(sessionId);
    return (requestId === undefined ? undefined : this.d.desk.queue.findRequest(requestId)?.customerName) ?? null;
  }

  transferCodeSession(sessionId: string, toAgentId: number, note: string, forcedBy: number | null): void {
    if (!this.multi) throw new DeskRefusedError('not-found', 'no such desk session');
    this.multi.transferCodeSession(sessionId, toAgentId, note, forcedBy);
  }

  speaksLive(party: Party): boolean {
    return this.speakingLive.has(party);
  }

  requestOfSession(sessionId: string): string | undefined {
    return this.sessionRequests.get(sessionId);
  }

  sessionOfRequest(requestId: string): string | undefined {
    for (const [sessionId, r] of this.sessionRequests) if (r === requestId) return sessionId;
    return undefined;
  }

  /* ---------- desk events ---------- */

  private onDeskEvent(e: DeskEvent): void {
    this.live?.onDeskEvent(e);
    this.alerts.onDeskEvent(e);
    const r = this.d.desk.queue.findRequest(e.requestId);
    const offeredTo = this.offeredTo.get(e.requestId);
    const withdrawn = WITHDRAWN_BY[e.kind];
    if (offeredTo !== undefined && withdrawn) {
      this.offeredTo.delete(e.requestId);
      this.sendToAgent(offeredTo, { type: 'desk-offer-withdrawn', helpRequestId: e.requestId, reason: withdrawn });
    }
    const customer = this.customers.get(e.requestId);
    if (e.kind === 'offered' && r?.state.kind === 'offered') {
      this.offeredTo.set(r.id, r.state.agentId);
      this.sendToAgent(r.state.agentId, this.offer(r, r.state.until));
    } else if (e.kind === 'customer-reminder') {
      customer?.send({ type: 'help-reminder', helpRequestId: e.requestId });
    } else if (isEnded(e.kind)) {
      customer?.send({ type: 'help-ended', helpRequestId: e.requestId, state: e.kind });
      this.customers.delete(e.requestId);
      if (customer && this.requestOfDevice.get(customer.deviceId) === e.requestId) this.requestOfDevice.delete(customer.deviceId);
    }
    this.scheduleRefresh();
  }

  private closeRequest(requestId: string, reason: string): void {
    const r = this.d.desk.queue.findRequest(requestId);
    if (r?.state.kind === 'assigned') this.d.desk.queue.close(requestId, { reason });
  }

  /* ---------- pushes ---------- */

  private scheduleRefresh(): void {
    if (this.isRefreshScheduled) return;
    this.isRefreshScheduled = true;
    queueMicrotask(() => {
      this.isRefreshScheduled = false;
      this.refresh();
    });
  }

  /** Sends every waiting customer their place and every console its queue, where they changed. */
  refresh(): void {
    try {
      this.live?.refresh();
      for (const [requestId, customer] of this.customers) {
        const r = this.d.desk.queue.findRequest(requestId);
        const queued = r ? this.queued(r) : null;
        if (queued) this.push(customer, queued);
      }
      if (this.agents.size === 0) return;
      const views = this.d.desk.queue.requests().map((r) => this.d.desk.view(r));
      const others = this.d.requestsElsewhere?.() ?? [];
      for (const [agentId, parties] of this.agents) {
        const requests = queueSeenBy(parties.values().next().value?.agent.role, this.d.desk.queue.findAgent(agentId), views, others);
        for (const p of parties) this.push(p, { type: 'desk-queue', requests });
      }
    } catch (err) {
      this.d.log.error('desk push failed', { err });
    }
  }

  private push(party: Party, msg: RelayToClient): void {
    const text = JSON.stringify(msg);
    if (this.lastPushed.get(party) === text) return;
    this.lastPushed.set(party, text);
    party.send(msg);
  }
}
