/**
 * The relay's end of one client's WebRTC link, for the apps' scripted fake relays (Node,
 * node-datachannel): answers the client's offer, trades candidates, keeps both data channels
 * referenced (an unreferenced one is collected and silently closed) and hands on what they
 * carry. The fake relays decide everything else (what to parse, what to answer).
 */
import nodeDataChannel, { type DataChannel, type PeerConnection } from 'node-datachannel';
import type { ClientToRelay, CtlFromRelay, RelayToClient } from '@beacon/shared/protocol';

export interface FakeRelayPeerHandlers {
  /** A text message on `ctl`, unparsed. */
  onCtl(text: string): void;
  /** A binary message on `media`. */
  onMedia?(bytes: Uint8Array): void;
  /** Both channels arrived (once). */
  onChannels?(): void;
}

export class FakeRelayPeer {
  private pc: PeerConnection | null = null;
  private readonly channels = new Map<string, DataChannel>();

  constructor(
    private readonly sendSignal: (msg: RelayToClient) => void,
    private readonly handlers: FakeRelayPeerHandlers,
  ) {}

  /** Takes the client's `rtc-offer` and `rtc-candidate`; false for any other message. */
  onSignal(msg: ClientToRelay): boolean {
    if (msg.type === 'rtc-offer') this.answer(msg.sdp);
    else if (msg.type === 'rtc-candidate') {
      try {
        this.pc?.addRemoteCandidate(msg.candidate, msg.mid);
      } catch {
        // mDNS or otherwise unusable candidate: the relay's own candidates suffice on loopback.
      }
    } else return false;
    return true;
  }

  /** Both data channels are there and open. */
  get isOpen(): boolean {
    return this.channels.get('ctl')?.isOpen() === true && this.channels.get('media')?.isOpen() === true;
  }

  sendCtl(msg: CtlFromRelay): void {
    this.channels.get('ctl')?.sendMessage(JSON.stringify(msg));
  }

  sendMedia(fragment: Uint8Array): void {
    this.channels.get('media')?.sendMessageBinary(Buffer.from(fragment.buffer, fragment.byteOffset, fragment.byteLength));
  }

  close(): void {
    try {
      for (const dc of this.channels.values()) dc.close();
      this.pc?.close();
    } catch {
      /* already closed */
    }
  }

  private answer(sdp: string): void {
    const pc = new nodeDataChannel.PeerConnection('fake-relay', { iceServers: [], maxMessageSize: 256 * 1024 });
    this.pc = pc;
    pc.onLocalDescription((answer, type) => {
      if (type === 'answer') this.sendSignal({ type: 'rtc-answer', sdp: answer });
    });
    pc.onLocalCandidate((candidate, mid) => this.sendSignal({ type: 'rtc-candidate', candidate: candidate.replace(/^a=/, ''), mid }));
    pc.onDataChannel((dc) => {
      this.channels.set(dc.getLabel(), dc);
      if (dc.getLabel() !== 'ctl' && dc.getLabel() !== 'media') return;
      if (this.channels.has('ctl') && this.channels.has('media')) this.handlers.onChannels?.();
      dc.onMessage((m) => {
        if (dc.getLabel() === 'ctl' && typeof m === 'string') this.handlers.onCtl(m);
        else if (dc.getLabel() === 'media' && typeof m !== 'string') {
          this.handlers.onMedia?.(m instanceof ArrayBuffer ? new Uint8Array(m) : new Uint8Array(m.buffer, m.byteOffset, m.byteLength));
        }
      });
    });
    pc.setRemoteDescription(sdp, 'offer');
  }
}
