/**
 * Listen lines on a client's relay link (capability `voice-multi`, protocol/voiceMulti.ts): the
 * audio m-lines after the voice line and the sound line, on which the relay sends one speaker
 * each. They are only added, never removed (a line the relay leaves silent costs nothing), in
 * one renegotiation for all that are missing; the voice and sound lines are put in the same
 * offer when the link has none yet, so the relay counts the lines right.
 */
import { Emitter } from '../client/lifecycle.ts';

/** What the listen lines need of the link's other audio lines. */
export interface AudioLinesBefore {
  /** Adds the voice and sound lines the link lacks, without an offer. */
  addMissing(): void;
}

const MAX_LINES = 9;

function opusOnly(t: RTCRtpTransceiver): void {
  const opus = (RTCRtpReceiver.getCapabilities('audio')?.codecs ?? []).filter((c) => c.mimeType.toLowerCase() === 'audio/opus');
  if (opus.length) t.setCodecPreferences(opus);
}

/** Resolves once no offer of ours waits for its answer (one renegotiation at a time). */
function whenStable(pc: RTCPeerConnection): Promise<void> {
  if (pc.signalingState === 'stable') return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (pc.signalingState !== 'stable' && pc.signalingState !== 'closed') return;
      pc.removeEventListener('signalingstatechange', check);
      resolve();
    };
    pc.addEventListener('signalingstatechange', check);
  });
}

export class ListenLines {
  /** A listen line's track arrived: (index, track). */
  readonly onTrack = new Emitter<[number, MediaStreamTrack]>();
  readonly tracks: MediaStreamTrack[] = [];
  private readonly transceivers: RTCRtpTransceiver[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly pc: RTCPeerConnection,
    private readonly before: AudioLinesBefore,
    /** Sends an offer as `rtc-renegotiate`. */
    private readonly renegotiate: (sdp: string) => void,
  ) {}

  /** Whether an arriving track is a listen line's (then it is taken here). */
  takeTrack(ev: RTCTrackEvent): boolean {
    const i = this.transceivers.indexOf(ev.transceiver);
    if (i < 0) return false;
    this.tracks[i] = ev.track;
    this.onTrack.fire(i, ev.track);
    return true;
  }

  /** At least `count` listen lines (at most 9); resolves once they are offered. */
  ensure(count: number): Promise<void> {
    this.queue = this.queue.then(() => this.grow(Math.min(count, MAX_LINES))).catch((err: unknown) => console.warn('[beacon] listen lines not added', err));
    return this.queue;
  }

  private async grow(count: number): Promise<void> {
    if (this.transceivers.length >= count) return;
    await whenStable(this.pc);
    if (this.pc.signalingState === 'closed') return;
    this.before.addMissing();
    while (this.transceivers.length < count) {
      // sendrecv with nothing to send, like the agent's sound line: the relay sends, the client does not.
      const t = this.pc.addTransceiver('audio', { direction: 'sendrecv' });
      opusOnly(t);
      this.transceivers.push(t);
      this.tracks.push(t.receiver.track);
      this.onTrack.fire(this.tracks.length - 1, t.receiver.track);
    }
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    this.renegotiate(offer.sdp ?? '');
  }
}
