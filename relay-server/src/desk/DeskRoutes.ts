/**
 * The service desk's HTTP API. Agents see the requests of their groups' queues and the
 * organisation's, answer offers made to them, hand on their own requests, and set only
 * their own desk state. Managers (and admins, owners) see the whole desk, dispatch, force
 * transfers and read statistics; settings are read by managers and changed by admins.
 * Dispatches and forced transfers are kept in `desk_events` with the supervisor as actor.
 */
import {
  AgentDeskList,
  type DeskColleagues,
  DeskStatsQuery,
  DispatchRequest,
  TransferRequest,
  UpdateAgentDeskRequest,
  UpdateDeskSettingsRequest,
  type AgentDeskStatus,
  type DeskMessagesResponse,
  type DeskQueueResponse,
  type DeskSettings,
} from '@beacon/shared/api';
import type { Accounts, SeatRecord } from '../accounts/Accounts.ts';
import type { AuditLog } from '../accounts/AuditLog.ts';
import { authorize, demand, type Actor, type ActorContext, type ApiRoute } from '../accounts/Policy.ts';
import { noContent, ok, readJson, readQuery } from '../platform/route.ts';
import type { Desk } from './Desk.ts';
import { DeskRefusedError, type HelpRequest } from './deskModel.ts';
import { hasSpareCapacity, seatView } from './pickAgent.ts';
import type { DeskStats } from './DeskStats.ts';
import type { DeskStore } from './DeskStore.ts';
import type { LiveElsewhere } from './LiveElsewhere.ts';

export interface DeskRouteDeps {
  desk: Desk;
  stats: DeskStats;
  store: Pick<DeskStore, 'messages'>;
  accounts: Pick<Accounts, 'seat' | 'seats' | 'groups'>;
  audit: AuditLog;
  /** Several relays: the other relays' open requests and seats at their desks (LiveElsewhere.ts); supervisors see them too. */
  elsewhere?: Pick<LiveElsewhere, 'requests' | 'agents'>;
}

/** The most recent messages `GET /api/desk/messages` lists. */
const MESSAGES_SHOWN = 200;
const REQUEST = '(?<id>[A-Za-z0-9_-]{16,32})';
const path = (p: string) => new RegExp(`^/api/desk/${p}$`);

/** `elsewhere`: the seats at the desk on other relays and their sessions there (the seat counts as online if it is on any relay). */
export async function agentStatus(desk: Desk, seat: SeatRecord, elsewhere: ReadonlyMap<number, number> = new Map()): Promise<AgentDeskStatus> {
  const saved = await desk.agentDesk(seat.id);
  const live = desk.queue.findAgent(seat.id);
  const loadElsewhere = elsewhere.get(seat.id);
  return {
    seat: { id: seat.id, login: seat.login, displayName: seat.displayName, isDeleted: seat.isDeleted },
    state: saved.state,
    concurrencyLimit: saved.concurrencyLimit,
    maxConcurrencyLimit: saved.maxConcurrencyLimit,
    isOnline: (live?.isOnline ?? false) || loadElsewhere !== undefined,
    load: (live?.load ?? 0) + (loadElsewhere ?? 0),
    idleSince: live?.isOnline ? live.idleSince : null,
  };
}

/** The open request named by the path, if the caller may see its queue (404 otherwise, so queues do not leak). */
function visibleRequest(desk: Desk, c: ActorContext): HelpRequest {
  const r = desk.queue.findRequest(c.params.id ?? '');
  if (!r || !authorize(c.actor, 'desk.request.read', { kind: 'queue', groupId: r.groupId })) throw new DeskRefusedError('not-found', 'no such open help request');
  return r;
}

/** The caller's queues; a supervisor's also list the requests waiting on other relays (each is assigned by its own relay). */
async function queueView(d: DeskRouteDeps, actor: Actor): Promise<DeskQueueResponse> {
  const isSupervisor = authorize(actor, 'desk.supervise', null);
  const own = d.desk.queue.requests().filter((r) => authorize(actor, 'desk.request.read', { kind: 'queue', groupId: r.groupId })).map((r) => d.desk.view(r));
  const requests = [...own, ...(isSupervisor ? (d.elsewhere?.requests() ?? []) : [])];
  const groupIds = isSupervisor ? (await d.accounts.groups()).map((g) => g.id) : actor.groupIds;
  const queues = [null, ...groupIds].map((groupId) => ({
    groupId,
    waiting: requests.filter((r) => r.groupId === groupId && r.state !== 'assigned').length,
    isNobodyAvailable: d.desk.queue.isNobodyAvailable(groupId),
  }));
  return { requests, queues };
}

/**
 * Who the caller can hand a session to: the other agents at the desk, and every group. In a
 * cluster also the seats at another relay's desk only that take offers from here
 * (`isAtAnotherRelay`: requests dispatched and sessions transferred to them are offered there).
 */
async function colleagues(d: DeskRouteDeps, actor: Actor): Promise<DeskColleagues> {
  const seats = new Map((await d.accounts.seats()).map((s) => [s.id, s]));
  const agents = d.desk.queue.agents().flatMap((a) => {
    const v = seatView(a);
    const seat = seats.get(a.id);
    if (a.id === actor.id || !v.isOnline || v.state === 'away' || !seat || seat.isDisabled) return [];
    return [{ id: a.id, displayName: seat.displayName, state: v.state, hasRoom: hasSpareCapacity(v), isAtAnotherRelay: !a.isOnline }];
  });
  const groups = (await d.accounts.groups()).map((g) => ({ id: g.id, name: g.name }));
  return { agents, groups };
}

async function mySeat(d: DeskRouteDeps, c: ActorContext): Promise<SeatRecord> {
  const seat = await d.accounts.seat(c.actor.id);
  if (!seat) throw new DeskRefusedError('not-found', 'no such seat');
  return seat;
}

function settingsChanges(before: DeskSettings, after: DeskSettings): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after) as (keyof DeskSettings)[]) if (before[key] !== after[key]) changes[key] = { from: before[key], to: after[key] };
  return changes;
}

export function deskRoutes(d: DeskRouteDeps): ApiRoute[] {
  const { desk } = d;
  const q = desk.queue;
  return [
    { method: 'GET', path: path('queue'), handle: async (c) => ok(await queueView(d, c.actor)) },
    {
      method: 'GET',
      path: path('messages'),
      handle: async (c) => {
        const messages = (await d.store.messages(MESSAGES_SHOWN)).filter((m) => authorize(c.actor, 'desk.request.read', { kind: 'queue', groupId: m.groupId }));
        return ok({ messages } satisfies DeskMessagesResponse);
      },
    },
    { method: 'GET', path: path('me'), handle: async (c) => ok(await agentStatus(desk, await mySeat(d, c))) },
    {
      method: 'PATCH',
      path: path('me'),
      handle: async (c) => {
        await desk.updateAgent(c.actor.id, await readJson(c, UpdateAgentDeskRequest));
        return ok(await agentStatus(desk, await mySeat(d, c)));
      },
    },
    { method: 'GET', path: path('colleagues'), handle: async (c) => ok(await colleagues(d, c.actor)) },
    {
      method: 'GET',
      path: path('agents'),
      handle: async (c) => {
        demand(c.actor, 'desk.supervise', null);
        const elsewhere = d.elsewhere?.agents();
        const agents = await Promise.all((await d.accounts.seats()).filter((s) => !s.isDisabled).map((s) => agentStatus(desk, s, elsewhere)));
        return ok({ agents } satisfies AgentDeskList);
      },
    },
    {
      method: 'POST',
      path: path(`requests/${REQUEST}/accept`),
      handle: async (c) => ok(desk.view(q.accept(visibleRequest(desk, c).id, c.actor.id))),
    },
    {
      method: 'POST',
      path: path(`requests/${REQUEST}/decline`),
      handle: async (c) => {
        q.decline(visibleRequest(desk, c).id, c.actor.id);
        return noContent();
      },
    },
    {
      method: 'POST',
      path: path(`requests/${REQUEST}/dispatch`),
      handle: async (c) => {
        demand(c.actor, 'desk.supervise', null);
        const r = visibleRequest(desk, c);
        return ok(desk.view(q.dispatch(r.id, (await readJson(c, DispatchRequest)).agentId, c.actor.id)));
      },
    },
    {
      method: 'POST',
      path: path(`requests/${REQUEST}/transfer`),
      handle: async (c) => {
        const r = visibleRequest(desk, c);
        const body = await readJson(c, TransferRequest);
        const agentId = r.state.kind === 'assigned' ? r.state.agentId : null;
        // The assigned agent hands it on; a supervisor may force it on that agent's behalf.
        if (agentId !== c.actor.id) demand(c.actor, 'desk.supervise', null);
        q.requestTransfer(r.id, agentId ?? c.actor.id, body.to, body.note, c.actor.id);
        return ok(desk.view(r));
      },
    },
    {
      method: 'POST',
      path: path(`requests/${REQUEST}/transfer/(?<answer>accept|decline)`),
      handle: async (c) => {
        const r = visibleRequest(desk, c);
        if (c.params.answer === 'accept') q.acceptTransfer(r.id, c.actor.id);
        else q.declineTransfer(r.id, c.actor.id);
        return ok(desk.view(r));
      },
    },
    {
      method: 'GET',
      path: path('settings'),
      handle: async (c) => {
        demand(c.actor, 'settings.read', null);
        return ok(desk.settings);
      },
    },
    {
      method: 'PATCH',
      path: path('settings'),
      handle: async (c) => {
        demand(c.actor, 'settings.write', null);
        const { before, after } = await desk.updateSettings(await readJson(c, UpdateDeskSettingsRequest));
        const changes = settingsChanges(before, after);
        if (Object.keys(changes).length > 0) {
          await d.audit.append({ actorId: c.actor.id, action: 'settings-changed', target: { type: 'organisation', id: 1, label: 'desk' }, detail: { desk: changes } });
        }
        return ok(after);
      },
    },
    {
      method: 'GET',
      path: path('stats'),
      handle: async (c) => {
        demand(c.actor, 'stats.read', null);
        return ok(await d.stats.stats(readQuery(c, DeskStatsQuery)));
      },
    },
  ];
}
