/**
 * The console's side of several agents in one session (capability `desk-multi`): who takes
 * part in each session and who holds the keyboard and mouse (`session-participants`), the
 * invitations made to this agent, and the other agents' pointers on each picture
 * (`peer-pointer`). The relay enforces every rule; this only keeps the console from sending
 * what would be refused (input while another agent has control) and shows where things stand.
 */
import type { RoleConnection } from '@beacon/shared/browser/RelayLink';
import { Store } from '@beacon/shared/client/Store';
import { MultiRelayToAgent, type CtlFromRelay, type Participant, type RelayToClient } from '@beacon/shared/protocol';
import { randomId } from '@beacon/shared/browser/randomId';

export interface SessionPeople {
  participants: readonly Participant[];
  controllerId: number;
}

export interface Invitation {
  sessionId: string;
  fromAgentName: string;
  customerName: string | null;
  /** Set: the session is being handed to this agent (a session opened with an ID and code), with the note. */
  handover?: { note: string } | undefined;
}

export interface PeerPointer {
  agentId: number;
  name: string;
  x: number;
  y: number;
}

export interface MultiSnapshot {
  /** The relay speaks `desk-multi` on the current link. */
  isOn: boolean;
  /** By session ID; absent: nobody else takes part. */
  people: Readonly<Record<string, SessionPeople>>;
  invitations: readonly Invitation[];
  /** The latest answer to an invitation this agent made (shown until dismissed). */
  answered: { sessionId: string; agentName: string; isAccepted: boolean } | null;
  /** Other agents' pointers on each session's picture. */
  pointers: Readonly<Record<string, readonly PeerPointer[]>>;
}

const OFF: MultiSnapshot = { isOn: false, people: {}, invitations: [], answered: null, pointers: {} };
/** A console sends its pointer at most this often. */
export const POINTER_INTERVAL_MS = 100;

export class AgentMulti {
  private readonly store = new Store<MultiSnapshot>(OFF);
  private lastPointerAt = 0;
  private pendingPointer: { sessionId: string; at: { x: number; y: number } | null } | null = null;
  private pointerTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    /** The link that carries `sessionId` (another relay's, for a session it holds), else the home link. */
    private readonly link: (sessionId?: string) => RoleConnection<'agent'> | null,
    private readonly myId: () => number | null,
  ) {}

  readonly getSnapshot = this.store.getSnapshot;
  readonly subscribe = this.store.subscribe;

  attached(conn: RoleConnection<'agent'>): void {
    this.store.set({ ...OFF, isOn: conn.capabilities.has('desk') && conn.capabilities.has('desk-multi') });
  }

  detached(): void {
    this.store.set(OFF);
  }

  onRelayMessage(msg: RelayToClient): void {
    const s = this.getSnapshot();
    if (msg.type === 'session-ended' || msg.type === 'session-handed-over') return this.forget(msg.sessionId);
    const r = MultiRelayToAgent.safeParse(msg);
    if (!r.success) return;
    const m = r.data;
    switch (m.type) {
      case 'session-participants':
        this.store.set({ ...s, people: { ...s.people, [m.sessionId]: { participants: m.participants, controllerId: m.controllerId } } });
        return;
      case 'session-invitation':
        this.store.set({ ...s, invitations: [...s.invitations.filter((i) => i.sessionId !== m.sessionId), m] });
        return;
      case 'invite-answered':
        this.store.set({ ...s, answered: m });
        return;
    }
  }

  onCtl(msg: CtlFromRelay): void {
    if (msg.type !== 'peer-pointer') return;
    const s = this.getSnapshot();
    const others = (s.pointers[msg.sessionId] ?? []).filter((p) => p.agentId !== msg.agentId);
    const next = msg.at ? [...others, { agentId: msg.agentId, name: msg.name, ...msg.at }] : others;
    this.store.set({ ...s, pointers: { ...s.pointers, [msg.sessionId]: next } });
  }

  /** How this agent takes part in the session (null: nobody else does, or it is not known). */
  myRole(sessionId: string): Participant['role'] | null {
    const me = this.myId();
    return this.getSnapshot().people[sessionId]?.participants.find((p) => p.agentId === me)?.role ?? null;
  }

  /** Whether this console's input for the session would reach the customer (it holds control, or nobody else takes part). */
  mayInput(sessionId: string): boolean {
    const people = this.getSnapshot().people[sessionId];
    return !people || people.controllerId === this.myId();
  }

  monitor(sessionId: string): void {
    this.link()?.sendSignal({ type: 'session-monitor', requestId: randomId(), sessionId });
  }

  join(sessionId: string): void {
    this.link()?.sendSignal({ type: 'session-join', requestId: randomId(), sessionId });
  }

  invite(sessionId: string, agentId: number): void {
    this.link()?.sendSignal({ type: 'session-invite', requestId: randomId(), sessionId, agentId });
  }

  answer(sessionId: string, isAccepted: boolean): void {
    this.link()?.sendSignal({ type: 'invite-answer', requestId: randomId(), sessionId, isAccepted });
    const s = this.getSnapshot();
    this.store.set({ ...s, invitations: s.invitations.filter((i) => i.sessionId !== sessionId) });
  }

  dismissAnswer(): void {
    this.store.set({ ...this.getSnapshot(), answered: null });
  }

  leave(sessionId: string): void {
    this.link(sessionId)?.sendSignal({ type: 'session-leave', sessionId });
  }

  /** The owner: control to this agent (its own ID: back to the owner). */
  passControl(sessionId: string, agentId: number): void {
    this.link(sessionId)?.sendSignal({ type: 'control-pass', requestId: randomId(), sessionId, agentId });
  }

  /** This agent's pointer on the picture (video pixels; null: it left), sent at most every POINTER_INTERVAL_MS, the last one always. */
  pointer(sessionId: string, at: { x: number; y: number } | null): void {
    if (!this.getSnapshot().people[sessionId]) return;
    this.pendingPointer = { sessionId, at: at && { x: Math.round(at.x), y: Math.round(at.y) } };
    if (this.pointerTimer) return;
    const wait = Math.max(0, this.lastPointerAt + POINTER_INTERVAL_MS - Date.now());
    this.pointerTimer = setTimeout(() => {
      this.pointerTimer = null;
      const p = this.pendingPointer;
      this.pendingPointer = null;
      this.lastPointerAt = Date.now();
      if (p) this.link(p.sessionId)?.sendCtl({ type: 'pointer', sessionId: p.sessionId, at: p.at });
    }, wait);
  }

  private forget(sessionId: string): void {
    const s = this.getSnapshot();
    if (!(sessionId in s.people) && !(sessionId in s.pointers)) return;
    const { [sessionId]: _p, ...people } = s.people;
    const { [sessionId]: _q, ...pointers } = s.pointers;
    this.store.set({ ...s, people, pointers });
  }
}
