/**
 * The hand-over of a bridged connection (capability `ws-upgrade`) from the WebSocket to its
 * data channels. A resuming client carries its ctl and media on the WebSocket at once
 * (`transport-bridge`) while its peer connection opens; once the channels are open it sends
 * `transport-upgrade` on the WebSocket after the last ctl and media it sent there, and uses the
 * channels from then on. The two paths do not keep order between them, so whatever the
 * channels bring before that marker is held here and handled right after it: the relay sees
 * the client's ctl and media in the order they were sent, even a frame split across both.
 * (The relay's own side: its `transport` `{path: "webrtc"}` goes out after the last media it
 * queued on the WebSocket, and the client holds the channels' messages until it arrives.)
 */
import { z } from 'zod';
import { parseJson } from '@beacon/shared/parse';
import type { WsCarrierHandlers } from './WsCarrier.ts';

/** What the channels may bring before the marker; a client this far ahead is not a real one. */
export const MAX_HELD_BYTES = 8 * 1024 * 1024;

const Upgrade = z.object({ type: z.literal('transport-upgrade') });

/** Whether a WebSocket text frame is the client's `transport-upgrade`. */
export function isUpgrade(text: string): boolean {
  return text.includes('transport-upgrade') && parseJson(Upgrade, text, 'ws transport-upgrade').ok;
}

type Held = { kind: 'ctl'; text: string } | { kind: 'refused'; why: string } | { kind: 'media'; fragment: Buffer };
type Gated = Pick<WsCarrierHandlers, 'onCtlText' | 'onCtlRefused' | 'onMedia'>;

export class BridgeGate {
  private held: Held[] | null = [];
  private heldBytes = 0;

  constructor(
    private readonly handlers: Gated,
    /** Called once if the channels bring more than MAX_HELD_BYTES before the marker. */
    private readonly onOverflow: () => void,
  ) {}

  /** Whether the marker has come (the channels' messages now go straight through). */
  get isOpen(): boolean {
    return this.held === null;
  }

  /** The channel handlers, held back until {@link open}. */
  readonly gated: Gated = {
    onCtlText: (text) => this.take({ kind: 'ctl', text }, Buffer.byteLength(text)),
    onCtlRefused: (why) => this.take({ kind: 'refused', why }, 0),
    onMedia: (fragment) => this.take({ kind: 'media', fragment }, fragment.byteLength),
  };

  /** The marker came: what was held is handled now, in arrival order, and the rest as it comes. */
  open(): void {
    const held = this.held ?? [];
    this.held = null;
    this.heldBytes = 0;
    for (const h of held) this.pass(h);
  }

  private take(h: Held, bytes: number): void {
    if (!this.held) return this.pass(h);
    if (this.heldBytes + bytes > MAX_HELD_BYTES) {
      this.held = [];
      this.heldBytes = 0;
      return this.onOverflow();
    }
    this.held.push(h);
    this.heldBytes += bytes;
  }

  private pass(h: Held): void {
    if (h.kind === 'ctl') this.handlers.onCtlText(h.text);
    else if (h.kind === 'refused') this.handlers.onCtlRefused(h.why);
    else this.handlers.onMedia(h.fragment);
  }
}
