/**
 * The agent's side of the customer's monitors (capability `monitors`): the list the customer
 * sent, the monitor its picture shows, and the agent's choice, sent to the customer. The picture
 * changes without a reconnect; the customer confirms with a new list.
 */
import { ALL_MONITORS, type CtlToRelay, type Monitor, type MonitorChoice, type MonitorCtl } from '@beacon/shared/protocol';

export interface MonitorEntry {
  choice: MonitorChoice;
  /** 1-based position in the customer's list (0 for all monitors). */
  index: number;
  monitor: Monitor | null;
}

export class MonitorPicker {
  monitors: readonly Monitor[] = [];
  shown: MonitorChoice | null = null;
  /** The choice sent and not yet confirmed by the customer's list. */
  pending: MonitorChoice | null = null;

  constructor(
    private readonly sessionId: string,
    private readonly sendCtl: (msg: CtlToRelay) => boolean,
    private readonly onChange: () => void,
  ) {}

  /** Whether there is anything to choose between. */
  get hasChoice(): boolean {
    return this.monitors.length > 1;
  }

  /** What the menu offers: all monitors first, then each monitor in the customer's order. */
  entries(): MonitorEntry[] {
    const one = this.monitors.map((monitor, i) => ({ choice: monitor.id, index: i + 1, monitor }));
    return [{ choice: ALL_MONITORS, index: 0, monitor: null }, ...one];
  }

  select(choice: MonitorChoice): void {
    if (choice === this.shown) return;
    if (this.sendCtl({ type: 'monitor-select', sessionId: this.sessionId, monitor: choice })) {
      this.pending = choice;
      this.onChange();
    }
  }

  onList(msg: Extract<MonitorCtl, { type: 'monitor-list' }>): void {
    this.monitors = msg.monitors;
    this.shown = msg.shown;
    if (this.pending === msg.shown) this.pending = null;
    this.onChange();
  }
}
