/**
 * Remote sound, the customer's side (capability `remote-sound`): the agent asks to hear this
 * PC's sound, the session bar asks the customer, and on Allow the sound is captured
 * (soundCapture.ts) and sent on the link's sound line. The bar shows that sound is shared and
 * the customer can stop it there at any time; a stop from the agent or the relay (a dropped
 * link, the session's end) stops the capture too.
 */
import type { VoiceCall } from '@beacon/shared/browser/VoiceCall';
import type { CustomerBridge } from '@beacon/shared/ipc';
import type { CtlToRelay, SoundCtlFromRelay } from '@beacon/shared/protocol';
import { captureSound, type CapturedSound } from './soundCapture.ts';

export type SoundShareState = 'off' | 'asking' | 'starting' | 'on';
export interface SoundShareSnapshot {
  sessionId: string | null;
  state: SoundShareState;
  /** The last share could not start: this PC has no sound to give. */
  isUnavailable: boolean;
}

/** What the share needs from the customer's link. */
export interface SoundShareLink {
  sendCtl(msg: CtlToRelay): boolean;
  setSoundTrack(track: MediaStreamTrack | null): Promise<void>;
}

export interface SoundShareHost {
  link(): SoundShareLink | null;
  bridge: CustomerBridge | undefined;
  /** The running call, whose far end's speech ducks the sound. */
  voice(): VoiceCall | null;
}

type Listener = () => void;

export class SoundShare {
  private snap: SoundShareSnapshot = { sessionId: null, state: 'off', isUnavailable: false };
  private readonly listeners = new Set<Listener>();
  private captured: CapturedSound | null = null;

  constructor(private readonly host: SoundShareHost) {}

  readonly getSnapshot = (): SoundShareSnapshot => this.snap;

  readonly subscribe = (l: Listener): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  /** One sound message from the relay; `runningSessionId`: the session on screen (others are ignored). */
  handle(msg: SoundCtlFromRelay, runningSessionId: string | null): void {
    if (msg.sessionId !== runningSessionId) return;
    if (msg.type === 'sound-request') return this.update({ sessionId: msg.sessionId, state: 'asking', isUnavailable: false });
    if (msg.state === 'off') {
      this.release();
      this.update({ sessionId: msg.sessionId, state: 'off' });
    }
  }

  /** The customer allowed it: capture, send, then answer (so the first packets are there when the agent is told). */
  async allow(): Promise<void> {
    const sessionId = this.snap.sessionId;
    if (this.snap.state !== 'asking' || !sessionId) return;
    this.update({ state: 'starting' });
    let captured: CapturedSound | null = null;
    try {
      captured = await captureSound(this.host.bridge, () => this.host.voice()?.snapshot.isRemoteSpeaking ?? false);
      if (captured) await this.host.link()?.setSoundTrack(captured.track);
    } catch (err) {
      console.warn('[beacon] the PC’s sound could not be captured', err);
      captured?.stop();
      captured = null;
    }
    // Stopped, or another session, while the capture started: it is not sent.
    const now = this.getSnapshot();
    if (now.state !== 'starting' || now.sessionId !== sessionId) return captured?.stop();
    if (!captured) {
      this.host.link()?.sendCtl({ type: 'sound-stop', sessionId, reason: 'unavailable' });
      return this.update({ state: 'off', isUnavailable: true });
    }
    this.captured = captured;
    this.host.link()?.sendCtl({ type: 'sound-answer', sessionId, accept: true });
    this.update({ state: 'on' });
  }

  decline(): void {
    const sessionId = this.snap.sessionId;
    if (this.snap.state !== 'asking' || !sessionId) return;
    this.host.link()?.sendCtl({ type: 'sound-answer', sessionId, accept: false });
    this.update({ state: 'off' });
  }

  /** The customer stops sharing the sound. */
  stop(): void {
    const sessionId = this.snap.sessionId;
    if ((this.snap.state !== 'on' && this.snap.state !== 'starting') || !sessionId) return;
    this.host.link()?.sendCtl({ type: 'sound-stop', sessionId });
    this.release();
    this.update({ state: 'off' });
  }

  /** The running session changed or ended: whatever was shared for another session stops. */
  sync(runningSessionId: string | null): void {
    if (this.snap.sessionId === null || this.snap.sessionId === runningSessionId) return;
    this.release();
    this.update({ sessionId: null, state: 'off', isUnavailable: false });
  }

  private release(): void {
    if (!this.captured) return;
    this.captured.stop();
    this.captured = null;
    void this.host.link()?.setSoundTrack(null).catch(() => undefined);
  }

  private update(patch: Partial<SoundShareSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const l of [...this.listeners]) l();
  }
}
