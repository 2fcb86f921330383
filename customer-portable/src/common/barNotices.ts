/**
 * What the session bar tells the customer about remote control besides who is connected: the
 * monitor the agent sees (when there is more than one), and, for a while, that the agent read
 * or wrote this PC's clipboard. A small external store for `useSyncExternalStore`.
 */
import type { MonitorSelection } from './MonitorSelection.ts';

/** How long the clipboard notice stays on the bar. */
export const CLIPBOARD_NOTICE_MS = 15_000;

export type MonitorShown = { kind: 'all' } | { kind: 'one'; name: string; index: number } | null;

export interface BarNoticeState {
  monitor: MonitorShown;
  /** `chars`: of text, or bytes of an image (`kind`). */
  clipboard: { op: 'read' | 'write'; chars: number; kind: 'text' | 'image' } | null;
}

const EMPTY: BarNoticeState = { monitor: null, clipboard: null };

export class BarNotices {
  private state: BarNoticeState = EMPTY;
  private readonly listeners = new Set<() => void>();
  private clipboardTimer: ReturnType<typeof setTimeout> | null = null;

  readonly subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  readonly getSnapshot = (): BarNoticeState => this.state;

  /** The monitor the picture shows now (nothing when the PC has one monitor). */
  monitorShown(sel: MonitorSelection): void {
    const i = sel.monitors.findIndex((m) => m.id === sel.choice);
    const m = sel.monitors[i];
    const monitor: MonitorShown = sel.monitors.length < 2 ? null : m ? { kind: 'one', name: m.name, index: i + 1 } : { kind: 'all' };
    this.set({ ...this.state, monitor });
  }

  /** The agent read (`read`) or wrote (`write`) this PC's clipboard. */
  clipboardUsed(op: 'read' | 'write', chars: number, kind: 'text' | 'image' = 'text'): void {
    if (this.clipboardTimer) clearTimeout(this.clipboardTimer);
    this.clipboardTimer = setTimeout(() => {
      this.clipboardTimer = null;
      this.set({ ...this.state, clipboard: null });
    }, CLIPBOARD_NOTICE_MS);
    this.set({ ...this.state, clipboard: { op, chars, kind } });
  }

  /** The session is over. */
  clear(): void {
    if (this.clipboardTimer) clearTimeout(this.clipboardTimer);
    this.clipboardTimer = null;
    this.set(EMPTY);
  }

  private set(next: BarNoticeState): void {
    this.state = next;
    for (const l of [...this.listeners]) l();
  }
}
