/**
 * A session's call with several agents as one client sees it (capability `voice-multi`): who is
 * in it (muted, listening only) from the relay's `voice-room`, and the stream of each of this
 * client's listen lines, for an `<audio>` element each. Missing listen lines are added on the
 * link when the relay names more than it has.
 */
import type { VoiceMember, VoiceMemberId, VoiceMultiCtlFromRelay } from '../protocol.ts';

/** What the room needs of the link (RelayConnection's ListenLines). */
export interface ListenLink {
  readonly tracks: readonly MediaStreamTrack[];
  ensure(count: number): Promise<void>;
  readonly onTrack: { on(l: (index: number, track: MediaStreamTrack) => void): () => void };
}

export interface VoiceRoomSnapshot {
  members: readonly VoiceMember[];
  /** Who is heard on each listen line, and the line's stream (null until the line exists). */
  lines: readonly { who: VoiceMemberId | null; stream: MediaStream | null }[];
}

const EMPTY: VoiceRoomSnapshot = { members: [], lines: [] };

export class VoiceRoomState {
  private snap: VoiceRoomSnapshot = EMPTY;
  private who: (VoiceMemberId | null)[] = [];
  private readonly streams = new Map<MediaStreamTrack, MediaStream>();
  private readonly stopTracks: () => void;

  constructor(
    private readonly listen: ListenLink | null,
    private readonly changed: () => void,
  ) {
    this.stopTracks = listen?.onTrack.on(() => this.refresh()) ?? (() => undefined);
  }

  get snapshot(): VoiceRoomSnapshot {
    return this.snap;
  }

  /** The relay's view of the call changed (empty: the call is over for this client). */
  handle(msg: Extract<VoiceMultiCtlFromRelay, { type: 'voice-room' }>): void {
    this.who = [...msg.lines];
    this.snap = { ...this.snap, members: msg.members };
    if (this.listen && msg.lines.length > this.listen.tracks.length) void this.listen.ensure(msg.lines.length).then(() => this.refresh());
    this.refresh();
  }

  close(): void {
    this.stopTracks();
    this.snap = EMPTY;
  }

  private refresh(): void {
    const tracks = this.listen?.tracks ?? [];
    this.snap = { members: this.snap.members, lines: this.who.map((who, i) => ({ who, stream: this.streamOf(tracks[i]) })) };
    this.changed();
  }

  private streamOf(track: MediaStreamTrack | undefined): MediaStream | null {
    if (!track) return null;
    let s = this.streams.get(track);
    if (!s) {
      s = new MediaStream([track]);
      this.streams.set(track, s);
    }
    return s;
  }
}
