/**
 * Remote sound on a client's relay link (capability `remote-sound`, protocol/sound.ts): the
 * peer connection's second audio m-line. The customer sends the PC's sound on it; the agent
 * receives it there. The voice line always comes first: if the link has none yet, an empty one
 * is added in the same offer, so the relay reads the first audio m-line as voice.
 */
import { Emitter } from '../client/lifecycle.ts';

/** The link's voice sender, which the sound line may have to create. */
export interface VoiceSenderSlot {
  get(): RTCRtpSender | null;
  set(sender: RTCRtpSender): void;
}

function opusOnly(t: RTCRtpTransceiver): void {
  // The relay forwards packets unchanged apart from the header, so both sides must speak Opus.
  const opus = (RTCRtpReceiver.getCapabilities('audio')?.codecs ?? []).filter((c) => c.mimeType.toLowerCase() === 'audio/opus');
  if (opus.length) t.setCodecPreferences(opus);
}

export class SoundLine {
  /** The relay's sound track arrived (agent: after the first {@link set}). */
  readonly onRemote = new Emitter<[MediaStreamTrack]>();
  remote: MediaStreamTrack | null = null;
  private transceiver: RTCRtpTransceiver | null = null;

  constructor(
    private readonly pc: RTCPeerConnection,
    private readonly voice: VoiceSenderSlot,
    /** Sends an offer as `rtc-renegotiate`. */
    private readonly renegotiate: (sdp: string) => void,
  ) {}

  /** Whether an arriving track is the sound line's (then it is taken here). */
  takeTrack(ev: RTCTrackEvent): boolean {
    if (!this.transceiver || ev.transceiver !== this.transceiver) return false;
    this.remote = ev.track;
    this.onRemote.fire(ev.track);
    return true;
  }

  /** Sends `track` on the sound line (null: nothing, the line only receives); the first call adds the line. */
  async set(track: MediaStreamTrack | null): Promise<void> {
    if (this.transceiver) {
      await this.transceiver.sender.replaceTrack(track);
      return;
    }
    this.addLines(track);
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    this.renegotiate(offer.sdp ?? '');
  }

  /** Adds the voice line if the link has none, then the sound line (sending `track`), without an offer. */
  private addLines(track: MediaStreamTrack | null): void {
    if (!this.voice.get()) {
      const voice = this.pc.addTransceiver('audio', { direction: 'sendrecv' });
      opusOnly(voice);
      this.voice.set(voice.sender);
    }
    const sound = this.pc.addTransceiver(track ?? 'audio', { direction: 'sendrecv' });
    opusOnly(sound);
    this.transceiver = sound;
  }

  /** Listen lines (`voice-multi`) come after both lines: the ones missing are added empty, for the caller's offer. */
  addMissing(): void {
    if (!this.transceiver) this.addLines(null);
  }
}
