/**
 * The forwarding plan of one session's call with several agents (capability `voice-multi`):
 * who is in it, and for each packet a speaker sends, which listeners' lines it goes to. The
 * relay never mixes: each speaker's Opus stream reaches each listener on a line of its own,
 * with the header rewritten for that line (AudioLegs / RtpRewriter).
 *
 * Every member listens on its voice line to its main peer (an agent to the customer, the
 * customer to the session's agent, the owner), and on its listen lines to every other speaker.
 * A speaker keeps its listen line at a listener for as long as both stay in the call: one who
 * joins takes the first free line, one who leaves frees its own and moves nobody, so the
 * others' audio never stops for a join or a leave. A monitor listens and is never heard; a
 * muted member is silenced at the relay (its packets go nowhere).
 *
 * The customer and the owner forward to each other's voice line through VoiceHandler's
 * two-party call as before; this plan leaves that pair out (`isParty`).
 */
import type { VoiceMember, VoiceMemberId, VoiceMemberRole } from '@beacon/shared/protocol';

export interface RoomMember extends VoiceMember {
  /** The connection carrying the member's audio lines. */
  connId: string;
}

/** Where one packet goes: a listener's voice line, or its listen line `line`. */
export type Route = { connId: string; line: 'voice' } | { connId: string; line: number };

const isParty = (role: VoiceMemberRole): boolean => role === 'customer' || role === 'owner';

export class VoiceRoom {
  /** In the order they came (the customer and the owner first). */
  private readonly members = new Map<VoiceMemberId, RoomMember>();
  /** listener -> its listen lines: who it hears on each (null: silent). */
  private readonly lines = new Map<VoiceMemberId, (VoiceMemberId | null)[]>();

  constructor(customer: RoomMember, owner: RoomMember) {
    this.members.set(customer.id, customer);
    this.members.set(owner.id, owner);
  }

  get list(): RoomMember[] {
    return [...this.members.values()];
  }

  get(id: VoiceMemberId): RoomMember | null {
    return this.members.get(id) ?? null;
  }

  byConn(connId: string): RoomMember | null {
    return this.list.find((m) => m.connId === connId) ?? null;
  }

  /** A participant joins (or is replaced by a newer entry of the same ID). */
  add(m: RoomMember): void {
    this.members.set(m.id, m);
    this.replan();
  }

  /** False if it was not in the call. The customer and the owner leave only with the call. */
  remove(id: VoiceMemberId): boolean {
    const m = this.members.get(id);
    if (!m || isParty(m.role)) return false;
    this.members.delete(id);
    this.lines.delete(id);
    this.replan();
    return true;
  }

  /** False if nothing changed. */
  setMuted(id: VoiceMemberId, isMuted: boolean): boolean {
    const m = this.members.get(id);
    if (!m || m.isMuted === isMuted) return false;
    m.isMuted = isMuted;
    return true;
  }

  /** `listener`'s listen lines now. */
  linesOf(listener: VoiceMemberId): (VoiceMemberId | null)[] {
    return [...(this.lines.get(listener) ?? [])];
  }

  /** Where a packet from `speaker` goes now: nowhere if it is muted, listens only, or is not in the call. */
  routes(speaker: VoiceMemberId): Route[] {
    const from = this.members.get(speaker);
    if (!from || from.isMuted || from.isListenOnly) return [];
    const out: Route[] = [];
    for (const to of this.members.values()) {
      if (to === from || (isParty(to.role) && isParty(from.role))) continue;
      if (mainPeerOf(to.role) === from.role) {
        out.push({ connId: to.connId, line: 'voice' });
        continue;
      }
      const line = this.lines.get(to.id)?.indexOf(speaker) ?? -1;
      if (line >= 0) out.push({ connId: to.connId, line });
    }
    return out;
  }

  /** Each listener's listen lines after a join or a leave: the speakers that stay keep theirs. */
  private replan(): void {
    for (const listener of this.members.values()) {
      const wanted = this.list.filter((s) => s !== listener && !s.isListenOnly && !this.isMainPeer(listener, s)).map((s) => s.id);
      const lines = (this.lines.get(listener.id) ?? []).map((id) => (id !== null && wanted.includes(id) ? id : null));
      for (const id of wanted) {
        if (lines.includes(id)) continue;
        const free = lines.indexOf(null);
        if (free >= 0) lines[free] = id;
        else lines.push(id);
      }
      while (lines.length > 0 && lines[lines.length - 1] === null) lines.pop();
      this.lines.set(listener.id, lines);
    }
  }

  private isMainPeer(listener: RoomMember, speaker: RoomMember): boolean {
    return mainPeerOf(listener.role) === speaker.role;
  }
}

/** Who a member hears on its voice line: the customer hears the owner, every agent the customer. */
export function mainPeerOf(role: VoiceMemberRole): VoiceMemberRole {
  return role === 'customer' ? 'owner' : 'customer';
}
