/**
 * The client's end of the TCP fallback (capability `ws-transport`; DOM layer): when the
 * WebRTC data channels do not open within FALLBACK_AFTER_MS (outbound UDP blocked), ctl
 * messages and media fragments travel over the signalling WebSocket, as `ctl` envelopes and
 * binary frames. RelayConnection switches to it after the relay's `transport` answer.
 *
 * The browser's WebSocket has no "buffer low" event, so the carrier polls `bufferedAmount`
 * while media is waiting and fires `onDrained` once it is below the low mark, as the data
 * channel's `bufferedamountlow` does. Media beyond MAX_WS_MEDIA_BUFFERED_BYTES is refused
 * (the encoder then waits for a keyframe), so a ctl message never waits behind much media.
 */
import { parseUnknown } from '../parse.ts';
import { CtlFromRelay, type CtlToRelay } from '../protocol.ts';

/** How long the data channels may take to open before the client falls back to the WebSocket. */
export const FALLBACK_AFTER_MS = 4000;
/** Media the socket may hold; more is refused, so ctl waits behind at most this much. */
export const MAX_WS_MEDIA_BUFFERED_BYTES = 1024 * 1024;
/** Below this the sender is told it may send again (the data channel's low threshold). */
const LOW_MARK_BYTES = 256 * 1024;
const DRAIN_POLL_MS = 20;

/** After a fallback for want of UDP, reconnects to the same relay skip WebRTC for this long. */
export const REMEMBER_FALLBACK_MS = 10 * 60_000;
const fellBackAt = new Map<string, number>();

/** Remembers that WebRTC to this relay did not open (its next connections go to the WebSocket at once). */
export function rememberFallback(signallingUrl: string, now = Date.now()): void {
  fellBackAt.set(signallingUrl, now);
}

/** Whether a connection to this relay fell back recently (a reconnect need not wait again). */
export function fellBackRecently(signallingUrl: string, now = Date.now()): boolean {
  const at = fellBackAt.get(signallingUrl);
  return at !== undefined && now - at < REMEMBER_FALLBACK_MS;
}

export class WsCarrier {
  private drainTimer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly ws: WebSocket,
    private readonly onDrained: () => void,
  ) {
    ws.binaryType = 'arraybuffer';
  }

  private get isOpen(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  sendCtl(msg: CtlToRelay): boolean {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify({ type: 'ctl', msg }));
    return true;
  }

  /** One media fragment as a binary frame; false if the socket is closed or holds too much already. */
  sendMedia(fragment: Uint8Array): boolean {
    if (!this.isOpen || this.ws.bufferedAmount > MAX_WS_MEDIA_BUFFERED_BYTES) return false;
    this.ws.send(fragment as Uint8Array<ArrayBuffer>);
    if (this.ws.bufferedAmount > LOW_MARK_BYTES) this.watchDrain();
    return true;
  }

  /** A `ctl` envelope's message from the relay, parsed as the ctl channel's are (null: malformed). */
  static parseCtl(msg: unknown): CtlFromRelay | null {
    const r = parseUnknown(CtlFromRelay, msg, 'ws ctl relay->client');
    if (r.ok) return r.value;
    console.warn('[beacon] dropped malformed ctl message', r.error.message);
    return null;
  }

  close(): void {
    if (this.drainTimer) clearInterval(this.drainTimer);
    this.drainTimer = null;
  }

  private watchDrain(): void {
    if (this.drainTimer) return;
    this.drainTimer = setInterval(() => {
      if (this.isOpen && this.ws.bufferedAmount > LOW_MARK_BYTES) return;
      this.close();
      if (this.isOpen) this.onDrained();
    }, DRAIN_POLL_MS);
  }
}
