/**
 * The TCP fallback (capability `ws-transport`): one client's `ctl` messages and media
 * fragments carried over its signalling WebSocket when its WebRTC data channels cannot open
 * (outbound UDP blocked). It offers what PeerLink offers the session layer (`sendCtl`,
 * `mediaSink`, `channels()`, `ctlMaxMessageBytes`), so the forwarder and the sessions do not
 * know which path a client takes.
 *
 * One TCP stream carries both, so ctl must not queue behind media: media fragments wait in a
 * queue of their own and are handed to the socket only while it holds less than
 * WIRE_MEDIA_BYTES; ctl goes to the socket at once. `mediaSink.bufferedAmount()` counts both
 * the queue and the socket, so the forwarder's high-water logic works as on a data channel.
 */
import type { WebSocket } from 'ws';
import { MAX_FRAGMENT_BYTES } from '@beacon/shared/framing';
import { parseJson } from '@beacon/shared/parse';
import { CtlEnvelope, LIMITS, isFileChunk, type CtlFromRelay } from '@beacon/shared/protocol';
import type { Logger } from '../platform/logger.ts';
import { ProtocolError } from '@beacon/shared/errors';
import type { AgentParty, CustomerParty, MediaSink } from '../sessions/Session.ts';
import type { ConnectionContext } from './ClientConnection.ts';
import type { CtlRouter } from './CtlRouter.ts';
import type { PeerLinkHandlers } from './PeerLink.ts';

/** Media handed to the socket at most; a ctl message waits behind no more than this. */
export const WIRE_MEDIA_BYTES = 256 * 1024;
/** Media waiting for the socket at most (the forwarder stops well before: its hard cap is 8 MiB). */
export const MAX_QUEUED_MEDIA_BYTES = 8 * 1024 * 1024;
/** A slow reader must not grow the relay's memory without bound (as on the ctl channel). */
const CTL_BUFFER_LIMIT_BYTES = 4 * 1024 * 1024;
/** Room for the `{"type":"ctl","msg":…}` envelope inside one WebSocket message. */
const ENVELOPE_BYTES = 64;
/** The largest ctl message a client is sent on this path (the WebSocket frame limit less the envelope). */
export const WS_CTL_MAX_MESSAGE_BYTES = LIMITS.maxJsonMessageBytes - ENVELOPE_BYTES;

/** What the carrier needs of a `ws` WebSocket (a fake in the tests). */
export type CarrierSocket = Pick<WebSocket, 'bufferedAmount' | 'readyState' | 'OPEN'> & {
  send(data: string | Uint8Array, opts: { binary: boolean }, cb: (err?: Error) => void): void;
};

export type WsCarrierHandlers = Pick<PeerLinkHandlers, 'onCtlText' | 'onCtlRefused' | 'onMedia' | 'onCtlOpen' | 'onMediaOpen'>;

/** What a client's ctl and media do, on either path (its PeerLink's channels or this carrier). */
export function channelHandlers(
  ctx: Pick<ConnectionContext, 'traffic' | 'sessions' | 'transfer' | 'camera' | 'curtain'>,
  party: AgentParty | CustomerParty,
  router: () => CtlRouter | null,
): WsCarrierHandlers {
  return {
    onCtlText: (text) => router()?.route(text),
    onCtlRefused: (why) => router()?.refuse(new ProtocolError('bad-message', why)),
    onMedia: (fragment) => {
      if (isFileChunk(fragment)) return ctx.transfer?.chunk(party, fragment);
      if ('deviceId' in party) ctx.traffic.customerMedia(party, fragment);
    },
    onCtlOpen: () => {
      if ('agent' in party) ctx.traffic.agentCtlOpened(party);
      if ('agent' in party) ctx.camera?.agentCtlOpened(party);
      if ('agent' in party) ctx.curtain?.agentCtlOpened(party);
      ctx.sessions.channelsOpened(party);
    },
    onMediaOpen: () => ctx.sessions.channelsOpened(party),
  };
}

export class WsCarrier {
  /** Media fragments waiting for the socket, and at most one last text frame (see {@link finish}). */
  private readonly queue: (Uint8Array | string)[] = [];
  private queuedBytes = 0;
  private isClosed = false;
  /** Set by {@link finish}: nothing more is taken; what is queued still goes out. */
  private isFinishing = false;

  constructor(
    private readonly ws: CarrierSocket,
    private readonly handlers: WsCarrierHandlers,
    private readonly log: Logger,
  ) {}

  /** Tells the session layer that ctl and media are open (call once the client was told `transport`). */
  announceOpen(): void {
    this.handlers.onCtlOpen();
    this.handlers.onMediaOpen?.();
  }

  private get isOpen(): boolean {
    return !this.isClosed && !this.isFinishing && this.ws.readyState === this.ws.OPEN;
  }

  channels(): { ctl: boolean; media: boolean } {
    return { ctl: this.isOpen, media: this.isOpen };
  }

  get ctlMaxMessageBytes(): number {
    return this.isOpen ? WS_CTL_MAX_MESSAGE_BYTES : 0;
  }

  /** Sends one ctl message ahead of any queued media; false if it cannot be sent. */
  sendCtl(msg: CtlFromRelay): boolean {
    if (!this.isOpen) return false;
    if (this.ws.bufferedAmount > CTL_BUFFER_LIMIT_BYTES) {
      this.log.warn('ctl message dropped: websocket buffer full', { type: msg.type });
      return false;
    }
    const text = JSON.stringify({ type: 'ctl', msg });
    if (Buffer.byteLength(text) > LIMITS.maxJsonMessageBytes) {
      this.log.warn('ctl message dropped: larger than the websocket path takes', { type: msg.type, bytes: Buffer.byteLength(text) });
      return false;
    }
    return this.write(text, false);
  }

  /** The media path as the forwarder sees it. */
  readonly mediaSink: MediaSink = {
    isOpen: () => this.isOpen,
    bufferedAmount: () => (this.isClosed ? 0 : this.ws.bufferedAmount + this.queuedBytes),
    send: (fragment) => {
      if (!this.isOpen || this.queuedBytes + fragment.byteLength > MAX_QUEUED_MEDIA_BYTES) return false;
      this.queue.push(fragment);
      this.queuedBytes += fragment.byteLength;
      this.pump();
      return true;
    },
  };

  /**
   * One text frame from the client: true if it was a `ctl` envelope (handled here, in arrival
   * order but outside the signalling queue), false if it is signalling for the caller.
   */
  receiveText(text: string): boolean {
    if (this.isClosed) return true;
    const r = parseJson(CtlEnvelope, text, 'ws ctl envelope');
    if (!r.ok) return false;
    this.handlers.onCtlText(JSON.stringify(r.value.msg ?? null));
    return true;
  }

  /** One binary frame from the client: a media fragment, refused if no fragment can be that size. */
  receiveBinary(frame: Buffer): void {
    if (this.isClosed) return;
    if (frame.length === 0 || frame.length > MAX_FRAGMENT_BYTES) {
      this.handlers.onCtlRefused(`a binary frame of ${frame.length} bytes is not a media fragment (at most ${MAX_FRAGMENT_BYTES})`);
      return;
    }
    this.handlers.onMedia(frame);
  }

  /**
   * The connection moves to its data channels (`ws-upgrade`): nothing more is taken, the media
   * already queued still goes out, and then `last` (the `transport` marker the client waits for).
   */
  finish(last: string): void {
    if (this.isClosed || this.isFinishing) return;
    this.isFinishing = true;
    this.queue.push(last);
    this.pump();
  }

  /** Idempotent: drops the queued media (the socket is closed by its owner). */
  close(reason: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.log.debug('websocket carrier closed', { reason });
  }

  /** Hands queued media to the socket while it holds less than WIRE_MEDIA_BYTES. */
  private pump(): void {
    while (this.queue.length > 0 && !this.isClosed && this.ws.readyState === this.ws.OPEN && this.ws.bufferedAmount < WIRE_MEDIA_BYTES) {
      const item = this.queue.shift() as Uint8Array | string;
      if (typeof item !== 'string') this.queuedBytes -= item.byteLength;
      if (!this.write(item, typeof item !== 'string')) return;
    }
  }

  private write(data: string | Uint8Array, isBinary: boolean): boolean {
    try {
      // The callback runs once the frame left for the kernel: room for more media.
      this.ws.send(data, { binary: isBinary }, (err) => {
        if (!err && this.queue.length > 0) this.pump();
      });
      return true;
    } catch (err) {
      this.log.warn('websocket carrier send failed', { err });
      return false;
    }
  }
}
