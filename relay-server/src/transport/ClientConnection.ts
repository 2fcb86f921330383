/**
 * One client's WebSocket: the hello handshake, role checks, signalling for its PeerLink,
 * and hand-off of session messages to the SessionManager. Frames are handled one at a
 * time in arrival order, even when a handler awaits the database.
 */
import { randomBytes } from 'node:crypto';
import type { WebSocket, RawData } from 'ws';
import { ProtocolError, toWireError } from '@beacon/shared/errors';
import { handleAtBoundary } from '@beacon/shared/parse';
import { ClientToRelay, LIMITS, forPeerVersion, type CtlFromRelay, type RelayToClient, type SuperviseScope, type TakeScope } from '@beacon/shared/protocol';
import { PROTOCOL_VERSION, mayCarry } from '@beacon/shared/version';
import type { AgentAuth } from '../accounts/AgentAuth.ts';
import type { ClusterLink } from '../cluster/ClusterLink.ts';
import type { Presence } from '../accounts/Presence.ts';
import type { CollabHandler } from '../collab/CollabHandler.ts';
import type { DeskLink } from '../desk/DeskLink.ts';
import type { DeskRoute } from '../desk/createDesk.ts';
import type { TrafficHandler } from '../media/TrafficHandler.ts';
import type { TransferLink } from '../transfer/createTransfer.ts';
import type { Logger } from '../platform/logger.ts';
import type { DeviceRegistry } from '../sessions/DeviceRegistry.ts';
import type { AgentParty, CustomerParty } from '../sessions/Session.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import { isLinkLoss } from '../sessions/Resume.ts';
import { isSwitchable, switchableParty, type PartyConnection } from '../sessions/SwitchableParty.ts';
import type { VoiceHandler } from '../voice/VoiceHandler.ts';
import type { CameraGuide } from '../media/CameraGuide.ts';
import type { PrivacyCurtain } from '../media/PrivacyCurtain.ts';
import { acceptHello, refusedVersion, type HelloHost } from './ClientHello.ts';
import { ClientPath } from './ClientPath.ts';
import type { RtcPorts } from './PeerLink.ts';
import { LINK_SILENCE_MS, SilenceWatch } from './SilenceWatch.ts';

export const HELLO_TIMEOUT_MS = 5000;
/** A peer this wrong is broken or hostile; after this many bad messages it is disconnected. */
export const MAX_BAD_MESSAGES = 20;
/** Frames waiting behind a slow handler (the database); a real client never gets near this. */
const MAX_QUEUED_MESSAGES = 256;
/** Close codes (RFC 6455 and the private range). */
export const CLOSE_NORMAL = 1000;
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_POLICY = 1008;
export const CLOSE_INTERNAL = 1011;
/** No close frame arrived: the link broke (RFC 6455). */
export const CLOSE_ABNORMAL = 1006;
/** A client's own "my link went silent; I will resume" (capability `resume`). */
export const CLOSE_LINK_LOST = 4001;

export interface ConnectionContext {
  auth: AgentAuth;
  registry: DeviceRegistry;
  sessions: SessionManager;
  traffic: TrafficHandler;
  log: Logger;
  helloTimeoutMs: number;
  rtcPorts?: RtcPorts;
  /** The one address WebRTC binds and advertises (the relay's specific BEACON_HOST); absent: all. */
  rtcBindAddress?: string;
  now: () => number;
  /** Told which seats have live connections (the seats view shows who is online). */
  presence?: Presence;
  /** Chat, attachments, screenshots, whiteboard; without it those messages are refused. */
  collab?: CollabHandler;
  /** Voice calls; without it voice messages and renegotiation are refused. */
  voice?: VoiceHandler;
  /** The service desk (capability `desk`); without it desk messages are refused. */
  desk?: DeskLink;
  /** File transfer (capability `file-transfer`); without it `ft-*` messages and file chunks are refused. */
  transfer?: TransferLink;
  /** Video guidance (capability `camera`); without it `camera-*` messages are refused. */
  camera?: CameraGuide;
  /** Privacy curtain (capability `privacy-curtain`); without it `curtain-*` messages are refused. */
  curtain?: PrivacyCurtain;
  /** Several relays (capability `relay-cluster`): agents are sent to the relay that holds a device. */
  cluster?: ClusterLink;
  /** Several relays (capability `desk-cluster`): supervisors are sent to the relay that holds a session. */
  supervision?: DeskRoute;
}

type State = 'awaiting-hello' | 'ready' | 'closed';

function rawToBuffer(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return data;
}

export class ClientConnection {
  /** A resumed connection takes over its party's connId (features key per-party state by it). */
  connId = randomBytes(9).toString('base64url');
  private state: State = 'awaiting-hello';
  private queue: Promise<void> = Promise.resolve();
  private badMessages = 0;
  private queued = 0;
  private helloTimer: NodeJS.Timeout | null;
  private expiryTimer: NodeJS.Timeout | null = null;
  private unwatchToken: (() => void) | null = null;
  /** The signed-in agent's token hash (a relay ticket names it). */
  private tokenHash: string | null = null;
  /** Opened with a relay ticket: the one device this connection may ask for. */
  private ticketDevice: string | null = null;
  /** Opened with a supervisor's relay ticket: the one session this connection may act on. */
  private ticketScope: SuperviseScope | null = null;
  /** Opened with a ticket to take one help request another relay offered (capability `desk-cluster-offers`). */
  private ticketTake: TakeScope | null = null;
  /** WebRTC or the WebSocket: how this client's ctl and media travel. */
  private readonly path: ClientPath;
  private party: AgentParty | CustomerParty | null = null;
  /** The protocol version this connection speaks (set by hello): what the client is sent is told in it. */
  private v = PROTOCOL_VERSION;
  /** The features both this relay and the client speak (set at hello). */
  private spokenByBoth: ReadonlySet<string> = new Set();
  /** Set by the relay's keepalive: false after a ping until the pong arrives. */
  isAlive = true;
  /** Started by the client's first `heartbeat`: silence then means the link is gone. */
  private silence: SilenceWatch | null = null;
  /** What this connection lends the party it carries (a resumed party is carried by a newer one). */
  private readonly carrier: PartyConnection;

  constructor(
    private readonly ws: WebSocket,
    readonly address: string,
    private readonly ctx: ConnectionContext,
    private readonly onClosed: (c: ClientConnection) => void,
  ) {
    this.carrier = this.makeCarrier();
    this.path = new ClientPath({
      ctx,
      ws,
      connId: () => this.connId,
      role: () => this.role,
      send: (m) => this.send(m),
      close: (reason, code) => this.close(reason, code),
      countBadMessage: () => this.countBadMessage(),
      speaks: (c) => this.spokenByBoth.has(c),
    });
    this.helloTimer = setTimeout(() => {
      this.ctx.log.warn('no hello in time; closing', { connId: this.connId, address });
      this.close('hello-timeout', CLOSE_POLICY);
    }, ctx.helloTimeoutMs);
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('pong', () => {
      this.isAlive = true;
      this.silence?.heard();
    });
    // Only a broken link may be resumed; a client that said goodbye (a close frame) ends its sessions.
    ws.on('close', (code) => this.close(code === CLOSE_ABNORMAL || code === CLOSE_LINK_LOST ? 'socket-lost' : 'socket-closed'));
    ws.on('error', (err) => {
      this.ctx.log.warn('websocket error', { connId: this.connId, err });
      this.close('socket-error');
    });
  }

  get role(): 'agent' | 'customer' | null {
    if (!this.party) return null;
    return 'agent' in this.party ? 'agent' : 'customer';
  }

  get deviceId(): string | null {
    return this.party && 'deviceId' in this.party ? this.party.deviceId : null;
  }

  ping(): void {
    this.isAlive = false;
    try {
      this.ws.ping();
    } catch {
      /* the close handler cleans up */
    }
  }

  /** A ping for the silence watch only (the keepalive's `isAlive` is left alone). */
  private probe(): void {
    try {
      this.ws.ping();
    } catch {
      /* the close handler cleans up */
    }
  }

  send(msg: RelayToClient): void {
    if (this.state === 'closed' || this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(JSON.stringify(forPeerVersion(msg, this.v)));
  }

  /** Idempotent. Ends this client's sessions, closes its link and socket, says why in the log. */
  close(reason: string, wsCode = CLOSE_NORMAL): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.helloTimer) clearTimeout(this.helloTimer);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.silence?.stop();
    this.unwatchToken?.();
    if (this.party && 'agent' in this.party) this.ctx.presence?.remove(this.party.agent.id, this.connId);
    this.ctx.collab?.connectionClosed(this.connId);
    this.ctx.voice?.connectionClosed(this.connId);
    if (this.party) this.ctx.desk?.partyGone(this.party, isLinkLoss(reason));
    if (this.party) {
      if (isSwitchable(this.party)) this.party.detach(this.carrier);
      this.ctx.sessions.partyGone(this.party, this.role === 'agent' ? 'agent-disconnected' : 'customer-disconnected', isLinkLoss(reason));
    }
    this.path.close(reason);
    try {
      if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(wsCode, reason.slice(0, 100));
    } catch {
      this.ws.terminate();
    }
    this.ctx.log.info('client closed', { connId: this.connId, role: this.role, deviceId: this.deviceId, reason });
    this.onClosed(this);
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.state === 'closed') return;
    this.silence?.heard();
    const buf = rawToBuffer(data);
    if (isBinary && this.path.receiveBinary(buf)) return;
    if (isBinary) return this.refuse(new ProtocolError('bad-message', 'binary frames are not part of the protocol'));
    if (buf.length > LIMITS.maxJsonMessageBytes) {
      return this.refuse(new ProtocolError('bad-message', `message of ${buf.length} bytes exceeds ${LIMITS.maxJsonMessageBytes}`));
    }
    if (this.path.receiveText(buf.toString('utf8'))) return;
    if (this.queued >= MAX_QUEUED_MESSAGES) {
      this.ctx.log.warn('client floods the relay; closing', { connId: this.connId, address: this.address });
      return this.close('flooding', CLOSE_POLICY);
    }
    const text = buf.toString('utf8');
    this.queued++;
    this.queue = this.queue.then(() => this.process(text)).finally(() => this.queued--);
  }

  private process(text: string): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.state === 'closed') return resolve();
      if (this.state === 'awaiting-hello' && refusedVersion(this.helloHost(), text)) return resolve();
      handleAtBoundary(
        ClientToRelay,
        text,
        'ws client->relay',
        async (msg) => {
          try {
            await this.handle(msg);
          } finally {
            resolve();
          }
        },
        (err) => {
          this.refuse(err);
          resolve();
        },
      );
    });
  }

  /** Replies with the error's code, logs one line, and disconnects a peer that keeps sending garbage. */
  private refuse(err: Error & { code?: string }, requestId?: string): void {
    const { code, message, internal } = toWireError(err);
    if (internal) this.ctx.log.error('message handler failed', { connId: this.connId, err });
    else this.ctx.log.warn('message refused', { connId: this.connId, code, detail: message.slice(0, 300) });
    this.send(requestId ? { type: 'error', code, message, requestId } : { type: 'error', code, message });
    if (code === 'bad-message') this.countBadMessage();
  }

  /** A peer this wrong is broken or hostile: it is cut off after MAX_BAD_MESSAGES. */
  private countBadMessage(): void {
    if (++this.badMessages >= MAX_BAD_MESSAGES) this.close('too-many-bad-messages', CLOSE_POLICY);
  }

  /** Sends one ctl message in this connection's protocol version; false if it could not be sent. */
  private sendCtl(msg: CtlFromRelay): boolean {
    return this.path.sendCtl(forPeerVersion(msg, this.v));
  }

  private async handle(msg: ClientToRelay): Promise<void> {
    if (this.state === 'awaiting-hello') {
      if (msg.type !== 'hello') throw new ProtocolError('forbidden', 'the first message must be hello');
      if (this.helloTimer) clearTimeout(this.helloTimer);
      this.helloTimer = null;
      return acceptHello(this.helloHost(), msg);
    }
    if (this.state !== 'ready' || !this.party) return;
    const party = this.party;
    switch (msg.type) {
      case 'hello':
        throw new ProtocolError('forbidden', 'hello was already received');
      case 'heartbeat':
        // From its first heartbeat on, a client's silence means its link is gone.
        this.silence ??= new SilenceWatch(this.ctx.now, LINK_SILENCE_MS, () => this.close('link-silent', CLOSE_GOING_AWAY), () => this.probe());
        this.send({ type: 'heartbeat' });
        return;
      case 'rtc-offer':
        return this.path.offer(party, msg.sdp);
      case 'rtc-candidate':
        return this.path.candidate(msg.candidate, msg.mid);
      case 'rtc-renegotiate':
        return this.path.renegotiate(msg.sdp);
      case 'connect-request':
        if (!('agent' in party)) {
          return this.refuse(new ProtocolError('forbidden', 'only agents may request sessions'), msg.requestId);
        }
        try {
          if (this.ticketTake) throw new ProtocolError('forbidden', 'this connection was opened with a ticket to take a help request; accept it with offer-accept');
          if (this.ticketDevice !== null && msg.deviceId !== this.ticketDevice) throw new ProtocolError('forbidden', 'this connection was opened with a relay ticket for another device');
          const elsewhere = this.ctx.cluster && this.tokenHash ? await this.ctx.cluster.routeConnect(msg, this.tokenHash, this.spokenByBoth.has('relay-cluster')) : null;
          if (elsewhere) return this.send(elsewhere);
          await this.ctx.sessions.connectRequest(party, msg);
        } catch (err) {
          // Whatever went wrong, the agent's UI needs the requestId to show it on the right attempt.
          this.refuse(err instanceof Error ? err : new Error(String(err)), msg.requestId);
        }
        return;
      case 'session-end':
        if (!('agent' in party)) throw new ProtocolError('forbidden', 'customers stop sessions with session-stop');
        return this.ctx.sessions.agentEnd(party, msg.sessionId);
      case 'consent-reply':
        if (!('deviceId' in party)) throw new ProtocolError('forbidden', 'only customers answer consent requests');
        return this.ctx.sessions.consentReply(party, msg.sessionId, msg.granted);
      case 'session-stop':
        if (!('deviceId' in party)) throw new ProtocolError('forbidden', 'agents end sessions with session-end');
        return this.ctx.sessions.customerStop(party, msg.sessionId);
      case 'transport-fallback':
        return this.path.fallBack(party);
      case 'transport-bridge':
        return this.path.bridge(party);
      case 'transport-upgrade':
        throw new ProtocolError('forbidden', 'transport-upgrade only follows transport-bridge');
      case 'ctl':
        throw new ProtocolError('forbidden', 'send transport-fallback before ctl on the websocket');
      default:
        if (!this.ctx.desk || !this.spokenByBoth.has('desk')) throw new ProtocolError('forbidden', `${msg.type} needs the desk capability`);
        if (this.ctx.supervision) {
          const routed = await this.ctx.supervision.route(party, msg, {
            tokenHash: this.tokenHash,
            scope: this.ticketScope,
            speaksDeskCluster: this.spokenByBoth.has('desk-cluster'),
            take: this.ticketTake,
            speaksClusterOffers: this.spokenByBoth.has('desk-cluster-offers'),
          });
          if (routed) return this.send(routed);
        }
        return this.ctx.desk.handle(party, msg);
    }
  }

  private signOut(reason: string): void {
    this.send({ type: 'signed-out', reason });
    this.close(`signed-out:${reason}`, CLOSE_POLICY);
  }

  /** What this connection lends the party it carries (a resumed party is carried by a newer one). */
  private makeCarrier(): PartyConnection {
    return {
      connId: this.connId,
      address: this.address,
      send: (m) => this.send(m),
      sendCtl: (m) => mayCarry(this.spokenByBoth, m.type) && this.sendCtl(m),
      channels: () => this.path.channels(),
      maxCtlBytes: () => this.path.ctlMaxMessageBytes,
      transportPath: () => this.path.transportPath,
      mediaSink: {
        isOpen: () => this.path.mediaSink.isOpen(),
        bufferedAmount: () => this.path.mediaSink.bufferedAmount(),
        send: (f) => this.path.mediaSink.send(f),
      },
      speaksResume: () => this.spokenByBoth.has('resume'),
      speaks: (c) => this.spokenByBoth.has(c),
      close: (reason) => this.close(reason, CLOSE_GOING_AWAY),
    };
  }

  /** What the hello handshake (ClientHello.ts) may do to this connection. */
  private helloHost(): HelloHost {
    return {
      ctx: this.ctx,
      address: this.address,
      connId: () => this.connId,
      isClosed: () => this.state === 'closed',
      send: (m) => this.send(m),
      refuse: (reason, error) => {
        if (error) this.send(error);
        this.close(reason, CLOSE_POLICY);
      },
      agree: (v, spokenByBoth) => {
        this.v = v;
        this.spokenByBoth = spokenByBoth;
      },
      newParty: () => switchableParty(this.carrier),
      adopt: (party) => {
        if (!isSwitchable(party)) throw new Error('a resumed party must be switchable');
        this.connId = party.connId;
        party.attach(this.carrier);
        return party;
      },
      ready: (party) => {
        this.party = party;
        this.state = 'ready';
      },
      signedIn: (grant) => {
        this.ctx.presence?.add(grant.agent.id, this.connId);
        this.tokenHash = grant.tokenHash;
        this.ticketDevice = grant.deviceId ?? null;
        this.ticketScope = grant.supervise ?? null;
        this.ticketTake = grant.take ?? null;
        this.unwatchToken = this.ctx.auth.watch(grant.tokenHash, (reason) => this.signOut(reason));
        // setTimeout cannot wait longer than ~24.8 days; tokens live 12 hours.
        this.expiryTimer = setTimeout(() => this.signOut('expired'), Math.min(Math.max(0, grant.expiresAt - this.ctx.now()), 2 ** 31 - 1));
        this.expiryTimer.unref?.();
      },
    };
  }
}
