/**
 * Which of the customer's monitors the session's picture shows (the agent's choice), with what
 * the capture covers: the monitors offered are those inside the captured desktop rectangle,
 * the crop is where the chosen one lies in a captured frame, and the region is what the
 * injector maps the agent's input onto. Plain TS (the renderer crops VideoFrames with it).
 */
import type { MonitorsResult } from '@beacon/shared/ipc';
import { ALL_MONITORS, type CtlToRelay, type Monitor, type MonitorChoice } from '@beacon/shared/protocol';
import { contains, cropRect, desktopBounds, shownRegion, type Rect, type Size } from './monitors.ts';

export class MonitorSelection {
  /** The monitors the capture shows whole, in the OS's order. */
  readonly monitors: readonly Monitor[];
  private readonly captured: Rect;
  private current: MonitorChoice = ALL_MONITORS;

  constructor(result: MonitorsResult) {
    this.captured = result.captured;
    const inside = result.monitors.filter((m) => contains(result.captured, m));
    // A capture that shows no monitor whole (it should not happen) is offered as one.
    this.monitors = inside.length > 0 ? inside : [{ id: 'screen', name: '', ...result.captured, scaleFactor: 1, primary: true }];
    if (this.monitors.length === 1) this.current = this.monitors[0]!.id;
  }

  get choice(): MonitorChoice {
    return this.current;
  }

  /** Shows `choice` from now on; false if it is not one of the monitors (nothing changes). */
  select(choice: MonitorChoice): boolean {
    if (choice !== ALL_MONITORS && !this.monitors.some((m) => m.id === choice)) return false;
    if (choice === ALL_MONITORS && this.monitors.length === 1) choice = this.monitors[0]!.id;
    this.current = choice;
    return true;
  }

  /** The desktop rectangle the picture shows now. */
  region(): Rect {
    return this.current === ALL_MONITORS ? desktopBounds(this.monitors) : shownRegion(this.monitors, this.current);
  }

  /** Where the picture lies in a captured frame of this size, or null when it is the whole frame. */
  cropIn(frame: Size): Rect | null {
    const crop = cropRect(this.region(), this.captured, frame);
    return crop.x === 0 && crop.y === 0 && crop.width === frame.width && crop.height === frame.height ? null : crop;
  }

  /** The message that tells the agent the monitors and the one shown. */
  listMessage(sessionId: string): CtlToRelay {
    return { type: 'monitor-list', sessionId, monitors: [...this.monitors], shown: this.current };
  }
}
