/**
 * Remote sound, the agent's side (capability `remote-sound`): asks to hear a session's PC
 * sound, follows its state (`sound-state`), and gives the UI the sound to play. The link has
 * one sound line, so the relay lets an agent hear one session's sound at a time.
 */
import type { RelayConnection } from '@beacon/shared/browser/RelayConnection';
import type { SoundCtlFromRelay, SoundOffReason, SoundState } from '@beacon/shared/protocol';

export interface SessionSound {
  state: SoundState;
  /** Why it went off last (shown until the next request). */
  reason: SoundOffReason | null;
}

const OFF: SessionSound = { state: 'off', reason: null };
type Listener = () => void;

export class RemoteSoundListener {
  private readonly bySession = new Map<string, SessionSound>();
  private readonly listeners = new Set<Listener>();
  private stopRemote: (() => void) | null = null;
  private watchedLink: RelayConnection | null = null;
  /** The PC's sound as it arrives, for an `<audio>` element. */
  stream: MediaStream | null = null;

  constructor(private readonly link: () => RelayConnection | null) {}

  readonly subscribe = (l: Listener): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  /** The session's sound state (a new object only when it changes). */
  of(sessionId: string): SessionSound {
    return this.bySession.get(sessionId) ?? OFF;
  }

  /** Whether this relay link carries sound at all. */
  isAvailable(): boolean {
    return this.link()?.capabilities.has('remote-sound') ?? false;
  }

  /** Asks the customer; the sound line (receive only) is added first, so it is there when the sound comes. */
  async listen(sessionId: string): Promise<void> {
    const link = this.link();
    if (!link || this.of(sessionId).state !== 'off') return;
    this.set(sessionId, { state: 'asking', reason: null });
    try {
      this.watch(link);
      await link.setSoundTrack(null);
    } catch {
      return this.set(sessionId, { state: 'off', reason: 'unavailable' });
    }
    if (!link.sendCtl({ type: 'sound-request', sessionId })) this.set(sessionId, { state: 'off', reason: 'disconnected' });
  }

  stop(sessionId: string): void {
    if (this.of(sessionId).state === 'off') return;
    this.link()?.sendCtl({ type: 'sound-stop', sessionId });
    this.set(sessionId, { state: 'off', reason: 'stopped' });
  }

  handle(msg: SoundCtlFromRelay): void {
    if (msg.type !== 'sound-state') return;
    this.set(msg.sessionId, { state: msg.state, reason: msg.reason ?? null });
  }

  /** The relay refused a sound request (another session's sound is on, or the session cannot): what asks goes back to off. */
  refused(): void {
    for (const [id, s] of this.bySession) if (s.state === 'asking') this.bySession.set(id, { state: 'off', reason: 'unavailable' });
    this.emit();
  }

  /** The session is over, or the link went (the relay turned its sound off). */
  forget(sessionId: string): void {
    if (this.bySession.delete(sessionId)) this.emit();
  }

  forgetAll(): void {
    this.bySession.clear();
    this.emit();
  }

  private watch(link: RelayConnection): void {
    if (this.watchedLink === link) return;
    this.stopRemote?.();
    this.watchedLink = link;
    this.stream = link.sound.remote ? new MediaStream([link.sound.remote]) : null;
    this.stopRemote = link.sound.onRemote.on((track) => {
      this.stream = new MediaStream([track]);
      this.emit();
    });
  }

  private set(sessionId: string, s: SessionSound): void {
    this.bySession.set(sessionId, s);
    this.emit();
  }

  private emit(): void {
    for (const l of [...this.listeners]) l();
  }
}
