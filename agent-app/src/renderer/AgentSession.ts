/**
 * Everything the console holds for one session, from its first use (a pending request's
 * chat) until its tab is closed: the chat/files/boards, the voice call on the current relay
 * link, the stream config that came before the session started, and once started the
 * picture and input (RemoteSession). `end()` stops what needs the link (picture, input, call)
 * and keeps what the ended tab still shows; `dispose()` frees everything, once.
 */
import { CollabSession } from '@beacon/shared/browser/CollabSession';
import { VoiceCall, type VoiceLink } from '@beacon/shared/browser/VoiceCall';
import type { ClipboardPolicy, CtlToRelay, QualityMode, StreamConfig } from '@beacon/shared/protocol';
import { RemoteSession } from './RemoteSession.ts';
import type { RelayConnection } from '@beacon/shared/browser/RelayConnection';
import { FileTransferSession } from '@beacon/shared/client/FileTransferSession';
import { acceptRequestedFiles } from './transfer/acceptRequestedFiles.ts';
import { CameraControl } from '../common/CameraControl.ts';
import { CurtainControl } from '../common/CurtainControl.ts';

/** What a session needs from the console around it. */
export interface SessionHost {
  sendCtl(msg: CtlToRelay): boolean;
  /** Something the tabs show changed (unread counts, a call ringing, the video size). */
  changed(): void;
  /** A customer wrote or called while the console may be in the background. */
  notify(what: 'message' | 'call'): void;
  /** The relay link that carries `sessionId` now (another relay's, after a redirect): file chunks travel on its media channel (null while there is none). */
  link(sessionId?: string): Pick<RelayConnection, 'sendMedia' | 'mediaBufferedAmount'> | null;
}

export class AgentSession {
  readonly collab: CollabSession;
  /** Files and folders to and from the customer's PC (capability `file-transfer`). */
  readonly files: FileTransferSession;
  /** The session's clipboard rules (capability clipboard-sync), kept for the picture's clipboard. */
  clipboardPolicy: ClipboardPolicy | null = null;
  /** Video guidance: asking for the customer's camera or screen, and what the picture shows. */
  readonly camera: CameraControl;
  /** Privacy curtain: asking to hide the customer's monitors from the customer, and its state. */
  readonly curtain: CurtainControl;
  private remoteSession: RemoteSession | null = null;
  private voiceCall: VoiceCall | null = null;
  /** A stream config that arrived (over the data channel) before session-started (over the socket). */
  private earlyConfig: StreamConfig | null = null;
  private isDisposed = false;

  constructor(
    readonly sessionId: string,
    private readonly host: SessionHost,
  ) {
    this.collab = new CollabSession(sessionId, 'agent', (m) => host.sendCtl(m));
    this.files = new FileTransferSession(sessionId, 'agent', {
      sendCtl: (m) => host.sendCtl(m),
      sendChunk: (b) => host.link(sessionId)?.sendMedia(b) ?? false,
      bufferedAmount: () => host.link(sessionId)?.mediaBufferedAmount ?? 0,
    });
    acceptRequestedFiles(this.files);
    this.camera = new CameraControl(sessionId, (m) => host.sendCtl(m));
    this.curtain = new CurtainControl(sessionId, (m) => host.sendCtl(m));
    this.collab.onIncoming = () => {
      host.changed(); // unread counts in the tabs
      host.notify('message');
    };
  }

  /** The started session's picture, input and stats; it outlives `end()` so the tab keeps its last picture. */
  get remote(): RemoteSession | null {
    return this.remoteSession;
  }

  /** The stream this session's media frames carry, while its picture runs. */
  get liveStreamId(): number | null {
    const r = this.remoteSession;
    return r && !r.closed ? r.streamId : null;
  }

  /** The customer accepted: the picture (and input, if granted) starts, with any config that came first. */
  start(streamId: number, hasControl: boolean, mode: QualityMode): void {
    if (this.isDisposed || this.remoteSession) return;
    // No input while the picture is the customer's camera (the relay would refuse every event).
    const sendCtl = (m: CtlToRelay) => (m.type === 'input' && this.camera.getSnapshot().shown !== 'screen' ? false : this.host.sendCtl(m));
    this.remoteSession = new RemoteSession(this.sessionId, streamId, hasControl, sendCtl, () => this.host.changed(), mode);
    if (this.clipboardPolicy) void this.remoteSession.clipboard?.onCtl(this.clipboardPolicy);
    const early = this.earlyConfig;
    this.earlyConfig = null;
    if (early) this.remoteSession.configure(early);
  }

  configure(config: StreamConfig): void {
    if (this.isDisposed) return;
    if (this.remoteSession) this.remoteSession.configure(config);
    else this.earlyConfig = config;
  }

  /** The call on `link`, created on first use (null without a link). */
  voice(link: VoiceLink | null): VoiceCall | null {
    if (this.isDisposed) return null;
    if (!this.voiceCall && link) {
      const call = new VoiceCall(this.sessionId, 'agent', link);
      let lastState = call.snapshot.state;
      call.subscribe(() => {
        const state = call.snapshot.state;
        if (state === lastState) return;
        lastState = state;
        this.host.changed(); // the tab shows a ringing call; other sessions' Call buttons follow this one
        if (state === 'incoming') this.host.notify('call');
      });
      this.voiceCall = call;
    }
    return this.voiceCall;
  }

  /** Calling or talking right now (one call at a time per seat). */
  get isInCall(): boolean {
    const state = this.voiceCall?.snapshot.state;
    return state === 'active' || state === 'outgoing';
  }

  /** The call this session has, without creating one. */
  get currentVoice(): VoiceCall | null {
    return this.voiceCall;
  }

  /** The link dropped and the session waits to be resumed: the call ends (its audio was on that link); the rest goes on. */
  endCall(): void {
    this.voiceCall?.close();
    this.voiceCall = null;
    this.host.changed();
  }

  /** The session is over, or the link that carried it is gone: picture, input and call stop; chat and canvas stay. */
  end(): void {
    this.voiceCall?.close();
    this.voiceCall = null;
    this.earlyConfig = null;
    this.remoteSession?.close();
  }

  /** Idempotent. The tab is closed (or the agent signed out): everything goes. */
  dispose(): void {
    if (this.isDisposed) return;
    this.end();
    this.isDisposed = true;
    this.remoteSession?.canvas.remove();
    this.collab.close();
    this.files.dispose();
  }
}
