/**
 * One session's voice call on a client (DOM layer: both renderers use it). Drives the call
 * control messages, asks for the microphone only when this side starts or accepts a call,
 * hands the microphone to the relay link as a WebRTC audio track (so Chromium's echo
 * cancellation sees the far end's audio), and measures input level and speaking state.
 *
 * The UI reads {@link snapshot}, subscribes for changes, and plays {@link remoteStream}
 * in an `<audio>` element: echo cancellation works only for audio played that way.
 */
import { isVoiceCtl, type CtlFromRelay, type CtlToRelay, type Role, type VoiceCtlFromRelay, type VoiceMultiCtlFromRelay } from '../protocol.ts';
import { VoiceRoomState, type ListenLink } from './VoiceRoomState.ts';

export type VoiceState = 'idle' | 'outgoing' | 'incoming' | 'active';
/** Why the last call ended or never started, for the UI to explain. */
/** `no-udp`: the link took the TCP fallback (UDP blocked), which carries no voice. */
export type VoiceNotice = 'declined' | 'ended' | 'busy' | 'mic-denied' | 'mic-missing' | 'no-udp' | null;

export interface VoiceSnapshot {
  state: VoiceState;
  notice: VoiceNotice;
  isMuted: boolean;
  isRemoteMuted: boolean;
  /** Microphone input level, 0..1 (RMS, scaled so speech fills most of the range). */
  level: number;
  isSpeaking: boolean;
  isRemoteSpeaking: boolean;
  /** Joined another agent's session call (`voice-multi`): as a guest, or listening only as a monitor. */
  joinedAs: 'guest' | 'monitor' | null;
}

/** What the call needs from the relay link (RelayConnection implements it). */
export interface VoiceLink {
  sendCtl(msg: CtlToRelay): boolean;
  setAudioTrack(track: MediaStreamTrack | null): Promise<void>;
  readonly remoteAudio: MediaStreamTrack | null;
  readonly onRemoteAudio: { on(l: (track: MediaStreamTrack) => void): () => void };
  /** Listen lines (`voice-multi`): one further speaker each. */
  readonly listen?: ListenLink;
}

export type VoiceCtl = VoiceCtlFromRelay;
/** Whether a ctl message from the relay is voice control (see `VoiceCtlFromRelay`). */
export const isVoiceMessage = (msg: CtlFromRelay): msg is VoiceCtl => isVoiceCtl(msg);

/** The microphone processing the issue asks for; Chromium encodes it with Opus. */
export const MIC_CONSTRAINTS: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
const METER_INTERVAL_MS = 50;
/** RMS above this (after scaling) counts as speaking. */
const SPEAKING_LEVEL = 0.08;
/** Speech RMS is around 0.05..0.2; scale so it reads as a useful bar. */
const LEVEL_SCALE = 4;

type Listener = () => void;

export class VoiceCall {
  private snap: VoiceSnapshot = { state: 'idle', notice: null, isMuted: false, isRemoteMuted: false, level: 0, isSpeaking: false, isRemoteSpeaking: false, joinedAs: null };
  private readonly listeners = new Set<Listener>();
  private mic: MediaStream | null = null;
  private audioContext: AudioContext | null = null;
  private meterTimer: ReturnType<typeof setInterval> | null = null;
  private readonly stopRemoteListener: () => void;
  private isClosed = false;
  /** The remote side's audio, for an `<audio>` element (null until a call negotiated it). */
  remoteStream: MediaStream | null = null;
  /** Everyone in the call when other agents take part (`voice-multi`), and what this client hears of them. */
  readonly room: VoiceRoomState;

  constructor(
    readonly sessionId: string,
    readonly role: Role,
    private readonly link: VoiceLink,
    private readonly getUserMedia: (c: MediaStreamConstraints) => Promise<MediaStream> = (c) => navigator.mediaDevices.getUserMedia(c),
  ) {
    this.room = new VoiceRoomState(link.listen ?? null, () => this.update({}));
    if (link.remoteAudio) this.remoteStream = new MediaStream([link.remoteAudio]);
    this.stopRemoteListener = link.onRemoteAudio.on((track) => {
      this.remoteStream = new MediaStream([track]);
      this.update({});
    });
  }

  get snapshot(): VoiceSnapshot {
    return this.snap;
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Calls the other side. The microphone is asked for now, before they are rung. */
  async start(): Promise<void> {
    if (this.snap.state !== 'idle' || this.isClosed) return;
    if (!(await this.openMic())) return;
    this.update({ state: 'outgoing', notice: null, isMuted: false, isRemoteMuted: false });
    this.link.sendCtl({ type: 'voice-request', sessionId: this.sessionId });
  }

  /** Answers a ringing call; the microphone is asked for only now. */
  async accept(): Promise<void> {
    if (this.snap.state !== 'incoming' || this.isClosed) return;
    if (!(await this.openMic())) {
      this.link.sendCtl({ type: 'voice-decline', sessionId: this.sessionId });
      this.update({ state: 'idle' });
      return;
    }
    this.link.sendCtl({ type: 'voice-accept', sessionId: this.sessionId });
    this.update({ state: 'active', notice: null, isMuted: false, isRemoteMuted: false });
  }

  decline(): void {
    if (this.snap.state !== 'incoming') return;
    this.link.sendCtl({ type: 'voice-decline', sessionId: this.sessionId });
    this.update({ state: 'idle', notice: null });
  }

  /**
   * Joins the session's running call as a participant (`voice-multi`): a guest with its
   * microphone, a monitor listening only (no microphone is asked for).
   */
  async join(as: 'guest' | 'monitor'): Promise<void> {
    if (this.snap.state !== 'idle' || this.isClosed) return;
    if (as === 'guest' && !(await this.openMic())) return;
    this.update({ state: 'outgoing', notice: null, isMuted: as === 'monitor', isRemoteMuted: false, joinedAs: as });
    this.link.sendCtl({ type: 'voice-join', sessionId: this.sessionId });
  }

  /** The relay's view of the call with several agents: a participant is in it once listed, out of it when the list empties. */
  handleRoom(msg: Extract<VoiceMultiCtlFromRelay, { type: 'voice-room' }>): void {
    if (this.isClosed || msg.sessionId !== this.sessionId) return;
    this.room.handle(msg);
    if (!this.snap.joinedAs) return;
    if (msg.members.length === 0) {
      this.stopMic();
      this.update({ state: 'idle', notice: this.snap.state === 'active' ? 'ended' : null, joinedAs: null });
    } else if (this.snap.state === 'outgoing') this.update({ state: 'active' });
  }

  /** Hangs up (or cancels a call that is still ringing); a participant leaves the call. */
  hangUp(): void {
    if (this.snap.state !== 'active' && this.snap.state !== 'outgoing') return;
    this.link.sendCtl({ type: this.snap.joinedAs ? 'voice-leave' : 'voice-end', sessionId: this.sessionId });
    this.stopMic();
    this.update({ state: 'idle', notice: null, joinedAs: null });
  }

  setMuted(isMuted: boolean): void {
    if (this.snap.state !== 'active' || this.snap.isMuted === isMuted || this.snap.joinedAs === 'monitor') return;
    for (const t of this.mic?.getAudioTracks() ?? []) t.enabled = !isMuted;
    this.link.sendCtl({ type: 'voice-mute', sessionId: this.sessionId, isMuted });
    this.update({ isMuted });
  }

  /** One voice message from the relay for this session. */
  handle(msg: VoiceCtl): void {
    if (this.isClosed || msg.sessionId !== this.sessionId) return;
    switch (msg.type) {
      case 'voice-request':
        if (this.snap.state === 'idle') this.update({ state: 'incoming', notice: null });
        return;
      case 'voice-accept':
        if (this.snap.state === 'outgoing') this.update({ state: 'active' });
        return;
      case 'voice-decline':
        if (this.snap.state === 'outgoing') {
          this.stopMic();
          this.update({ state: 'idle', notice: 'declined' });
        }
        return;
      case 'voice-end':
        this.stopMic();
        this.update({ state: 'idle', notice: 'ended', isRemoteMuted: false });
        return;
      case 'voice-mute':
        this.update({ isRemoteMuted: msg.isMuted });
        return;
    }
  }

  /**
   * The relay refused a ctl message. While calling, a `conflict` means the other side is
   * already in a call (an agent talks in one session at a time): stop ringing and say so.
   */
  relayRefused(code: string): void {
    if (this.snap.state !== 'outgoing' || (code !== 'conflict' && !this.snap.joinedAs)) return;
    this.stopMic();
    this.update({ state: 'idle', notice: code === 'conflict' ? 'busy' : 'ended', joinedAs: null });
  }

  /** Idempotent: releases the microphone and stops measuring. The session is over. */
  close(): void {
    if (this.isClosed) return;
    this.stopMic();
    this.isClosed = true;
    this.stopRemoteListener();
    this.room.close();
    this.update({ state: 'idle' });
    this.listeners.clear();
  }

  private async openMic(): Promise<boolean> {
    try {
      this.mic = await this.getUserMedia({ audio: MIC_CONSTRAINTS, video: false });
    } catch (err) {
      const name = err instanceof Error ? err.name : '';
      this.update({ notice: name === 'NotFoundError' || name === 'OverconstrainedError' ? 'mic-missing' : 'mic-denied' });
      return false;
    }
    const track = this.mic.getAudioTracks()[0] ?? null;
    if (!track || this.isClosed) {
      this.stopMic();
      if (!this.isClosed) this.update({ notice: 'mic-missing' });
      return false;
    }
    try {
      await this.link.setAudioTrack(track);
    } catch {
      this.stopMic();
      if (!this.isClosed) this.update({ notice: 'no-udp' });
      return false;
    }
    this.startMeter(this.mic);
    return true;
  }

  private stopMic(): void {
    if (this.meterTimer) clearInterval(this.meterTimer);
    this.meterTimer = null;
    void this.audioContext?.close().catch(() => undefined);
    this.audioContext = null;
    if (this.mic) {
      void this.link.setAudioTrack(null).catch(() => undefined);
      for (const t of this.mic.getTracks()) t.stop();
    }
    this.mic = null;
    if (this.snap.level || this.snap.isSpeaking || this.snap.isRemoteSpeaking) this.update({ level: 0, isSpeaking: false, isRemoteSpeaking: false });
  }

  /** Level and speaking state for both directions, sampled a few times a second. */
  private startMeter(mic: MediaStream): void {
    const ctx = new AudioContext();
    this.audioContext = ctx;
    const local = ctx.createAnalyser();
    local.fftSize = 1024;
    ctx.createMediaStreamSource(mic).connect(local);
    let remote: AnalyserNode | null = null;
    let remoteSource: MediaStream | null = null;
    const buf = new Float32Array(local.fftSize);
    const rms = (a: AnalyserNode): number => {
      a.getFloatTimeDomainData(buf);
      let sum = 0;
      for (const v of buf) sum += v * v;
      return Math.sqrt(sum / buf.length);
    };
    this.meterTimer = setInterval(() => {
      if (this.remoteStream && this.remoteStream !== remoteSource) {
        remoteSource = this.remoteStream;
        remote = ctx.createAnalyser();
        remote.fftSize = 1024;
        ctx.createMediaStreamSource(remoteSource).connect(remote);
      }
      const isMuted = this.snap.isMuted;
      const level = isMuted ? 0 : Math.min(1, rms(local) * LEVEL_SCALE);
      const isActive = this.snap.state === 'active';
      const isRemoteSpeaking = isActive && remote !== null && !this.snap.isRemoteMuted && Math.min(1, rms(remote) * LEVEL_SCALE) > SPEAKING_LEVEL;
      const isSpeaking = level > SPEAKING_LEVEL;
      if (Math.abs(level - this.snap.level) > 0.02 || isSpeaking !== this.snap.isSpeaking || isRemoteSpeaking !== this.snap.isRemoteSpeaking) {
        this.update({ level, isSpeaking, isRemoteSpeaking });
      }
    }, METER_INTERVAL_MS);
  }

  private update(patch: Partial<VoiceSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const l of [...this.listeners]) {
      try {
        l();
      } catch (err) {
        console.error('[beacon] voice listener failed', err);
      }
    }
  }
}
