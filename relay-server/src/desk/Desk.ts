/**
 * The service desk as the relay runs it: the pure DeskQueue, with every event it emits stored
 * (DeskStore) and told to subscribers (the WebSocket side pushes offers and waits from
 * them), agents' desk state loaded from and saved to the database, the settings, and a tick
 * that expires offers and raises no-reply alerts (noReply.ts).
 *
 * Agents join the queue when they come online (Presence) with their saved state and limit:
 * `available` and their seat's limit the first time. A desk limit never exceeds the seat's
 * limit set by an administrator.
 */
import { randomBytes } from 'node:crypto';
import type { AgentDeskState, DeskSettings, UpdateAgentDeskRequest } from '@beacon/shared/api';
import type { HelpRequestBody, HelpRequestView } from '@beacon/shared/protocol';
import type { Accounts } from '../accounts/Accounts.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { DeskRefusedError, type DeskEvent, type DeskEventKind, type HelpRequest } from './deskModel.ts';
import { DeskQueue } from './DeskQueue.ts';
import { DEFAULT_DESK_SETTINGS, type DeskStore, type StoredAgentDesk } from './DeskStore.ts';
import { dueAlerts, type ConversationTimes, type NoReplyAlertKind } from './noReply.ts';
import { HandleTimes } from './WaitEstimate.ts';

export interface DeskDeps {
  store: DeskStore;
  seats: Pick<Accounts, 'seat'>;
  log: Logger;
  now: Clock;
}

type Conversation = Pick<ConversationTimes, 'lastAgentMessageAt' | 'lastCustomerMessageAt' | 'isRemoteSessionLive'> & {
  handled: Partial<Record<NoReplyAlertKind, number>>;
  hasFirstResponse: boolean;
};

const TERMINAL: ReadonlySet<DeskEventKind> = new Set(['closed', 'left', 'expired', 'messaged']);
export const DESK_TICK_MS = 1000;

export class Desk {
  readonly queue: DeskQueue;
  private current: DeskSettings = DEFAULT_DESK_SETTINGS;
  private readonly handleTimes: HandleTimes;
  private readonly conversations = new Map<string, Conversation>();
  private readonly listeners = new Set<(e: DeskEvent) => void>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly d: DeskDeps) {
    this.handleTimes = new HandleTimes(DEFAULT_DESK_SETTINGS.handleTimeWindow, () => this.current.defaultHandleSec * 1000);
    this.queue = new DeskQueue({
      now: d.now,
      offerTimeoutMs: () => this.current.offerTimeoutSec * 1000,
      handleTimes: this.handleTimes,
      onEvent: (e) => this.publish(e),
    });
  }

  /** Loads settings and recent handle times; requests an earlier run left open are ended (their customers are gone). */
  async start(): Promise<void> {
    await this.applySettings(await this.d.store.settings());
    const recovered = await this.d.store.recoverInterrupted(this.d.now());
    if (recovered > 0) this.d.log.warn('help requests left open by an earlier run ended', { count: recovered });
    for (const ms of await this.d.store.recentHandleTimes(this.current.handleTimeWindow)) this.handleTimes.add(ms);
  }

  /** Ticks every second until `close` (the timer does not keep the process alive). */
  startTimer(): void {
    this.timer ??= setInterval(() => this.tick(), DESK_TICK_MS);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.listeners.clear();
  }

  /** Every desk event after it is stored; returns the unsubscribe. */
  subscribe(listener: (e: DeskEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /* ---------- settings ---------- */

  get settings(): DeskSettings {
    return this.current;
  }

  async updateSettings(patch: Partial<DeskSettings>): Promise<{ before: DeskSettings; after: DeskSettings }> {
    const before = this.current;
    const after = { ...before, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
    if (after.customerEndSec <= after.customerReminderSec) throw new DeskRefusedError('bad-message', 'customerEndSec must be longer than customerReminderSec');
    await this.d.store.saveSettings(after);
    await this.applySettings(after);
    return { before, after };
  }

  private async applySettings(s: DeskSettings): Promise<void> {
    this.current = s;
    this.handleTimes.resize(s.handleTimeWindow);
  }

  /* ---------- agents ---------- */

  /** The agent's saved desk state, or the first-time default; the limit capped at the seat's. */
  async agentDesk(accountId: number): Promise<StoredAgentDesk & { maxConcurrencyLimit: number }> {
    const seat = await this.d.seats.seat(accountId);
    if (!seat || seat.isDeleted || seat.isDisabled) throw new DeskRefusedError('not-found', 'no such seat');
    const stored = (await this.d.store.agentDesk(accountId)) ?? { state: 'available' as const, concurrencyLimit: seat.concurrencyLimit };
    return { state: stored.state, concurrencyLimit: Math.min(stored.concurrencyLimit, seat.concurrencyLimit), maxConcurrencyLimit: seat.concurrencyLimit };
  }

  /** An agent's console connected or went away (the last connection closed). */
  async setOnline(accountId: number, isOnline: boolean): Promise<void> {
    if (!isOnline) {
      if (this.queue.findAgent(accountId)) this.queue.setOnline(accountId, false);
      return;
    }
    const seat = await this.d.seats.seat(accountId);
    const desk = await this.agentDesk(accountId);
    this.queue.upsertAgent({ id: accountId, groupIds: seat?.groups.map((g) => g.id) ?? [], state: desk.state, limit: desk.concurrencyLimit });
    this.queue.setOnline(accountId, true);
  }

  /** An agent sets their own state or limit; saved, and applied at once if they are at the desk. */
  async updateAgent(accountId: number, patch: UpdateAgentDeskRequest): Promise<void> {
    const desk = await this.agentDesk(accountId);
    const limit = patch.concurrencyLimit ?? desk.concurrencyLimit;
    if (limit > desk.maxConcurrencyLimit) throw new DeskRefusedError('bad-message', `the seat's limit is ${desk.maxConcurrencyLimit}`);
    const state: AgentDeskState = patch.state ?? desk.state;
    await this.d.store.saveAgentDesk(accountId, { state, concurrencyLimit: limit });
    if (!this.queue.findAgent(accountId)) return;
    this.queue.setLimit(accountId, limit);
    this.queue.setAgentState(accountId, state);
  }

  /* ---------- requests ---------- */

  /** A customer asks for help from this device (the caller has checked who the customer is). */
  create(body: HelpRequestBody, deviceId: string): HelpRequest {
    const id = randomBytes(12).toString('base64url');
    this.conversations.set(id, { lastAgentMessageAt: null, lastCustomerMessageAt: null, isRemoteSessionLive: false, handled: {}, hasFirstResponse: false });
    return this.queue.create({ id, groupId: body.groupId, customerName: body.customerName, phone: body.phone ?? null, description: body.description, deviceId });
  }

  /** A chat message in the request's conversation; the agent's first one is the first response. */
  noteMessage(requestId: string, from: 'agent' | 'customer'): void {
    const c = this.conversations.get(requestId);
    const r = this.queue.findRequest(requestId);
    if (!c || !r) return;
    if (from === 'customer') c.lastCustomerMessageAt = this.d.now();
    else c.lastAgentMessageAt = this.d.now();
    if (from === 'agent' && !c.hasFirstResponse && r.state.kind === 'assigned') {
      c.hasFirstResponse = true;
      this.publish(this.event('first-response', r, r.state.agentId));
    }
  }

  /** While a remote session runs, a quiet customer is not reminded or ended. */
  setRemoteSessionLive(requestId: string, isLive: boolean): void {
    const c = this.conversations.get(requestId);
    if (c) c.isRemoteSessionLive = isLive;
  }

  /** Expires offers, then raises the no-reply alerts that are due (and ends silent customers). */
  tick(): void {
    this.queue.tick();
    for (const r of this.queue.requests()) {
      const c = this.conversations.get(r.id);
      if (!c) continue;
      const phase = r.state.kind === 'assigned' ? 'assigned' : 'waiting';
      const assignedAt = r.state.kind === 'assigned' ? r.state.since : null;
      for (const alert of dueAlerts({ ...c, phase, createdAt: r.createdAt, assignedAt }, this.current, this.d.now())) {
        c.handled[alert.kind] = alert.anchor;
        this.raise(r, alert.kind, alert.anchor);
      }
    }
  }

  private raise(r: HelpRequest, kind: NoReplyAlertKind, since: number): void {
    const agentId = r.state.kind === 'assigned' ? r.state.agentId : null;
    const detail = { silentSince: since, groupId: r.groupId };
    if (kind === 'agent-no-reply') this.publish(this.event('no-reply-alert', r, agentId, detail));
    else if (kind === 'customer-reminder') this.publish(this.event('customer-reminder', r, agentId, detail));
    else if (r.state.kind === 'assigned') this.queue.close(r.id, { reason: 'customer-silent' });
    else this.queue.end(r.id, 'expired', { reason: 'customer-silent' });
  }

  /** What a console or customer client is shown about an open request. */
  view(r: HelpRequest): HelpRequestView {
    const s = r.state;
    const t = s.kind === 'assigned' ? s.transfer : null;
    return {
      id: r.id,
      groupId: r.groupId,
      customerName: r.customerName,
      ...(r.phone === null ? {} : { phone: r.phone }),
      description: r.description,
      deviceId: r.deviceId,
      createdAt: r.createdAt,
      state: s.kind,
      agentId: s.kind === 'waiting' ? null : s.agentId,
      offeredUntil: s.kind === 'offered' ? s.until : null,
      position: this.queue.findRequest(r.id) ? this.queue.position(r.id) : null,
      estimatedWaitMs: s.kind === 'waiting' ? this.queue.estimate(r.id) : null,
      transfer: t ? { fromAgentId: t.fromAgentId, to: t.to, note: t.note, offeredTo: t.offeredTo, offeredUntil: t.until } : null,
    };
  }

  private event(kind: DeskEventKind, r: HelpRequest, agentId: number | null, detail: Record<string, unknown> = {}): DeskEvent {
    return { kind, requestId: r.id, at: this.d.now(), agentId, actorId: null, detail };
  }

  /** Stores the event (the new request's row first), then tells subscribers; a failing subscriber is logged, never fatal. */
  private publish(e: DeskEvent): void {
    if (e.kind === 'created') {
      const r = this.queue.findRequest(e.requestId);
      if (r) void this.d.store.insertRequest(r);
    }
    void this.d.store.record(e);
    if (TERMINAL.has(e.kind)) this.conversations.delete(e.requestId);
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.d.log.error('desk listener failed', { kind: e.kind, err });
      }
    }
  }
}
