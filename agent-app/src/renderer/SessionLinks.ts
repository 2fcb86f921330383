/**
 * Sessions held by another relay of a cluster (capability `relay-cluster`). The home link's
 * relay answers a `connect-request` for a device another relay holds with `relay-redirect`:
 * the console opens a second connection to that relay with `hello.ticket`, sends the same
 * request there, and that connection carries the session (signalling, picture, input, files,
 * call) for the session's life. Everything else (other sessions, the desk, the directory)
 * stays on the home link. One connection per redirect: it closes once its sessions are over.
 *
 * Resumed: a session link that drops (or whose relay dies) comes back through the home relay,
 * which vouches for the sign-in with a fresh single-use ticket (SessionLinkResume.ts); only the
 * sessions the console holds no resume secret for end with it.
 */
import { RelayConnection } from '@beacon/shared/browser/RelayConnection';
import type { RoleConnection } from '@beacon/shared/browser/RelayLink';
import { DisposableStore } from '@beacon/shared/client/lifecycle';
import type { CloseReason } from '@beacon/shared/browser/RelayConnection';
import type { ClientToRelay, FirstSource, RelayToClient, ResumeClaim, SessionMode } from '@beacon/shared/protocol';
import type { CustomerLabel } from '../common/ConsoleModel.ts';
import { reopenSessionLink } from './SessionLinkResume.ts';
import { randomId } from '@beacon/shared/browser/randomId';

type ConnectRequest = Extract<ClientToRelay, { type: 'connect-request' }>;
type Redirect = Extract<RelayToClient, { type: 'relay-redirect' }>;
type SuperviseRedirect = Extract<RelayToClient, { type: 'supervise-redirect' }>;
type OfferRedirect = Extract<RelayToClient, { type: 'offer-redirect' }>;
type OfferAccept = Extract<ClientToRelay, { type: 'offer-accept' | 'transfer-accept' }>;

export interface SessionLinksHost {
  /** Subscribes the console to what `conn` carries (as for the home link, without the desk). */
  wire(conn: RoleConnection<'agent'>, scope: DisposableStore): void;
  /** A redirected request could not be sent on: the relay it names is unreachable or refused the ticket. */
  failed(requestId: string): void;
  /** A session link closed under these sessions: they are over. */
  lost(sessionIds: readonly string[]): void;
  /** The sign-in's token (null once signed out): the home relay vouches with it for a dropped link's resume. */
  token(): string | null;
  /** Our resume claims among these sessions (those the relay gave us a resume secret for). */
  claims(sessionIds: readonly string[]): ResumeClaim[];
  /** A session link dropped and these sessions wait to be resumed: their calls end (the audio was on that link); their tabs say so. */
  away(sessionIds: readonly string[]): void;
  /** That link is back with these sessions. */
  back(sessionIds: readonly string[]): void;
}

/** The connect form's request (mode `voice`: a call only, no screen, no control); kept to be sent on after a redirect. */
export function connectRequest(input: { deviceId: string; code: string }, control: boolean, customer: CustomerLabel | null, mode: SessionMode, source?: FirstSource): ConnectRequest {
  const isVoiceOnly = mode === 'voice';
  return {
    type: 'connect-request',
    requestId: randomId(),
    deviceId: input.deviceId,
    code: input.code,
    ...(isVoiceOnly ? { permissions: { view: false, control: false }, mode } : { permissions: { view: true, control } }),
    ...(customer ? { customerId: customer.id } : {}),
    ...(source && !isVoiceOnly ? { source } : {}),
  };
}

interface SessionLink {
  readonly url: string;
  /** The home relay's URL: a dropped link resumes through it. */
  readonly homeUrl: string;
  /** Null until the first connection opens; while a dropped link resumes, the closed one (it sends nothing). */
  conn: RoleConnection<'agent'> | null;
  scope: DisposableStore;
  readonly requests: Set<string>;
  readonly sessions: Set<string>;
  /** Opened for a supervisor's action (`supervise-redirect`): its requestId. */
  readonly supervision?: string;
}

/** How long a redirected connection may take to open (socket, welcome and channels). */
const OPEN_TIMEOUT_MS = 15_000;

export class SessionLinks {
  /** The connect requests sent on the home link, kept until answered: a redirect sends them on. */
  private readonly sent = new Map<string, ConnectRequest | OfferAccept>();
  private readonly links = new Set<SessionLink>();

  constructor(private readonly host: SessionLinksHost) {}

  /** A connect request went out on the home link. */
  sentHome(msg: ConnectRequest | OfferAccept): void {
    this.sent.set(msg.requestId, msg);
    // Answered or not, nothing needs it after the console's own timeout (15 s) and the ticket's (30 s).
    setTimeout(() => this.sent.delete(msg.requestId), 60_000);
  }

  /** The home relay answered a request with a redirect: open a link there and ask again. */
  follow(redirect: Redirect, relayUrl: string): void {
    const request = this.sent.get(redirect.requestId);
    this.sent.delete(redirect.requestId);
    if (request?.type !== 'connect-request' || request.deviceId !== redirect.deviceId) return;
    this.open({ url: redirect.url, homeUrl: relayUrl, conn: null, scope: new DisposableStore(), requests: new Set([request.requestId]), sessions: new Set() }, redirect.ticket, relayUrl, request);
  }

  /** A supervisor's action on a session another relay holds (capability `desk-cluster`): a link there carries that session. */
  followSupervision(redirect: SuperviseRedirect, relayUrl: string): void {
    const { requestId, sessionId, action } = redirect;
    const link: SessionLink = { url: redirect.url, homeUrl: relayUrl, conn: null, scope: new DisposableStore(), requests: new Set(), sessions: new Set([sessionId]), supervision: requestId };
    this.open(link, redirect.ticket, relayUrl, { type: action, requestId, sessionId });
  }

  /**
   * An accepted offer of a request whose customer waits on another relay (capability
   * `desk-cluster-offers`): a link there, with a ticket for that request, accepts it again and
   * carries its session.
   */
  followOffer(redirect: OfferRedirect, relayUrl: string): void {
    const request = this.sent.get(redirect.requestId);
    this.sent.delete(redirect.requestId);
    if ((request?.type !== 'offer-accept' && request?.type !== 'transfer-accept') || request.helpRequestId !== redirect.helpRequestId) return;
    this.open({ url: redirect.url, homeUrl: relayUrl, conn: null, scope: new DisposableStore(), requests: new Set([request.requestId]), sessions: new Set() }, redirect.ticket, relayUrl, request);
  }

  private open(link: SessionLink, ticket: string, relayUrl: string, request: ClientToRelay & { requestId: string }): void {
    this.links.add(link);
    RelayConnection.open({ relayUrl: new URL(link.url, relayUrl).toString(), role: 'agent', ticket, timeoutMs: OPEN_TIMEOUT_MS }).then(
      (conn) => this.opened(link, conn, request),
      (err: unknown) => {
        this.links.delete(link);
        console.warn('[beacon] could not open the redirected relay link:', err instanceof Error ? err.message : err);
        this.host.failed(request.requestId);
      },
    );
  }

  private opened(link: SessionLink, conn: RoleConnection<'agent'>, request: ClientToRelay | null): void {
    if (!this.links.has(link)) return conn.close(); // the console was signed out meanwhile
    link.conn = conn;
    link.scope = new DisposableStore();
    link.scope.add(conn.onMessage.on((msg) => this.track(link, msg)));
    this.host.wire(conn, link.scope);
    link.scope.add(conn.onClose.on((reason) => this.closed(link, reason)));
    if (request) conn.sendSignal(request);
  }

  /** Which sessions a link carries, and whether it still has any. */
  private track(link: SessionLink, msg: RelayToClient): void {
    switch (msg.type) {
      case 'session-pending':
        if (link.requests.delete(msg.requestId)) link.sessions.add(msg.sessionId);
        return;
      case 'session-started':
        // A running session handed on to us there (`transfer-accept`) starts without `session-pending`.
        if (link.requests.size > 0 && !link.sessions.has(msg.sessionId)) {
          link.requests.clear();
          link.sessions.add(msg.sessionId);
        }
        return;
      case 'error':
        if (msg.requestId) link.requests.delete(msg.requestId);
        // The supervisor's action was refused there: the link has no session.
        if (msg.requestId && msg.requestId === link.supervision) link.sessions.clear();
        break;
      case 'session-denied':
      case 'session-ended':
      case 'session-handed-over':
      case 'resume-refused':
        link.sessions.delete(msg.sessionId);
        break;
      default:
        return;
    }
    // Its last session is over: the link goes (after this message reached the console).
    if (link.requests.size === 0 && link.sessions.size === 0) setTimeout(() => link.conn?.close(), 0);
  }

  private closed(link: SessionLink, reason: CloseReason): void {
    if (!this.links.has(link)) return;
    link.scope.dispose();
    // link.conn stays the closed connection until the next one: the session's messages are not sent home meanwhile.
    link.requests.clear(); // a request not answered yet is not resumed: the console's own time-out frees its form
    const claims = reason === 'unauthorized' ? [] : this.host.claims([...link.sessions]);
    const ending = [...link.sessions].filter((id) => !claims.some((c) => c.sessionId === id));
    for (const id of ending) link.sessions.delete(id);
    if (ending.length > 0) this.host.lost(ending);
    if (link.sessions.size === 0) {
      this.links.delete(link);
      return;
    }
    this.host.away([...link.sessions]);
    void this.resume(link);
  }

  /** Brings a dropped link back with its sessions (SessionLinkResume.ts); they end if it cannot. */
  private async resume(link: SessionLink): Promise<void> {
    const conn = await reopenSessionLink(() => {
      const token = this.host.token();
      return this.links.has(link) && token ? { homeUrl: link.homeUrl, token, claims: this.host.claims([...link.sessions]) } : null;
    });
    if (conn === null || conn === 'unauthorized') {
      if (!this.links.delete(link)) return;
      if (link.sessions.size > 0) this.host.lost([...link.sessions]);
      return;
    }
    this.opened(link, conn, null);
    this.host.back([...link.sessions]);
  }

  /** The link that carries `sessionId`, or null when the home link does. */
  linkOf(sessionId: string): RoleConnection<'agent'> | null {
    for (const l of this.links) if (l.sessions.has(sessionId)) return l.conn;
    return null;
  }

  /** Whether another relay holds `sessionId` (the home link neither resumes nor ends it). */
  isElsewhere(sessionId: string): boolean {
    for (const l of this.links) if (l.sessions.has(sessionId)) return true;
    return false;
  }

  /** Signed out: every session link closes without telling the console (it is reset). */
  closeAll(): void {
    const links = [...this.links];
    this.links.clear();
    this.sent.clear();
    for (const l of links) {
      l.scope.dispose();
      l.conn?.close();
    }
  }
}
