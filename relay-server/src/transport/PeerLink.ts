/**
 * The relay's end of one client's WebRTC link (node-datachannel): one PeerConnection and
 * the `ctl` and `media` data channels the client opens. The client offers; we answer.
 *
 * Every native object is referenced from this instance for as long as the link lives: an
 * unreferenced DataChannel is garbage-collected and silently closed by libdatachannel.
 */
import nodeDataChannel, { type DataChannel, type PeerConnection, type RtcConfig, type Track } from 'node-datachannel';
import { LIMITS, type CtlFromRelay } from '@beacon/shared/protocol';
import type { MediaSink } from '../sessions/Session.ts';
import { parseAudioLines, type AudioLine } from '../voice/RtpRewriter.ts';
import type { AudioPort } from '../voice/VoiceHandler.ts';
import type { Logger } from '../platform/logger.ts';
import { holdUntilClosed } from '../platform/nativeHandles.ts';

/** Candidates a client may send before its offer arrives; more is not a real browser. */
const MAX_EARLY_CANDIDATES = 64;
/** A slow ctl reader must not grow the relay's memory without bound. */
const CTL_BUFFER_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * Where the relay's WebRTC traffic goes: a port range (one UDP port per peer connection), or
 * one UDP port that every peer connection shares (ICE UDP multiplexing: one firewall rule, and
 * one socket for the ICE thread to poll instead of one per connection, about 20% less relay
 * CPU per session measured at 150 sessions).
 */
export type RtcPorts = { kind: 'range'; min: number; max: number } | { kind: 'shared'; port: number };

export interface PeerLinkHandlers {
  /** Signalling to send back over the WebSocket. */
  onAnswer(sdp: string): void;
  onCandidate(candidate: string, mid: string): void;
  onCtlText(text: string): void;
  /** A ctl message that was not text, or too big to parse. */
  onCtlRefused(why: string): void;
  onMedia(fragment: Buffer): void;
  /** The ctl channel opened (the relay may now send cached state). */
  onCtlOpen(): void;
  /** The media channel opened (a session waiting for this link may start). */
  onMediaOpen?(): void;
  /** The link failed or closed from the remote side. */
  onLost(reason: string): void;
  /** Voice: the client's audio m-line (after a renegotiation) and the track to send to it. */
  onAudioTrack?(line: AudioLine, port: AudioPort): void;
  /** Voice: one RTP/RTCP packet from the client's audio track (already decrypted). */
  onAudioPacket?(packet: Buffer): void;
  /** Remote sound: the client's second audio m-line and the track to send to it (see protocol/sound.ts). */
  onSoundTrack?(line: AudioLine, port: AudioPort): void;
  /** Remote sound: one RTP/RTCP packet from the client's sound track. */
  onSoundPacket?(packet: Buffer): void;
  /** Voice with several agents: the client's listen line `index` (its third audio m-line and on; see protocol/voiceMulti.ts). */
  onListenTrack?(index: number, line: AudioLine, port: AudioPort): void;
}

export class PeerLink {
  private readonly pc: PeerConnection;
  private ctl: DataChannel | null = null;
  private media: DataChannel | null = null;
  /** Channels with unexpected labels are kept only to be closed with the link. */
  private readonly strays: DataChannel[] = [];
  private readonly strayTracks: Track[] = [];
  /** Kept referenced for the same reason as the channels. */
  private audio: Track | null = null;
  /** The audio m-line of the client's latest offer, for the track that the answer creates. */
  private offeredAudio: AudioLine | null = null;
  /** Remote sound: the second audio m-line and its track, kept like the voice track. */
  private sound: Track | null = null;
  private offeredSound: AudioLine | null = null;
  /** Listen lines (`voice-multi`): receive-only, the relay sends on them; by MID. */
  private readonly listen = new Map<string, Track>();
  private offeredListen: AudioLine[] = [];
  private earlyCandidates: { candidate: string; mid: string }[] | null = [];
  private hasOffer = false;
  private hasCtlOpened = false;
  private isClosed = false;

  constructor(
    name: string,
    private readonly handlers: PeerLinkHandlers,
    private readonly log: Logger,
    ports?: RtcPorts,
    /** The one local address to bind and advertise (the relay's BEACON_HOST); absent: every interface. */
    bindAddress?: string,
  ) {
    // DTLS-SRTP from the start: a link first negotiated with data channels only cannot carry
    // the audio track that a voice call adds later by renegotiation.
    const config: RtcConfig = { iceServers: [], maxMessageSize: 256 * 1024, forceMediaTransport: true };
    if (bindAddress) config.bindAddress = bindAddress;
    if (ports?.kind === 'range') {
      config.portRangeBegin = ports.min;
      config.portRangeEnd = ports.max;
    } else if (ports?.kind === 'shared') {
      config.portRangeBegin = ports.port;
      config.portRangeEnd = ports.port;
      config.enableIceUdpMux = true;
    }
    this.pc = new nodeDataChannel.PeerConnection(name, config);
    this.pc.onLocalDescription((sdp, type) => {
      if (!this.isClosed && type === 'answer') this.handlers.onAnswer(sdp);
    });
    this.pc.onLocalCandidate((candidate, mid) => {
      // Browsers expect the bare `candidate:` form; libdatachannel emits the SDP line.
      if (!this.isClosed) this.handlers.onCandidate(candidate.replace(/^a=/, ''), mid);
    });
    this.pc.onStateChange((state) => {
      if (this.isClosed) return;
      if (state === 'failed' || state === 'closed') this.handlers.onLost(`peer connection ${state}`);
    });
    this.pc.onDataChannel((dc) => this.adopt(dc));
    this.pc.onTrack((track) => this.adoptTrack(track));
  }

  get isOfferApplied(): boolean {
    return this.hasOffer;
  }

  get state(): string {
    return this.isClosed ? 'closed' : this.pc.state();
  }

  /** Applies the client's offer; the answer arrives through `onAnswer`. Throws on a bad SDP. */
  acceptOffer(sdp: string): void {
    if (this.hasOffer) throw new Error('offer already applied');
    this.pc.setRemoteDescription(sdp, 'offer');
    this.hasOffer = true;
    for (const c of this.earlyCandidates ?? []) this.applyCandidate(c.candidate, c.mid);
    this.earlyCandidates = null;
  }

  /**
   * Applies a later offer from the client (voice adds an audio transceiver); the answer
   * arrives through `onAnswer`. Throws on a bad SDP or before the first offer.
   */
  renegotiate(sdp: string): void {
    if (!this.hasOffer || this.isClosed) throw new Error('no peer connection to renegotiate');
    const lines = parseAudioLines(sdp);
    this.offeredAudio = lines[0] ?? null;
    this.offeredSound = lines[1] ?? null;
    this.offeredListen = lines.slice(2);
    this.pc.setRemoteDescription(sdp, 'offer');
    // A track that already exists keeps its object; only its parameters may have changed.
    if (this.audio && this.offeredAudio && this.offeredAudio.mid === this.audio.mid()) this.announceAudio();
    if (this.sound && this.offeredSound && this.offeredSound.mid === this.sound.mid()) this.announceSound();
    for (const mid of this.listen.keys()) this.announceListen(mid);
  }

  addRemoteCandidate(candidate: string, mid: string): void {
    if (this.isClosed) return;
    if (!this.hasOffer) {
      if (this.earlyCandidates && this.earlyCandidates.length < MAX_EARLY_CANDIDATES) {
        this.earlyCandidates.push({ candidate, mid });
      }
      return;
    }
    this.applyCandidate(candidate, mid);
  }

  get isCtlOpen(): boolean {
    return !this.isClosed && this.ctl !== null && this.ctl.isOpen();
  }

  /** Which of the two channels are open now (a session starts only on the ones it needs). */
  channels(): { ctl: boolean; media: boolean } {
    return { ctl: this.isCtlOpen, media: this.mediaSink.isOpen() };
  }

  /**
   * The largest message the client takes on `ctl`: its SDP's `a=max-message-size` (64 KiB when
   * it names none), as libdatachannel read it; 0 while the channel is not open.
   */
  get ctlMaxMessageBytes(): number {
    if (!this.isCtlOpen || !this.ctl) return 0;
    try {
      return this.ctl.maxMessageSize();
    } catch {
      return 0;
    }
  }

  /**
   * Sends one ctl message; false if the channel is not open, its buffer is over the limit, or
   * the message is larger than the client takes (libdatachannel would refuse it). A message
   * libdatachannel queues behind others (its `send` answers false then) is sent: only a throw
   * means the channel did not take it.
   */
  sendCtl(msg: CtlFromRelay): boolean {
    const ctl = this.ctl;
    if (this.isClosed || !ctl?.isOpen()) return false;
    if (ctl.bufferedAmount() > CTL_BUFFER_LIMIT_BYTES) {
      this.log.warn('ctl message dropped: buffer full', { type: msg.type });
      return false;
    }
    const text = JSON.stringify(msg);
    const max = this.ctlMaxMessageBytes;
    if (max > 0 && Buffer.byteLength(text) > max) {
      this.log.warn('ctl message dropped: larger than the client takes', { type: msg.type, bytes: Buffer.byteLength(text), max });
      return false;
    }
    try {
      // False from libdatachannel means "queued behind earlier messages", not refused.
      ctl.sendMessage(text);
      return true;
    } catch (err) {
      this.log.warn('ctl send failed', { err });
      return false;
    }
  }

  /** The media channel as the forwarder sees it. */
  readonly mediaSink: MediaSink = {
    isOpen: () => !this.isClosed && this.media !== null && this.media.isOpen(),
    bufferedAmount: () => (this.isClosed || !this.media ? 0 : this.media.bufferedAmount()),
    send: (fragment) => {
      if (this.isClosed || !this.media) return false;
      try {
        this.media.sendMessageBinary(fragment); // false: queued, counted in bufferedAmount
        return true;
      } catch {
        return false;
      }
    },
  };

  /** Idempotent: closes both channels and the peer connection, and logs why once. */
  close(reason: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.log.debug('peer link closed', { reason });
    for (const track of [this.audio, this.sound, ...this.listen.values()]) {
      try {
        track?.close();
      } catch {
        /* already closed */
      }
    }
    for (const dc of [this.ctl, this.media, ...this.strays]) {
      try {
        dc?.close();
      } catch {
        /* already closed */
      }
    }
    try {
      this.pc.close();
    } catch {
      /* already closed */
    }
  }

  private ctlOpened(): void {
    if (this.hasCtlOpened || this.isClosed) return;
    this.hasCtlOpened = true;
    this.handlers.onCtlOpen();
  }

  private applyCandidate(candidate: string, mid: string): void {
    // Chromium hides its host addresses behind mDNS names. Resolving them would block on a
    // resolver the relay may not have; the browser still reaches our host candidates and
    // its address then appears as a peer-reflexive candidate.
    if (/\s[0-9a-f-]+\.local\s/i.test(` ${candidate} `)) return;
    try {
      this.pc.addRemoteCandidate(candidate, mid);
    } catch (err) {
      this.log.warn('remote candidate refused', { err, candidate: candidate.slice(0, 200) });
    }
  }

  private adoptTrack(track: Track): void {
    holdUntilClosed(track);
    if (!this.isClosed && track.type() === 'audio' && !this.listen.has(track.mid()) && this.offeredListen.some((l) => l.mid === track.mid())) {
      this.listen.set(track.mid(), track);
      track.onError((err) => this.log.warn('listen track error', { err }));
      this.announceListen(track.mid());
      return;
    }
    if (!this.isClosed && !this.sound && track.type() === 'audio' && this.offeredSound && track.mid() === this.offeredSound.mid) {
      this.sound = track;
      track.onMessage((packet) => {
        if (!this.isClosed) this.handlers.onSoundPacket?.(packet);
      });
      track.onError((err) => this.log.warn('sound track error', { err }));
      this.announceSound();
      return;
    }
    if (this.isClosed || this.audio || track.type() !== 'audio' || !this.offeredAudio || track.mid() !== this.offeredAudio.mid) {
      this.log.warn('unexpected media track closed', { mid: track.mid().slice(0, 64), type: track.type() });
      this.strayTracks.push(track);
      track.close();
      return;
    }
    this.audio = track;
    track.onMessage((packet) => {
      if (!this.isClosed) this.handlers.onAudioPacket?.(packet);
    });
    track.onError((err) => this.log.warn('audio track error', { err }));
    this.announceAudio();
  }

  private announceAudio(): void {
    const track = this.audio;
    const line = this.offeredAudio;
    if (track && line) this.handlers.onAudioTrack?.(line, this.portOf(track));
  }

  private announceSound(): void {
    const track = this.sound;
    const line = this.offeredSound;
    if (track && line) this.handlers.onSoundTrack?.(line, this.portOf(track));
  }

  private announceListen(mid: string): void {
    const track = this.listen.get(mid);
    const index = this.offeredListen.findIndex((l) => l.mid === mid);
    if (track && index >= 0) this.handlers.onListenTrack?.(index, this.offeredListen[index]!, this.portOf(track));
  }

  private portOf(track: Track): AudioPort {
    return {
      isOpen: () => !this.isClosed && track.isOpen(),
      send: (packet) => {
        if (this.isClosed) return false;
        try {
          return track.sendMessageBinary(packet);
        } catch {
          return false;
        }
      },
    };
  }

  private adopt(dc: DataChannel): void {
    const label = dc.getLabel();
    if (this.isClosed || (label === 'ctl' && this.ctl) || (label === 'media' && this.media) || (label !== 'ctl' && label !== 'media')) {
      holdUntilClosed(dc);
      if (!this.isClosed) this.log.warn('unexpected data channel closed', { label: label.slice(0, 64) });
      this.strays.push(dc);
      dc.close();
      return;
    }
    if (label === 'ctl') {
      this.ctl = dc;
      dc.onMessage((msg) => {
        if (this.isClosed) return;
        if (typeof msg !== 'string') return this.handlers.onCtlRefused('binary message on ctl');
        if (Buffer.byteLength(msg) > LIMITS.maxJsonMessageBytes) return this.handlers.onCtlRefused('ctl message too large');
        this.handlers.onCtlText(msg);
      });
      // Channels announced by the remote side are usually open already, and then onOpen never fires.
      dc.onOpen(() => this.ctlOpened());
      if (dc.isOpen()) this.ctlOpened();
      holdUntilClosed(dc, () => {
        if (!this.isClosed) this.handlers.onLost('ctl channel closed');
      });
      return;
    }
    if (label === 'media') {
      this.media = dc;
      dc.onMessage((msg) => {
        if (this.isClosed) return;
        if (Buffer.isBuffer(msg)) this.handlers.onMedia(msg);
        else if (msg instanceof ArrayBuffer) this.handlers.onMedia(Buffer.from(msg));
        else this.log.debug('text message on media channel ignored');
      });
      holdUntilClosed(dc, () => {
        if (!this.isClosed) this.handlers.onLost('media channel closed');
      });
      let hasOpened = false;
      const opened = () => {
        if (hasOpened || this.isClosed) return;
        hasOpened = true;
        this.handlers.onMediaOpen?.();
      };
      dc.onOpen(opened);
      if (dc.isOpen()) opened();
    }
  }
}
