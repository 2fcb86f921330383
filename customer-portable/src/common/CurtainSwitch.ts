/**
 * The privacy curtain on the customer's side (capability `privacy-curtain`): the agent asks to
 * hide the customer's monitors; the customer answers in a dialog; after a yes main raises the
 * curtain windows (main/CurtainWindows.ts) and the agent is told it is on. The customer lifts it
 * at any time (the Stop button on the curtain, the hotkey, or Lift in the session window), the
 * agent may lower it, and it comes down with the session.
 *
 * Where main cannot keep a window out of the capture (or in the browser build, which has no
 * main), nothing is asked: the agent is told at once that the curtain is unavailable here,
 * instead of a curtain the agent would see.
 *
 * A dropped link does not lower it: the session (and this object) lives through the resume
 * grace, so the curtain stays until the link is back or the session ends. Pure: no DOM.
 */
import { Store } from '@beacon/shared/client/Store';
import { CurtainLiftedEvent, type CustomerBridge } from '@beacon/shared/ipc';
import { parseUnknown } from '@beacon/shared/parse';
import type { CtlToRelay, CurtainCtl, CurtainReason, CurtainState } from '@beacon/shared/protocol';

export interface CurtainSnapshot {
  /** The agent's open ask, waiting for the customer's answer. */
  isAsked: boolean;
  state: CurtainState;
  /** The customer said yes and main is raising it. */
  isRaising: boolean;
  /** The curtain could not be shown after a yes. */
  hasFailed: boolean;
}

export interface CurtainHost {
  sendCtl(msg: CtlToRelay): boolean;
  bridge: CustomerBridge | undefined;
}

/** What the curtain page shows: who works on the PC, in the customer's language. */
export interface CurtainWording {
  orgName: string;
  locale: string;
}

const INITIAL: CurtainSnapshot = { isAsked: false, state: 'off', isRaising: false, hasFailed: false };

export class CurtainSwitch {
  private readonly store = new Store<CurtainSnapshot>(INITIAL);
  /** Listens to main for the customer's lift while the curtain is up. */
  private unsubscribeLifted: (() => void) | null = null;
  private isDisposed = false;
  /** The last state the link could not carry (sent again on resume). */
  private unsent: CurtainCtl | null = null;

  constructor(
    readonly sessionId: string,
    private readonly host: CurtainHost,
  ) {}

  readonly subscribe = this.store.subscribe;
  readonly getSnapshot = this.store.getSnapshot;

  /** A `curtain-*` message of this session from the relay. */
  async onCtl(msg: CurtainCtl): Promise<void> {
    if (this.isDisposed || msg.sessionId !== this.sessionId || msg.type !== 'curtain-request') return;
    if (!msg.up) return this.lift('agent-lifted');
    if (!(await this.isSupported())) return this.tell('unavailable', 'unsupported');
    this.set({ isAsked: true, hasFailed: false });
  }

  /** The customer agreed: main raises the curtain on every monitor, then the agent is told. */
  async accept(wording: CurtainWording): Promise<void> {
    const raise = this.host.bridge?.raiseCurtain;
    if (!this.getSnapshot().isAsked || !raise) return;
    this.set({ isAsked: false, isRaising: true });
    this.send({ type: 'curtain-answer', sessionId: this.sessionId, granted: true });
    let isUp = false;
    try {
      isUp = (await raise(wording)).ok;
    } catch (err) {
      console.error('[beacon] the curtain could not be raised', err);
    }
    if (this.isDisposed) return void this.lower();
    if (!isUp) {
      this.set({ isRaising: false, hasFailed: true });
      return this.tell('unavailable', 'failed');
    }
    this.set({ isRaising: false });
    this.unsubscribeLifted ??= this.host.bridge?.onCurtainLifted?.((e) => this.cameDown(e)) ?? null;
    this.tell('on', 'consented');
  }

  /** The customer said no: nothing goes up. */
  decline(): void {
    if (!this.getSnapshot().isAsked) return;
    this.set({ isAsked: false });
    this.send({ type: 'curtain-answer', sessionId: this.sessionId, granted: false });
  }

  /** Back on a new link (resumed): a state the lost link did not carry is told again. */
  resumed(): void {
    const msg = this.unsent;
    this.unsent = null;
    if (msg) this.send(msg);
  }

  /** The curtain comes down (the customer lifted it, or the agent asked, or main lost it); the agent is told. */
  async lift(reason: Extract<CurtainReason, 'customer-lifted' | 'agent-lifted' | 'failed'>): Promise<void> {
    if (this.isDisposed || this.getSnapshot().state !== 'on') return;
    await this.lower();
    this.tell('off', reason);
  }

  /** Idempotent. The session is over: the curtain comes down with it. */
  dispose(): void {
    if (this.isDisposed) return;
    const wasUp = this.getSnapshot().state === 'on' || this.getSnapshot().isRaising;
    this.isDisposed = true;
    if (wasUp) void this.lower();
    this.store.dispose();
  }

  /** Main says the curtain came down by itself (Stop, the hotkey, or a window gone). */
  private cameDown(event: unknown): void {
    const r = parseUnknown(CurtainLiftedEvent, event, 'ipc curtain-lifted');
    void this.lift(r.ok ? r.value.why : 'customer-lifted');
  }

  private async isSupported(): Promise<boolean> {
    const b = this.host.bridge;
    if (!b?.curtainSupport || !b.raiseCurtain) return false;
    try {
      return (await b.curtainSupport()).isSupported;
    } catch (err) {
      console.error('[beacon] main could not tell whether the curtain is supported', err);
      return false;
    }
  }

  private async lower(): Promise<void> {
    this.unsubscribeLifted?.();
    this.unsubscribeLifted = null;
    try {
      await this.host.bridge?.lowerCurtain?.();
    } catch (err) {
      console.error('[beacon] the curtain could not be lowered', err);
    }
  }

  private tell(state: CurtainState, reason: CurtainReason): void {
    this.set({ state });
    this.send({ type: 'curtain-state', sessionId: this.sessionId, state, reason });
  }

  private send(msg: CurtainCtl): void {
    if (this.isDisposed) return;
    // Only the state matters after a drop (an answer to an ask is moot by then).
    if (!this.host.sendCtl(msg) && msg.type === 'curtain-state') this.unsent = msg;
    else if (msg.type === 'curtain-state') this.unsent = null;
  }

  private set(patch: Partial<CurtainSnapshot>): void {
    if (!this.isDisposed) this.store.set({ ...this.getSnapshot(), ...patch });
  }
}
