/**
 * The console's sessions, one {@link AgentSession} each (the only per-session map), and the
 * routing of what the relay link carries to them: ctl messages by session, media fragments by
 * stream. The link and the tab list stay with AgentClient.
 */
import { isCollabMessage } from '@beacon/shared/browser/CollabSession';
import type { RelayConnection } from '@beacon/shared/browser/RelayConnection';
import { isVoiceMessage, type VoiceCall } from '@beacon/shared/browser/VoiceCall';
import type { ErrorCode } from '@beacon/shared/errors';
import { FramingError, readHeader } from '@beacon/shared/framing';
import { decodeChunk, isCameraCtl, isCurtainCtl, isFtCtl, isSoundCtl, type CtlFromRelay, type QualityMode, type RelayToClient, type ResumeClaim, type StreamConfig } from '@beacon/shared/protocol';
import type { ConsoleAction } from '../common/ConsoleModel.ts';
import { AgentSession, type SessionHost } from './AgentSession.ts';
import { carriedMatch, type Carries } from '../common/linkRouting.ts';
import { RemoteSoundListener } from './sound/RemoteSoundListener.ts';

export interface SessionsHost extends SessionHost {
  /** The relay link that carries `sessionId` now (the home link without one), for voice calls (null while there is none). */
  link(sessionId?: string): RelayConnection | null;
  /** The console has a tab for this session (configs for sessions it never heard of are dropped). */
  hasTab(sessionId: string): boolean;
  /** The relay refused a ctl message (shown above the tabs). */
  ctlRefused(code: ErrorCode): void;
}

/** Malformed media is logged at most this often. */
const MEDIA_WARN_INTERVAL_MS = 5000;
/** Stream configs kept for sessions without a tab (yet). */
const UNTABBED_CONFIGS = 4;

export class AgentSessions {
  private readonly sessions = new Map<string, AgentSession>();
  /** Our resume secret of each running session (capability `resume`): a dropped link resumes them. */
  private readonly secrets = new Map<string, string>();
  /**
   * Stream configs of sessions the console has no tab for yet: a session handed to this agent
   * (desk transfer) has its config on the data channel race its `session-started` on the socket.
   * A few at most; the oldest goes first.
   */
  private readonly untabbedConfigs = new Map<string, StreamConfig>();
  private lastMediaWarnAt = 0;
  /** Remote sound: what each session's PC sound is doing, and the sound to play. */
  readonly sound = new RemoteSoundListener(() => this.host.link());

  constructor(private readonly host: SessionsHost) {}

  get(sessionId: string): AgentSession | undefined {
    return this.sessions.get(sessionId);
  }

  /** The session's object, created on first use (chat works from the pending request on). */
  open(sessionId: string): AgentSession {
    let s = this.sessions.get(sessionId);
    if (!s) {
      s = new AgentSession(sessionId, this.host);
      this.sessions.set(sessionId, s);
    }
    return s;
  }

  voice(sessionId: string): VoiceCall | null {
    return this.open(sessionId).voice(this.host.link(sessionId));
  }

  isInCallElsewhere(sessionId: string): boolean {
    for (const [id, s] of this.sessions) if (id !== sessionId && s.isInCall) return true;
    return false;
  }

  /** The customer accepted: a voice session rings them now, a screen session starts its picture. */
  started(sessionId: string, streamId: number, hasControl: boolean, isVoiceOnly: boolean, mode: QualityMode, resumeSecret?: string): void {
    const s = this.open(sessionId);
    const early = this.untabbedConfigs.get(sessionId);
    this.untabbedConfigs.delete(sessionId);
    if (early) s.configure(early);
    if (resumeSecret) this.secrets.set(sessionId, resumeSecret);
    if (s.remote) return;
    if (isVoiceOnly) {
      void this.voice(sessionId)?.start();
      return;
    }
    s.start(streamId, hasControl, mode);
    this.host.changed(); // the tab can now show its canvas
  }

  /** The session is over: picture, input and call stop; the tab keeps its chat and last picture. */
  ended(sessionId: string): void {
    this.secrets.delete(sessionId);
    this.sessions.get(sessionId)?.end();
    this.sound.forget(sessionId);
  }

  /** The tab is closed. */
  drop(sessionId: string): void {
    this.secrets.delete(sessionId);
    this.sessions.get(sessionId)?.dispose();
    this.sessions.delete(sessionId);
  }

  /**
   * The link is gone. Sessions we hold a resume secret for wait to be resumed on the next link
   * (only their call ends: its audio was on the old link); every other session ends. Returns
   * the IDs of those that wait. Sessions `elsewhere` (on another relay's link) go on.
   */
  linkLost(elsewhere: (sessionId: string) => boolean = () => false): string[] {
    // The relay turned every share off with the link (ask again after a resume).
    this.sound.forgetAll();
    for (const [id, s] of this.sessions) {
      if (elsewhere(id)) continue;
      if (this.secrets.has(id)) s.endCall();
      else s.end();
    }
    return [...this.sessions.keys()].filter((id) => this.secrets.has(id) || elsewhere(id));
  }

  /** What the next link's hello asks back (not the sessions `elsewhere`: another relay holds them). */
  resumeClaims(elsewhere: (sessionId: string) => boolean = () => false): ResumeClaim[] {
    return [...this.secrets].filter(([sessionId]) => !elsewhere(sessionId)).map(([sessionId, secret]) => ({ sessionId, secret }));
  }

  /** What a resume message from the relay changes on the tabs (null: nothing). */
  resumeAction(msg: RelayToClient): ConsoleAction | null {
    switch (msg.type) {
      case 'peer-away':
        return { type: 'peer-away', sessionId: msg.sessionId, until: Date.now() + msg.remainingMs };
      case 'peer-back':
        return { type: 'peer-back', sessionId: msg.sessionId };
      case 'session-resumed':
        // What this console sent about files that the drop may have lost goes again.
        this.sessions.get(msg.sessionId)?.files.resumed();
        return null;
      case 'resume-refused':
        this.ended(msg.sessionId);
        return { type: 'relay', msg: { type: 'session-ended', sessionId: msg.sessionId, reason: 'network-lost' } };
      default:
        return null;
    }
  }

  /** Signed out: everything goes. */
  disposeAll(): void {
    this.secrets.clear();
    for (const s of this.sessions.values()) s.dispose();
    this.sessions.clear();
  }

  /** Which picture is on screen, and the quality mode each running session should have sent. */
  syncViews(selectedId: string | null): void {
    for (const [id, s] of this.sessions) {
      const remote = s.remote;
      if (!remote || remote.closed) continue;
      remote.setVisible(id === selectedId);
      remote.syncQualityMode();
    }
  }

  onCtl(msg: CtlFromRelay): void {
    if (isSoundCtl(msg)) return this.sound.handle(msg);
    if (isVoiceMessage(msg)) {
      this.voice(msg.sessionId)?.handle(msg);
      return;
    }
    if (msg.type === 'voice-room') return this.voice(msg.sessionId)?.handleRoom(msg);
    if (isCollabMessage(msg)) {
      this.open(msg.sessionId).collab.handle(msg);
      return;
    }
    if (isFtCtl(msg)) {
      this.open(msg.sessionId).files.handleCtl(msg);
      return;
    }
    if (isCameraCtl(msg)) {
      this.sessions.get(msg.sessionId)?.camera.onCtl(msg);
      return;
    }
    if (isCurtainCtl(msg)) {
      // The state told on joining or taking over may come before the session's `session-started`.
      this.open(msg.sessionId).curtain.onCtl(msg);
      return;
    }
    switch (msg.type) {
      case 'stream-config':
        if (this.host.hasTab(msg.sessionId)) this.open(msg.sessionId).configure(msg.config);
        else this.keepUntabbed(msg.sessionId, msg.config);
        return;
      case 'pong':
        this.sessions.get(msg.sessionId)?.remote?.onPong(msg.t);
        return;
      case 'stream-state':
        this.sessions.get(msg.sessionId)?.remote?.onStreamState(msg);
        return;
      case 'clipboard-send':
      case 'clipboard-unavailable':
      case 'clipboard-image':
        void this.sessions.get(msg.sessionId)?.remote?.clipboard?.onCtl(msg);
        return;
      case 'clipboard-policy':
        // It may come before the picture (and its clipboard) exists: the session keeps it.
        this.open(msg.sessionId).clipboardPolicy = msg;
        void this.sessions.get(msg.sessionId)?.remote?.clipboard?.onCtl(msg);
        return;
      case 'monitor-list':
        this.sessions.get(msg.sessionId)?.remote?.monitors.onList(msg);
        return;
      case 'error':
        console.warn('[beacon] relay refused a ctl message:', msg.code, msg.message);
        for (const s of this.sessions.values()) s.currentVoice?.relayRefused(msg.code);
        if (msg.re?.type === 'sound-request') this.sound.refused();
        if (msg.re?.type === 'camera-request') for (const s of this.sessions.values()) s.camera.askRefused();
        if (msg.re?.type === 'curtain-request') for (const s of this.sessions.values()) s.curtain.askRefused();
        this.host.ctlRefused(msg.code);
        return;
      default:
        console.warn('[beacon] ignoring ctl message not meant for agents:', msg.type);
    }
  }

  private keepUntabbed(sessionId: string, config: StreamConfig): void {
    this.untabbedConfigs.delete(sessionId);
    this.untabbedConfigs.set(sessionId, config);
    const oldest = this.untabbedConfigs.keys().next().value;
    if (this.untabbedConfigs.size > UNTABBED_CONFIGS && oldest !== undefined) this.untabbedConfigs.delete(oldest);
  }

  /** A file chunk: to the session that was offered its lane, among those the link it came on carries (linkRouting.ts). */
  onFileChunk(chunk: Uint8Array, carries: Carries = () => true): void {
    const d = decodeChunk(chunk);
    if (!d.ok) return;
    carriedMatch(this.sessions, carries, (s) => s.files.hasLane(d.header.lane))?.files.handleChunk(chunk);
  }

  /** A picture fragment: to the session of its stream, among those the link it came on carries (linkRouting.ts). */
  onMedia(fragment: Uint8Array, carries: Carries = () => true): void {
    let stream: number;
    try {
      stream = readHeader(fragment).stream;
    } catch (err) {
      if (!(err instanceof FramingError)) throw err;
      const t = performance.now();
      if (t - this.lastMediaWarnAt > MEDIA_WARN_INTERVAL_MS) {
        this.lastMediaWarnAt = t;
        console.warn('[beacon] dropped a malformed media fragment:', err.message);
      }
      return;
    }
    carriedMatch(this.sessions, carries, (s) => s.liveStreamId === stream)?.remote?.pushFragment(fragment);
  }
}
