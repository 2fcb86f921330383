/**
 * The client's end of a bridged connection (capability `ws-upgrade`; no DOM of its own, so it
 * is tested in Node). A client that resumes a session does not wait for ICE: right after the
 * welcome it asks for `transport-bridge`, and once the relay answers `transport`
 * `{path: "websocket"}` its ctl and media go over the WebSocket while the peer connection opens.
 * When both data channels are open it sends `transport-upgrade` (after the last ctl and media it
 * sent on the WebSocket: one socket keeps order) and sends on the channels from then on. What
 * the relay sends on the channels before its own marker, `transport` `{path: "webrtc"}` (which
 * follows the last ctl and media it sent on the WebSocket), is held and handled after it, so
 * nothing is reordered across the switch. If the channels do not open within
 * {@link BRIDGE_GIVE_UP_MS} or fail first, the connection stays on the WebSocket.
 *
 * Why: after a cut, Chromium starts ICE on the interface that came back only once its network
 * monitor noticed it (1.2 to 3.5 s after link-up on the bench's machine), while a new TCP
 * connection is up in tens of milliseconds.
 */
import type { ClientToRelay, TransportPath } from '../protocol.ts';

/** How long the data channels may take before the bridged connection stays on the WebSocket. */
export const BRIDGE_GIVE_UP_MS = 15_000;
/** Channel messages held before the relay's marker, at most (the relay holds its own side to 8 MiB of media). */
const MAX_HELD = 10_000;

/** What the bridge does to its connection. */
export interface BridgeHost {
  sendSignal(msg: ClientToRelay): void;
  /** Ctl and media go out on the WebSocket (true) or on the data channels (false). */
  carryOnSocket(isOnSocket: boolean): void;
  /** The peer connection is given up: the WebSocket carries the session from now on. */
  dropRtc(reason: string): void;
  /** The media path changed: a sender that waits for room may send again. */
  drained(): void;
  /** Timers (the tests' fakes); the real ones by default. */
  setTimeout?(fn: () => void, ms: number): unknown;
  clearTimeout?(handle: unknown): void;
}

type Phase = 'asking' | 'bridged' | 'upgrading' | 'on-channels' | 'on-socket';

export class WsBridge {
  private phase: Phase = 'asking';
  private held: (() => void)[] = [];
  private giveUp: unknown = null;
  private bridged: (() => void) | null = null;

  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly host: BridgeHost) {
    this.setTimer = host.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = host.clearTimeout ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  /** Asks the relay to carry the session on the WebSocket; resolves once it does. */
  start(): Promise<void> {
    return new Promise((resolve) => {
      this.bridged = resolve;
      this.host.sendSignal({ type: 'transport-bridge' });
    });
  }

  /** Where this connection's ctl and media travel now (the agent's status line shows it). */
  get path(): TransportPath {
    return this.phase === 'on-channels' ? 'webrtc' : 'websocket';
  }

  /** Whether ctl and media arriving on the WebSocket are still this connection's. */
  get takesSocket(): boolean {
    return this.phase !== 'on-channels';
  }

  /** A message from a data channel: handled now, or after the relay's marker. */
  fromChannel(handle: () => void): void {
    if (this.phase === 'on-channels') return handle();
    if (this.phase === 'upgrading' && this.held.length < MAX_HELD) this.held.push(handle);
  }

  /** The relay's `transport`. */
  onTransport(path: TransportPath): void {
    if (this.phase === 'asking' && path === 'websocket') {
      this.phase = 'bridged';
      this.host.carryOnSocket(true);
      this.giveUp = this.setTimer(() => this.channelsFailed('the data channels did not open in time'), BRIDGE_GIVE_UP_MS);
      this.bridged?.();
      this.bridged = null;
    } else if (this.phase === 'upgrading' && path === 'webrtc') {
      this.phase = 'on-channels';
      for (const handle of this.held.splice(0)) handle();
      console.info('[beacon] ctl and media moved to the data channels');
    } else if (this.phase === 'upgrading' && path === 'websocket') {
      // The relay could not take the channels: back to the socket.
      this.held = [];
      this.phase = 'on-socket';
      this.host.carryOnSocket(true);
      this.host.dropRtc('the relay kept the websocket');
    }
  }

  /** Both data channels opened: say so on the socket, after everything sent there, and use them. */
  channelsOpen(): void {
    if (this.phase !== 'bridged') return;
    this.clearTimer(this.giveUp);
    this.phase = 'upgrading';
    this.host.sendSignal({ type: 'transport-upgrade' });
    this.host.carryOnSocket(false);
    this.host.drained();
  }

  /** The peer connection failed or took too long before the switch: the socket goes on carrying. */
  channelsFailed(reason: string): void {
    if (this.phase !== 'bridged' && this.phase !== 'asking') return;
    this.clearTimer(this.giveUp);
    if (this.phase === 'bridged') this.phase = 'on-socket';
    this.host.dropRtc(reason);
  }

  /** Whether the switch is over (either way): the peer connection's failures are the connection's own again. */
  get isSettled(): boolean {
    return this.phase === 'on-channels' || this.phase === 'on-socket' || this.phase === 'upgrading';
  }

  close(): void {
    this.clearTimer(this.giveUp);
    this.held = [];
  }
}
