/**
 * The privacy curtain in the console (capability `privacy-curtain`): the session's agent asks to
 * hide the customer's monitors from the customer, or to lower the curtain; the customer answers
 * and tells what the curtain is now (on, off and why, or unavailable on that PC). Monitors and
 * guests of the session hear the state too. Pure (no DOM): the view subscribes to it.
 */
import { Store } from '@beacon/shared/client/Store';
import type { CtlToRelay, CurtainCtl, CurtainReason, CurtainState } from '@beacon/shared/protocol';

export interface CurtainControlSnapshot {
  state: CurtainState;
  /** Why it is in that state (null before the customer said anything). */
  reason: CurtainReason | null;
  /** An ask (to raise or lower it) waits for the customer. */
  isAsking: boolean;
  /** The customer said no to the last ask (cleared by the next ask). */
  isDeclined: boolean;
}

export class CurtainControl {
  private readonly store = new Store<CurtainControlSnapshot>({ state: 'off', reason: null, isAsking: false, isDeclined: false });

  constructor(
    readonly sessionId: string,
    private readonly sendCtl: (msg: CtlToRelay) => boolean,
  ) {}

  readonly subscribe = this.store.subscribe;
  readonly getSnapshot = this.store.getSnapshot;

  /** The toolbar toggle: raise it when it is down, lower it when it is up. False if the message could not be sent. */
  toggle(): boolean {
    const snap = this.getSnapshot();
    if (snap.isAsking) return false;
    const sent = this.sendCtl({ type: 'curtain-request', sessionId: this.sessionId, up: snap.state !== 'on' });
    if (sent) this.set({ isAsking: true, isDeclined: false });
    return sent;
  }

  onCtl(msg: CurtainCtl): void {
    if (msg.sessionId !== this.sessionId) return;
    if (msg.type === 'curtain-answer') this.set(msg.granted ? {} : { isAsking: false, isDeclined: true });
    else if (msg.type === 'curtain-state') this.set({ state: msg.state, reason: msg.reason, isAsking: false });
  }

  /** The relay refused an ask (e.g. it is already up): nothing is waiting any more. */
  askRefused(): void {
    if (this.getSnapshot().isAsking) this.set({ isAsking: false });
  }

  private set(patch: Partial<CurtainControlSnapshot>): void {
    this.store.set({ ...this.getSnapshot(), ...patch });
  }
}
