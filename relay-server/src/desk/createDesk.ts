/**
 * The service desk feature: help requests in queues, assignment to agents, the wait estimate,
 * no-reply alerts, desk statistics, their routes, and the WebSocket side (DeskLink). Agents
 * join the desk when Presence says their console connected.
 */
import type { Accounts } from '../accounts/Accounts.ts';
import type { AuditLog } from '../accounts/AuditLog.ts';
import type { ApiRoute } from '../accounts/Policy.ts';
import type { Presence } from '../accounts/Presence.ts';
import type { Clock } from '../platform/clock.ts';
import type { Database } from '../platform/Database.ts';
import type { Logger } from '../platform/logger.ts';
import type { ChatMessage } from '@beacon/shared/collab';
import type { LiveSession } from '@beacon/shared/api';
import type { LiveDeskSession } from '@beacon/shared/protocol';
import type { EventLog } from '../sessions/EventLog.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import { Desk, DESK_TICK_MS } from './Desk.ts';
import { DeskHandover } from './DeskHandover.ts';
import { DeskLink, type DeskLinkDeps } from './DeskLink.ts';
import { DeskMulti } from './DeskMulti.ts';
import type { Participants } from '../sessions/Participants.ts';
import { deskRoutes } from './DeskRoutes.ts';
import { DeskStats } from './DeskStats.ts';
import { DeskStore } from './DeskStore.ts';
import { LiveElsewhere } from './LiveElsewhere.ts';
import type { SharedState } from '../platform/shared/SharedState.ts';
import { SupervisionRoute, type SupervisingConnection, type SupervisionTickets } from './SupervisionRoute.ts';
import { CrossRelayOffers, type OfferChannel, type OfferingConnection } from './CrossRelayOffers.ts';
import type { DeskMessage } from './DeskLink.ts';
import type { AgentParty, CustomerParty } from '../sessions/Session.ts';
import type { DeskOfferEvent, RelayToClient } from '@beacon/shared/protocol';

export interface DeskFeatureDeps {
  db: Database;
  log: Logger;
  now: Clock;
  accounts: Accounts;
  audit: AuditLog;
  presence: Presence;
  sessions: SessionManager;
  events: EventLog;
  /** A session's chat so far (a transfer replays it to the new agent). */
  chatOf(sessionId: string): Promise<readonly ChatMessage[]>;
  /** Chat messages sent in sessions (the no-reply timers of the requests they serve). */
  chats: DeskLinkDeps['chats'];
  /** Agents taking part in sessions besides their own agent (capability `desk-multi`). */
  participants?: Participants;
  /** The state relays share: supervisors see every relay's running sessions (LiveElsewhere.ts). */
  shared?: { state: SharedState; relayId: string; cluster?: DeskClusterPort | null };
}

/** What the cluster lends the desk (cluster/Cluster.ts): tickets for other relays, and events to them. */
export type DeskClusterPort = SupervisionTickets & Pick<OfferChannel, 'publish' | 'redirect'>;

/** What a connection asks before handing a desk message to the link: a redirect or refusal to send instead, or null. */
export interface DeskRoute {
  route(party: AgentParty | CustomerParty, msg: DeskMessage, c: SupervisingConnection & OfferingConnection): Promise<RelayToClient | null>;
}

export interface DeskFeature {
  readonly desk: Desk;
  /** What each WebSocket connection that speaks `desk` hands its desk messages to. */
  readonly link: DeskLink;
  /** In a cluster: supervisors' actions on sessions other relays hold (SupervisionRoute.ts), and offers of other relays' requests (CrossRelayOffers.ts). */
  readonly route: DeskRoute | null;
  /** In a cluster: hears the desk's events other relays publish (CrossRelayOffers.ts). */
  onClusterEvent(e: DeskOfferEvent): void;
  /** Loads settings and handle times, ends what an earlier run left open, starts the tick. */
  start(): Promise<void>;
  routes(): ApiRoute[];
  /** A seat's running sessions that other relays hold (the seats view counts them with this relay's). */
  sessionsElsewhereOf(agentId: number): LiveSession[];
  close(): void;
}

/** A session another relay holds, as the seats view lists it (its directory customer is not shared). */
function asLiveSession(s: LiveDeskSession): LiveSession {
  return { id: s.sessionId, deviceId: s.deviceId, state: 'active', requestedAt: s.startedAt, startedAt: s.startedAt, customerId: null };
}

/** Offers of other relays' requests first (a take ticket's connection may do nothing else), then supervisors'; a supervisor's ticket: supervision only. */
function deskRoute(supervision: SupervisionRoute, offers: CrossRelayOffers): DeskRoute {
  return {
    route: async (party, msg, c) => (c.scope ? supervision.route(party, msg, c) : ((await offers.route(party, msg, c)) ?? supervision.route(party, msg, c))),
  };
}

export function createDesk(d: DeskFeatureDeps): DeskFeature {
  const store = new DeskStore(d.db, d.log, d.now);
  const desk = new Desk({ store, seats: d.accounts, log: d.log, now: d.now });
  const stats = new DeskStats(d.db);
  const elsewhere = d.shared ? new LiveElsewhere(d.shared.state, d.shared.relayId, d.now, d.log) : undefined;
  const cluster = d.shared?.cluster;
  const consoles: { link?: DeskLink } = {};
  const cross = cluster && d.shared ? new CrossRelayOffers({ channel: { relayId: d.shared.relayId, publish: (e) => cluster.publish(e), redirect: (...a) => cluster.redirect(...a) }, queue: desk.queue, view: (r) => desk.view(r), consolesOf: (id) => consoles.link?.clusterOfferConsolesOf(id) ?? [], hasDeskConsole: (id) => consoles.link?.hasDeskConsole(id) ?? false, sessionAgentName: (requestId) => sessionAgentName(d.sessions, consoles.link?.sessionOfRequest(requestId)), now: d.now, log: d.log }) : null;
  const live = { desk, sessions: d.sessions, audit: d.audit, events: d.events, chatOf: d.chatOf, log: d.log, now: d.now, ...(elsewhere ? { elsewhere } : {}), ...(cross ? { shareSeats: () => cross.shareSeats(), seatName: async (id: number) => (await d.accounts.seat(id))?.displayName ?? null } : {}) };
  const { participants } = d;
  const multi = participants ? (consoles: Parameters<NonNullable<DeskLinkDeps['multi']>>[0]) => new DeskMulti({ ...live, participants, ...consoles }) : undefined;
  const link = new DeskLink({ desk, sessions: d.sessions, accounts: d.accounts, log: d.log, now: d.now, chats: d.chats, live: (consoles) => new DeskHandover(live, consoles), ...(multi ? { multi } : {}), ...(elsewhere ? { requestsElsewhere: () => elsewhere.requests() } : {}), ...(cross ? { crossOffers: cross } : {}) });
  consoles.link = link;
  const supervision = cluster && elsewhere ? new SupervisionRoute({ cluster, sessions: d.sessions, elsewhere, log: d.log }) : null;
  const route = supervision && cross ? deskRoute(supervision, cross) : null;
  const stopCross = cross ? desk.subscribe((e) => cross.onDeskEvent(e)) : () => undefined;
  let crossTimer: ReturnType<typeof setInterval> | null = null;
  let stopListening: (() => void) | null = null;
  const stopAgentChanges = d.sessions.onSessionEvent((e) => {
    if (e.type === 'agent-changed') void store.sessionAgentChanged(e.session.id, e.session.agent.agent.id);
  });
  return {
    desk,
    link,
    route,
    start: async () => {
      await desk.start();
      await elsewhere?.start();
      stopListening = d.presence.onChange((accountId, isOnline) => {
        desk.setOnline(accountId, isOnline).then(() => link.refresh(), (err: unknown) => d.log.error('desk presence update failed', { accountId, isOnline, err }));
      });
      desk.startTimer();
      link.start();
      if (cross && elsewhere) {
        // The other relays' seats join this queue's picks, and offers held here are checked, every second.
        crossTimer = setInterval(() => {
          desk.queue.syncElsewhere(elsewhere.seats());
          cross.check();
        }, DESK_TICK_MS);
        crossTimer.unref();
      }
    },
    onClusterEvent: (e) => cross?.onEvent(e),
    routes: () => deskRoutes({ desk, stats, store, accounts: d.accounts, audit: d.audit, ...(elsewhere ? { elsewhere } : {}) }),
    sessionsElsewhereOf: (agentId) => (elsewhere ? elsewhere.sessionsOf(agentId).map(asLiveSession) : []),
    close: () => {
      stopListening?.();
      stopAgentChanges();
      stopCross();
      if (crossTimer) clearInterval(crossTimer);
      link.close();
      elsewhere?.close();
      desk.close();
    },
  };
}

/** The agent of a running session, by its ID (none: null). */
function sessionAgentName(sessions: DeskFeatureDeps['sessions'], sessionId: string | undefined): string | null {
  const s = sessionId === undefined ? undefined : sessions.get(sessionId);
  return s?.state === 'active' ? s.agent.agent.displayName : null;
}
