/**
 * Browser side of a client's link to the relay (DOM layer: renderers only).
 *
 * One WebSocket for signalling plus one RTCPeerConnection terminated by the relay, with
 * the `ctl` and `media` data channels created here before the offer. Every inbound
 * message is parsed with the shared schemas; a malformed one is logged and dropped.
 */
import { Emitter } from '../client/lifecycle.ts';
import { fromWireError, ProtocolError, type ErrorCode } from '../errors.ts';
import { parseJson } from '../parse.ts';
import {
  CtlFromRelay,
  RelayToClient,
  type ClientToRelay,
  type CtlToRelay,
  type Role,
  type Welcome,
} from '../protocol.ts';
import { KNOWN_CAPABILITIES, mayCarry, PROTOCOL_VERSION, sharedCapabilities, type KnownCapability } from '../version.ts';

export type { Welcome };
/** The welcome a connection of role `R` gets. */
export type WelcomeFor<R extends Role> = Extract<Welcome, { role: R }>;

export interface RelayConnectionOptions {
  /** Relay base URL, http(s):// or ws(s)://; the socket goes to `<base>/ws`. */
  relayUrl: string;
  role: Role;
  token?: string;
  /** How long to wait for the socket, the welcome and both channels. */
  timeoutMs?: number;
}

export type CloseReason = 'relay-unreachable' | 'closed' | ErrorCode;

/** Turns a relay base URL into its signalling socket URL. */
export function signallingUrl(relayUrl: string): string {
  const u = new URL(relayUrl);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  u.pathname = `${u.pathname.replace(/\/$/, '')}/ws`;
  u.search = '';
  u.hash = '';
  return u.toString();
}

function isWelcomeFor<R extends Role>(w: Welcome, role: R): w is WelcomeFor<R> {
  return w.role === role;
}

export class RelayConnection<W extends Welcome = Welcome> {
  readonly onMessage = new Emitter<[RelayToClient]>();
  readonly onCtl = new Emitter<[CtlFromRelay]>();
  readonly onMedia = new Emitter<[Uint8Array]>();
  readonly onClose = new Emitter<[CloseReason]>();
  readonly onMediaDrained = new Emitter<[]>();
  /** Voice: the relay's audio track arrived (after the first {@link setAudioTrack}). */
  readonly onRemoteAudio = new Emitter<[MediaStreamTrack]>();

  private isClosed = false;
  private ctl: RTCDataChannel | null = null;
  private media: RTCDataChannel | null = null;
  private audioSender: RTCRtpSender | null = null;
  private remoteAudioTrack: MediaStreamTrack | null = null;

  private constructor(
    private readonly ws: WebSocket,
    private readonly pc: RTCPeerConnection,
    readonly welcome: W,
  ) {
    this.capabilities = sharedCapabilities(KNOWN_CAPABILITIES, welcome.capabilities);
  }

  /** The features both this client and the relay speak (see version.ts); use one only if it is here. */
  readonly capabilities: ReadonlySet<KnownCapability>;

  /** Connects, says hello, and resolves once the relay welcomed us and both channels are open. */
  static open<R extends Role>(opts: RelayConnectionOptions & { role: R }): Promise<RelayConnection<WelcomeFor<R>>> {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      let ws: WebSocket;
      try {
        ws = new WebSocket(signallingUrl(opts.relayUrl));
      } catch {
        reject(new ProtocolError('bad-message', 'bad relay URL') as Error);
        return;
      }
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

      ws.onopen = () => {
        const hello: ClientToRelay = { type: 'hello', v: PROTOCOL_VERSION, role: opts.role, capabilities: [...KNOWN_CAPABILITIES] };
        if (opts.token) hello.token = opts.token;
        ws.send(JSON.stringify(hello));
      };
      ws.onerror = () => fail('relay-unreachable', 'could not reach the relay');
      ws.onclose = () => {
        if (!settled) fail('relay-unreachable', 'the relay closed the connection');
        else conn?.close('closed');
      };
      ws.onmessage = (ev) => {
        if (typeof ev.data !== 'string') return;
        const r = parseJson(RelayToClient, ev.data, 'relay->client');
        if (!r.ok) {
          console.warn('[beacon] dropped malformed message from relay', r.error.message);
          return;
        }
        const msg = r.value;
        if (!conn) {
          if (msg.type === 'error') {
            const e = fromWireError(msg);
            return fail(e.code, e.message);
          }
          if (msg.type !== 'welcome') return;
          if (!isWelcomeFor(msg, opts.role)) return fail('bad-message', `the relay welcomed a ${msg.role}, not a ${opts.role}`);
          const pc = new RTCPeerConnection({ iceServers: [] });
          conn = new RelayConnection(ws, pc, msg);
          conn.startRtc().then(
            () => {
              if (settled) return;
              settled = true;
              clearTimeout(timer);
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
        if (!isFlushed && msg.type !== 'rtc-answer' && msg.type !== 'rtc-candidate') {
          early.push(msg);
          return;
        }
        conn.dispatch(msg);
      };
    });
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
      default:
        this.onMessage.fire(msg);
    }
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
      this.onCtl.fire(r.value);
    };
    media.onmessage = (ev) => {
      if (ev.data instanceof ArrayBuffer) this.onMedia.fire(new Uint8Array(ev.data));
    };
    media.onbufferedamountlow = () => this.onMediaDrained.fire();
    pc.onicecandidate = (ev) => {
      if (ev.candidate?.candidate) {
        this.sendSignal({ type: 'rtc-candidate', candidate: ev.candidate.candidate, mid: ev.candidate.sdpMid ?? '0' });
      }
    };
    pc.ontrack = (ev) => {
      if (ev.track.kind !== 'audio') return;
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

  /** Sends a signalling message over the WebSocket. */
  sendSignal(msg: ClientToRelay): void {
    if (this.isClosed || this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(JSON.stringify(msg));
  }

  /** Sends a ctl message; false if the channel is not open. */
  sendCtl(msg: CtlToRelay): boolean {
    if (this.isClosed || this.ctl?.readyState !== 'open') return false;
    // A message the relay does not speak (an older relay) is left out, never refused there.
    if (!mayCarry(this.capabilities, msg.type)) return false;
    this.ctl.send(JSON.stringify(msg));
    return true;
  }

  /** Sends one media fragment; false if the channel is not open. */
  sendMedia(fragment: Uint8Array): boolean {
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
    if (this.audioSender) {
      await this.audioSender.replaceTrack(track);
      return;
    }
    if (!track) return;
    const transceiver = this.pc.addTransceiver(track, { direction: 'sendrecv' });
    this.audioSender = transceiver.sender;
    // Opus only: the relay forwards packets unchanged apart from the header, so both sides must speak it.
    const opus = (RTCRtpReceiver.getCapabilities('audio')?.codecs ?? []).filter((c) => c.mimeType.toLowerCase() === 'audio/opus');
    if (opus.length) transceiver.setCodecPreferences(opus);
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    this.sendSignal({ type: 'rtc-renegotiate', sdp: offer.sdp ?? '' });
  }

  /** The relay's audio track, once a voice call has negotiated it. */
  get remoteAudio(): MediaStreamTrack | null {
    return this.remoteAudioTrack;
  }

  /** Bytes queued on the media channel and not yet handed to the network. */
  get mediaBufferedAmount(): number {
    return this.media?.bufferedAmount ?? 0;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Idempotent. Closes the socket and the peer connection and says why, once. */
  close(reason: CloseReason = 'closed'): void {
    if (this.isClosed) return;
    this.isClosed = true;
    try {
      this.ws.close();
    } catch {
      /* already closing */
    }
    this.pc.close();
    this.onClose.fire(reason);
  }
}

function whenOpen(dc: RTCDataChannel): Promise<void> {
  if (dc.readyState === 'open') return Promise.resolve();
  return new Promise((resolve, reject) => {
    dc.addEventListener('open', () => resolve(), { once: true });
    dc.addEventListener('close', () => reject(new Error(`channel ${dc.label} closed before opening`)), { once: true });
  });
}
