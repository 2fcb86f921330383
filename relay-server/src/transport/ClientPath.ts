/**
 * How one client's ctl and media travel: its WebRTC PeerLink (signalled over the WebSocket
 * with `rtc-offer`/`rtc-candidate`/`rtc-renegotiate`), or, after `transport-fallback`, the
 * WebSocket itself (WsCarrier, capability `ws-transport`). ClientConnection owns one and
 * reads the party's channels, ctl and media sink through it, whichever path is taken.
 */
import type { WebSocket } from 'ws';
import { ProtocolError } from '@beacon/shared/errors';
import type { CtlFromRelay, RelayToClient } from '@beacon/shared/protocol';
import type { AgentParty, CustomerParty, MediaSink } from '../sessions/Session.ts';
import type { ConnectionContext } from './ClientConnection.ts';
import { BridgeGate, isUpgrade } from './BridgeGate.ts';
import { CLOSE_OVER_BUDGET } from './CtlBudget.ts';
import { CtlRouter } from './CtlRouter.ts';
import { PeerLink } from './PeerLink.ts';
import { WsCarrier, channelHandlers } from './WsCarrier.ts';

/** What the path needs of the connection that owns it. */
export interface PathHost {
  readonly ctx: ConnectionContext;
  readonly ws: WebSocket;
  connId(): string;
  role(): 'agent' | 'customer' | null;
  send(msg: RelayToClient): void;
  close(reason: string, wsCode?: number): void;
  /** A bad ctl message counts towards the connection's cut-off. */
  countBadMessage(): void;
  speaks(capability: string): boolean;
}

export class ClientPath {
  private link: PeerLink | null = null;
  /** The TCP fallback: ctl and media over the WebSocket instead of `link` (ws-transport). */
  private wsCarrier: WsCarrier | null = null;
  private ctlRouter: CtlRouter | null = null;
  /** A bridged connection (`ws-upgrade`): the WebSocket carries ctl and media until the channels take over. */
  private gate: BridgeGate | null = null;
  /** The client switched (`transport-upgrade`); the relay does once its own channels are open. */
  private isUpgrading = false;

  constructor(private readonly host: PathHost) {}

  /** Where ctl and media go now: the WebSocket after a fallback, else the peer connection (null: neither yet). */
  private get current(): WsCarrier | PeerLink | null {
    return this.wsCarrier ?? this.link;
  }

  get transportPath(): 'websocket' | 'webrtc' {
    return this.wsCarrier ? 'websocket' : 'webrtc';
  }

  sendCtl(msg: CtlFromRelay): boolean {
    return this.current?.sendCtl(msg) ?? false;
  }

  channels(): { ctl: boolean; media: boolean } {
    return this.current?.channels() ?? { ctl: false, media: false };
  }

  get ctlMaxMessageBytes(): number {
    return this.current?.ctlMaxMessageBytes ?? 0;
  }

  readonly mediaSink: MediaSink = {
    isOpen: () => this.current?.mediaSink.isOpen() ?? false,
    bufferedAmount: () => this.current?.mediaSink.bufferedAmount() ?? 0,
    send: (f) => this.current?.mediaSink.send(f) ?? false,
  };

  /** Whether a client's text frame is ours: a `ctl` envelope, or the `transport-upgrade` of a bridged connection. */
  receiveText(text: string): boolean {
    if (this.gate && isUpgrade(text)) {
      this.upgrade();
      return true;
    }
    return this.wsCarrier?.receiveText(text) ?? false;
  }

  /** A binary WebSocket frame: media on the TCP path; false if this path takes none. */
  receiveBinary(buf: Buffer): boolean {
    if (!this.wsCarrier) return false;
    this.wsCarrier.receiveBinary(buf);
    return true;
  }

  close(reason: string): void {
    this.ctlRouter?.close();
    this.link?.close(reason);
    this.link = null;
    this.wsCarrier?.close(reason);
  }

  /** The party's ctl router: a party over its message budget is cut off with {@link CLOSE_OVER_BUDGET}. */
  private newCtlRouter(party: AgentParty | CustomerParty): CtlRouter {
    const { ctx, connId, countBadMessage, close } = this.host;
    return new CtlRouter(ctx, party, connId(), () => countBadMessage(), () => close('over-budget', CLOSE_OVER_BUDGET));
  }

  /** The TCP fallback: ctl and media move to the WebSocket, and the peer connection (if any) is closed. */
  fallBack(party: AgentParty | CustomerParty): void {
    if (!this.host.speaks('ws-transport')) throw new ProtocolError('forbidden', 'ws-transport was not agreed at hello');
    if (this.wsCarrier) {
      // A bridged client whose channels did not open stays on the WebSocket.
      if (this.gate) this.dropLink('fell back to the websocket');
      return this.host.send({ type: 'transport', path: 'websocket' });
    }
    this.link?.close('fell back to the websocket');
    this.link = null;
    this.ctlRouter ??= this.newCtlRouter(party);
    this.startCarrier(party, 'fell back');
  }

  /**
   * `transport-bridge` (ws-upgrade): ctl and media go over the WebSocket now, as after a
   * fallback, but the peer connection (offered next, or already) stays and takes them over at
   * `transport-upgrade`. Its channels' messages wait in a {@link BridgeGate} until then.
   */
  bridge(party: AgentParty | CustomerParty): void {
    if (!this.host.speaks('ws-upgrade')) throw new ProtocolError('forbidden', 'ws-upgrade was not agreed at hello');
    if (this.wsCarrier) return this.host.send({ type: 'transport', path: 'websocket' });
    const { ctx, close } = this.host;
    this.ctlRouter ??= this.newCtlRouter(party);
    this.gate = new BridgeGate(channelHandlers(ctx, party, () => this.ctlRouter), () => close('over-budget', CLOSE_OVER_BUDGET));
    this.startCarrier(party, 'bridged');
  }

  /** Ctl and media move to the WebSocket: the client is told, and a session waiting for a link may go on. */
  private startCarrier(party: AgentParty | CustomerParty, how: 'bridged' | 'fell back'): void {
    const { ctx, send } = this.host;
    this.wsCarrier = new WsCarrier(this.host.ws, channelHandlers(ctx, party, () => this.ctlRouter), ctx.log);
    send({ type: 'transport', path: 'websocket' });
    ctx.log.info(`client ${how} to the websocket`, { connId: this.host.connId(), role: this.host.role() });
    this.wsCarrier.announceOpen();
  }

  /**
   * The bridged client's `transport-upgrade`, in order with its ctl and media on the WebSocket:
   * what its channels brought before it is handled now, and the rest as it comes.
   */
  private upgrade(): void {
    this.gate?.open();
    this.isUpgrading = true;
    this.finishUpgrade();
  }

  /**
   * The relay's side of the switch, once its channels are open too (node-datachannel may report
   * them after the client's marker arrived on the socket): its ctl and media go to the channels,
   * and `transport` `{path: "webrtc"}` follows the last media queued on the WebSocket.
   */
  private finishUpgrade(): void {
    const link = this.link;
    if (!this.isUpgrading || !link || !link.channels().ctl || !link.mediaSink.isOpen()) return;
    const carrier = this.wsCarrier as WsCarrier;
    this.isUpgrading = false;
    this.gate = null;
    this.wsCarrier = null;
    carrier.finish(JSON.stringify({ type: 'transport', path: 'webrtc' } satisfies RelayToClient));
    this.host.ctx.log.info('client moved to its data channels', { connId: this.host.connId(), role: this.host.role() });
  }

  /** A bridged connection's peer connection failed: the WebSocket goes on carrying the session. */
  private dropLink(why: string): void {
    this.link?.close(why);
    this.link = null;
    this.gate = null;
    if (!this.isUpgrading) return;
    // The client already sends on its channels: it is told to come back to the socket.
    this.isUpgrading = false;
    this.host.send({ type: 'transport', path: 'websocket' });
  }

  /** The channel handlers of a new peer connection: held while bridged, and its opening is no news then. */
  private linkHandlers(party: AgentParty | CustomerParty) {
    const direct = channelHandlers(this.host.ctx, party, () => this.ctlRouter);
    const gate = this.gate;
    if (!gate) return direct;
    return {
      ...gate.gated,
      onCtlOpen: () => this.finishUpgrade(),
      onMediaOpen: () => this.finishUpgrade(),
    };
  }

  offer(party: AgentParty | CustomerParty, sdp: string): void {
    if (this.link || (this.wsCarrier && !this.gate)) throw new ProtocolError('forbidden', 'this connection already has a peer connection');
    const { ctx, send } = this.host;
    const connId = this.host.connId();
    this.ctlRouter ??= this.newCtlRouter(party);
    const link = new PeerLink(
      `${this.host.role()}-${connId}`,
      {
        onAnswer: (answer) => send({ type: 'rtc-answer', sdp: answer }),
        onCandidate: (candidate, mid) => send({ type: 'rtc-candidate', candidate, mid }),
        ...this.linkHandlers(party),
        onAudioTrack: (line, port) => ctx.voice?.setLeg(connId, line, port),
        onAudioPacket: (packet) => ctx.voice?.audioFrom(connId, packet),
        onSoundTrack: (line, port) => ctx.voice?.sound?.setLeg(connId, line, port),
        onSoundPacket: (packet) => ctx.voice?.sound?.soundFrom(connId, packet),
        onListenTrack: (index, line, port) => ctx.voice?.multi.setListenLeg(connId, index, line, port),
        onLost: (why) => {
          ctx.log.warn('peer link lost', { connId, why });
          if (this.gate) this.dropLink(why);
          else this.host.close(`rtc-lost: ${why}`);
        },
      },
      ctx.log,
      ctx.rtcPorts,
      ctx.rtcBindAddress,
    );
    try {
      link.acceptOffer(sdp);
    } catch (err) {
      link.close('bad offer');
      throw new ProtocolError('bad-message', `the offer could not be applied: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.link = link;
  }

  candidate(candidate: string, mid: string): void {
    if (!this.link && this.wsCarrier) return; // in flight when the client fell back
    if (!this.link) throw new ProtocolError('forbidden', 'send rtc-offer before candidates');
    this.link.addRemoteCandidate(candidate, mid);
  }

  renegotiate(sdp: string): void {
    if (!this.link) throw new ProtocolError('forbidden', 'send rtc-offer first');
    if (!this.host.ctx.voice) throw new ProtocolError('forbidden', 'this relay has no voice');
    try {
      this.link.renegotiate(sdp);
    } catch (err) {
      throw new ProtocolError('bad-message', `the offer could not be applied: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
