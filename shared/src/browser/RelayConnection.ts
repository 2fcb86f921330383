/**
 * Browser side of a client's link to the relay (DOM layer: renderers only).
 *
 * One WebSocket for signalling plus one RTCPeerConnection terminated by the relay, with
 * the `ctl` and `media` data channels created here before the offer. Every inbound
 * message is parsed with the shared schemas; a malformed one is logged and dropped.
 */
import { Heartbeat } from '../client/Heartbeat.ts';
import { Emitter } from '../client/lifecycle.ts';
import { fromWireError, ProtocolError, type ErrorCode } from '../errors.ts';
import { parseJson } from '../parse.ts';
import {
  CtlFromRelay,
  isFileChunk,
  RelayToClient,
  type ClientToRelay,
  type CtlToRelay,
  type ResumeClaim,
  type Role,
  type TransportPath,
  type Welcome,
} from '../protocol.ts';
import { KNOWN_CAPABILITIES, mayCarry, sharedCapabilities, type KnownCapability } from '../version.ts';
import { openRacingSocket } from './racingSocket.ts';
import { abandonPeer, addAudioLine, helloOf, isWelcomeFor, signallingUrl, whenOpen } from './relayOpening.ts';
import { SoundLine } from './SoundLine.ts';
import { ListenLines } from './ListenLines.ts';
import { WsBridge } from './WsBridge.ts';
import { FALLBACK_AFTER_MS, WsCarrier, fellBackRecently, rememberFallback } from './WsCarrier.ts';

export type { Welcome };
/** The welcome a connection of role `R` gets. */
export type WelcomeFor<R extends Role> = Extract<Welcome, { role: R }>;

export interface RelayConnectionOptions {
  /** Relay base URL, http(s):// or ws(s)://; the socket goes to `<base>/ws`. */
  relayUrl: string;
  role: Role;
  token?: string;
  /** Capability `relay-cluster`/`relay-failover`, agents: the ticket of a `relay-redirect` or `resume-redirect`, instead of `token`. */
  ticket?: string;
  /** How long to wait for the socket, the welcome and both channels. */
  timeoutMs?: number;
  /** Capability `resume`: the sessions this client had on a link that dropped (`hello.resume`). */
  resume?: ResumeClaim[];
  /** Start another socket beside one not open after `everyMs` (up to `max`); the first open wins (see racingSocket.ts). */
  race?: { everyMs: number; max: number };
  /** `websocket`: skip WebRTC and carry ctl and media over the socket at once (ws-transport). Default `auto`. */
  transport?: 'auto' | 'websocket';
}

export type CloseReason = 'relay-unreachable' | 'closed' | ErrorCode;

/** The same opening at the relay a `resume-redirect` names (an agent signs in there with its ticket). */
function redirected<R extends Role>(opts: RelayConnectionOptions & { role: R }, to: { url: string; ticket?: string | undefined }): RelayConnectionOptions & { role: R } {
  const { token, race: _race, ...rest } = opts;
  return { ...rest, relayUrl: to.url, ...(to.ticket ? { ticket: to.ticket } : token ? { token } : {}) };
}
export { signallingUrl };

export class RelayConnection<W extends Welcome = Welcome> {
  readonly onMessage = new Emitter<[RelayToClient]>();
  readonly onCtl = new Emitter<[CtlFromRelay]>();
  readonly onMedia = new Emitter<[Uint8Array]>();
  /** A file chunk on the media channel (capability `file-transfer`); picture fragments go to `onMedia`. */
  readonly onFileChunk = new Emitter<[Uint8Array]>();
  readonly onClose = new Emitter<[CloseReason]>();
  readonly onMediaDrained = new Emitter<[]>();
  /** Voice: the relay's audio track arrived (after the first {@link setAudioTrack}). */
  readonly onRemoteAudio = new Emitter<[MediaStreamTrack]>();

  private isClosed = false;
  private ctl: RTCDataChannel | null = null;
  private media: RTCDataChannel | null = null;
  private audioSender: RTCRtpSender | null = null;
  private remoteAudioTrack: MediaStreamTrack | null = null;
  /** Capability `resume`: a link that stops answering heartbeats is closed (and so reconnected). */
  private heartbeat: Heartbeat | null = null;
  /** The TCP fallback, once the relay confirmed it (`transport`); ctl and media then go here. */
  private carrier: WsCarrier | null = null;
  /** A resumed connection on the WebSocket until its data channels take over (ws-upgrade). */
  private bridge: WsBridge | null = null;
  private onTransport: ((path: TransportPath) => void) | null = null;

  private constructor(
    private readonly ws: WebSocket,
    private readonly pc: RTCPeerConnection,
    readonly welcome: W,
  ) {
    this.capabilities = sharedCapabilities(KNOWN_CAPABILITIES, welcome.capabilities);
    this.sound = new SoundLine(pc, { get: () => this.audioSender, set: (s) => void (this.audioSender = s) }, (sdp) => this.sendSignal({ type: 'rtc-renegotiate', sdp }));
    this.listen = new ListenLines(pc, this.sound, (sdp) => this.sendSignal({ type: 'rtc-renegotiate', sdp }));
  }

  /** Voice with several agents: the link's listen lines (capability `voice-multi`). */
  readonly listen: ListenLines;

  /** Remote sound: the link's sound line (see {@link setSoundTrack}). */
  readonly sound: SoundLine;

  /** The features both this client and the relay speak (see version.ts); use one only if it is here. */
  readonly capabilities: ReadonlySet<KnownCapability>;

  /** Connects, says hello, and resolves once the relay welcomed us and both channels are open. */
  static open<R extends Role>(opts: RelayConnectionOptions & { role: R }): Promise<RelayConnection<WelcomeFor<R>>> {
    return new Promise((resolve, reject) => {
      let url: string;
      let ws: WebSocket | null = null;
      try {
        url = signallingUrl(opts.relayUrl);
        if (!opts.race) ws = new WebSocket(url);
      } catch {
        reject(new ProtocolError('bad-message', 'bad relay URL') as Error);
        return;
      }
      if (ws) return RelayConnection.begin(ws, false, opts, resolve, reject);
      openRacingSocket(url, { ...(opts.race ?? { everyMs: 0, max: 1 }), timeoutMs: opts.timeoutMs ?? 10_000 }).then(
        (open) => RelayConnection.begin(open, true, opts, resolve, reject),
        (err: unknown) => reject(Object.assign(new Error(err instanceof Error ? err.message : String(err)), { code: 'relay-unreachable' satisfies CloseReason })),
      );
    });
  }

  /** Says hello on `ws` (now, or once it opens) and resolves once welcomed with both channels open. */
  private static begin<R extends Role>(
    ws: WebSocket,
    isOpen: boolean,
    opts: RelayConnectionOptions & { role: R },
    resolve: (c: RelayConnection<WelcomeFor<R>>) => void,
    reject: (err: Error) => void,
  ): void {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    let conn: RelayConnection<WelcomeFor<R>> | null = null;
    let settled = false;
    const early: RelayToClient[] = [];
    /** Set once the early messages went out: until then later ones queue behind them, in order. */
    let isFlushed = false;
    const fail = (code: CloseReason, message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      try {
        ws.close();
      } catch {
        /* already closing */
      }
      conn?.pc.close();
      reject(Object.assign(new Error(message), { code }));
    };
    const timer = setTimeout(() => fail('relay-unreachable', 'timed out connecting to the relay'), timeoutMs);

    const sayHello = () => ws.send(JSON.stringify(helloOf(opts)));
    ws.onerror = () => fail('relay-unreachable', 'could not reach the relay');
    ws.onclose = () => {
      if (!settled) fail('relay-unreachable', 'the relay closed the connection');
      else conn?.close('closed');
    };
    ws.onmessage = (ev) => {
      conn?.heartbeat?.heard();
      if (typeof ev.data !== 'string') {
        if (ev.data instanceof ArrayBuffer && conn?.isSocketCarrying && !conn.isClosed) conn.binaryIn(new Uint8Array(ev.data));
        return;
      }
      const r = parseJson(RelayToClient, ev.data, 'relay->client');
      if (!r.ok) {
        console.warn('[beacon] dropped malformed message from relay', r.error.message);
        return;
      }
      const msg = r.value;
      if (!conn) {
        // Capability `relay-failover`: another relay took the session over; the resume goes on there.
        if (msg.type === 'resume-redirect' && !settled) return void ((settled = true), RelayConnection.follow(ws, timer, redirected(opts, msg), resolve, reject));
        if (msg.type === 'error') {
          const e = fromWireError(msg);
          return fail(e.code, e.message);
        }
        if (msg.type !== 'welcome') return;
        if (!isWelcomeFor(msg, opts.role)) return fail('bad-message', `the relay welcomed a ${msg.role}, not a ${opts.role}`);
        const pc = new RTCPeerConnection({ iceServers: [] });
        conn = new RelayConnection(ws, pc, msg);
        conn.establish(opts.transport === 'websocket' || fellBackRecently(ws.url), Boolean(opts.resume?.length)).then(
          () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            conn?.watchLink();
            resolve(conn as RelayConnection<WelcomeFor<R>>);
            // After the owner has subscribed (it does so when `open` resolves, a few microtasks on):
            // dispatched at once, what came with the welcome (the desk's `desk-status`) reached nobody.
            setTimeout(() => {
              isFlushed = true;
              for (const m of early.splice(0)) conn?.dispatch(m);
            }, 0);
          },
          (err: Error) => fail('relay-unreachable', err.message),
        );
        return;
      }
      if (!isFlushed && msg.type !== 'rtc-answer' && msg.type !== 'rtc-candidate' && msg.type !== 'transport') {
        early.push(msg);
        return;
      }
      conn.dispatch(msg);
    };
    if (isOpen) sayHello();
    else ws.onopen = sayHello;
  }

  /** Leaves `ws` for the relay a `resume-redirect` named, and settles with what opening there gives. */
  private static follow<R extends Role>(ws: WebSocket, timer: ReturnType<typeof setTimeout>, opts: RelayConnectionOptions & { role: R }, resolve: (c: RelayConnection<WelcomeFor<R>>) => void, reject: (err: Error) => void): void {
    clearTimeout(timer);
    ws.onclose = null;
    ws.close();
    RelayConnection.open(opts).then(resolve, reject);
  }

  private dispatch(msg: RelayToClient): void {
    switch (msg.type) {
      case 'rtc-answer':
        void this.pc.setRemoteDescription({ type: 'answer', sdp: msg.sdp }).catch((err: unknown) => {
          console.error('[beacon] bad answer from relay', err);
          this.close('bad-message');
        });
        return;
      case 'rtc-candidate':
        void this.pc.addIceCandidate({ candidate: msg.candidate, sdpMid: msg.mid }).catch(() => undefined);
        return;
      case 'signed-out':
        this.onMessage.fire(msg);
        this.close('unauthorized');
        return;
      case 'heartbeat':
        return;
      case 'transport':
        this.onTransport?.(msg.path);
        return;
      case 'ctl': {
        const ctl = this.isSocketCarrying ? WsCarrier.parseCtl(msg.msg) : null;
        if (ctl) this.onCtl.fire(ctl);
        return;
      }
      default:
        this.onMessage.fire(msg);
    }
  }

  /** Whether ctl and media arriving on the WebSocket are this connection's (after a fallback, or while bridged). */
  private get isSocketCarrying(): boolean {
    return this.carrier !== null || (this.bridge?.takesSocket ?? false);
  }

  /**
   * WebRTC, or the TCP fallback (ws-transport) when the channels are not open within
   * FALLBACK_AFTER_MS or fail first, or at once when `forceWebSocket`. A resuming client
   * bridges (ws-upgrade): the WebSocket carries the session until the channels open.
   */
  private async establish(forceWebSocket: boolean, isResuming: boolean): Promise<void> {
    if (!this.capabilities.has('ws-transport')) return this.startRtc();
    if (forceWebSocket) return this.fallBack('configured');
    if (isResuming && this.capabilities.has('ws-upgrade')) return this.startBridge();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const rtc = this.startRtc().then(() => 'open' as const, () => 'failed' as const);
    // Until the channels open, a failed ICE means "fall back", not "close the connection".
    const closeOnFailure = this.pc.onconnectionstatechange;
    const failed = new Promise<'failed'>((resolve) => {
      this.pc.onconnectionstatechange = () => this.pc.connectionState === 'failed' && resolve('failed');
    });
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), FALLBACK_AFTER_MS)));
    const first = await Promise.race([rtc, failed, late]);
    clearTimeout(timer);
    if (first === 'open') {
      this.pc.onconnectionstatechange = closeOnFailure;
      return;
    }
    rememberFallback(this.ws.url);
    await this.fallBack('timeout');
  }

  /** Closes the peer connection and asks the relay to carry ctl and media over the socket. */
  private fallBack(reason: 'timeout' | 'configured'): Promise<void> {
    abandonPeer(this.pc, []);
    return new Promise((resolve) => {
      this.onTransport = (path) => {
        if (path !== 'websocket' || this.carrier) return;
        this.carrier = new WsCarrier(this.ws, () => this.onMediaDrained.fire());
        console.info(`[beacon] ctl and media over the websocket (${reason})`);
        resolve();
      };
      this.ws.binaryType = 'arraybuffer';
      this.sendSignal({ type: 'transport-fallback', reason });
    });
  }

  /** The session goes on over the WebSocket at once and moves to the data channels once they open (WsBridge.ts). */
  private startBridge(): Promise<void> {
    const bridge = new WsBridge({
      sendSignal: (m) => this.sendSignal(m),
      carryOnSocket: (isOnSocket) => {
        this.carrier?.close();
        this.carrier = isOnSocket ? new WsCarrier(this.ws, () => this.onMediaDrained.fire()) : null;
      },
      dropRtc: (reason) => {
        abandonPeer(this.pc, [this.ctl, this.media]);
        console.info(`[beacon] ctl and media stay on the websocket (${reason})`);
      },
      drained: () => this.onMediaDrained.fire(),
    });
    this.bridge = bridge;
    this.onTransport = (path) => bridge.onTransport(path);
    this.ws.binaryType = 'arraybuffer';
    const bridged = bridge.start();
    this.startRtc().then(
      () => bridge.channelsOpen(),
      () => bridge.channelsFailed('the data channels did not open'),
    );
    // Until the switch, a failed peer connection leaves the session on the socket instead of closing it.
    const closeOnFailure = this.pc.onconnectionstatechange;
    this.pc.onconnectionstatechange = (ev) => {
      if (bridge.isSettled) closeOnFailure?.call(this.pc, ev);
      else if (this.pc.connectionState === 'failed') bridge.channelsFailed('ICE failed');
    };
    return bridged;
  }

  /** How this connection's ctl and media travel: `websocket` after the TCP fallback (or while bridged). */
  get transportPath(): TransportPath {
    return this.bridge?.path ?? (this.carrier ? 'websocket' : 'webrtc');
  }

  /** Runs a data channel's message handler now, or after a bridged connection's switch (WsBridge.ts). */
  private fromChannel(handle: () => void): void {
    if (this.bridge) this.bridge.fromChannel(handle);
    else handle();
  }

  private async startRtc(): Promise<void> {
    const pc = this.pc;
    const ctl = pc.createDataChannel('ctl', { ordered: true });
    const media = pc.createDataChannel('media', { ordered: true });
    media.binaryType = 'arraybuffer';
    media.bufferedAmountLowThreshold = 256 * 1024;
    this.ctl = ctl;
    this.media = media;
    ctl.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      const r = parseJson(CtlFromRelay, ev.data, 'ctl relay->client');
      if (!r.ok) {
        console.warn('[beacon] dropped malformed ctl message', r.error.message);
        return;
      }
      this.fromChannel(() => this.onCtl.fire(r.value));
    };
    media.onmessage = (ev) => {
      const data: unknown = ev.data;
      if (data instanceof ArrayBuffer) this.fromChannel(() => this.binaryIn(new Uint8Array(data)));
    };
    media.onbufferedamountlow = () => this.onMediaDrained.fire();
    pc.onicecandidate = (ev) => {
      if (ev.candidate?.candidate) {
        this.sendSignal({ type: 'rtc-candidate', candidate: ev.candidate.candidate, mid: ev.candidate.sdpMid ?? '0' });
      }
    };
    pc.ontrack = (ev) => {
      if (ev.track.kind !== 'audio' || this.sound.takeTrack(ev) || this.listen.takeTrack(ev)) return;
      this.remoteAudioTrack = ev.track;
      this.onRemoteAudio.fire(ev.track);
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed' || pc.connectionState === 'closed') this.close('closed');
    };
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    this.sendSignal({ type: 'rtc-offer', sdp: offer.sdp ?? '' });
    await Promise.all([whenOpen(ctl), whenOpen(media)]);
    ctl.onclose = () => this.close('closed');
    media.onclose = () => this.close('closed');
  }

  private binaryIn(msg: Uint8Array): void {
    if (isFileChunk(msg)) this.onFileChunk.fire(msg);
    else this.onMedia.fire(msg);
  }

  /** With a relay that speaks `resume`: heartbeats, and a silent link is closed (`relay-unreachable`). */
  private watchLink(): void {
    if (!this.capabilities.has('resume') || this.isClosed) return;
    const onSilent = () => {
      // 4001: "my link went silent; I will resume" (a bare close frame would end our sessions, should it arrive).
      try {
        this.ws.close(4001, 'link-silent');
      } catch {
        /* already closing */
      }
      this.close('relay-unreachable');
    };
    this.heartbeat = new Heartbeat({ send: () => this.sendSignal({ type: 'heartbeat' }), onSilent });
  }

  /** Sends a signalling message over the WebSocket. */
  sendSignal(msg: ClientToRelay): void {
    if (this.isClosed || this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(JSON.stringify(msg));
  }

  /** Sends a ctl message; false if the channel is not open. */
  sendCtl(msg: CtlToRelay): boolean {
    if (this.carrier) return !this.isClosed && mayCarry(this.capabilities, msg.type) && this.carrier.sendCtl(msg);
    if (this.isClosed || this.ctl?.readyState !== 'open') return false;
    // A message the relay does not speak (an older relay) is left out, never refused there.
    if (!mayCarry(this.capabilities, msg.type)) return false;
    this.ctl.send(JSON.stringify(msg));
    return true;
  }

  /** Sends one media fragment; false if the channel is not open. */
  sendMedia(fragment: Uint8Array): boolean {
    if (this.carrier) return !this.isClosed && this.carrier.sendMedia(fragment);
    if (this.isClosed || this.media?.readyState !== 'open') return false;
    this.media.send(fragment as Uint8Array<ArrayBuffer>);
    return true;
  }

  /**
   * Voice: sends `track` (a microphone, or null for nothing) on the link's one audio
   * m-line. The first call adds the line by renegotiating with the relay (`rtc-renegotiate`,
   * answered with `rtc-answer`); later calls only swap the track.
   */
  async setAudioTrack(track: MediaStreamTrack | null): Promise<void> {
    if (this.isClosed) return;
    if (this.carrier) throw new ProtocolError('not-allowed', 'voice needs UDP, which this network blocks');
    if (this.audioSender) {
      await this.audioSender.replaceTrack(track);
      return;
    }
    if (!track) return;
    const line = addAudioLine(this.pc, track);
    this.audioSender = line.sender;
    this.sendSignal({ type: 'rtc-renegotiate', sdp: await line.offer });
  }

  /** Remote sound: sends `track` (the PC's sound), or null to only receive, on the link's sound line. */
  async setSoundTrack(track: MediaStreamTrack | null): Promise<void> {
    if (this.isClosed) return;
    if (this.carrier) throw new ProtocolError('not-allowed', 'sound needs UDP, which this network blocks');
    await this.sound.set(track);
  }

  /** The relay's audio track, once a voice call has negotiated it. */
  get remoteAudio(): MediaStreamTrack | null {
    return this.remoteAudioTrack;
  }

  /** Bytes queued on the media channel and not yet handed to the network. */
  get mediaBufferedAmount(): number {
    return this.carrier?.bufferedAmount ?? this.media?.bufferedAmount ?? 0;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Idempotent. Closes the socket and the peer connection and says why, once. */
  close(reason: CloseReason = 'closed'): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.heartbeat?.stop();
    this.carrier?.close();
    this.bridge?.close();
    try {
      this.ws.close();
    } catch {
      /* already closing */
    }
    this.pc.close();
    this.onClose.fire(reason);
  }
}
